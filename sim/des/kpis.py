"""Service KPIs per channel and interval of the day, exactly as docs/kpis.md defines them.

Intervals are intervals of the day (e.g. 09:00–09:15) pooled over the days of the month: the view
a planner reads. A contact belongs to the interval in which it joined the human queue (its arrival,
for contacts without a bot); a contact that met its channel closed is counted in ``closed_contacts``
at the interval it arrived. Agent busy time and agents' time on the floor (as simulated: including
a contact finished after the shift, and the month's queue worked off after month end) are split
across the intervals they overlap, so occupancy never exceeds 100 %. Occupancy counts chat slots:
busy slot-seconds / (staffed agent-seconds × concurrency); a multi-skilled group's busy time counts
for the channel it served and its idle time is shared equally among its channels.
``interval_min=1440`` gives one row per channel for the month.
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


def _spread(start: np.ndarray, end: np.ndarray, base: np.ndarray, length_s: float, per_day: int, size: int) -> np.ndarray:
    """Seconds of [start, end) per (base + interval of the day), pooled over days."""
    out = np.zeros(size)
    if not start.size:
        return out
    first = np.floor(start / length_s).astype(np.int64)
    span = int((np.floor(end / length_s).astype(np.int64) - first).max())
    for j in range(span + 1):
        idx = first + j
        overlap = np.clip(np.minimum(end, (idx + 1) * length_s) - np.maximum(start, idx * length_s), 0, None)
        out += np.bincount(base + (idx % per_day), weights=overlap, minlength=size)  # np.add.at, in one pass
    return out


def _busy(rec: ContactRecords, key_of: np.ndarray | int, length_s: float, per_day: int, size: int, mask: np.ndarray,
          duration: np.ndarray) -> np.ndarray:
    """Busy seconds of the ``mask`` legs per (key + interval of the day); ``key_of`` per leg, or one for all."""
    s = rec.service_start_s[mask]
    base = key_of[mask] if isinstance(key_of, np.ndarray) else np.full(s.size, key_of, np.int64)
    return _spread(s, s + duration[mask], base, length_s, per_day, size)


def _staffed(rec: ContactRecords, spec: CentreSpec, days: int, length_s: float, per_day: int, n_ch: int,
             l1: np.ndarray, handle: np.ndarray) -> np.ndarray:
    """Staffed agent-seconds per (channel, interval) x the channel's concurrency (slot-seconds)."""
    size = n_ch * per_day
    staffed = np.zeros(size)
    concurrency = np.array([c.concurrency for c in spec.channels], float)
    if rec.presence is None:  # records without presence: the schedule, shared equally
        for g in spec.groups:
            if g.level != 1 or not g.channels:
                continue
            per_minute = np.repeat(np.asarray(g.agents_by_hour, float), 60).reshape(per_day, -1).sum(axis=1) * 60.0 * days
            for c in g.channels:
                staffed[c * per_day:(c + 1) * per_day] += per_minute / len(g.channels) * concurrency[c]
        return staffed
    p = rec.presence
    for code, g in enumerate(spec.groups):
        if g.level != 1 or not g.channels:
            continue
        m = p.group == code
        present = _spread(p.start_s[m], p.end_s[m], np.zeros(int(m.sum()), np.int64), length_s, per_day, per_day)
        slots = max(int(concurrency[c]) for c in g.channels)
        served = l1 & (rec.group == code)
        agent_busy = {}
        for c in g.channels:
            mc = served & (rec.channel == c)
            whole = 1.0 if concurrency[c] == 1 else 1.0 / slots  # a chat holds one of the agent's slots
            agent_busy[c] = _busy(rec, 0, length_s, per_day, per_day, mc, handle) * whole
        idle = np.maximum(0.0, present - sum(agent_busy.values()))
        for c in g.channels:
            staffed[c * per_day:(c + 1) * per_day] += (agent_busy[c] + idle / len(g.channels)) * concurrency[c]
    return staffed


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
    joined = np.where(np.isnan(rec.queued_s), rec.arrival_s, rec.queued_s)
    key = ch * per_day + ((joined % SECONDS_PER_DAY) // length_s).astype(np.intp)
    tried = rec.channel_tried.astype(np.intp) * per_day + ((rec.arrival_s % SECONDS_PER_DAY) // length_s).astype(np.intp)
    size = n_ch * per_day

    def count(mask: np.ndarray, by: np.ndarray = key) -> np.ndarray:
        return np.bincount(by[mask], minlength=size).astype(float)

    def total(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        return np.bincount(key[mask], weights=values[mask], minlength=size)

    off, ans = rec.offered, rec.answered
    thresholds = np.array([c.sl_threshold_s for c in spec.channels])
    within = ans & (rec.wait_s <= thresholds[ch]) if len(rec) else ans
    offered, answered = count(off), count(ans)
    abandoned, backlog, unserved = count(off & rec.abandoned), count(off & rec.backlog), count(off & rec.unserved_at_close)
    within_n, waited = count(within), count(off & (rec.wait_s > 0))
    wait_sum, handle_sum = total(ans, rec.wait_s), total(ans, rec.handle_s)

    l1 = ans & ~np.isnan(rec.handle_s)
    handle = np.nan_to_num(rec.handle_s)
    busy = _busy(rec, ch * per_day, length_s, per_day, size, l1, handle)
    staffed = _staffed(rec, spec, days, length_s, per_day, n_ch, l1, handle)

    bot_count = {name: count(rec.bot == value) for name, value in
                 (("bot_contained", Bot.CONTAINED), ("bot_false_contained", Bot.FALSE_CONTAINED),
                  ("bot_handed_off", Bot.HANDED_OFF), ("bot_dead_ends", Bot.DEAD_END))}
    return {
        "channel_code": np.repeat(np.arange(n_ch), per_day),
        "interval_start_min": np.tile(np.arange(per_day) * interval_min, n_ch),
        "offered": offered, "answered": answered, "abandoned": abandoned, "backlog": backlog, "unserved": unserved,
        "closed_contacts": count(rec.met_closed, tried), "switched": count(rec.switched, tried),
        "messages": count(off & rec.message & ~rec.carried),
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
