"""Plain-data contracts of the contact centre: contacts in, one record per contact out.

The pipeline hands the DES a :class:`ContactBatch` (who contacts, on which channel, why, when,
with what patience and work, and every random decision drawn in advance) and gets
:class:`ContactRecords` back: one flat record per contact *leg the customer lived through*,
including follow-ups the DES created (retrials of abandoners, repeat contacts for unresolved
issues, returns after a false bot containment). Flat numpy arrays only: the DES never sees
customer objects, and world draws never depend on the investment (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import IntEnum

import numpy as np

HOURS_PER_DAY = 24
SECONDS_PER_HOUR = 3600.0
SECONDS_PER_DAY = 86_400.0
MAX_FOLLOWUPS = 2  # attempts 1..MAX_FOLLOWUPS after the first contact of an issue


class U(IntEnum):
    """Columns of the per-attempt decision uniforms ``ContactBatch.u``."""

    RESOLVE = 0
    TRANSFER = 1
    BOT_CONTAIN = 2
    BOT_ROUTE = 3
    BOT_FALSE = 4
    CALLBACK = 5
    FOLLOWUP = 6
    SILENT = 7
    L2_RESOLVE = 8


class Bot(IntEnum):
    """What a bot tier did with a contact (``ContactRecords.bot``)."""

    NONE = 0  # no bot in front of this contact
    CONTAINED = 1  # resolved without a human, no re-contact
    FALSE_CONTAINED = 2  # looked contained, customer came back within days
    HANDED_OFF = 3  # went on to a human queue
    DEAD_END = 4  # neither solved nor passed to a human


@dataclass(frozen=True)
class ContactBatch:
    """Contacts offered in one month; every array has one row per contact.

    Attributes:
        customer_id, channel, reason: who, where (``Channel.code``), why (reason index).
        arrival_s: seconds since the month start; negative for backlog carried from last month.
        patience_s: patience of the first attempt (``inf`` = never abandons).
        work_s: work content at proficiency 1 (handle time before multipliers).
        u: decision uniforms, shape (n, MAX_FOLLOWUPS + 1, len(U)), per attempt.
        e: standard exponentials, shape (n, MAX_FOLLOWUPS + 1, 2): [patience, delay] per attempt.
        carried: backlog carried from the previous month (not counted as offered again).
        potential_index: the world-draw index of the contact (surveys use it).
    """

    customer_id: np.ndarray
    channel: np.ndarray
    reason: np.ndarray
    arrival_s: np.ndarray
    patience_s: np.ndarray
    work_s: np.ndarray
    u: np.ndarray
    e: np.ndarray
    carried: np.ndarray
    potential_index: np.ndarray

    def __len__(self) -> int:
        return int(self.customer_id.size)

    @staticmethod
    def simple(customer_id, channel, arrival_s, patience_s, work_s, resolve_u) -> "ContactBatch":
        """A batch for plain queueing experiments: one reason, only the resolution draw matters."""
        n = len(customer_id)
        u = np.full((n, MAX_FOLLOWUPS + 1, len(U)), 0.5)
        u[:, 0, U.RESOLVE] = resolve_u
        return ContactBatch(np.asarray(customer_id, np.int64), np.asarray(channel, np.int8), np.zeros(n, np.int16),
                            np.asarray(arrival_s, float), np.asarray(patience_s, float), np.asarray(work_s, float),
                            u, np.ones((n, MAX_FOLLOWUPS + 1, 2)), np.zeros(n, bool), np.arange(n, dtype=np.int64))

    @staticmethod
    def empty() -> "ContactBatch":
        return ContactBatch.simple([], [], [], [], [], [])

    def take(self, idx: np.ndarray) -> "ContactBatch":
        return ContactBatch(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})

    @staticmethod
    def concat(a: "ContactBatch", b: "ContactBatch") -> "ContactBatch":
        return ContactBatch(**{f.name: np.concatenate([getattr(a, f.name), getattr(b, f.name)]) for f in fields(a)})


@dataclass(frozen=True)
class ContactRecords:
    """One record per contact leg, in the order the DES created them (carried backlog, then
    arrivals and follow-ups in time order). ``issue`` points to the batch row of the original
    contact; ``attempt`` is 0 for it and counts follow-ups.

    Waits are measured from joining a human queue (after any bot session). ``offered`` marks
    contacts that reached a human queue (DESIGN.md); a deferrable contact still waiting when the
    month closed is ``backlog`` (neither answered nor abandoned) and is carried to next month.
    """

    customer_id: np.ndarray
    channel: np.ndarray
    reason: np.ndarray
    issue: np.ndarray
    attempt: np.ndarray
    arrival_s: np.ndarray
    wait_s: np.ndarray
    handle_s: np.ndarray
    service_start_s: np.ndarray
    offered: np.ndarray
    answered: np.ndarray
    abandoned: np.ndarray
    resolved: np.ndarray
    transferred: np.ndarray
    bot: np.ndarray
    context_lost: np.ndarray
    callback: np.ndarray
    silent: np.ndarray
    backlog: np.ndarray
    carried: np.ndarray
    unserved_at_close: np.ndarray
    l2_handle_s: np.ndarray
    group: np.ndarray  # index of the agent group that served the first leg (−1: none)

    def __len__(self) -> int:
        return int(self.customer_id.size)
