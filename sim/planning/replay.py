"""Replay a real centre's day from its contact log, and compare the simulation hour by hour.

The recipe (``sim replay LOG.csv``): from the log of one live channel take

1. arrivals per hour of the day (contacts per day, all rows: retrials are arrivals too);
2. handle time per hour of the day (mean and CV of answered contacts, by the hour they joined);
3. patience: total wait / abandons (the censored exponential MLE, :mod:`sim.planning.calibrate`);
4. staffing per interval of the day: given (e.g. from the workforce-management system), or
   estimated from the log: while someone waits every agent present is busy, so the agents present
   are the contacts in service then (:func:`estimate_staffing`);

then simulate many identical days of that day (Poisson arrivals, lognormal handle times,
exponential patience, the channel open whenever the log shows contacts) and compare the
abandonment rate per hour of the day with the log's: Pearson correlation over hours with at least
``min_contacts`` logged contacts, mean absolute error in percentage points, and the overall rates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.des import CentreSpec, ChannelSpec, ContactBatch, GroupSpec, simulate_centre
from sim.des.arrivals import unit_work

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class ReplayDay:
    """A typical day of one channel, as read from a log."""

    channel: str
    log_days: int
    arrivals_per_day: np.ndarray  # 24 hourly values
    aht_s: np.ndarray  # 24 hourly means (answered; the channel mean where an hour has none)
    aht_cv: np.ndarray  # 24
    patience_mean_s: float
    agents: tuple[int, ...]  # per interval of the day
    interval_min: int


@dataclass(frozen=True)
class ReplayResult:
    day: ReplayDay
    hourly: pd.DataFrame  # hour, log_contacts, log_abandon_rate, sim_abandon_rate, aht_s, agents_mean
    correlation: float
    mae_points: float
    overall_log: float
    overall_sim: float


def estimate_staffing(log: pd.DataFrame, interval_min: int = 60, quantile: float = 0.9,
                      tolerance_s: float = 1.0, min_queue_s: float = 600.0) -> tuple[int, ...]:
    """Agents per interval of the day, read from when contacts were in service and waiting.

    While a contact waits, every agent present is busy: the agents present then are the contacts in
    service. Per interval of the day (pooled over days): the median number in service over the time
    someone waited. Where nobody waited for ``min_queue_s`` in all, agents were never all busy and the
    log shows only a floor: the ``quantile`` over days of the peak number in service at once. Services
    are shortened by ``tolerance_s`` at both ends, so that timestamps rounded to the second do not make
    one agent's next contact look like a second agent.
    """
    t0 = log["timestamp"].min().normalize()
    joined = (log["timestamp"] - t0).dt.total_seconds().to_numpy()
    wait = log["wait_s"].to_numpy(float)
    ans = log["answered"].to_numpy()
    start = joined[ans] + wait[ans]
    end = start + log["handle_s"].to_numpy(float)[ans]
    keep = end - start > 2 * tolerance_s
    start, end = start[keep] + tolerance_s, end[keep] - tolerance_s
    queued = wait > tolerance_s
    length = interval_min * 60.0
    per_day = int(1440 // interval_min)
    horizon = max(end.max() if end.size else 0.0, (joined + wait).max())
    n_int = int(math.ceil(horizon / length)) + 1
    bounds = np.arange(n_int + 1) * length
    times = np.concatenate([start, end, joined[queued], (joined + wait)[queued], bounds])
    dc = np.concatenate([np.ones(start.size), -np.ones(end.size), np.zeros(2 * queued.sum() + bounds.size)])
    dq = np.concatenate([np.zeros(2 * start.size), np.ones(queued.sum()), -np.ones(queued.sum()), np.zeros(bounds.size)])
    order = np.argsort(times, kind="stable")
    times, level, queue = times[order], np.cumsum(dc[order]), np.cumsum(dq[order])
    dt = np.diff(times, append=times[-1])
    slot = (np.minimum(times // length, n_int - 1)).astype(np.intp)
    top = int(level.max()) + 1 if level.size else 1
    # 1. the median number in service while someone waited, per interval of the day
    busy = (queue > 0) & (dt > 0)
    hist = np.bincount((slot[busy] % per_day) * top + level[busy].astype(np.intp), weights=dt[busy],
                       minlength=per_day * top).reshape(per_day, top)
    total = hist.sum(axis=1)
    median = np.argmax(np.cumsum(hist, axis=1) >= 0.5 * total[:, None], axis=1)
    # 2. otherwise a floor: a high percentile over days of the peak number in service
    peak = np.zeros(n_int)
    np.maximum.at(peak, slot, level)
    days = int(math.ceil(n_int / per_day))
    grid = np.zeros(days * per_day)
    grid[:n_int] = peak
    floor = np.ceil(np.quantile(grid.reshape(days, per_day), quantile, axis=0) - 1e-9)
    return tuple(int(m) if q >= min_queue_s else int(f) for m, q, f in zip(median, total, floor))


def build_day(log: pd.DataFrame, channel: str, interval_min: int = 60, agents: tuple[int, ...] | None = None) -> ReplayDay:
    """Read the typical day of ``channel`` from a log (see the module docstring)."""
    g = log[log["channel"] == channel]
    if g.empty:
        raise ValueError(f"the log has no {channel} contacts")
    t0 = g["timestamp"].min().normalize()
    days = max(1, int(math.ceil((g["timestamp"].max() - t0).total_seconds() / SECONDS_PER_DAY)))
    hour = g["timestamp"].dt.hour.to_numpy()
    arrivals = np.bincount(hour, minlength=24) / days
    ans = g[g["answered"]]
    h_ans = ans["timestamp"].dt.hour.to_numpy()
    handle = ans["handle_s"].to_numpy(float)
    mean_all, cv_all = float(handle.mean()), float(handle.std(ddof=1) / handle.mean()) if handle.size > 1 else 1.0
    aht, cv = np.full(24, mean_all), np.full(24, cv_all)
    for h in range(24):
        x = handle[h_ans == h]
        if x.size >= 10:
            aht[h], cv[h] = x.mean(), max(0.05, x.std(ddof=1) / x.mean())
    abandons = int((~g["answered"]).sum())
    patience = float(g["wait_s"].sum() / abandons) if abandons else math.inf
    agents = tuple(agents) if agents is not None else estimate_staffing(g, interval_min)
    if len(agents) != 1440 // interval_min:
        raise ValueError(f"staffing needs {1440 // interval_min} values (intervals of {interval_min} minutes), got {len(agents)}")
    return ReplayDay(channel, days, arrivals, aht, cv, patience, agents, interval_min)


def simulate_day(day: ReplayDay, days: int = 60, seed: int = 0, by_hour_aht: bool = True):
    """Many identical days of ``day``; returns (records, hour of day each contact joined)."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(14,))))
    counts = rng.poisson(np.tile(day.arrivals_per_day, days))
    hour_index = np.repeat(np.arange(24 * days), counts)
    arrival = np.sort(hour_index * 3600.0 + rng.random(hour_index.size) * 3600.0)
    h = ((arrival % SECONDS_PER_DAY) // 3600).astype(int)
    mean = day.aht_s[h] if by_hour_aht else np.full(h.size, np.average(day.aht_s, weights=day.arrivals_per_day + 1e-12))
    cv = day.aht_cv[h] if by_hour_aht else np.full(h.size, np.average(day.aht_cv, weights=day.arrivals_per_day + 1e-12))
    work = mean * unit_work(rng.random(h.size), "lognormal", cv)
    patience = day.patience_mean_s * rng.standard_exponential(h.size) if math.isfinite(day.patience_mean_s) else np.full(h.size, math.inf)
    n = h.size
    batch = ContactBatch.simple(np.arange(n), np.zeros(n, np.int8), arrival, patience, work, np.zeros(n))
    week = 7 * len(day.agents)
    spec = CentreSpec((ChannelSpec(20.0, (1.0,), open_by_interval=(True,) * week),),
                      (GroupSpec(day.channel, (0,), (0,) * 24, agents_by_interval=tuple(day.agents) * 7),),
                      interval_min=day.interval_min)
    rec = simulate_centre(batch, spec, days)
    return rec, ((rec.queued_s % SECONDS_PER_DAY) // 3600).astype(int)


def replay_log(log: pd.DataFrame | str | Path, channel: str | None = None, agents: tuple[int, ...] | None = None,
               interval_min: int = 60, days: int = 60, seed: int = 0, min_contacts: int = 30,
               by_hour_aht: bool = True) -> ReplayResult:
    """Build the day from the log, replay it ``days`` times and compare abandonment hour by hour."""
    if not isinstance(log, pd.DataFrame):
        from sim.planning.contact_log import read_log

        log = read_log(log)
    if channel is None:
        live = log[log["channel"].isin(("phone", "chat"))]
        channel = str((live if not live.empty else log)["channel"].value_counts().index[0])
    day = build_day(log, channel, interval_min, agents)
    rec, hour = simulate_day(day, days, seed, by_hour_aht)
    g = log[log["channel"] == channel]
    log_hour = g["timestamp"].dt.hour.to_numpy()
    log_n = np.bincount(log_hour, minlength=24)
    log_ab = np.bincount(log_hour, weights=(~g["answered"]).to_numpy(float), minlength=24)
    off = rec.offered
    sim_n = np.bincount(hour[off], minlength=24)
    sim_ab = np.bincount(hour[off], weights=rec.abandoned[off].astype(float), minlength=24)
    log_rate = np.divide(log_ab, log_n, out=np.full(24, np.nan), where=log_n > 0)
    sim_rate = np.divide(sim_ab, sim_n, out=np.full(24, np.nan), where=sim_n > 0)
    per_hour = np.asarray(day.agents, float).reshape(24, -1).mean(axis=1)
    hourly = pd.DataFrame({"hour": np.arange(24), "log_contacts": log_n, "log_abandon_rate": log_rate,
                           "sim_abandon_rate": sim_rate, "aht_s": day.aht_s, "agents_mean": per_hour})
    ok = (log_n >= min_contacts) & np.isfinite(sim_rate)
    corr = float(np.corrcoef(log_rate[ok], sim_rate[ok])[0, 1]) if ok.sum() >= 3 and np.std(log_rate[ok]) > 0 else math.nan
    mae = float(np.mean(np.abs(log_rate[ok] - sim_rate[ok])) * 100) if ok.any() else math.nan
    return ReplayResult(day, hourly, corr, mae, float(log_ab.sum() / log_n.sum()), float(sim_ab.sum() / max(1, sim_n.sum())))
