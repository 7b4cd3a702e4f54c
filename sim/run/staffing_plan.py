"""Staffing plans confirmed by simulation: the fewest agents per channel and hour meeting targets.

The first guess is Erlang A hour by hour (:mod:`sim.run.erlang_plan`). The plan is then simulated
for one month with every feature of the scenario (reasons, follow-ups, skills, bots, day-level
swings…) and, with the investment given, with its levers at the strength given; while a channel
misses its target, one agent is added in that channel's worst open hour (the hour losing the most
contacts answered within the threshold). Two criteria: ``share`` (the monthly service level meets
the target in at least 95 % of replications: what ``sim staffing`` promises) and ``mean`` (the mean
monthly service level is within ``MEAN_TOLERANCE`` of the target: what a harvest re-plans to).
Service levels are measured at the target's threshold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.run.month_loop import ArmRun, run_arm
from sim.scenario import Investment, Scenario
from sim.types import Channel

Target = tuple[float, float]  # (share answered within the threshold, threshold in seconds)
Simulate = Callable[[Scenario, Investment | None, int, int], list[ArmRun]]
MEAN_TOLERANCE = 0.01
MET_SHARE = 0.95


def simulate_here(world: Scenario, investment: Investment | None, replications: int, root_seed: int) -> list[ArmRun]:
    """Replications 0..n-1 of one arm, one after the other in this process."""
    return [run_arm(world, investment, r, root_seed) for r in range(replications)]


def at_thresholds(sc: Scenario, targets: dict[Channel, Target]) -> Scenario:
    """The scenario with each targeted channel's service level measured at the target's threshold."""
    channels = sc.channels.model_copy(update={ch.value: sc.channels.configured()[ch].model_copy(update={"sl_threshold_s": t[1]})
                                              for ch, t in targets.items()})
    return sc.model_copy(update={"channels": channels})


def with_plan(sc: Scenario, plan: dict[Channel, tuple[int, ...]]) -> Scenario:
    """One month of the world without investment, the planned channels staffed by ``plan`` (agents by hour)."""
    channels = sc.channels.model_copy(update={ch.value: sc.channels.configured()[ch].model_copy(
        update={"agents_by_hour": tuple(p), "schedule": None}) for ch, p in plan.items()})
    return sc.model_copy(update={"channels": channels, "investment": None, "horizon_months": 1})


def sl_at(run: ArmRun, ch_code: int, threshold: float | None = None) -> float:
    """A run's service level of one channel over its month (answered within the channel's threshold / offered)."""
    iv = run.intervals
    m = iv["channel_code"] == ch_code
    return float(iv["answered_within_sl"][m].sum() / max(1.0, iv["offered"][m].sum()))


def worst_hour(runs: list[ArmRun], ch_code: int, allowed: np.ndarray | None = None) -> int:
    """The hour of day that loses the most contacts answered within the threshold (among ``allowed`` hours)."""
    offered, within = np.zeros(24), np.zeros(24)
    for r in runs:
        iv = r.intervals
        m = iv["channel_code"] == ch_code
        hours = (iv["interval_start_min"][m] // 60).astype(int)
        np.add.at(offered, hours, iv["offered"][m])
        np.add.at(within, hours, iv["answered_within_sl"][m])
    ok = offered > 0 if allowed is None else (offered > 0) & allowed
    if not ok.any():
        ok = np.asarray(allowed, bool) if allowed is not None and np.any(allowed) else offered >= 0
    gap = np.where(ok, offered - within, -np.inf)
    return int(np.argmax(gap))


@dataclass(frozen=True)
class Confirmed:
    """A plan after simulation: agents by hour, and how it did in the last round."""

    plan: dict[Channel, tuple[int, ...]]
    met_share: dict[Channel, float]  # share of replications whose monthly SL meets the target
    service_level: dict[Channel, float]  # mean simulated monthly SL
    rounds: int


def levels(runs: list[ArmRun], targets: dict[Channel, Target]) -> tuple[dict[Channel, float], dict[Channel, float]]:
    """(share of runs meeting each target, mean monthly service level) per channel."""
    met, level = {}, {}
    for ch, (sl, _) in targets.items():
        monthly = np.array([sl_at(r, list(Channel).index(ch)) for r in runs])
        met[ch], level[ch] = float((monthly >= sl).mean()), float(monthly.mean())
    return met, level


def misses(targets: dict[Channel, Target], met: dict, level: dict, criterion: str) -> list[Channel]:
    if criterion == "share":
        return [ch for ch in targets if met[ch] < MET_SHARE]
    return [ch for ch, (sl, _) in targets.items() if level[ch] < sl - MEAN_TOLERANCE]


def confirm_plan(world: Scenario, investment: Investment | None, targets: dict[Channel, Target],
                 first: dict[Channel, tuple[int, ...]], replications: int, root_seed: int, criterion: str = "share",
                 max_rounds: int = 40, simulate: Simulate = simulate_here) -> Confirmed:
    """Simulate ``first`` and add agents in the worst hour of each channel that misses its target, until none does.

    Args:
        world: the world (its investment is ignored); planned channels are staffed by the plan.
        investment: simulated with the plan (its levers at the strength they have in month 1), or None.
        targets: (share, threshold s) per planned channel.
        first: the first guess per planned channel (agents by hour).
        criterion: ``share`` (met in >= 95 % of replications) or ``mean`` (mean SL >= target - 0.01).
    """
    plan = {ch: list(p) for ch, p in first.items()}
    met: dict[Channel, float] = {}
    level: dict[Channel, float] = {}
    rounds = 0
    base = at_thresholds(world, targets)
    while rounds < max_rounds:
        rounds += 1
        runs = simulate(with_plan(base, {c: tuple(p) for c, p in plan.items()}), investment, replications, root_seed)
        met, level = levels(runs, targets)
        failing = misses(targets, met, level, criterion)
        if not failing:
            break
        for ch in failing:
            plan[ch][worst_hour(runs, list(Channel).index(ch))] += 1
    return Confirmed({ch: tuple(p) for ch, p in plan.items()}, met, level, rounds)
