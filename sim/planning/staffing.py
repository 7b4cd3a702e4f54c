"""Staffing plans: the fewest agents per channel and hour that meet a service-level target.

First guess per hour from Erlang A (Erlang C without abandonment) at the hour's expected offered
load and handle time (``aht_profile_s`` where given): bots thin the arrivals by their containment,
chat concurrency multiplies servers and inflates handle time. Hours without demand get no agent,
so the channel stays closed there (its opening hours default to the staffed hours). Then the plan
is simulated with every feature of the scenario (reasons, follow-ups, skills, day-level swings…)
and, while a channel's monthly service level misses its
target in more than 5 % of replications, one agent is added in that channel's worst open hour.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.des.erlang import erlang_a, erlang_c
from sim.planning.scenario_file import relative_extends, write_scenario_file
from sim.run.experiment import Experiment, run_experiment
from sim.run.folders import check_out_file
from sim.scenario import Problem, Scenario, ScenarioError, load_scenario, source_files
from sim.scenario.schedule import WEEKDAYS, floor_by_interval
from sim.types import Channel

TARGET = re.compile(r"^\s*(\w+)\s*:\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*$")
MAX_AGENTS = 2_000


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


def hourly_arrivals_per_s(sc: Scenario, ch: Channel) -> np.ndarray:
    """Expected offered contacts per second in each hour of the day (first contacts, after bots)."""
    cfg = sc.channels.configured()[ch]
    share = sc.customers.channel_mix.shares().get(ch, 0.0)
    per_day = sc.customers.initial * sc.customers.contact_rate_per_month * share / sc.days_per_month
    week = np.asarray(cfg.weekday_weights, float)
    days = [np.asarray(cfg.hourly_profile_by_weekday.get(d, cfg.hourly_profile), float) for d in WEEKDAYS]
    profile = sum(w * p / p.sum() for w, p in zip(week, days)) / week.sum()  # the mean day
    rate = per_day * profile / 3600.0
    if cfg.bot is not None:
        shares = {r.name: r.share for r in sc.reasons} or {"general": 1.0}
        total = sum(shares.values())
        contained = sum(s / total * cfg.bot.containment_by_reason.get(n, cfg.bot.containment) for n, s in shares.items())
        rate = rate * (1.0 - contained)
    return rate


def erlang_first_guess(sc: Scenario, ch: Channel, target: tuple[float, float]) -> tuple[int, ...]:
    cfg = sc.channels.configured()[ch]
    factor = sum(r.share * r.aht_factor for r in sc.reasons) / sum(r.share for r in sc.reasons) if sc.reasons else 1.0
    k = cfg.concurrency
    by_hour = (np.full(24, cfg.aht_mean_s) if cfg.aht_profile_s is None
               else np.asarray(cfg.aht_profile_s, float).reshape(24, -1).mean(axis=1))
    sl, threshold = target
    plan = []
    for lam, aht_h in zip(hourly_arrivals_per_s(sc, ch), by_hour):
        aht = aht_h * factor * (1.0 + cfg.concurrency_handle_inflation * (k - 1))
        if lam <= 0:
            plan.append(0)
            continue
        n = max(1, math.floor(lam * aht / k))
        while n < MAX_AGENTS:
            q = (erlang_c(lam, aht, n * k, threshold) if cfg.patience_mean_s is None
                 else erlang_a(lam, aht, cfg.patience_mean_s, n * k, threshold))
            if q.service_level >= sl:
                break
            n += 1
        plan.append(n)
    return tuple(plan)


def floor_agents_by_hour(sc: Scenario, ch: Channel) -> tuple[int, ...]:
    """A channel's own agents on the floor per hour today (a shift plan: its weekly mean, rounded)."""
    cfg = sc.channels.configured()[ch]
    if cfg.schedule is None:
        return tuple(cfg.agents_by_hour)
    weekly = np.asarray(floor_by_interval(cfg.schedule, sc.interval_min, sc.costs.shrinkage), float)
    return tuple(int(x) for x in np.floor(weekly.reshape(7, 24, -1).mean(axis=(0, 2)) + 0.5))


def with_plan(sc: Scenario, plan: dict[Channel, tuple[int, ...]]) -> Scenario:
    channels = sc.channels.model_copy(update={ch.value: sc.channels.configured()[ch].model_copy(
        update={"agents_by_hour": p, "schedule": None}) for ch, p in plan.items()})
    return sc.model_copy(update={"channels": channels, "investment": None, "horizon_months": 1})


def plan_staffing(path: str | Path, target_text: str, replications: int = 20, seed: int | None = None,
                  workers: int | None = None, max_rounds: int = 40, confirm: bool = True,
                  write_investment: str | Path | None = None, overwrite: bool = False) -> StaffingPlan:
    """Erlang first guess, then simulate and add agents until each target is met in ≥ 95 % of replications.

    With ``write_investment``, the plan is also written as an investment file extending ``path``
    (checked before anything runs: no existing file without ``overwrite``, never an input).
    """
    sc = load_scenario(path)
    targets = parse_targets(target_text, sc)
    inputs = source_files(path)
    if write_investment is not None:
        check_out_file(write_investment, inputs, overwrite, option="--write-investment")
    first = {ch: erlang_first_guess(sc, ch, t) for ch, t in targets.items()}
    plan = {ch: list(p) for ch, p in first.items()}
    met, level, rounds = {}, {}, 0
    root = seed if seed is not None else sc.seed
    while confirm and rounds < max_rounds:
        rounds += 1
        runs = run_experiment(Experiment(with_plan(sc, {c: tuple(p) for c, p in plan.items()}), (), replications, root), workers=workers)
        failing = []
        for ch, (sl, threshold) in targets.items():
            ch_code = list(Channel).index(ch)
            monthly = np.array([_sl_at(r, ch_code, threshold) for r in runs])
            met[ch], level[ch] = float((monthly >= sl).mean()), float(monthly.mean())
            if met[ch] < 0.95:
                failing.append(ch)
        if not failing:
            break
        for ch in failing:
            worst = _worst_open_hour(runs, list(Channel).index(ch), targets[ch][1], plan[ch])
            plan[ch][worst] += 1
    final = {ch: tuple(p) for ch, p in plan.items()}
    result = StaffingPlan(targets, first, final, met, level, rounds, with_plan(sc, final).labor_cost_usd_per_month(),
                          sc.labor_cost_usd_per_month(), {ch: floor_agents_by_hour(sc, ch) for ch in targets})
    if write_investment is not None:
        written = write_scenario_file(plan_investment_yaml(path, result, out=write_investment), write_investment, inputs, overwrite)
        result = dataclasses.replace(result, investment_file=written)
    return result


def _sl_at(run, ch_code: int, threshold: float) -> float:
    iv = run.intervals
    m = iv["channel_code"] == ch_code
    waits_ok = iv["answered_within_sl"][m].sum()
    return float(waits_ok / max(1.0, iv["offered"][m].sum()))


def _worst_open_hour(runs, ch_code: int, threshold: float, plan: list[int]) -> int:
    offered, within = np.zeros(24), np.zeros(24)
    for r in runs:
        iv = r.intervals
        m = iv["channel_code"] == ch_code
        hours = (iv["interval_start_min"][m] // 60).astype(int)
        np.add.at(offered, hours, iv["offered"][m])
        np.add.at(within, hours, iv["answered_within_sl"][m])
    # the hour that loses the most answered-within-threshold contacts, among hours with demand
    gap = np.where(offered > 0, offered - within, -np.inf)
    return int(np.argmax(gap))


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
