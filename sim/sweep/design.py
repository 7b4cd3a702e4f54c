"""Sweep designs: which parameter points to run (scipy.qmc and SALib samplers).

A parameter is a setting path of the scenario (``customers.monthly_churn``,
``investment.levers[0].bot.containment``…) with a range. Paths under ``investment.`` are *levers*
(decisions); all others are *uncertainties* (the world) — kept apart in the outputs.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import numpy as np
from scipy.stats import qmc

from sim.scenario import Problem, ScenarioError

DESIGNS = ("grid", "lhs", "sobol", "morris")
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
        low, high = float(m.group(2)), float(m.group(3))
        if not low < high:
            raise ScenarioError([Problem("--param", 0, s, "low must be below high")])
        out.append(Param(m.group(1), low, high))
    if len({p.path for p in out}) != len(out):
        raise ScenarioError([Problem("--param", 0, "", "each parameter may appear once")])
    if not out:
        raise ScenarioError([Problem("--param", 0, "", "give at least one --param, or a sweep: block with params in the scenario file")])
    return out


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
        return qmc.scale(qmc.LatinHypercube(d=k, seed=seed).random(n), lo, hi)
    if design == "sobol":
        from SALib.sample import sobol

        return sobol.sample(salib_problem(params), n, calc_second_order=False, seed=seed)
    if design == "morris":
        from SALib.sample import morris

        return morris.sample(salib_problem(params), n, num_levels=4, seed=seed)
    raise ScenarioError([Problem("--design", 0, design, f"one of {', '.join(DESIGNS)}")])
