"""The month's contact legs: live ones as Python lists, finished ones packed into a float table.

The centre reads and writes a leg by constant index into a small Python list (the fastest record
CPython offers), but a list costs ~350 bytes a leg with its float objects: ~0.7 GB for a large
centre's 2 M legs a month if every leg stayed a list until the month ends. So, from time to time
(at a shift change, once ``PACK_EVERY`` new legs have appeared), legs in a final state are
packed into preallocated columns (86 bytes a leg: times as float64, the batch row as int64, the
small ints and flags as int16) and their lists dropped. A leg in a final state is never written again: DONE (served,
contained, dead end), ABANDONED (gave up; a retrial is a new leg). Legs still waiting, held for an
opening or in service stay lists; the last pack takes every leg, whatever its state.

The columns keep creation order: leg ``i`` is entry ``i``, wherever it was packed.
"""

from __future__ import annotations

from itertools import chain

import numpy as np

from sim.des.states import ABANDONED, ARRIVAL, DONE, HANDLE, L2_HANDLE, N_FIELDS, ROW, START, STATE, T_QUEUE, WAIT

#: new legs between packs (a pack is offered at each shift change); tests lower it to pack often
PACK_EVERY = 65_536

#: FINAL[state]: a leg in this state is never written again
FINAL = tuple(s in (DONE, ABANDONED) for s in range(16))

#: fields kept as float64 (times); ROW is int64; every other field is a small int or a flag (int16)
TIMES = (ARRIVAL, T_QUEUE, WAIT, START, HANDLE, L2_HANDLE)
SMALL = tuple(f for f in range(N_FIELDS) if f not in TIMES and f != ROW)


class Legs:
    """Every leg of one month, in creation order (``items[i]`` is leg ``i`` or ``None`` once packed)."""

    def __init__(self, expected: int) -> None:
        self.items: list[list | None] = []
        capacity = max(1024, int(expected))
        self.times, self.rows, self.small = np.empty((len(TIMES), capacity)), np.empty(capacity, np.int64), \
            np.empty((len(SMALL), capacity), np.int16)
        self.unfinished: list[int] = []  # legs left as lists at the last pack
        self.seen = 0  # legs before this index were looked at by a pack

    def due(self) -> bool:
        """Enough new legs since the last pack to make one worthwhile."""
        return len(self.items) - self.seen >= PACK_EVERY

    def pack(self, everything: bool = False) -> None:
        """Move finished legs (``everything``: all legs) into the columns and drop their lists."""
        items, n, seen = self.items, len(self.items), self.seen
        if n > self.rows.size:
            self._grow(max(n, int(self.rows.size * 1.5)))
        if everything:  # the legs left from earlier packs, then every new leg as one slice
            self._put(self.unfinished, [items[i] for i in self.unfinished])
            self._put(slice(seen, n), items[seen:n])
            self.unfinished = []
            items[:] = [None] * n
        else:
            candidates = self.unfinished + list(range(seen, n))
            done = [i for i in candidates if FINAL[items[i][STATE]]]
            self.unfinished = [i for i in candidates if not FINAL[items[i][STATE]]]
            self._put(done, [items[i] for i in done])
            for i in done:
                items[i] = None
        self.seen = n

    def _put(self, at, legs: list[list]) -> None:
        """Write ``legs`` into the columns at ``at`` (their indices: a list or a slice)."""
        if not legs:
            return
        block = np.fromiter(chain.from_iterable(legs), float, count=len(legs) * N_FIELDS).reshape(-1, N_FIELDS)
        if isinstance(at, list):
            at = np.asarray(at, np.intp)
        self.times[:, at] = block[:, TIMES].T
        self.rows[at] = block[:, ROW]
        self.small[:, at] = block[:, SMALL].T

    def _grow(self, capacity: int) -> None:
        old = self.rows.size
        times, rows, small = np.empty((len(TIMES), capacity)), np.empty(capacity, np.int64), \
            np.empty((len(SMALL), capacity), np.int16)
        times[:, :old], rows[:old], small[:, :old] = self.times, self.rows, self.small
        self.times, self.rows, self.small = times, rows, small

    def columns(self) -> dict[int, np.ndarray]:
        """Pack every leg; each field's column over all legs, by field index (:mod:`sim.des.states`)."""
        self.pack(everything=True)
        n = len(self.items)
        out = {f: self.times[k, :n] for k, f in enumerate(TIMES)}
        out.update({f: self.small[k, :n] for k, f in enumerate(SMALL)})
        out[ROW] = self.rows[:n]
        return out
