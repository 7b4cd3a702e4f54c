"""The assumptions register: what each option changes, and every prior, with its comment and file.

Read from the scenario files of a run with a comment-preserving YAML parser (ruamel.yaml), so the
explanation written beside a setting (``fcr_gain: 0.1  # assumption: vendor pilot``) travels with it
into the report and the spreadsheet. Two tables:

- **settings**: every setting written in a file that extends another (what this world changes
  relative to the file it extends) and every setting written under ``investment:`` (what each
  option changes relative to the baseline); defaults nobody wrote are left out. A setting's
  comment is its end-of-line YAML comment, else its lever's ``note``.
- **priors**: every setting given as a distribution (``{dist: …}`` or ``{prior: name}``), with
  the distribution, its 5–95 % range, its source and where it is written.

When a scenario file has moved since the run, the register falls back to the manifest (levers
with their notes, no comments) and says so.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import pandas as pd
from ruamel.yaml import YAML

from sim.scenario.uncertain import describe, interval, is_distribution_spec, load_priors, parse_distribution

NOT_WORLD = {"extends", "name", "description", "seed", "replications", "sweep", "investment", "uncertain", "correlations"}
SETTINGS_COLUMNS = ["option", "setting", "value", "comment", "file", "line"]
PRIORS_COLUMNS = ["option", "setting", "distribution", "low_5pct", "high_95pct", "source", "comment", "file", "line"]


@lru_cache(maxsize=64)
def _load(path: str):
    return YAML(typ="rt").load(Path(path).read_text(encoding="utf-8"))


def _chain(path: Path) -> list[Path]:
    """The file and the files it extends, nearest first (stops at a missing file or a cycle)."""
    out: list[Path] = []
    while path.is_file() and path.resolve() not in [p.resolve() for p in out]:
        out.append(path)
        parent = (_load(str(path)) or {}).get("extends")
        if not isinstance(parent, str):
            break
        path = Path(os.path.normpath(path.parent / parent))
    return out


def _eol(node, key) -> str:
    tokens = getattr(getattr(node, "ca", None), "items", {}).get(key)
    for tok in tokens or ():
        items = tok if isinstance(tok, list) else [tok]
        for t in items:
            if t is not None and getattr(t, "value", "").lstrip().startswith("#"):
                return t.value.strip().splitlines()[0].lstrip("#").strip()
    return ""


def _is_spec(value) -> bool:
    return is_distribution_spec(value) or (isinstance(value, dict) and "prior" in value)


def _leaves(node, loc: str, inherited: tuple[int, str]):
    """(setting path, value, line, comment) of every leaf; a distribution is one leaf."""
    if isinstance(node, dict):
        keys = list(node)
        for k in keys:
            line = node.lc.key(k)[0] + 1 if hasattr(node, "lc") else inherited[0]
            comment = _eol(node, k) or (inherited[1] if line == inherited[0] else "")
            yield from _leaf(node[k], f"{loc}.{k}" if loc else str(k), line, comment)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            line = node.lc.item(i)[0] + 1 if hasattr(node, "lc") else inherited[0]
            comment = _eol(node, i) or (inherited[1] if line == inherited[0] else "")
            yield from _leaf(v, f"{loc}[{i}]", line, comment)


def _leaf(value, path: str, line: int, comment: str):
    if _is_spec(value) or not isinstance(value, (dict, list)) or (isinstance(value, list) and
                                                                  not any(isinstance(x, (dict, list)) for x in value)):
        yield path, value, line, comment
    else:
        yield from _leaves(value, path, (line, comment))


def _show(value) -> str:
    if isinstance(value, dict) and "prior" in value:
        return f"prior {value['prior']}"
    if _is_spec(value):
        try:
            return describe(parse_distribution(dict(value)))
        except Exception:  # noqa: BLE001 (a register never fails on a value it can only show)
            return json.dumps(dict(value))
    if isinstance(value, str):
        return value
    text = json.dumps(value if not isinstance(value, list) else list(value), default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _notes(inv) -> dict[int, str]:
    levers = inv.get("levers") if isinstance(inv, dict) else None
    return {i: lv.get("note") or "" for i, lv in enumerate(levers or []) if isinstance(lv, dict)}


def _prior_row(option: str, setting: str, spec, comment: str, file: str, line: int) -> dict:
    spec = dict(spec)
    if "prior" in spec:
        entry = load_priors().get(spec["prior"])
        dist = entry.prior if entry is not None else None
        name = f"prior {spec['prior']}: "
    else:
        dist, name = parse_distribution(spec), ""
    lo, hi = interval(dist, 0.05, 0.95) if dist is not None else (float("nan"), float("nan"))
    return {"option": option, "setting": setting, "distribution": name + (describe(dist) if dist is not None else "unknown"),
            "low_5pct": lo, "high_95pct": hi, "source": (dist.source or "") if dist is not None else "",
            "comment": comment, "file": file, "line": line}


def _investment_name(chain: list[Path]) -> str | None:
    for p in chain:
        inv = (_load(str(p)) or {}).get("investment")
        if isinstance(inv, dict) and inv.get("name"):
            return str(inv["name"])
    return None


def register(manifest: dict, results_dir: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(settings, priors, note) of a run's manifest; note is "" or why the files could not be read."""
    settings, priors, seen, missing = [], [], set(), []
    for given in manifest.get("scenario_files", []):
        path = Path(given)
        if not path.is_file() and results_dir is not None and not path.is_absolute():
            path = Path(results_dir).resolve().parent.parent / given
        chain = _chain(path)
        if not chain:
            missing.append(str(given))
            continue
        option = _investment_name(chain) or "world"
        for depth, p in enumerate(chain):
            data, root = _load(str(p)) or {}, depth == len(chain) - 1
            for key in data:
                if key == "investment" and isinstance(data[key], dict):
                    notes = _notes(data[key])
                    for setting, value, line, comment in _leaves(data[key], "", (0, "")):
                        if setting in ("name", "description") or setting.endswith(".note"):
                            continue
                        lever = int(setting[7:setting.index("]")]) if setting.startswith("levers[") else None
                        _add(settings, priors, seen, option, f"investment.{setting}", value,
                             comment or notes.get(lever, ""), str(p), line)
                elif key not in NOT_WORLD:
                    for setting, value, line, comment in _leaf(data[key], str(key), data.lc.key(key)[0] + 1, _eol(data, key)):
                        if root and _is_spec(value):
                            _add(None, priors, seen, "world", setting, value, comment, str(p), line)
                        elif not root:
                            _add(settings, priors, seen, "world", setting, value, comment, str(p), line)
    note = f"scenario files not found (moved since the run?): {', '.join(missing)}" if missing else ""
    if missing and not settings:
        settings = _from_manifest(manifest)
    return pd.DataFrame(settings, columns=SETTINGS_COLUMNS), pd.DataFrame(priors, columns=PRIORS_COLUMNS), note


def _add(settings, priors, seen, option, setting, value, comment, file, line) -> None:
    if (option, setting) in seen:  # a nearer file already set it
        return
    seen.add((option, setting))
    if settings is not None:
        settings.append({"option": option, "setting": setting, "value": _show(value), "comment": comment, "file": file, "line": line})
    if _is_spec(value):
        priors.append(_prior_row(option, setting, value, comment, file, line))


def _from_manifest(manifest: dict) -> list[dict]:
    rows = []
    for inv in manifest.get("investments", []):
        for i, lever in enumerate(inv.get("levers", [])):
            for key, value in lever.items():
                if key not in ("note",) and value not in (None, 0, 0.0, [], {}):
                    rows.append({"option": inv["name"], "setting": f"investment.levers[{i}].{key}", "value": _show(value),
                                 "comment": lever.get("note") or "", "file": "(from the manifest)", "line": 0})
    return rows
