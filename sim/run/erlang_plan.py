"""The first guess of a staffing plan: Erlang A (Erlang C without abandonment) hour by hour.

For one live channel, the expected offered load of each hour of the mean day (first contacts,
after bots, self-service deflection, proactive prevention and any channel shift of the month's
effects) and its handle time (``aht_profile_s`` where given, times the month's handle-time
multiplier, inflated by chat concurrency) give the fewest agents meeting a service-level target.
Where the month's effects raise agents' floor time (WFM adherence), the scheduled agents are the
floor agents divided by that factor. Also what a WFM tool does with a week's agent-hours: fit
them to the arrival curve (:func:`fit_week`).
"""

from __future__ import annotations

import heapq
import math
from functools import lru_cache

import numpy as np

from sim.des.erlang import erlang_a, erlang_c
from sim.levers import MonthEffects
from sim.scenario import Scenario
from sim.scenario.schedule import WEEKDAYS
from sim.types import Channel

MAX_AGENTS = 2_000


def channel_share(sc: Scenario, ch: Channel, fx: MonthEffects | None = None) -> float:
    """Share of contacts on ``ch`` after the month's channel shift."""
    shares = sc.customers.channel_mix.shares()
    share = shares.get(ch, 0.0)
    for src, dst, moved in (fx.channel_shift if fx else ()):
        share += moved * shares.get(src, 0.0) * ((dst == ch) - (src == ch))
    return share


def hourly_arrivals_per_s(sc: Scenario, ch: Channel, fx: MonthEffects | None = None) -> np.ndarray:
    """Expected offered contacts per second in each hour of the mean day (first contacts reaching a human)."""
    fx = fx or MonthEffects()
    cfg = sc.channels.configured()[ch]
    per_day = sc.customers.initial * sc.customers.contact_rate_per_month * channel_share(sc, ch, fx) / sc.days_per_month
    week = np.asarray(cfg.weekday_weights, float)
    days = [np.asarray(cfg.hourly_profile_by_weekday.get(d, cfg.hourly_profile), float) for d in WEEKDAYS]
    profile = sum(w * p / p.sum() for w, p in zip(week, days)) / week.sum()  # the mean day
    rate = per_day * profile / 3600.0 * (1.0 - fx.deflection)
    shares = {r.name: r.share for r in sc.reasons} or {"general": 1.0}
    total = sum(shares.values())
    rate = rate * (1.0 - sum(s / total * fx.prevention_by_reason.get(n, 0.0) for n, s in shares.items()))
    bot = fx.bots.get(ch, cfg.bot)
    if bot is not None:
        contained = sum(s / total * bot.containment_by_reason.get(n, bot.containment) for n, s in shares.items())
        rate = rate * (1.0 - contained)
    return rate


def hourly_aht_s(sc: Scenario, ch: Channel, fx: MonthEffects | None = None) -> np.ndarray:
    """Mean handle time per hour of day: reasons' factors, the month's multiplier, chat concurrency."""
    cfg = sc.channels.configured()[ch]
    factor = sum(r.share * r.aht_factor for r in sc.reasons) / sum(r.share for r in sc.reasons) if sc.reasons else 1.0
    by_hour = (np.full(24, cfg.aht_mean_s) if cfg.aht_profile_s is None
               else np.asarray(cfg.aht_profile_s, float).reshape(24, -1).mean(axis=1))
    multiplier = fx.handle_multiplier[ch] if fx else 1.0
    return by_hour * factor * multiplier * (1.0 + cfg.concurrency_handle_inflation * (cfg.concurrency - 1))


def erlang_first_guess(sc: Scenario, ch: Channel, target: tuple[float, float], fx: MonthEffects | None = None) -> tuple[int, ...]:
    """The fewest scheduled agents per hour of day whose Erlang A service level meets ``target`` (share, seconds)."""
    cfg = sc.channels.configured()[ch]
    scale = (fx.floor_scale.get(ch, 1.0) if fx else 1.0)
    return _guess(tuple(hourly_arrivals_per_s(sc, ch, fx)), tuple(hourly_aht_s(sc, ch, fx)), cfg.patience_mean_s,
                  cfg.concurrency, target, scale)


