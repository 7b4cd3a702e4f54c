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
        reopen_e: standard exponentials, shape (n, MAX_FOLLOWUPS + 1): per attempt, the delay of a
            customer who met the channel closed and tries again after it opens (``None``: the mean).
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
    reopen_e: np.ndarray | None = None

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
        return ContactBatch(**{f.name: None if getattr(self, f.name) is None else getattr(self, f.name)[idx]
                               for f in fields(self)})

    @staticmethod
    def concat(a: "ContactBatch", b: "ContactBatch") -> "ContactBatch":
        def join(name: str):
            x, y = getattr(a, name), getattr(b, name)
            if x is None and y is None:
                return None
            if x is None or y is None:  # one side without reopen draws: the mean delay (factor 1)
                x, y = (np.ones((len(a), MAX_FOLLOWUPS + 1)) if x is None else x), (np.ones((len(b), MAX_FOLLOWUPS + 1)) if y is None else y)
            return np.concatenate([x, y])
        return ContactBatch(**{f.name: join(f.name) for f in fields(a)})


@dataclass(frozen=True)
class ContactRecords:
    """One record per contact leg, in the order the DES created them (carried backlog, then
    arrivals and follow-ups in time order). ``issue`` points to the batch row of the original
    contact; ``attempt`` is 0 for it and counts follow-ups.

    Waits are measured from joining a human queue (after any bot session; ``queued_s``, NaN for a
    leg that never joined one). ``offered`` marks contacts that reached a human queue (docs/kpis.md);
    a deferrable contact (or a message left while a live channel was closed) still waiting when the
    month closed is ``backlog`` (neither answered nor abandoned) and is carried to next month. A live
    contact still waiting when the run ends is ``unserved_at_close``: neither answered nor abandoned.
    ``met_closed`` legs arrived while their channel was closed and joined later (``closed: retry``
    or ``message``) or elsewhere (``switched``; ``channel`` is then where it was served and
    ``channel_tried`` where the customer first went).
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
    queued_s: np.ndarray  # when the leg joined a human queue (NaN: never did)
    channel_tried: np.ndarray  # the channel the customer went to (differs from ``channel`` when switched)
    met_closed: np.ndarray
    switched: np.ndarray
    message: np.ndarray
    presence: "Presence | None" = None  # agents' time on the floor (for occupancy)

    def __len__(self) -> int:
        return int(self.customer_id.size)


@dataclass(frozen=True)
class Presence:
    """Agents' time on the floor as simulated: one row per stretch an agent was present.

    Includes time spent finishing a contact after the shift ended, and after month end working off
    the month's queue; so busy time never exceeds it.
    """

    group: np.ndarray
    start_s: np.ndarray
    end_s: np.ndarray
