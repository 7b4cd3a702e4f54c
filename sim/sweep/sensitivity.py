"""Sensitivity from a sweep: Sobol or Morris indices (SALib), a tornado table, and exports that
let researchers keep their tools (a SALib ProblemSpec; EMA Workbench's (experiments, outcomes))."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.run.folders import folder_status
from sim.scenario import Problem, ScenarioError
from sim.sweep import sweep_manifest
from sim.sweep.design import Param, salib_problem


def load_sweep(sweep_dir: str | Path) -> tuple[dict, pd.DataFrame, list[Param]]:
    """Manifest, results table and parameters of a finished sweep (anything else is refused)."""
    d = Path(sweep_dir)
    manifest = sweep_manifest(d)
    status = folder_status(manifest)
    if status != "complete" or not (d / "sweep.parquet").is_file():
        raise ScenarioError([Problem(str(d), 0, "", f"the sweep is '{status}', not finished: run the same sim sweep "
                                     "command again to finish it")])
    params = [Param(p["path"], p["low"], p["high"]) for p in manifest["params"]]
    return manifest, pd.read_parquet(d / "sweep.parquet"), params


def check_outcome(table: pd.DataFrame, outcome: str) -> str:
    """``outcome`` if it is an outcome column of the sweep table; a refusal listing the outcomes otherwise."""
    inputs = {"run_id", "point", "replication"}
    if outcome in inputs or outcome not in table:
        known = ", ".join(c for c in table.columns if c not in inputs)
        raise ScenarioError([Problem("--outcome", 0, outcome, f"not an outcome of this sweep ({known})")])
    return outcome


def point_means(table: pd.DataFrame, outcome: str, n_points: int) -> np.ndarray:
    """The outcome averaged over replications, in design order (every point must be present)."""
    check_outcome(table, outcome)
    means = table.groupby("point")[outcome].mean()
    if len(means) != n_points:
        raise ScenarioError([Problem("--outcome", 0, outcome, f"{n_points - len(means)} design points have no result (see failures.parquet)")])
    return means.sort_index().to_numpy()


def indices(manifest: dict, table: pd.DataFrame, params: list[Param], outcome: str, seed: int = 0) -> pd.DataFrame:
    """Sobol S1/ST with confidence intervals, or Morris mu*/sigma, per parameter."""
    problem = salib_problem(params)
    y = point_means(table, outcome, manifest["points"])
    if manifest["design"] == "sobol":
        from SALib.analyze import sobol

        si = sobol.analyze(problem, y, calc_second_order=False, seed=seed)
        return pd.DataFrame({"parameter": problem["names"], "S1": si["S1"], "S1_conf": si["S1_conf"],
                             "ST": si["ST"], "ST_conf": si["ST_conf"]})
    if manifest["design"] == "morris":
        from SALib.analyze import morris

        x = np.array(manifest["points_values"])
        si = morris.analyze(problem, x, y, num_levels=4, seed=seed)
        return pd.DataFrame({"parameter": problem["names"], "mu_star": si["mu_star"], "mu_star_conf": si["mu_star_conf"],
                             "sigma": si["sigma"]})
    raise ScenarioError([Problem("--design", 0, manifest["design"], "indices need a sobol or morris sweep")])


def tornado_table(table: pd.DataFrame, params: list[Param], outcome: str) -> pd.DataFrame:
    """Mean outcome when each parameter is in its lowest vs highest quarter of the range (any design)."""
    check_outcome(table, outcome)
    rows, base = [], float(table[outcome].mean())
    for p in params:
        lo = table[table[p.path] <= p.low + 0.25 * (p.high - p.low)][outcome].mean()
        hi = table[table[p.path] >= p.high - 0.25 * (p.high - p.low)][outcome].mean()
        rows.append({"parameter": p.path, "low": float(lo), "high": float(hi), "base": base})
    return pd.DataFrame(rows)


def to_salib(sweep_dir: str | Path, outcome: str):
    """A SALib ProblemSpec holding the samples and results (analyse it with SALib's own tools)."""
    from SALib import ProblemSpec

    manifest, table, params = load_sweep(sweep_dir)
    sp = ProblemSpec(salib_problem(params))
    sp.set_samples(np.array(manifest["points_values"]))
    sp.set_results(point_means(table, outcome, manifest["points"]))
    return sp


def to_ema(sweep_dir: str | Path) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """EMA Workbench's pair: experiments (one row per run, inputs + ``scenario``/``policy`` ids) and
    outcomes (name -> array aligned with the rows); levers and uncertainties as EMA separates them."""
    manifest, table, params = load_sweep(sweep_dir)
    experiments = table[["point", "replication", *[p.path for p in params]]].copy()
    experiments["scenario"] = table["point"].astype(str) + "/" + table["replication"].astype(str)
    experiments["policy"] = table[[p.path for p in params if p.kind == "lever"]].astype(str).agg("|".join, axis=1) \
        if any(p.kind == "lever" for p in params) else "none"
    inputs = {"point", "replication", "run_id", *[p.path for p in params]}
    outcomes = {c: table[c].to_numpy() for c in table.columns if c not in inputs}
    return experiments, outcomes
