"""Service KPIs per channel and interval of the day, exactly as DESIGN.md defines them.

Intervals are intervals of the day (e.g. 09:00–09:15) pooled over the days of the month: the view
a planner reads. A contact belongs to the interval in which it joined the human queue (its arrival,
for contacts without a bot); agent busy time is split across the intervals it overlaps. Occupancy
counts chat slots: busy slot-seconds / (staffed agent-seconds × concurrency); a multi-skilled
group's staffed time is shared equally among its channels. ``interval_min=1440`` gives one row
per channel for the month.
"""

from __future__ import annotations

import numpy as np

from sim.des.contacts import SECONDS_PER_DAY, Bot, ContactRecords
from sim.des.spec import CentreSpec, QueueSpec, centre_from_queues

ALLOWED_INTERVALS_MIN = (15, 30, 60, 1440)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _busy(rec: ContactRecords, key_of, length_s: float, per_day: int, size: int, mask: np.ndarray, duration: np.ndarray) -> np.ndarray:
    busy = np.zeros(size)
    if not mask.any():
        return busy
    s = rec.service_start_s[mask]
    e = s + duration[mask]
    first = np.floor(s / length_s).astype(np.int64)
    span = int((np.floor(e / length_s).astype(np.int64) - first).max())
    base = key_of[mask]
    for j in range(span + 1):
        idx = first + j
        overlap = np.clip(np.minimum(e, (idx + 1) * length_s) - np.maximum(s, idx * length_s), 0, None)
        np.add.at(busy, base + (idx % per_day), overlap)
    return busy


def interval_kpis(rec: ContactRecords, spec: CentreSpec | list[QueueSpec], days: int, interval_min: int = 60) -> dict:
    """Counts, sums and ratios per (channel, interval of day), as a dict of equal-length arrays.

    Sums are kept beside the ratios so that months, replications or channels can be pooled as
    ratios of sums (a mean of ratios is not a ratio of sums).
    """
    if interval_min not in ALLOWED_INTERVALS_MIN:
        raise ValueError(f"interval_min must be one of {ALLOWED_INTERVALS_MIN}, got {interval_min}")
    spec = spec if isinstance(spec, CentreSpec) else centre_from_queues(list(spec))
    length_s = interval_min * 60.0
    per_day = int(SECONDS_PER_DAY // length_s)
    n_ch = len(spec.channels)
    ch = rec.channel.astype(np.intp)
    joined = np.where(np.isnan(rec.service_start_s) | np.isnan(rec.wait_s), rec.arrival_s, rec.service_start_s - rec.wait_s)
    slot = ((np.where(np.isnan(joined), rec.arrival_s, joined) % SECONDS_PER_DAY) // length_s).astype(np.intp)
    key = ch * per_day + slot
    size = n_ch * per_day

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(key[mask], minlength=size).astype(float)

    def total(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        return np.bincount(key[mask], weights=values[mask], minlength=size)

    off, ans = rec.offered, rec.answered
    thresholds = np.array([c.sl_threshold_s for c in spec.channels])
    within = ans & (rec.wait_s <= thresholds[ch]) if len(rec) else ans
    offered, answered = count(off), count(ans)
    abandoned, backlog = count(off & rec.abandoned), count(off & rec.backlog)
    within_n, waited = count(within), count(off & (rec.wait_s > 0))
    wait_sum, handle_sum = total(ans, rec.wait_s), total(ans, rec.handle_s)

    l1 = ans & ~np.isnan(rec.handle_s)
    busy = _busy(rec, ch * per_day, length_s, per_day, size, l1, np.nan_to_num(rec.handle_s))
    staffed = np.zeros(size)
    for g in spec.groups:
        if g.level != 1 or not g.channels:
            continue
        per_minute = np.repeat(np.asarray(g.agents_by_hour, float), 60).reshape(per_day, -1).sum(axis=1) * 60.0 * days
        for c in g.channels:
            staffed[c * per_day:(c + 1) * per_day] += per_minute / len(g.channels) * spec.channels[c].concurrency

    bot_count = {name: count(rec.bot == value) for name, value in
                 (("bot_contained", Bot.CONTAINED), ("bot_false_contained", Bot.FALSE_CONTAINED),
                  ("bot_handed_off", Bot.HANDED_OFF), ("bot_dead_ends", Bot.DEAD_END))}
    return {
        "channel_code": np.repeat(np.arange(n_ch), per_day),
        "interval_start_min": np.tile(np.arange(per_day) * interval_min, n_ch),
        "offered": offered, "answered": answered, "abandoned": abandoned, "backlog": backlog,
        "answered_within_sl": within_n, "waited": waited,
        "wait_answered_s_sum": wait_sum, "handle_answered_s_sum": handle_sum,
        "busy_s": busy, "staffed_s": staffed,
        "bot_sessions": count(rec.bot != Bot.NONE), **bot_count,
        "transferred": count(rec.transferred), "callbacks": count(rec.callback), "silent_abandons": count(rec.silent),
        "followups": count(rec.attempt > 0),
        "service_level": _ratio(within_n, offered), "asa_s": _ratio(wait_sum, answered),
        "abandon_rate": _ratio(abandoned, offered), "p_wait": _ratio(waited, offered),
        "aht_s": _ratio(handle_sum, answered), "occupancy": _ratio(busy, staffed),
        "contained": bot_count["bot_contained"],
    }
