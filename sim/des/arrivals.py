"""World draws of contacts: when they arrive, why, how patient they are, how much work they carry.

Everything is drawn per contact from named streams keyed by the contact's *draw key* (the need
key (customer id, need number) the customer model gives it; :meth:`sim.streams.Streams.keyed`), so
a need has the same arrival time, reason, patience, work content and decision uniforms in the
baseline and in every investment arm, and only contacts that happen are drawn.

Arrival times are non-homogeneous: a day of the month is drawn with weight
weekday_weight × day multiplier (one Gamma multiplier per day with CV ``day_volume_cv``, shared by
all channels: a busy day is busy everywhere — the day-level over-dispersion real centres show), then an hour
from the channel's hourly profile (that weekday's own, where given), then a uniform second within
the hour. Handle time may follow the time of day: a mean (and CV) per interval of the day, taken
at the contact's arrival.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaincinv, ndtri

from sim.des.contacts import HOURS_PER_DAY, MAX_FOLLOWUPS, SECONDS_PER_DAY, SECONDS_PER_HOUR, ContactBatch, U
from sim.streams import Stream, Streams

DISTRIBUTIONS = ("lognormal", "gamma", "exponential")
_BELOW_ONE = np.nextafter(np.float32(1), np.float32(0))  #: the largest float32 uniform


@dataclass(frozen=True)
class DemandSpec:
    """How one channel's contacts are spread in time and how long they take.

    Attributes:
        hourly_profile: relative arrival weight of each hour of the day (24 values, any scale).
        work_mean_s, work_cv: mean and CV of handle time for a reason with aht_factor 1.
        patience_mean_s: mean of the exponential patience; ``inf`` = never abandons.
        weekday_weights: relative volume Monday..Sunday (day 0 of month 1 is a Monday).
        hourly_by_weekday: optional 7 hourly profiles (Monday..Sunday) replacing ``hourly_profile``.
        work_mean_by_interval_s, work_cv_by_interval: optional mean and CV of handle time per
            interval of the day (24, 48 or 96 values), replacing ``work_mean_s`` / ``work_cv``.
    """

    hourly_profile: tuple[float, ...]
    work_mean_s: float
    work_cv: float
    patience_mean_s: float
    weekday_weights: tuple[float, ...] = (1.0,) * 7
    patience_cv: float | None = None  # None: exponential; else lognormal with this CV
    hourly_by_weekday: tuple[tuple[float, ...], ...] | None = None
    work_mean_by_interval_s: tuple[float, ...] | None = None
    work_cv_by_interval: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        profiles = [self.hourly_profile] + list(self.hourly_by_weekday or ())
        if any(len(p) != HOURS_PER_DAY or min(p) < 0 or sum(p) <= 0 for p in profiles):
            raise ValueError("hourly profiles need 24 non-negative weights with a positive sum")
        if self.hourly_by_weekday is not None and len(self.hourly_by_weekday) != 7:
            raise ValueError("hourly_by_weekday needs 7 profiles (Monday..Sunday)")
        if len(self.weekday_weights) != 7 or min(self.weekday_weights) < 0 or sum(self.weekday_weights) <= 0:
            raise ValueError("weekday_weights needs 7 non-negative weights with a positive sum")
        for name in ("work_mean_by_interval_s", "work_cv_by_interval"):
            values = getattr(self, name)
            if values is not None and (len(values) not in (24, 48, 96) or min(values) <= 0):
                raise ValueError(f"{name} needs 24, 48 or 96 positive values (intervals of the day)")

    def at(self, values: tuple[float, ...], arrival_s: np.ndarray) -> np.ndarray:
        """The value of a per-interval-of-day profile at each arrival time."""
        length = SECONDS_PER_DAY / len(values)
        return np.asarray(values, float)[((arrival_s % SECONDS_PER_DAY) // length).astype(np.intp)]


@dataclass(frozen=True)
class ReasonSpec:
    """A contact reason: its share, and its handle time relative to the channel's."""

    share: float = 1.0
    aht_factor: float = 1.0
    distribution: str = "lognormal"
    cv: float | None = None  # None: the channel's CV

    def __post_init__(self) -> None:
        if self.distribution not in DISTRIBUTIONS:
            raise ValueError(f"distribution must be one of {DISTRIBUTIONS}")


def unit_work(u: np.ndarray, distribution: str, cv: float) -> np.ndarray:
    """Mean-1 handle-time factors with the given CV, by inverse CDF of uniforms (CRN-friendly)."""
    u = np.clip(u, 1e-12, 1 - 1e-12)
    if distribution == "exponential":
        return -np.log1p(-u)
    if distribution == "gamma":
        shape = 1.0 / cv**2
        return gammaincinv(shape, u) * (1.0 / shape)  # the gamma quantile, without importing scipy.stats
    sigma = math.sqrt(math.log1p(cv**2)) if np.isscalar(cv) else np.sqrt(np.log1p(np.asarray(cv) ** 2))
    return np.exp(sigma * ndtri(u) - sigma**2 / 2.0)


def exponentials(u: np.ndarray) -> np.ndarray:
    """Standard exponentials from uniforms in (0, 1), in place: −log(1 − u) (inverse CDF)."""
    np.negative(u, out=u)
    np.log1p(u, out=u)
    np.negative(u, out=u)
    return u


def patience_factor(e: np.ndarray, cv: float | None) -> np.ndarray:
    """Mean-1 patience factors from standard exponentials: exponential itself, or lognormal by
    the probability integral transform (so the same draw stays the same customer's patience)."""
    if cv is None:
        return e
    return unit_work(-np.expm1(-e), "lognormal", cv)


