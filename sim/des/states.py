"""A contact leg's state (one small int), and the layout of the leg record the centre keeps.

NEW: not yet arrived; QUEUED: waiting for an agent; SERVING: with an agent; SILENT_GONE: left a
chat without saying so (still occupies a slot until noticed); L2_QUEUED: transferred, waiting for
level 2; DONE: served; ABANDONED: gave up while waiting; HELD: waiting for a closed channel to open;
UNSERVED: still waiting when the run ended (demand above capacity), not an abandon.

Each leg is one plain Python list (one allocation per leg, read and written by constant index,
which is cheaper than 18 parallel lists or an object with attributes); its fields are named below
and become the columns of :class:`sim.des.contacts.ContactRecords` once, at the end of the run.
"""

NEW, QUEUED, SERVING, SILENT_GONE, L2_QUEUED, DONE, ABANDONED, HELD, UNSERVED = range(9)

#: WAITING[state]: the leg still waits in a queue for an agent (a silent abandoner looks like it does)
WAITING = tuple(s in (QUEUED, SILENT_GONE, L2_QUEUED) for s in range(9))

# Fields of a leg record. CH is the channel it is served on (the one it switched to, if it did).
(ROW, ATTEMPT, ARRIVAL, T_QUEUE, WAIT, START, HANDLE, STATE, ANSWERED, ABANDONED_F, RESOLVED, TRANSFERRED, BOT,
 CTX_LOST, CALLBACK, SILENT, L2_HANDLE, GROUP, CH, MET_CLOSED, SWITCHED, MESSAGE) = range(22)
N_FIELDS = 22


class Due:
    """A SimPy event that only carries a callback and its arguments (what a ``Timeout`` with a
    ``functools.partial`` callback did, with one small allocation instead of three).

    Scheduled with ``env.schedule(due, NORMAL, delay)``; ``at`` is the time it fires (computed as
    ``now + delay``, exactly as SimPy computes it), so callbacks need not ask the environment.
    """

    __slots__ = ("callbacks", "at", "leg", "floor", "agent", "whole")
    _ok = True  # SimPy checks it after the callbacks: a timer never fails

    def __init__(self, callbacks: tuple, at: float, leg: list | None, floor=None, agent: int = 0, whole: bool = True) -> None:
        self.callbacks, self.at, self.leg, self.floor, self.agent, self.whole = callbacks, at, leg, floor, agent, whole
