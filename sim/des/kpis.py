"""Service KPIs per channel and interval of the day, exactly as DESIGN.md defines them.

Intervals are intervals of the day (e.g. 09:00–09:15) pooled over the days of the month: the view a
planner reads. A contact belongs to the interval in which it arrived; agent busy time is split
across the intervals it overlaps. ``interval_min=1440`` gives one row per channel for the month.
"""

from __future__ import annotations

import numpy as np

from sim.des.contacts import SECONDS_PER_DAY, ContactRecords, QueueSpec

ALLOWED_INTERVALS_MIN = (15, 30, 60, 1440)

KPI_COLUMNS = (
    "channel_code",
    "interval_start_min",
    "offered",
    "answered",
    "abandoned",
    "answered_within_sl",
    "waited",
    "wait_answered_s_sum",
    "handle_answered_s_sum",
    "busy_s",
    "staffed_s",
    "service_level",
    "asa_s",
    "abandon_rate",
    "p_wait",
    "aht_s",
    "occupancy",
)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def interval_kpis(records: ContactRecords, queues: list[QueueSpec], days: int, interval_min: int = 60) -> dict:
    """Counts, sums and ratios per (channel, interval of day), as a dict of equal-length arrays.

    Sums are kept beside the ratios so that months, replications or channels can be pooled
    correctly later (a mean of ratios is not a ratio of sums).
    """
    if interval_min not in ALLOWED_INTERVALS_MIN:
        raise ValueError(f"interval_min must be one of {ALLOWED_INTERVALS_MIN}, got {interval_min}")
    length_s = interval_min * 60.0
    per_day = int(SECONDS_PER_DAY // length_s)
    n_ch = len(queues)
    b = records.batch
    ch = b.channel.astype(np.intp)
    slot = ((b.arrival_s % SECONDS_PER_DAY) // length_s).astype(np.intp)
    key = ch * per_day + slot
    size = n_ch * per_day

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(key[mask], minlength=size).astype(float)

    def total(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        return np.bincount(key[mask], weights=values[mask], minlength=size)

    ans = records.answered
    thresholds = np.array([q.sl_threshold_s for q in queues])
    within = ans & (records.wait_s <= thresholds[ch]) if len(b) else ans
    offered = count(np.ones(len(b), bool))
    answered = count(ans)
    abandoned = offered - answered
    within_n = count(within)
    waited = count(records.wait_s > 0)
    wait_sum = total(ans, records.wait_s)
    handle_sum = total(ans, records.handle_s)

    busy = np.zeros(size)
    if ans.any():
        s = records.service_start_s[ans]
        e = s + records.handle_s[ans]
        c = ch[ans]
        first = np.floor(s / length_s).astype(np.int64)
        span = int((np.floor(e / length_s).astype(np.int64) - first).max())
        for j in range(span + 1):
            idx = first + j
            overlap = np.clip(np.minimum(e, (idx + 1) * length_s) - np.maximum(s, idx * length_s), 0, None)
            np.add.at(busy, c * per_day + (idx % per_day), overlap)

    staffed = np.zeros(size)
    for code, q in enumerate(queues):
        per_minute = np.repeat(np.asarray(q.agents_by_hour, float), 60)
        staffed[code * per_day : (code + 1) * per_day] = per_minute.reshape(per_day, -1).sum(axis=1) * 60.0 * days

    return {
        "channel_code": np.repeat(np.arange(n_ch), per_day),
        "interval_start_min": np.tile(np.arange(per_day) * interval_min, n_ch),
        "offered": offered,
        "answered": answered,
        "abandoned": abandoned,
        "answered_within_sl": within_n,
        "waited": waited,
        "wait_answered_s_sum": wait_sum,
        "handle_answered_s_sum": handle_sum,
        "busy_s": busy,
        "staffed_s": staffed,
        "service_level": _ratio(within_n, offered),
        "asa_s": _ratio(wait_sum, answered),
        "abandon_rate": _ratio(abandoned, offered),
        "p_wait": _ratio(waited, offered),
        "aht_s": _ratio(handle_sum, answered),
        "occupancy": _ratio(busy, staffed),
    }