def day_weights(streams: Streams, month: int, days: int, weekday_weights, day_volume_cv: float) -> np.ndarray:
    """Relative volume of each day of the month for one channel (world draw, shared multipliers)."""
    start = (month - 1) * days
    weekday = np.asarray(weekday_weights, float)[(start + np.arange(days)) % 7]
    u = streams.rng(Stream.DAY, month).random(days)  # the same days are busy on every channel
    if day_volume_cv > 0:
        shape = 1.0 / day_volume_cv**2
        weekday = weekday * (gammaincinv(shape, np.clip(u, 1e-12, 1 - 1e-12)) * (1.0 / shape))
    return weekday


def draw_contacts(streams: Streams, month: int, customer_id: np.ndarray, channel: np.ndarray,
                  potential_index: np.ndarray, demand: list[DemandSpec], days: int,
                  reasons: list[ReasonSpec] | None = None, day_volume_cv: float = 0.0) -> ContactBatch:
    """Attach arrival time, reason, patience, work and decision draws to each contact.

    Args:
        streams: the replication's streams.
        month: month number (1-based); part of every stream key.
        customer_id, channel, potential_index: one entry per realised contact; ``potential_index``
            holds each contact's draw key (distinct keys, e.g. need keys), kept in the batch.
        demand: one spec per channel code.
        days: days in the month.
        reasons: the contact reasons (default: one reason).
        day_volume_cv: CV of the day-level volume multiplier (0 = plain Poisson days).
    """
    reasons = reasons or [ReasonSpec()]
    n = int(potential_index.size)
    if n == 0:
        return ContactBatch.empty()
    key, attempts = np.asarray(potential_index, np.int64), MAX_FOLLOWUPS + 1
    t = streams.keyed(Stream.ARRIVAL, key, month, slots=3)
    w = streams.keyed(Stream.HANDLE, key, month)
    # Per-attempt draws are kept as float32 (half the memory of a month's batch; 2^-24 resolution is
    # far below any probability or delay that matters); a uniform never rounds up to 1.
    e = exponentials(streams.keyed(Stream.PATIENCE, key, month, slots=attempts * 2)).astype(np.float32).reshape(n, attempts, 2)
    u = streams.keyed(Stream.RESOLVE, key, month, slots=attempts * len(U), dtype=np.float32)
    u = np.minimum(u, _BELOW_ONE, out=u).reshape(n, attempts, len(U))
    ru = streams.keyed(Stream.REASON, key, month)
    reopen = exponentials(streams.keyed(Stream.REOPEN, key, month, slots=attempts)).astype(np.float32)
    shares = np.array([r.share for r in reasons], float)
    reason = np.searchsorted(np.cumsum(shares) / shares.sum(), ru, side="right").astype(np.int16)

    arrival, work, patience = np.empty(n), np.empty(n), np.empty(n)
    for code, spec in enumerate(demand):
        m = channel == code
        if not m.any():
            continue
        dw = day_weights(streams, month, days, spec.weekday_weights, day_volume_cv)
        day = np.minimum(np.searchsorted(np.cumsum(dw) / dw.sum(), t[m, 0], side="right"), days - 1)
        hour = _hours(spec, t[m, 1], ((month - 1) * days + day) % 7)
        arrival[m] = day * SECONDS_PER_DAY + hour * SECONDS_PER_HOUR + t[m, 2] * SECONDS_PER_HOUR
        for rc, r in enumerate(reasons):
            mr = m & (reason == rc)
            if not mr.any():
                continue
            if spec.work_mean_by_interval_s is None and spec.work_cv_by_interval is None:
                work[mr] = spec.work_mean_s * r.aht_factor * unit_work(w[mr], r.distribution, r.cv if r.cv is not None else spec.work_cv)
                continue
            mean = spec.work_mean_s if spec.work_mean_by_interval_s is None else spec.at(spec.work_mean_by_interval_s, arrival[mr])
            cv = r.cv if r.cv is not None else (spec.work_cv if spec.work_cv_by_interval is None
                                                else spec.at(spec.work_cv_by_interval, arrival[mr]))
            work[mr] = mean * r.aht_factor * unit_work(w[mr], r.distribution, cv)
        patience[m] = (spec.patience_mean_s * patience_factor(e[m, 0, 0], spec.patience_cv)
                       if math.isfinite(spec.patience_mean_s) else math.inf)
    return ContactBatch(
        customer_id=np.asarray(customer_id, np.int64), channel=np.asarray(channel, np.int8), reason=reason,
        arrival_s=arrival, patience_s=patience, work_s=work, u=u, e=e, carried=np.zeros(n, bool),
        potential_index=np.asarray(potential_index, np.int64), reopen_e=reopen,
    )


def _hours(spec: DemandSpec, u: np.ndarray, weekday: np.ndarray) -> np.ndarray:
    """Hour of the day from uniforms ``u``, by the weekday's own profile where there is one."""
    if spec.hourly_by_weekday is None:
        cdf = np.cumsum(spec.hourly_profile) / sum(spec.hourly_profile)
        return np.minimum(np.searchsorted(cdf, u, side="right"), HOURS_PER_DAY - 1)
    hour = np.empty(u.size, np.int64)
    for w in range(7):
        mw = weekday == w
        if mw.any():
            cdf = np.cumsum(spec.hourly_by_weekday[w]) / sum(spec.hourly_by_weekday[w])
            hour[mw] = np.minimum(np.searchsorted(cdf, u[mw], side="right"), HOURS_PER_DAY - 1)
    return hour
