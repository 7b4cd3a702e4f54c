"""Random contact batches for DES tests (every decision uniform drawn, unlike ContactBatch.simple)."""

from __future__ import annotations

import math

import numpy as np

from sim.des import ContactBatch
from sim.des.contacts import MAX_FOLLOWUPS, U


def poisson_batch(rng: np.random.Generator, rate_per_h, days: int, aht_s: float, patience_s: float,
                  channel: int = 0, reasons: int = 1, first_id: int = 0) -> ContactBatch:
    """Poisson arrivals; ``rate_per_h`` is a number or 24 hourly rates repeated every day."""
    rates = np.broadcast_to(np.asarray(rate_per_h, float), (24,))
    per_hour = rng.poisson(np.tile(rates, days))
    hour = np.repeat(np.arange(24 * days), per_hour)
    n = hour.size
    arrival = np.sort(hour * 3600.0 + rng.random(n) * 3600.0)
    patience = rng.exponential(patience_s, n) if math.isfinite(patience_s) else np.full(n, math.inf)
    return ContactBatch(
        customer_id=np.arange(first_id, first_id + n), channel=np.full(n, channel, np.int8),
        reason=rng.integers(0, reasons, n).astype(np.int16), arrival_s=arrival, patience_s=patience,
        work_s=rng.exponential(aht_s, n), u=rng.random((n, MAX_FOLLOWUPS + 1, len(U))),
        e=rng.exponential(1.0, (n, MAX_FOLLOWUPS + 1, 2)), carried=np.zeros(n, bool),
        potential_index=np.arange(n),
    )
