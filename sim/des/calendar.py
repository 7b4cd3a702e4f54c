"""The centre's week: agents scheduled and channels open, per interval of the schedule's grid.

Everything is a weekly table (7 days x intervals of the day, Monday first) on the grid of
``CentreSpec.interval_min``; day 0 of the month is weekday ``CentreSpec.first_weekday``. A group
without an interval schedule repeats its ``agents_by_hour`` every day. A live channel without
stated opening hours is open where at least one level-1 agent who serves it is scheduled (and
always, if that is never); deferrable channels (e-mail, social) are inboxes and always accept.

An opening-hours check happens at every arrival, so besides the weekly tables the calendar keeps,
per channel, ``open_until``: a time before which the channel is known to be open (``inf`` if it
always is). Simulated time never goes back, so the usual check is one float compare; past that
time :meth:`open_at` looks the table up once and extends ``open_until`` to the end of the open run.
"""

from __future__ import annotations

import math

import numpy as np

from sim.des.spec import MINUTES_PER_DAY, CentreSpec


class Calendar:
    """Weekly staffing targets and opening hours of one simulated month."""

    def __init__(self, spec: CentreSpec) -> None:
        self.step_s = spec.interval_min * 60.0
        self.per_day = MINUTES_PER_DAY // spec.interval_min
        self.week = 7 * self.per_day
        self.first_weekday = spec.first_weekday
        hour_of_slot = np.arange(self.per_day) * spec.interval_min // 60
        self.staff: list[list[int]] = []
        for g in spec.groups:
            weekly = (np.asarray(g.agents_by_interval, int) if g.agents_by_interval is not None
                      else np.tile(np.asarray(g.agents_by_hour, int)[hour_of_slot], 7))
            self.staff.append(weekly.tolist())
        self.open: list[list[bool] | None] = []  # None: always open
        self.next_offset: list[list[int] | None] = []
        for c, ch in enumerate(spec.channels):
            if not ch.realtime:
                is_open = None
            elif ch.open_by_interval is not None:
                is_open = np.asarray(ch.open_by_interval, bool)
            else:
                staffed = np.zeros(self.week, bool)
                for g, weekly in zip(spec.groups, self.staff):
                    if g.level == 1 and c in g.channels:
                        staffed |= np.asarray(weekly) > 0
                is_open = staffed if staffed.any() else None
            if is_open is not None and is_open.all():
                is_open = None
            self.open.append(None if is_open is None else is_open.tolist())
            self.next_offset.append(None if is_open is None else _slots_until_open(is_open))
        self.open_until = [math.inf if table is None else -math.inf for table in self.open]
        self.open_run = [None if table is None else _open_run(table) for table in self.open]

    def slot(self, t: float) -> tuple[int, int]:
        """(absolute interval index since the month start, index into the weekly tables) of time ``t``."""
        k = int(t // self.step_s)
        day, within = divmod(k, self.per_day)
        return k, ((self.first_weekday + day) % 7) * self.per_day + within

    def target(self, group: int, t: float) -> int:
        """Agents group ``group`` should have on the floor at time ``t``."""
        return self.staff[group][self.slot(t)[1]]

    def is_open(self, channel: int, t: float) -> bool:
        table = self.open[channel]
        return table is None or table[self.slot(t)[1]]

    def open_at(self, channel: int, t: float) -> bool:
        """:meth:`is_open`, for times that never decrease; if open, ``open_until[channel]`` becomes
        the end of the open run (``(k + n) * step_s`` is exact, so ``t < open_until`` holds exactly
        when ``t`` falls in one of those ``n`` slots)."""
        table = self.open[channel]
        if table is None:
            return True
        k, w = self.slot(t)
        if not table[w]:
            return False
        self.open_until[channel] = (k + self.open_run[channel][w]) * self.step_s
        return True

    def next_open(self, channel: int, t: float) -> float:
        """The earliest time >= ``t`` at which ``channel`` is open (``inf`` if it never opens)."""
        offsets = self.next_offset[channel]
        if offsets is None:
            return t
        k, w = self.slot(t)
        if offsets[w] == 0:
            return t
        return math.inf if offsets[w] < 0 else (k + offsets[w]) * self.step_s


def _slots_until_open(is_open: np.ndarray) -> list[int]:
    """For each weekly slot, how many slots until the channel is open (0: open now; -1: never)."""
    n = is_open.size
    if not is_open.any():
        return [-1] * n
    out = np.zeros(n, int)
    gap = 0
    for idx in range(2 * n - 1, -1, -1):  # two passes round the week handle the wrap-around
        gap = 0 if is_open[idx % n] else gap + 1
        if idx < n:
            out[idx] = gap
    return out.tolist()


def _open_run(table: list[bool]) -> list[float]:
    """For each weekly slot that is open, how many slots from it on are open (round the week; ``inf``
    if always); 0 for closed slots."""
    n = len(table)
    if all(table):
        return [math.inf] * n
    out = [0.0] * n
    run = 0
    for idx in range(2 * n - 1, -1, -1):
        run = run + 1 if table[idx % n] else 0
        if idx < n:
            out[idx] = float(run)
    return out
