"""Staffing plans for ``sim staffing``: targets from the command line, the plan, and an investment file.

The planner itself is in the run layer (:mod:`sim.run.erlang_plan`, :mod:`sim.run.staffing_plan`),
where a harvest re-plans staffing too. First guess per hour from Erlang A (Erlang C without
abandonment) at the hour's expected offered load and handle time (``aht_profile_s`` where given):
bots thin the arrivals by their containment, chat concurrency multiplies servers and inflates
handle time. Hours without demand get no agent, so the channel stays closed there (its opening
hours default to the staffed hours). Then the plan is simulated with every feature of the scenario
(reasons, follow-ups, skills, day-level swings…), service levels measured at each target's
threshold, and, while a channel's monthly service level misses its target in more than 5 % of
replications, one agent is added in that channel's worst open hour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from sim.planning.scenario_file import relative_extends, write_scenario_file
from sim.run.erlang_plan import erlang_first_guess
from sim.run.experiment import Experiment, experiment_executor, run_experiment
from sim.run.folders import check_out_file
from sim.run.staffing_plan import confirm_plan, sl_at, with_plan
from sim.scenario import Problem, Scenario, ScenarioError, load_scenario, source_files
from sim.scenario.harvest import own_floor_by_hour
from sim.types import Channel

TARGET = re.compile(r"^\s*(\w+)\s*:\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*$")
_sl_at = sl_at  # the name older code and tests use


@dataclass(frozen=True)
class StaffingPlan:
    targets: dict[Channel, tuple[float, float]]  # share answered within threshold_s
    first_guess: dict[Channel, tuple[int, ...]]
    plan: dict[Channel, tuple[int, ...]]
    met_share: dict[Channel, float]  # share of replications whose monthly SL meets the target
    service_level: dict[Channel, float]  # mean simulated monthly SL
    rounds: int
    cost_usd_per_month: float
    current_cost_usd_per_month: float
    today: dict[Channel, tuple[int, ...]] = None  # agents on the floor per hour today
    investment_file: Path | None = None  # the plan written as an investment (``write_investment``)


def parse_targets(text: str, sc: Scenario) -> dict[Channel, tuple[float, float]]:
    """'phone: 80/20, chat: 90/60' -> {PHONE: (0.80, 20.0), CHAT: (0.90, 60.0)}."""
    out = {}
    for part in [p for p in text.split(",") if p.strip()]:
        m = TARGET.match(part)
        if not m:
            raise ScenarioError([Problem("--target", 0, part.strip(), "write targets as 'channel: percent/seconds', e.g. phone: 80/20")])
        name, pct, secs = m.group(1).lower(), float(m.group(2)), float(m.group(3))
        try:
            ch = Channel(name)
        except ValueError:
            raise ScenarioError([Problem("--target", 0, name, f"unknown channel (valid: {', '.join(c.value for c in Channel)})")]) from None
        if ch not in sc.channels.configured():
            raise ScenarioError([Problem("--target", 0, name, "this channel is not configured in the scenario")])
        if ch.deferrable:
            raise ScenarioError([Problem("--target", 0, name, "plans cover live channels (phone, chat); e-mail is worked from the backlog")])
        if not 0 < pct < 100 or secs <= 0:
            raise ScenarioError([Problem("--target", 0, name, "percent must be in (0, 100) and seconds > 0")])
        out[ch] = (pct / 100.0, secs)
    if not out:
        raise ScenarioError([Problem("--target", 0, "", "no target given")])
    return out


def _simulate_on(executor):
    """Replications of one arm on ``executor`` (opened once for every round of the plan)."""
    def simulate(world: Scenario, investment, replications: int, root_seed: int):
        exp = Experiment(world, (investment,) if investment is not None else (), replications, root_seed)
        return run_experiment(replace(exp, include_baseline=investment is None), executor=executor)
    return simulate


def plan_staffing(path: str | Path, target_text: str, replications: int = 20, seed: int | None = None,
                  workers: int | None = None, max_rounds: int = 40, confirm: bool = True,
                  write_investment: str | Path | None = None, overwrite: bool = False,
                  scheduler: str | None = None) -> StaffingPlan:
    """Erlang first guess, then simulate and add agents until each target is met in ≥ 95 % of replications.

    With ``write_investment``, the plan is also written as an investment file extending ``path``
    (checked before anything runs: no existing file without ``overwrite``, never an input).
    ``workers``/``scheduler``: where the replications run (a local pool, or Dask), started once.
    """
    sc = load_scenario(path)
    targets = parse_targets(target_text, sc)
    inputs = source_files(path)
    if write_investment is not None:
        check_out_file(write_investment, inputs, overwrite, option="--write-investment")
    first = {ch: erlang_first_guess(sc, ch, t) for ch, t in targets.items()}
    root = seed if seed is not None else sc.seed
    if confirm:
        with experiment_executor(sc, replications, workers, scheduler) as executor:
            done = confirm_plan(sc.world(), None, targets, first, replications, root, "share", max_rounds, _simulate_on(executor))
        final, met, level, rounds = done.plan, done.met_share, done.service_level, done.rounds
    else:
        final, met, level, rounds = first, {}, {}, 0
    result = StaffingPlan(targets, first, final, met, level, rounds, with_plan(sc, final).labor_cost_usd_per_month(),
                          sc.labor_cost_usd_per_month(), {ch: floor_agents_by_hour(sc, ch) for ch in targets})
    if write_investment is not None:
        written = write_scenario_file(plan_investment_yaml(path, result, out=write_investment), write_investment, inputs, overwrite)
        result = replace(result, investment_file=written)
    return result


def floor_agents_by_hour(sc: Scenario, ch: Channel) -> tuple[int, ...]:
    """A channel's own agents on the floor per hour today (a shift plan: its weekly mean, rounded)."""
    return own_floor_by_hour(sc.channels.configured()[ch], sc.interval_min, sc.costs.shrinkage)


def plan_investment_yaml(sc_path: str | Path, result: StaffingPlan, name: str = "staffing_plan",
                         out: str | Path | None = None) -> str:
    """An investment file that adds the plan's extra agents (hours where it exceeds today's schedule).

    ``extends:`` is relative to ``out`` when given (a portable pair of files), else absolute.
    """
    sc = load_scenario(sc_path)
    extends = relative_extends(sc_path, out) if out is not None else Path(sc_path).resolve().as_posix()
    lines = ["# Staffing plan from `sim staffing` for targets "
             + ", ".join(f"{c.value} {t[0]:.0%}/{t[1]:g}s" for c, t in result.targets.items()),
             "# Hours where the plan is below today's schedule are not removed here (a saving to decide separately).",
             f"extends: {extends}", f"name: {name}", "investment:", f"  name: {name}", "  levers:"]
    for ch, plan in result.plan.items():
        current = np.asarray(floor_agents_by_hour(sc, ch))
        extra = np.maximum(0, np.asarray(plan) - current)
        if extra.any():
            lines.append(f"    - {{type: staffing, channel: {ch.value}, extra_by_hour: {extra.tolist()}}}")
    if lines[-1] == "  levers:":
        raise ScenarioError([Problem(str(sc_path), 0, "", "the plan needs no agent beyond today's schedule: nothing to invest in")])
    return "\n".join(lines) + "\n"
