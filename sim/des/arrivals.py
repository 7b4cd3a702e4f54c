"""World draws of contacts: when they arrive, how patient they are, how much work they carry.

Attributes are drawn per *potential contact index* from named streams (``Stream.ARRIVAL``,
``Stream.PATIENCE``, ``Stream.HANDLE``, ``Stream.RESOLVE``), as prefix-stable arrays. The potential
contacts of a month are numbered in customer-id order by the customer model, so the contact with
index k has the same arrival time, patience and work content in the baseline and in every
investment arm (common random numbers), whatever else differs between the arms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.des.contacts import HOURS_PER_DAY, SECONDS_PER_DAY, SECONDS_PER_HOUR, ContactBatch
from sim.streams import Stream, Streams


@dataclass(frozen=True)
class DemandSpec:
    """How one channel's contacts are distributed in time and work.

    Attributes:
        hourly_profile: relative arrival weight of each hour of the day (24 values, any scale).
        work_mean_s: mean handle time (lognormal).
        work_cv: coefficient of variation of the handle time (1.09 in the Anonymous Bank data).
        patience_mean_s: mean of the exponential patience; ``inf`` for no abandonment.
    """

    hourly_profile: tuple[float, ...]
    work_mean_s: float
    work_cv: float
    patience_mean_s: float

    def __post_init__(self) -> None:
        if len(self.hourly_profile) != HOURS_PER_DAY or min(self.hourly_profile) < 0 or sum(self.hourly_profile) <= 0:
            raise ValueError("hourly_profile needs 24 non-negative weights with a positive sum")

    @property
    def lognormal_params(self) -> tuple[float, float]:
        """(mu, sigma) of log handle time with the given mean and CV."""
        sigma2 = math.log1p(self.work_cv**2)
        return math.log(self.work_mean_s) - sigma2 / 2.0, math.sqrt(sigma2)


def draw_contacts(
    streams: Streams,
    month: int,
    customer_id: np.ndarray,
    channel: np.ndarray,
    potential_index: np.ndarray,
    demand: list[DemandSpec],
    days: int,
) -> ContactBatch:
    """Attach arrival time, patience, work content and a resolution draw to each contact.

    Args:
        streams: the replication's streams.
        month: month number (1-based); part of every stream key.
        customer_id, channel, potential_index: one entry per realised contact.
        demand: one spec per channel code.
        days: days in the month.
    """
    n = int(potential_index.size)
    if n == 0:
        return ContactBatch.empty()
    size = int(potential_index.max()) + 1
    u = streams.rng(Stream.ARRIVAL, month).random((size, 3))[potential_index]
    z = streams.rng(Stream.HANDLE, month).standard_normal(size)[potential_index]
    e = streams.rng(Stream.PATIENCE, month).standard_exponential(size)[potential_index]
    resolve_u = streams.rng(Stream.RESOLVE, month).random(size)[potential_index]

    arrival = np.empty(n)
    work = np.empty(n)
    patience = np.empty(n)
    for code, spec in enumerate(demand):
        m = channel == code
        if not m.any():
            continue
        cdf = np.cumsum(spec.hourly_profile) / sum(spec.hourly_profile)
        hour = np.minimum(np.searchsorted(cdf, u[m, 1], side="right"), HOURS_PER_DAY - 1)
        day = np.minimum((u[m, 0] * days).astype(np.int64), days - 1)
        arrival[m] = day * SECONDS_PER_DAY + hour * SECONDS_PER_HOUR + u[m, 2] * SECONDS_PER_HOUR
        mu, sigma = spec.lognormal_params
        work[m] = np.exp(mu + sigma * z[m])
        patience[m] = spec.patience_mean_s * e[m] if math.isfinite(spec.patience_mean_s) else math.inf
    return ContactBatch(
        customer_id=np.asarray(customer_id, dtype=np.int64),
        channel=np.asarray(channel, dtype=np.int8),
        arrival_s=arrival,
        patience_s=patience,
        work_s=work,
        resolve_u=resolve_u,
    )
