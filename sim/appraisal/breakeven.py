"""Break-even analysis: the value of one investment setting at which payback equals a target.

The objective is the median over paired replications of the cumulative (risk-adjusted)
incremental cash flow at the target month: it is zero exactly when the median payback equals the
target (for a cash flow that turns positive once), and it moves smoothly with the setting because
every evaluation faces the same customers (common random numbers). The root is bracketed on
[low, high] and found with Brent's method; the baseline is simulated once. Every evaluation runs on
one executor (a local pool, or Dask with ``scheduler``), started once for the whole search.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from sim.appraisal.benefits import benefit_lines, risk_adjust
from sim.appraisal.finance import sustained_payback_months
from sim.run.experiment import Experiment, experiment_executor, run_experiment
from sim.run.harvest import plan_harvest
from sim.scenario import Problem, ScenarioError, load_scenario, parse_path, with_value
from sim.scenario.shadowing import warn_if_shadowed


@dataclass(frozen=True)
class BreakEven:
    param: str
    value: float  # NaN when there is no break-even in the bracket
    target_months: int
    median_payback_months: float
    low: float
    high: float
    cumulative_at_low_usd: float
    cumulative_at_high_usd: float
    evaluations: int
    message: str


def breakeven(path: str | Path, param: str, low: float, high: float, target_months: int, replications: int | None = None,
              seed: int | None = None, workers: int | None = None, on_eval: Callable[[float, float], None] | None = None,
              xtol: float | None = None, scheduler: str | None = None) -> BreakEven:
    """Find the value of ``param`` (a setting path) in [low, high] at which the median payback is ``target_months``.

    ``workers``/``scheduler``: where the replications run (:func:`sim.run.experiment.experiment_executor`).
    """
    sc = load_scenario(path)
    source = str(path)
    if sc.investment is None:
        raise ScenarioError([Problem(source, 0, "investment", "break-even needs a scenario with an investment")])
    if not 1 <= target_months <= sc.horizon_months:
        raise ScenarioError([Problem("--target", 0, "", f"must be within the horizon (1..{sc.horizon_months} months)")])
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ScenarioError([Problem("--low/--high", 0, "", "low and high must be finite numbers, low below high")])
    keys = parse_path(param)
    if keys[0] != "investment":
        raise ScenarioError([Problem("--param", 0, param, "break-even varies a setting of the investment "
                                     "(e.g. investment.levers[0].churn_reduction); the baseline world stays fixed")])
    for x in (low, high):  # both ends must be values the scenario accepts: checked before anything runs
        with_value(sc, keys, x, source)
    warn_if_shadowed(sc, keys, param)
    reps = replications or sc.replications
    root = seed if seed is not None else sc.seed
    world = sc.world()
    with experiment_executor(world, reps, workers, scheduler) as executor:
        return _search(sc, world, source, keys, param, low, high, target_months, reps, root, executor, on_eval, xtol)


def _search(sc, world, source: str, keys, param: str, low: float, high: float, target_months: int, reps: int, root: int,
            executor, on_eval: Callable[[float, float], None] | None, xtol: float | None) -> BreakEven:
    """Brent's method on the median cumulative cash flow at ``target_months``, every run on ``executor``."""
    base = {r.replication: r for r in run_experiment(Experiment(world, (), reps, root), executor=executor)}
    evaluations = 0
    seen: dict[float, tuple[float, float]] = {}  # Brent's method asks for the ends again, and the root twice

    def cumulative(x: float) -> tuple[float, float]:
        if x not in seen:
            seen[x] = _evaluate(x)
        return seen[x]

    def _evaluate(x: float) -> tuple[float, float]:
        nonlocal evaluations
        evaluations += 1
        inv = plan_harvest(world, with_value(sc, keys, x, source).investment, root)[0]  # harvest: cost re-plans at each value
        runs = run_experiment(replace(Experiment(world, (inv,), reps, root), include_baseline=False), executor=executor)
        cums, paybacks = [], []
        for run in runs:
            lines, costs = risk_adjust(benefit_lines(base[run.replication].monthly, run.monthly, world.customers.gross_margin),
                                       run.monthly["investment_cost_usd"], world.finance)
            flow = sum(lines.values()) - costs
            cums.append(float(np.cumsum(flow)[target_months]))
            paybacks.append(sustained_payback_months(flow))
        med = float(np.median(cums))
        if on_eval:
            on_eval(x, med)
        return med, float(np.quantile(paybacks, 0.5, method="inverted_cdf"))

    f_low, _ = cumulative(low)
    f_high, _ = cumulative(high)
    if np.sign(f_low) == np.sign(f_high):
        return BreakEven(param, math.nan, target_months, math.nan, low, high, f_low, f_high, evaluations,
                         f"no break-even in [{low:g}, {high:g}]: the median cumulative cash flow at month "
                         f"{target_months} is {f_low:,.0f} and {f_high:,.0f} USD at the two ends")
    from scipy.optimize import brentq  # here, not at the top: scipy.optimize costs ~0.2 s of start-up

    value = brentq(lambda x: cumulative(x)[0], low, high, xtol=xtol or (high - low) * 1e-3, maxiter=30)
    _, payback = cumulative(value)
    return BreakEven(param, float(value), target_months, payback, low, high, f_low, f_high, evaluations,
                     f"{param} = {value:.4g} makes the median payback {target_months} months")
