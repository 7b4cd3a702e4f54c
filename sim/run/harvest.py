"""Harvesting efficiency as cost: re-plan staffing so the freed capacity becomes fewer paid hours.

For an investment with ``harvest: cost`` (settings: :mod:`sim.scenario.harvest`), once, when the
experiment is built:

1. **Targets**: the file's ``harvest_targets``, or the service level the baseline achieves in each
   live channel with agents of its own (simulated at its ``sl_threshold_s``).
2. **Fair attribution**: the same planner (:mod:`sim.run.staffing_plan`, mean criterion) plans
   the staffing the targets need twice — for the world without the investment and for the world
   with it at full effect (its levers at full strength from month 1: the steady state) — and only
   the difference comes off today's schedule: cut = max(0, required without − required with) per
   hour, never emptying a staffed hour. A poorly shaped schedule today is therefore never counted
   as a saving of the investment. The one exception is a lever that re-shapes the schedule itself
   (WFM with ``fit_schedule``): there the fitted shape *is* what is bought, so "without" is today's
   schedule.
3. **Confirm**: today's schedule minus the cut is simulated with the investment at full effect;
   while a channel's mean service level is more than 1 point below its target, one agent of the
   cut is given back in its worst hour.

The cut applies from the month every lever reaches full effect (before it: today's staffing).
Planning uses the central value of every uncertain setting (the distribution's mean, which the
loader leaves in place): a business plans with its expectation, then lives with the draws. It
runs ``HARVEST_REPLICATIONS`` one-month replications per round with the experiment's root seed,
so it takes seconds.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import numpy as np

from sim.levers import month_effects
from sim.run.erlang_plan import erlang_first_guess
from sim.run.staffing_plan import MEAN_TOLERANCE, Target, at_thresholds, confirm_plan, levels, simulate_here, worst_hour
from sim.scenario import Investment, Scenario
from sim.scenario.harvest import HarvestTarget, harvest_channels, own_floor_by_hour
from sim.types import Channel

HARVEST_REPLICATIONS = 8
MAX_ROUNDS = 40


@dataclass(frozen=True)
class HarvestPlan:
    """What a harvest re-planned, for the manifest and the report (channel names as keys)."""

    investment: str
    source: str  # "planned" or "given" (the file's harvest_cut)
    targets: dict[str, tuple[float, float]]  # channel -> (service level, within seconds)
    targets_from: str  # "baseline" (simulated) or "file"
    required_without: dict[str, list[int]]
    required_with: dict[str, list[int]]
    cut: dict[str, list[int]]  # agents off per hour of day
    from_month: int
    service_level_with_cut: dict[str, float]  # mean simulated SL at full effect, today's schedule minus the cut
    floor_hours_cut_per_day: float
    rounds: int
    replications: int
    seconds: float

    def as_dict(self) -> dict:
        return asdict(self)


def planning_world(world: Scenario) -> Scenario:
    """One month of the world at the central values of its uncertain settings, without investment."""
    return world.model_copy(update={"uncertain": {}, "correlations": (), "investment": None, "horizon_months": 1})


def steady_state(investment: Investment) -> Investment:
    """The investment with every lever at full strength from month 1, at its settings' central values."""
    levers = tuple(lv.model_copy(update={"start_month": 1, "ramp_months": 0, "end_month": None}) for lv in investment.levers)
    return investment.model_copy(update={"levers": levers, "uncertain": {}, "harvest": "service", "harvest_cut": None,
                                         "harvest_targets": {}, "harvest_from_month": None})


def fits_schedule(investment: Investment) -> bool:
    return any(getattr(lv, "fit_schedule", False) for lv in investment.levers)


def baseline_targets(world: Scenario, channels: list[Channel], root_seed: int, replications: int) -> dict[Channel, Target]:
    """The service level today's staffing achieves in each channel, at its own threshold (mean of replications)."""
    runs = simulate_here(world, None, replications, root_seed)
    configured = world.channels.configured()
    _, level = levels(runs, {ch: (0.0, configured[ch].sl_threshold_s) for ch in channels})
    offered = {ch: sum(r.monthly[f"offered_{ch.value}"][1] for r in runs) for ch in channels}
    # a channel nobody reaches has nothing to re-plan; a perfect service level is kept as 99.9 %
    return {ch: (min(round(level[ch], 4), 0.999), configured[ch].sl_threshold_s) for ch in channels if offered[ch] > 0}