@lru_cache(maxsize=256)
def _guess(rates: tuple[float, ...], ahts: tuple[float, ...], patience_s: float | None, k: int,
           target: tuple[float, float], scale: float) -> tuple[int, ...]:
    sl, threshold = target
    plan = []
    for lam, aht in zip(rates, ahts):
        if lam <= 0:
            plan.append(0)
            continue
        n = max(1, math.floor(lam * aht / k))
        while n < MAX_AGENTS:
            q = (erlang_c(lam, aht, n * k, threshold) if patience_s is None
                 else erlang_a(lam, aht, patience_s, n * k, threshold))
            if q.service_level >= sl:
                break
            n += 1
        plan.append(max(1, math.ceil(n / scale - 1e-9)))
    return tuple(plan)


def weekly_arrivals_per_s(sc: Scenario, ch: Channel) -> np.ndarray:
    """Expected offered contacts per second in each interval of the week (Monday first), today's world."""
    cfg = sc.channels.configured()[ch]
    per_slot = 60 // sc.interval_min
    per_day = sc.customers.initial * sc.customers.contact_rate_per_month * channel_share(sc, ch) / sc.days_per_month
    week = np.asarray(cfg.weekday_weights, float)
    out = []
    for d, w in zip(WEEKDAYS, week * 7 / week.sum()):
        p = np.asarray(cfg.hourly_profile_by_weekday.get(d, cfg.hourly_profile), float)
        out.append(np.repeat(per_day * w * p / p.sum() / 3600.0, per_slot))
    return np.concatenate(out)


@lru_cache(maxsize=100_000)
def _within_per_s(lam: float, aht: float, patience_s: float | None, servers: int, threshold: float) -> float:
    """Contacts per second answered within the threshold (Erlang A; Erlang C without patience)."""
    if lam <= 0 or servers <= 0:
        return 0.0
    if patience_s is None and lam * aht >= servers:
        return 0.0
    q = erlang_c(lam, aht, servers, threshold) if patience_s is None else erlang_a(lam, aht, patience_s, servers, threshold)
    return lam * q.service_level


def fit_week(sc: Scenario, ch: Channel, weekly: np.ndarray) -> np.ndarray:
    """What a WFM tool does with a channel's week: the same agent-intervals, re-allocated to the arrival curve.

    Every staffed interval keeps one agent (the channel keeps its opening hours); the rest go, one
    at a time, where an agent adds the most contacts answered within the threshold (Erlang A at
    the interval's expected load: marginal gains shrink, so the greedy allocation is optimal).
    """
    cfg = sc.channels.configured()[ch]
    staffed = np.asarray(weekly) > 0
    alloc = staffed.astype(int)
    spare = int(np.asarray(weekly).sum()) - int(alloc.sum())
    if spare <= 0:
        return np.asarray(weekly).copy()
    lam = weekly_arrivals_per_s(sc, ch)
    hour = np.tile(np.arange(alloc.size // 7) * sc.interval_min // 60, 7)
    aht = hourly_aht_s(sc, ch)[hour]
    k, patience, thr = cfg.concurrency, cfg.patience_mean_s, cfg.sl_threshold_s

    def gain(i: int) -> float:
        n = int(alloc[i])
        return (_within_per_s(float(lam[i]), float(aht[i]), patience, (n + 1) * k, thr)
                - _within_per_s(float(lam[i]), float(aht[i]), patience, n * k, thr))

    heap = [(-gain(i), i) for i in np.flatnonzero(staffed)]
    heapq.heapify(heap)
    for _ in range(spare):
        _, i = heapq.heappop(heap)
        alloc[i] += 1
        heapq.heappush(heap, (-gain(i), i))
    return alloc
