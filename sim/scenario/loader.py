"""Load scenario files: YAML with ``extends:``, and every problem reported at once with its line.

A scenario may extend another file (path relative to itself): mappings merge key by key, lists
and scalars replace. Each value remembers the file and line it came from, so that a validation
error reads ``scenarios/x.yaml:12: channels.phone.agents_by_hour[3]: must be >= 0``.
"""

from __future__ import annotations

import difflib
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sim.scenario.errors import Loc, Problem, ScenarioError, dotted
from sim.scenario.model import Scenario
from sim.scenario.uncertain_settings import extract_inline


# ---- YAML with line numbers -----------------------------------------------------------------
def _parse(path: Path, shown: str) -> tuple[dict, dict[Loc, tuple[str, int]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ScenarioError([Problem(shown, 0, "", f"not a UTF-8 text file ({e.reason})")]) from None
    except OSError as e:
        raise ScenarioError([Problem(shown, 0, "", f"cannot read file: {e.strerror}")]) from None
    loader = yaml.SafeLoader(text)
    lines: dict[Loc, tuple[str, int]] = {}
    try:
        node = loader.get_single_node()

        def build(n: yaml.Node, loc: Loc) -> Any:
            if isinstance(n, yaml.MappingNode):
                loader.flatten_mapping(n)
                out: dict = {}
                for k, v in n.value:
                    key = loader.construct_object(k, deep=True)
                    if not isinstance(key, (str, int)) or isinstance(key, bool):
                        raise ScenarioError([Problem(shown, k.start_mark.line + 1, dotted(loc), f"key {key!r} is not a name")])
                    if key in out:
                        raise ScenarioError([Problem(shown, k.start_mark.line + 1, dotted(loc + (key,)), "duplicate key")])
                    lines[loc + (key,)] = (shown, k.start_mark.line + 1)
                    out[key] = build(v, loc + (key,))
                return out
            if isinstance(n, yaml.SequenceNode):
                items = []
                for i, v in enumerate(n.value):
                    lines[loc + (i,)] = (shown, v.start_mark.line + 1)
                    items.append(build(v, loc + (i,)))
                return items
            return loader.construct_object(n, deep=True)

        data = build(node, ()) if node is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 0
        raise ScenarioError([Problem(shown, line, "", f"YAML syntax error: {e.problem or e}")]) from None
    except yaml.YAMLError as e:
        raise ScenarioError([Problem(shown, 0, "", f"YAML error: {e}")]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ScenarioError([Problem(shown, 1, "", "a scenario file must be a mapping of settings (key: value)")])
    lines[()] = (shown, 1)
    return data, lines


def _merge(base: dict, over: dict, base_lines: dict, over_lines: dict, loc: Loc = ()) -> dict:
    out = dict(base)
    for key, value in over.items():
        sub = loc + (key,)
        if isinstance(value, dict) and isinstance(out.get(key), dict) and not _is_dist(value) and not _is_dist(out[key]):
            out[key] = _merge(out[key], value, base_lines, over_lines, sub)
        else:
            for stale in [p for p in base_lines if p[: len(sub)] == sub]:
                del base_lines[stale]
            out[key] = value
    return out


def _is_dist(value: dict) -> bool:
    """A distribution given in place of a number replaces whatever was there; it is never merged."""
    return "dist" in value or "prior" in value


def _load_raw(path: Path, chain: tuple[Path, ...], shown: str, ref: tuple[str, int] | None) -> tuple[dict, dict]:
    real = path.resolve()
    if not path.is_file():
        where = Problem(ref[0], ref[1], "extends", f"file not found: {path}") if ref else Problem(shown, 0, "", "file not found")
        raise ScenarioError([where])
    if real in chain:
        cycle = " -> ".join(p.name for p in chain + (real,))
        raise ScenarioError([Problem(ref[0], ref[1], "extends", f"extends cycle: {cycle}")])
    data, lines = _parse(path, shown)
    parent = data.get("extends")
    if parent is None:
        return data, lines
    if not isinstance(parent, str) or not parent.strip():
        raise ScenarioError([Problem(shown, lines[("extends",)][1], "extends", "must be a file path")])
    parent_path = path.parent / parent
    pdata, plines = _load_raw(parent_path, chain + (real,), str(parent_path), lines[("extends",)])
    merged = _merge(pdata, data, plines, lines)
    plines.update(lines)
    return merged, plines


# ---- pydantic errors -> problems ------------------------------------------------------------
def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin is typing.Union:
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
            else:
                return tuple(_unwrap(a) for a in args)  # a union: members in a tuple
        else:
            return tp


def _walk(loc: Loc) -> tuple[Loc, Any]:
    """Data path of a pydantic error location (union tags dropped) and the type that holds its last key."""
    path: list = []
    cur: Any = Scenario
    parent: Any = None
    for part in loc:
        cur = _unwrap(cur)
        parent = cur
        if isinstance(cur, tuple):  # discriminated union: ``part`` is the tag
            tagged = [m for m in cur if isinstance(m, type) and issubclass(m, BaseModel)
                      and part in typing.get_args(m.model_fields["type"].annotation)]
            if tagged:
                cur = tagged[0]
                continue
            cur = None
        elif isinstance(cur, type) and issubclass(cur, BaseModel):
            field = cur.model_fields.get(part)
            cur = field.annotation if field else None
        elif typing.get_origin(cur) in (tuple, list):
            cur = typing.get_args(cur)[0]
        else:
            cur = None
        path.append(part)
    return tuple(path), parent


def _message(err: dict, path: Loc, parent: Any) -> str:
    kind, msg = err["type"], err["msg"]
    if kind == "extra_forbidden":
        names = list(parent.model_fields) if isinstance(parent, type) and issubclass(parent, BaseModel) else []
        close = difflib.get_close_matches(str(path[-1]), names, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else (f" (valid: {', '.join(names)})" if names else "")
        return f"unknown setting '{path[-1]}'{hint}"
    if kind == "missing":
        return "required setting is missing"
    if kind == "union_tag_invalid":
        tag = err.get("ctx", {}).get("tag")
        expected = err.get("ctx", {}).get("expected_tags", "")
        names = [t.strip(" '") for t in str(expected).split(",")]
        close = difflib.get_close_matches(str(tag), names, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else f" (valid: {expected})"
        return f"unknown type '{tag}'{hint}"
    if kind == "union_tag_not_found":
        return f"needs a 'type' ({err.get('ctx', {}).get('expected_tags', '')})"
    shown = err.get("input")
    if isinstance(shown, (dict, list)) or shown is None:
        return msg
    return f"{msg} (got {shown!r})"


def _locate(lines: dict, path: Loc, fallback: str) -> tuple[str, int]:
    for cut in range(len(path), -1, -1):
        if path[:cut] in lines:
            return lines[path[:cut]]
    return fallback, 0


def load_scenario(path: str | Path, **overrides: Any) -> Scenario:
    """Load, merge and validate a scenario file; raise :class:`ScenarioError` listing every problem.

    Args:
        path: the YAML file.
        overrides: top-level settings to replace after loading (e.g. ``seed=7``), validated too.
    """
    path = Path(path)
    data, lines = _load_raw(path, (), str(path), None)
    data.update({k: v for k, v in overrides.items() if v is not None})
    extract_inline(data, lines, str(path))
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as e:
        problems, seen = [], set()
        errors = e.errors()
        deep = [tuple(x["loc"]) for x in errors]
        # pydantic adds "too short" to a list whose items failed: noise once the item is reported
        errors = [x for x in errors if not (x["type"] == "too_short" and any(
            d[: len(x["loc"])] == tuple(x["loc"]) and len(d) > len(x["loc"]) for d in deep))]
        for err in errors:
            loc = tuple(err["loc"])
            if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
                loc = loc + ("type",)
            data_path, parent = _walk(loc)
            if err["type"] == "extra_forbidden":
                _, parent = _walk(loc[:-1] + ("__probe__",))
            file, line = _locate(lines, data_path, str(path))
            problem = Problem(file, line, dotted(data_path), _message(err, data_path, parent))
            if (problem.file, problem.line, problem.path) not in seen:
                seen.add((problem.file, problem.line, problem.path))
                problems.append(problem)
        raise ScenarioError(problems) from None
    issues = scenario.semantic_issues()
    if issues:
        raise ScenarioError([Problem(*_locate(lines, p, str(path)), dotted(p), m) for p, m in issues])
    return scenario
