"""The first guess of a staffing plan: Erlang A (Erlang C without abandonment) hour by hour.

For one live channel, the expected offered load of each hour of the mean day (first contacts,
after bots, self-service deflection, proactive prevention and any channel shift of the month's
effects) and its handle time (``aht_profile_s`` where given, times the month's handle-time
multiplier, inflated by chat concurrency) give the fewest agents meeting a service-level target.
Where the month's effects raise agents' floor time (WFM adherence), the scheduled agents are the
floor agents divided by that factor. Also the shape a WFM tool fits a day's agent-hours to.
"""

from __future__ import annotations

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


def fitted_shape(sc: Scenario, ch: Channel) -> np.ndarray:
    """Relative agents per hour of the day a WFM tool fits to the arrival curve: the Erlang plan at the
    80 % convention within the channel's threshold (24 weights; 0 where nobody arrives)."""
    cfg = sc.channels.configured()[ch]
    return np.asarray(erlang_first_guess(sc, ch, (0.8, cfg.sl_threshold_s)), float)
