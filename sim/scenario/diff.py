"""What differs between two scenario files, each merged with the files it extends (``sim diff``).

Both files are loaded and validated as the simulator sees them (``extends:`` merged, defaults
filled in, uncertain settings as distributions), flattened to setting paths, and compared; the
result lists every path whose value differs, with both values.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.scenario.loader import load_scenario
from sim.scenario.uncertain import describe, parse_distribution

MISSING = "(not set)"


@dataclass(frozen=True)
class Difference:
    path: str
    a: Any
    b: Any


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": [1, {"c": 2}]}}`` -> ``{"a.b": [1, {"c": 2}]}`` unless a list holds mappings (then ``a.b[1].c``).

    Example:
        >>> flatten({"a": {"b": 1, "c": [1, 2]}, "d": [{"e": 3}]})
        {'a.b': 1, 'a.c': [1, 2], 'd[0].e': 3}
    """
    out: dict[str, Any] = {}
    if isinstance(data, dict) and data:
        for k, v in data.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(data, list) and any(isinstance(x, (dict, list)) for x in data):
        for i, v in enumerate(data):
            out.update(flatten(v, f"{prefix}[{i}]"))
    else:
        out[prefix] = data
    return out


def merged_view(scenario) -> dict[str, Any]:
    """Setting path -> value; an uncertain setting shows its distribution (``pert(low=0, mode=0.05, high=0.12)``)."""
    data = scenario.model_dump(mode="json")
    dists = {p: d for p, d in data.pop("uncertain", {}).items()}
    inv = data.get("investment") or {}
    dists |= {f"investment.{p}": d for p, d in (inv.pop("uncertain", None) or {}).items()}
    flat = flatten(data)
    for path, spec in dists.items():
        flat[path] = describe(parse_distribution(spec))
    return flat


def diff_scenarios(a: str | Path, b: str | Path) -> tuple[list[Difference], bool]:
    """Every setting whose merged value differs between two files, and whether they describe the same world."""
    sa, sb = load_scenario(a), load_scenario(b)
    fa, fb = merged_view(sa), merged_view(sb)
    paths = sorted(set(fa) | set(fb), key=_order(fa, fb))
    parents = {p for p in paths if any(q.startswith((p + ".", p + "[")) for q in paths)}  # e.g. "investment: null" vs its settings
    diffs = [Difference(p, fa.get(p, MISSING), fb.get(p, MISSING)) for p in paths
             if p not in parents and p != "extends" and fa.get(p, MISSING) != fb.get(p, MISSING)]
    return diffs, sa.world_hash() == sb.world_hash()


def _order(fa: dict, fb: dict):
    keys = list(dict.fromkeys([*fa, *fb]))
    rank = {k: i for i, k in enumerate(keys)}
    return lambda p: rank[p]
