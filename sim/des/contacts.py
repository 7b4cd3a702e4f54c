"""Plain-data contracts of the contact centre: contacts in, one record per contact out.

The pipeline hands the DES a :class:`ContactBatch` (who contacts, on which channel, when, with what
patience and work content) and gets a :class:`ContactRecords` back. Both are flat numpy arrays
indexed by contact, so the DES never needs to know about customers as objects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HOURS_PER_DAY = 24
SECONDS_PER_HOUR = 3600.0
SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class QueueSpec:
    """One channel's human queue for one month.

    Attributes:
        agents_by_hour: agents on the floor in each hour of the day (24 values; the day repeats).
        sl_threshold_s: service-level threshold ("answered within").
        fcr_probability: probability that an answered contact resolves the issue.
        handle_multiplier: factor on each contact's work content (proficiency, tools).
        cost_per_contact_usd: variable cost of each offered contact (telephony, licences per use).
    """

    agents_by_hour: tuple[int, ...]
    sl_threshold_s: float
    fcr_probability: float
    handle_multiplier: float = 1.0
    cost_per_contact_usd: float = 0.0

    def __post_init__(self) -> None:
        if len(self.agents_by_hour) != HOURS_PER_DAY:
            raise ValueError(f"agents_by_hour needs {HOURS_PER_DAY} values, got {len(self.agents_by_hour)}")
        if min(self.agents_by_hour) < 0:
            raise ValueError("agents_by_hour must be >= 0")


@dataclass(frozen=True)
class ContactBatch:
    """Contacts offered to the centre in one month, sorted or not (the DES sorts by arrival).

    All arrays have one entry per contact. ``channel`` holds ``Channel.code`` values.
    """

    customer_id: np.ndarray  # int64
    channel: np.ndarray  # int8 channel code
    arrival_s: np.ndarray  # seconds since the start of the month
    patience_s: np.ndarray  # time the customer is willing to wait (inf = never abandons)
    work_s: np.ndarray  # handle time at handle_multiplier 1
    resolve_u: np.ndarray  # U(0,1); resolved if < the queue's FCR probability

    def __len__(self) -> int:
        return int(self.customer_id.size)

    @staticmethod
    def empty() -> "ContactBatch":
        z = np.zeros(0)
        return ContactBatch(np.zeros(0, np.int64), np.zeros(0, np.int8), z, z, z, z)


@dataclass(frozen=True)
class ContactRecords:
    """One flat record per contact, aligned with the batch the DES was given (same order).

    ``wait_s`` is the time in queue (until service for answered, until leaving for abandoned);
    ``handle_s`` and ``service_start_s`` are NaN for abandoned contacts. ``unserved_at_close``
    marks contacts still queued when the simulation had to stop (an unstable month): they count
    as abandoned.
    """

    batch: ContactBatch
    wait_s: np.ndarray
    handle_s: np.ndarray
    service_start_s: np.ndarray
    answered: np.ndarray
    resolved: np.ndarray
    unserved_at_close: np.ndarray

    @property
    def abandoned(self) -> np.ndarray:
        return ~self.answered
