"""Scenario discovery: under which input ranges does an outcome meet a target (payback ≤ 12…)?

Always: the share of runs meeting the target in each quarter of every input's range (a quick,
dependency-free view). With EMA Workbench installed (``pip install 'sim[discovery]'``): a PRIM box
(Friedman & Fisher 1999) — the input ranges that hold as many of the cases of interest as possible
(coverage) while being mostly cases of interest (density ≥ ``threshold``).
"""

from __future__ import annotations

import importlib.util
import operator
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.scenario import Problem, ScenarioError
from sim.sweep.design import Param
from sim.sweep.sensitivity import load_sweep

CONDITION = re.compile(r"^\s*([A-Za-z_]\w*)\s*(<=|>=|<|>)\s*(-?[\d.eE+-]+|inf)\s*$")
OPS = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}


@dataclass
class Discovery:
    condition: str
    share: float                 # of all runs meeting the condition
    by_quarter: pd.DataFrame     # parameter × quarter of its range -> share meeting the condition
    box: pd.DataFrame | None     # PRIM: parameter, low, high (restricted inputs only); None without EMA
    coverage: float = float("nan")
    density: float = float("nan")
    note: str = ""


def cases(table: pd.DataFrame, condition: str) -> np.ndarray:
    """Boolean cases of interest for a condition such as ``payback_months<=12`` (NaN never meets it)."""
    m = CONDITION.match(condition)
    if not m:
        raise ScenarioError([Problem("--discover", 0, condition, "write a condition as outcome<=value, e.g. payback_months<=12")])
    try:
        outcome, op, value = m.group(1), m.group(2), float(m.group(3))
    except ValueError:
        raise ScenarioError([Problem("--discover", 0, condition, f"{m.group(3)!r} is not a number")]) from None
    if outcome not in table:
        known = ", ".join(c for c in table.columns if c not in ("run_id", "point", "replication"))
        raise ScenarioError([Problem("--discover", 0, outcome, f"not an outcome of this sweep ({known})")])
    y = table[outcome].to_numpy(float)
    return np.where(np.isnan(y), False, OPS[op](y, value))


def quarter_shares(table: pd.DataFrame, params: list[Param], y: np.ndarray) -> pd.DataFrame:
    rows = []
    for p in params:
        q = np.clip(((table[p.path].to_numpy() - p.low) / (p.high - p.low) * 4).astype(int), 0, 3)
        rows.append({"parameter": p.path, **{f"Q{k + 1}": float(y[q == k].mean()) if (q == k).any() else float("nan") for k in range(4)}})
    return pd.DataFrame(rows)


def prim_box(x: pd.DataFrame, y: np.ndarray, threshold: float):
    """The PRIM box with the highest coverage among those of density ≥ threshold (EMA Workbench)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        box = prim.Prim(x.reset_index(drop=True), y, threshold=threshold).find_box()
    traj = box.peeling_trajectory
    ok = traj[traj["density"] >= threshold]
    i = int(ok["coverage"].idxmax()) if len(ok) else int(traj["density"].idxmax())
    lims, init = box.box_lims[i], box.box_lims[0]
    restricted = [c for c in lims.columns if not np.allclose(lims[c].to_numpy(float), init[c].to_numpy(float))]
    limits = pd.DataFrame({"parameter": restricted, "low": [float(lims[c].iloc[0]) for c in restricted],
                           "high": [float(lims[c].iloc[1]) for c in restricted]})
    return limits, float(traj.loc[i, "coverage"]), float(traj.loc[i, "density"])


def discover(sweep_dir: str | Path, condition: str, threshold: float = 0.8) -> Discovery:
    """Which input ranges make ``condition`` true, from the runs of a finished sweep."""
    _, table, params = load_sweep(sweep_dir)
    y = cases(table, condition)
    result = Discovery(condition, float(y.mean()), quarter_shares(table, params, y), None)
    if not y.any() or y.all():
        result.note = "no run meets the condition" if not y.any() else "every run meets the condition"
        return result
    if importlib.util.find_spec("ema_workbench") is None:
        result.note = "PRIM boxes need EMA Workbench: pip install ema_workbench (the sim[discovery] extra)"
        return result
    result.box, result.coverage, result.density = prim_box(table[[p.path for p in params]], y, threshold)
    return result