def plan_harvest(world: Scenario, investment: Investment | None, root_seed: int,
                 replications: int = HARVEST_REPLICATIONS) -> tuple[Investment | None, HarvestPlan | None]:
    """The investment with its re-planned schedule (``harvest_cut``), and the plan; unchanged without harvest: cost."""
    if investment is None or investment.harvest != "cost":
        return investment, None
    started = time.perf_counter()
    first_month = investment.harvest_window()[0]
    if investment.harvest_cut is not None:
        given = {ch.value: list(c) for ch, c in investment.harvest_cut.items()}
        return investment, HarvestPlan(investment.name, "given", {c.value: (t.service_level, t.within_s) for c, t in
                                                                  investment.harvest_targets.items()}, "file", {}, {}, given,
                                       first_month, {}, _hours_per_day(investment.harvest_cut), 0, 0, 0.0)
    base = planning_world(world)
    channels = harvest_channels(world, investment)
    if investment.harvest_targets:
        targets = {ch: (t.service_level, t.within_s) for ch, t in investment.harvest_targets.items()}
    else:
        targets = baseline_targets(base, channels, root_seed, replications)
    steady = steady_state(investment)
    rates = base.labor_rates()
    fx = month_effects(steady, 1, rates, base.days_per_month)
    channels = [ch for ch in channels if ch in targets]
    current = {ch: np.asarray(own_floor_by_hour(base.channels.configured()[ch], base.interval_min, base.costs.shrinkage))
               for ch in channels}
    rounds = 0
    if fits_schedule(steady):
        without = {ch: tuple(int(x) for x in current[ch]) for ch in channels}
    else:
        first = {ch: erlang_first_guess(base, ch, t) for ch, t in targets.items()}
        done = confirm_plan(base, None, targets, first, replications, root_seed, "mean", MAX_ROUNDS)
        without, rounds = done.plan, done.rounds
    first = {ch: erlang_first_guess(base, ch, t, fx) for ch, t in targets.items()}
    done = confirm_plan(base, steady, targets, first, replications, root_seed, "mean", MAX_ROUNDS)
    rounds += done.rounds
    room = {ch: current[ch] - np.minimum(current[ch], 1) for ch in channels}
    cut = {ch: np.minimum(room[ch], np.maximum(0, np.asarray(without[ch]) - np.asarray(done.plan[ch]))) for ch in channels}
    cut, level, more = confirm_cut(base, steady, targets, cut, replications, root_seed)
    rounds += more
    cut_t = {ch: tuple(int(x) for x in c) for ch, c in cut.items()}
    planned = investment.model_copy(update={  # channels without a cut are left out: their schedule is untouched
        "harvest_cut": {ch: c for ch, c in cut_t.items() if any(c)}, "harvest_from_month": first_month,
        "harvest_targets": {ch: HarvestTarget(service_level=t[0], within_s=t[1]) for ch, t in targets.items()}})
    plan = HarvestPlan(investment.name, "planned", {ch.value: t for ch, t in targets.items()},
                       "file" if investment.harvest_targets else "baseline",
                       {ch.value: list(map(int, p)) for ch, p in without.items()},
                       {ch.value: list(map(int, p)) for ch, p in done.plan.items()},
                       {ch.value: list(c) for ch, c in cut_t.items()}, first_month, {ch.value: v for ch, v in level.items()},
                       _hours_per_day(cut_t), rounds, replications, round(time.perf_counter() - started, 2))
    return planned, plan


def confirm_cut(base: Scenario, steady: Investment, targets: dict[Channel, Target], cut: dict[Channel, np.ndarray],
                replications: int, root_seed: int) -> tuple[dict[Channel, np.ndarray], dict[Channel, float], int]:
    """Give agents of the cut back, worst hour first, until today's schedule minus the cut meets every target
    (mean criterion) with the investment at full effect."""
    world = at_thresholds(base, targets)
    cut = {ch: np.asarray(c, int).copy() for ch, c in cut.items()}
    level: dict[Channel, float] = {}
    for rounds in range(1, MAX_ROUNDS + 1):
        if not any(c.any() for c in cut.values()):
            return cut, level, rounds - 1
        trial = steady.model_copy(update={"harvest": "cost", "harvest_from_month": 1,
                                          "harvest_cut": {ch: tuple(int(x) for x in c) for ch, c in cut.items() if c.any()}})
        runs = simulate_here(world, trial, replications, root_seed)
        _, level = levels(runs, targets)
        failing = [ch for ch, (sl, _) in targets.items() if level[ch] < sl - MEAN_TOLERANCE and cut[ch].any()]
        if not failing:
            return cut, level, rounds
        for ch in failing:
            cut[ch][worst_hour(runs, list(Channel).index(ch), cut[ch] > 0)] -= 1
    return cut, level, MAX_ROUNDS


def _hours_per_day(cut: dict[Channel, tuple[int, ...]]) -> float:
    """Agent-hours a day the cut takes off the floor."""
    return float(sum(sum(c) for c in cut.values()))
