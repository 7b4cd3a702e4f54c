"""A quick what-if: the decision for a baseline and one investment with some settings changed.

For a strategist's sliders (notebook 01): no results folder, few replications, the same decision
rules as ``sim compare`` (:mod:`sim.appraisal.decision`). World settings (``experience.churn_beta``)
change in both arms, so the comparison stays paired; ``investment.…`` settings only the investment.
A setting given a value here is no longer uncertain.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sim.appraisal.decision import Decision, about_options, decide
from sim.appraisal.tables import build_tables
from sim.run.experiment import Experiment, run_experiment
from sim.scenario import Problem, ScenarioError, load_scenario, parse_path, with_values
from sim.scenario.shadowing import warn_if_shadowed


def what_if(baseline: str | Path, investment: str | Path, settings: dict[str, float], replications: int = 4,
            horizon_months: int | None = None, seed: int | None = None, workers: int | None = None,
            on_start: Callable[[int], None] | None = None, on_done: Callable | None = None,
            scheduler: str | None = None) -> Decision:
    """The decision between the baseline and ``investment`` with ``settings`` (path -> value) applied
    (runs on ``workers`` local processes, or on Dask with ``scheduler``: an address or "local")."""
    base, inv = load_scenario(baseline), load_scenario(investment)
    if inv.investment is None:
        raise ScenarioError([Problem(str(investment), 0, "investment", "a what-if needs an investment file")])
    world_values = {parse_path(p): v for p, v in settings.items() if not p.startswith("investment.")}
    if horizon_months is not None:
        world_values[("horizon_months",)] = horizon_months
    inv_values = {parse_path(p): v for p, v in settings.items() if p.startswith("investment.")}
    for path in [*world_values, *inv_values]:
        warn_if_shadowed(inv, path)
    world = with_values(base, world_values, str(baseline)).world() if world_values else base.world()
    alt = with_values(inv, {**world_values, **inv_values}, str(investment)) if (world_values or inv_values) else inv
    exp = Experiment(world, (alt.investment,), replications, seed if seed is not None else base.seed)
    if on_start:
        on_start(len(exp.tasks()))
    tables = build_tables(exp, run_experiment(exp, workers=workers, on_done=on_done, scheduler=scheduler))
    return decide(tables.runs, tables.monthly, world.horizon_months, world.discount_rate_annual, about_options(exp.investments))
