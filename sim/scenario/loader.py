"""Load scenario files: YAML with ``extends:``, and every problem reported at once with its line.

A scenario may extend another file (path relative to itself): mappings merge key by key, lists
and scalars replace. Each value remembers the file and line it came from, so that a validation
error reads ``scenarios/x.yaml:12: channels.phone.agents_by_hour[3]: must be >= 0``.
"""

from __future__ import annotations

import difflib
import json
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.scenario.errors import Loc, Problem, ScenarioError, dotted
from sim.scenario.footprint import footprint_issues
from sim.scenario.investment import LEVER_TYPES
from sim.scenario.model import Scenario
from sim.scenario.uncertain_settings import extract_inline
from sim.scenario.yaml_source import parse

MAX_PROBLEMS = 50  #: problems reported per load; the rest are counted
MAX_EXTENDS = 16  #: files in one ``extends:`` chain


def _merge(base: dict, over: dict, replaced: set, loc: Loc = ()) -> dict:
    """``over`` on top of ``base``: mappings merge key by key; ``replaced`` collects the paths replaced."""
    out = dict(base)
    for key, value in over.items():
        sub = loc + (key,)
        if isinstance(value, dict) and isinstance(out.get(key), dict) and not _is_dist(value) and not _is_dist(out[key]):
            out[key] = _merge(out[key], value, replaced, sub)
        else:
            if key in out:
                replaced.add(sub)
            out[key] = value
    return out


def _is_dist(value: dict) -> bool:
    """A distribution given in place of a number replaces whatever was there; it is never merged."""
    return "dist" in value or "prior" in value


def _is_file(path: Path) -> tuple[bool, str]:
    try:
        return (True, "") if path.is_file() else (False, "not a file" if path.exists() else "file not found")
    except (OSError, ValueError) as e:  # a name too long, a NUL byte in it…
        return False, f"not a usable file name ({getattr(e, 'strerror', None) or e})"


def _load_raw(path: Path, chain: tuple[Path, ...], shown: str, ref: tuple[str, int] | None) -> tuple[dict, dict]:
    ok, why = _is_file(path)
    if not ok:
        where = Problem(ref[0], ref[1], "extends", f"{why}: {path}") if ref else Problem(shown, 0, "", why)
        raise ScenarioError([where])
    real = path.resolve()
    if real in chain:
        cycle = " -> ".join(p.name for p in chain + (real,))
        raise ScenarioError([Problem(ref[0], ref[1], "extends", f"extends cycle: {cycle}")])
    if len(chain) >= MAX_EXTENDS:
        raise ScenarioError([Problem(ref[0], ref[1], "extends", f"more than {MAX_EXTENDS} files extend each other")])
    data, lines = parse(path, shown)
    parent = data.get("extends")
    if parent is None:
        return data, lines
    if not isinstance(parent, str) or not parent.strip():
        raise ScenarioError([Problem(shown, lines[("extends",)][1], "extends", "must be a file path")])
    parent_path = path.parent / parent
    pdata, plines = _load_raw(parent_path, chain + (real,), str(parent_path), lines[("extends",)])
    replaced: set = set()
    merged = _merge(pdata, data, replaced)
    if replaced:  # lines of values the child replaced are stale
        plines = {p: v for p, v in plines.items() if not any(p[:i] in replaced for i in range(1, len(p) + 1))}
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
        return f"needs a 'type': one of {', '.join(LEVER_TYPES)}"
    shown = err.get("input")
    if isinstance(shown, (dict, list)) or shown is None:
        return msg
    return f"{msg} (got {shown!r})"


def _locate(lines: dict, path: Loc, fallback: str) -> tuple[str, int]:
    for cut in range(len(path), -1, -1):
        if path[:cut] in lines:
            return lines[path[:cut]]
    return fallback, 0


def _problems(errors: list[dict], lines: dict, shown: str) -> list[Problem]:
    """Pydantic errors as problems at their file and line (at most ``MAX_PROBLEMS``, then a count)."""
    errors = errors[: 4 * MAX_PROBLEMS]
    deep = [tuple(x["loc"]) for x in errors]
    # pydantic adds "too short" to a list whose items failed: noise once the item is reported
    errors = [x for x in errors if not (x["type"] == "too_short" and any(
        d[: len(x["loc"])] == tuple(x["loc"]) and len(d) > len(x["loc"]) for d in deep))]
    problems, seen = [], set()
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            loc = loc + ("type",)
        data_path, parent = _walk(loc)
        if err["type"] == "extra_forbidden":
            _, parent = _walk(loc[:-1] + ("__probe__",))
        file, line = _locate(lines, data_path, shown)
        problem = Problem(file, line, dotted(data_path), _message(err, data_path, parent))
        if (problem.file, problem.line, problem.path) not in seen:
            seen.add((problem.file, problem.line, problem.path))
            problems.append(problem)
    return capped(problems, shown)


def capped(problems: list[Problem], shown: str) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    return problems[:MAX_PROBLEMS] + [Problem(shown, 0, "", f"... and more problems ({len(problems) - MAX_PROBLEMS}+ not shown)")]


def load_scenario(path: str | Path, *, check_footprint: bool = True, **overrides: Any) -> Scenario:
    """Load, merge and validate a scenario file; raise :class:`ScenarioError` listing every problem.

    Types are strict (``true`` is not a number, ``"3"`` is not an integer), numbers finite, and a
    scenario whose run would not fit in this machine's memory is refused
    (:mod:`sim.scenario.footprint`) unless ``check_footprint`` is false.

    Args:
        path: the YAML file.
        check_footprint: refuse a world whose single run needs more memory than this machine has.
        overrides: top-level settings to replace after loading (e.g. ``seed=7``), validated too.
    """
    path = Path(path)
    data, lines = _load_raw(path, (), str(path), None)
    data.update({k: v for k, v in overrides.items() if v is not None})
    extract_inline(data, lines, str(path))
    try:
        # JSON in strict mode: booleans are not numbers, strings not integers; lists may become tuples
        scenario = Scenario.model_validate_json(json.dumps(data, default=str), strict=True)
    except ValidationError as e:
        raise ScenarioError(_problems(e.errors(), lines, str(path))) from None
    issues = scenario.semantic_issues()
    if not issues and check_footprint:
        issues = footprint_issues(scenario)
    if issues:
        raise ScenarioError(capped([Problem(*_locate(lines, p, str(path)), dotted(p), m) for p, m in issues], str(path)))
    return scenario


def source_files(path: str | Path) -> list[Path]:
    """The file and every file it ``extends:``, resolved (the inputs a command must never overwrite)."""
    out: list[Path] = []
    current: Path | None = Path(path)
    while current is not None and _is_file(current)[0] and current.resolve() not in out and len(out) < MAX_EXTENDS:
        out.append(current.resolve())
        try:
            parent = parse(current, str(current))[0].get("extends")
        except ScenarioError:
            break
        current = current.parent / parent if isinstance(parent, str) and parent.strip() else None
    return out
