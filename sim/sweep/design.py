"""Sweep designs: which parameter points to run (scipy.qmc and SALib samplers).

A parameter is a setting path of the scenario (``customers.monthly_churn``,
``investment.levers[0].bot.containment``…) with a range. Paths under ``investment.`` are *levers*
(decisions); all others are *uncertainties* (the world) — kept apart in the outputs.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

import numpy as np

from sim.scenario import Problem, ScenarioError

DESIGNS = ("grid", "lhs", "sobol", "morris")
MAX_POINTS = 200_000  #: design points of one sweep (the design and the manifest hold them all)
SPEC = re.compile(r"^\s*([A-Za-z_][\w.\[\]]*)\s*=\s*(-?[\d.eE+-]+)\s*:\s*(-?[\d.eE+-]+)\s*$")


@dataclass(frozen=True)
class Param:
    path: str
    low: float
    high: float

    @property
    def kind(self) -> str:
        return "lever" if self.path.startswith("investment.") else "uncertainty"


def parse_params(specs: list[str]) -> list[Param]:
    """``["customers.monthly_churn=0.01:0.03", …]`` -> params (clear message for a bad spec)."""
    out = []
    for s in specs:
        m = SPEC.match(s)
        if not m:
            raise ScenarioError([Problem("--param", 0, s, "write a parameter as path=low:high, e.g. customers.monthly_churn=0.01:0.03")])
        try:
            low, high = float(m.group(2)), float(m.group(3))
        except ValueError:
            raise ScenarioError([Problem("--param", 0, s, "low and high must be numbers, e.g. customers.monthly_churn=0.01:0.03")]) from None
        if not (math.isfinite(low) and math.isfinite(high)):
            raise ScenarioError([Problem("--param", 0, s, "low and high must be finite numbers")])
        if not low < high:
            raise ScenarioError([Problem("--param", 0, s, "low must be below high")])
        out.append(Param(m.group(1), low, high))
    if len({p.path for p in out}) != len(out):
        raise ScenarioError([Problem("--param", 0, "", "each parameter may appear once")])
    if not out:
        raise ScenarioError([Problem("--param", 0, "", "give at least one --param, or a sweep: block with params in the scenario file")])
    return out


def n_points(design: str, n: int, k: int) -> int:
    """How many points ``sample`` returns, computed without sampling."""
    return {"grid": n ** k, "lhs": n, "sobol": n * (k + 2), "morris": n * (k + 1)}[check_design(design)]


def check_design(design: str) -> str:
    if design not in DESIGNS:
        raise ScenarioError([Problem("--design", 0, str(design), f"unknown design; one of {', '.join(DESIGNS)}")])
    return design


def check_size(design: str, n: int, k: int, replications: int, max_runs: int) -> int:
    """The number of design points; refuses (before sampling) a design too large to hold or to run."""
    points = n_points(design, n, k)
    if points > MAX_POINTS or points * replications > max_runs:
        formula = {"grid": f"n^k = {n}^{k}", "lhs": "n", "sobol": f"n·(k+2) = {n}·{k + 2}", "morris": f"n·(k+1) = {n}·{k + 1}"}[design]
        raise ScenarioError([Problem("--n", 0, str(n), f"a {design} design has {formula} = {points:,} points × {replications} "
                                     f"replications; at most {MAX_POINTS:,} points and {max_runs:,} runs: lower --n "
                                     "(or use lhs for many parameters)")])
    return points


def salib_problem(params: list[Param]) -> dict:
    return {"num_vars": len(params), "names": [p.path for p in params], "bounds": [[p.low, p.high] for p in params]}


def sample(params: list[Param], design: str, n: int, seed: int) -> np.ndarray:
    """Points (rows) × parameters (columns). ``n``: grid levels per parameter, LHS points, or the
    base sample size of Sobol (n·(k+2) points) and Morris (n trajectories, n·(k+1) points)."""
    k = len(params)
    lo, hi = np.array([p.low for p in params]), np.array([p.high for p in params])
    if design == "grid":
        axes = [np.linspace(a, b, n) for a, b in zip(lo, hi)]
        return np.array(list(itertools.product(*axes)), float)
    if design == "lhs":
        from scipy.stats import qmc  # only for LHS designs: scipy.stats costs ~0.5 s of start-up

        return qmc.scale(qmc.LatinHypercube(d=k, seed=seed).random(n), lo, hi)
    if design == "sobol":
        from SALib.sample import sobol

        return sobol.sample(salib_problem(params), n, calc_second_order=False, seed=seed)
    if design == "morris":
        from SALib.sample import morris

        return morris.sample(salib_problem(params), n, num_levels=4, seed=seed)
    raise ScenarioError([Problem("--design", 0, design, f"one of {', '.join(DESIGNS)}")])
