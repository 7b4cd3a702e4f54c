"""Scenario settings for when the centre works: shift plans and opening hours.

A shift plan lists shifts (start, paid length, weekdays, headcount, breaks). Agents on the floor
per interval of the day (15, 30 or 60 minutes, the scenario's ``interval_min``) are, per weekday:

    round( (heads on shift − heads on a break) × (1 − shrinkage) × adherence )

computed minute by minute and averaged over the interval, then rounded to the nearest whole agent
(half up). A break ``{start, end, length_min}`` is taken by every head of the shift somewhere in
the window [start, end), staggered evenly: in each minute of the window a share length / window of
the heads is away (``end`` omitted: everyone at once). ``shrinkage`` is the paid time lost beyond
the listed breaks (absence, training, meetings; FACTS #11 quotes 25-35 % including breaks);
``adherence`` the share of scheduled floor time agents are really available (FACTS #13: 95 %).
A shift may run past midnight into the next day. Labour cost is the paid shift hours.

Opening hours of a live channel: ``[7, 22]`` (every day 07:00-22:00) or per weekday
``{mon: [8, 20], sat: [9, 13], sun: null, default: [8, 18]}`` (``null`` = closed; weekdays not
listed take ``default``, or are closed without one). Hours may be fractions on the interval grid
(7.5 = 07:30); ``[0, 24]`` is round the clock.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Optional, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
HHMM = Annotated[str, Field(pattern=r"^([01]?\d|2[0-3]):[0-5]\d$", description="time of day, HH:MM")]
MINUTES_PER_DAY = 1440
HourPair = Annotated[tuple[Annotated[float, Field(ge=0, le=24)], Annotated[float, Field(ge=0, le=24)]],
                     Field(description="[open, close) in hours of the day, e.g. [7, 22]")]
OpenHours = Union[HourPair, dict[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun", "default"], Optional[HourPair]]]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


class BreakConfig(_Frozen):
    """A break or lunch every head of the shift takes, staggered across a window."""

    start: HHMM = Field(description="start of the window in which the break is taken")
    end: Optional[HHMM] = Field(None, description="end of the window; null = everyone at once from start")
    length_min: int = Field(gt=0, le=240, description="length of each agent's break, minutes")


class ShiftConfig(_Frozen):
    """A shift: ``headcount`` agents paid from ``start`` for ``length_h`` hours on the listed weekdays."""

    start: HHMM
    length_h: float = Field(gt=0, le=16, description="paid length including breaks, hours")
    headcount: int = Field(ge=0, le=100_000, description="agents scheduled on this shift")
    weekdays: tuple[Weekday, ...] = Field(WEEKDAYS, min_length=1, description="days the shift starts on")
    breaks: tuple[BreakConfig, ...] = Field((), description="breaks and lunch within the shift")


class ScheduleConfig(_Frozen):
    """A shift plan: agents on the floor per interval follow from it (see the module docstring)."""

    shifts: tuple[ShiftConfig, ...] = Field(min_length=1)
    shrinkage: Optional[Annotated[float, Field(ge=0, lt=1)]] = Field(
        None, description="paid time lost beyond the listed breaks; null = costs.shrinkage")
    adherence: Annotated[float, Field(gt=0, le=1)] = Field(0.95, description="share of scheduled floor time really available (FACTS #13)")


def _break_window(shift: ShiftConfig, b: BreakConfig) -> tuple[int, int]:
    """The break window in minutes from the shift's day start (a window before the start is next day)."""
    s0 = minutes(shift.start)
    ws = minutes(b.start)
    ws += MINUTES_PER_DAY if ws < s0 else 0
    we = ws + b.length_min if b.end is None else minutes(b.end)
    while we <= ws:
        we += MINUTES_PER_DAY
    return ws, we


def heads_by_minute(schedule: ScheduleConfig) -> tuple[np.ndarray, np.ndarray]:
    """(paid heads, heads on the floor before shrinkage and adherence) per minute of the week, Monday first."""
    paid = np.zeros(7 * MINUTES_PER_DAY)
    floor = np.zeros(7 * MINUTES_PER_DAY)
    week = paid.size
    for shift in schedule.shifts:
        s0, length = minutes(shift.start), int(round(shift.length_h * 60))
        on = np.zeros(2 * MINUTES_PER_DAY)
        on[s0:s0 + length] = shift.headcount
        off = np.zeros(2 * MINUTES_PER_DAY)
        for b in shift.breaks:
            ws, we = _break_window(shift, b)
            off[ws:min(we, off.size)] += shift.headcount * b.length_min / (we - ws)
        for day in shift.weekdays:
            idx = (WEEKDAYS.index(day) * MINUTES_PER_DAY + np.arange(on.size)) % week
            np.add.at(paid, idx, on)
            np.add.at(floor, idx, np.minimum(on, np.maximum(0.0, on - off)))
    return paid, floor


def floor_by_interval(schedule: ScheduleConfig, interval_min: int, shrinkage: float) -> tuple[int, ...]:
    """Agents on the floor per interval of the week (7 x intervals of the day, Monday first)."""
    _, floor = heads_by_minute(schedule)
    s = shrinkage if schedule.shrinkage is None else schedule.shrinkage
    mean = floor.reshape(-1, interval_min).mean(axis=1) * (1.0 - s) * schedule.adherence
    return tuple(int(x) for x in np.floor(mean + 0.5 + 1e-9))


def paid_heads_by_hour(schedule: ScheduleConfig) -> tuple[float, ...]:
    """Paid heads per hour of the day, averaged over the week (for labour cost)."""
    paid, _ = heads_by_minute(schedule)
    return tuple(float(x) for x in paid.reshape(7, 24, 60).mean(axis=(0, 2)))


def open_by_interval(hours: OpenHours, interval_min: int) -> tuple[bool, ...]:
    """Whether a channel is open in each interval of the week (7 x intervals of the day, Monday first)."""
    start = np.arange(MINUTES_PER_DAY // interval_min) * interval_min / 60.0
    out = []
    for day in WEEKDAYS:
        pair = hours if not isinstance(hours, dict) else hours.get(day, hours.get("default"))
        out += [False] * start.size if pair is None else ((start >= pair[0]) & (start < pair[1])).tolist()
    return tuple(out)


def schedule_issues(schedule: ScheduleConfig, where: tuple) -> list[tuple[tuple, str]]:
    """Problems pydantic cannot see in a shift plan: (path, message) pairs."""
    issues = []
    for i, shift in enumerate(schedule.shifts):
        s0, length = minutes(shift.start), shift.length_h * 60
        for j, b in enumerate(shift.breaks):
            ws, we = _break_window(shift, b)
            here = where + ("shifts", i, "breaks", j)
            if ws < s0 or we > s0 + length:
                issues.append((here, f"the break window {b.start}-{b.end or 'start + length'} lies outside the shift "
                                     f"{shift.start} + {shift.length_h:g} h"))
            elif b.length_min > we - ws:
                issues.append((here + ("length_min",), f"{b.length_min} minutes do not fit the window of {we - ws} minutes"))
        if len(set(shift.weekdays)) != len(shift.weekdays):
            issues.append((where + ("shifts", i, "weekdays"), "a weekday appears twice"))
    return issues


def open_hours_issues(hours: OpenHours, interval_min: int, where: tuple) -> list[tuple[tuple, str]]:
    """Problems in opening hours: a close before the open, a time off the interval grid, never open."""
    pairs = hours.items() if isinstance(hours, dict) else [(None, hours)]
    issues = []
    for day, pair in pairs:
        if pair is None:
            continue
        here = where if day is None else where + (day,)
        if pair[1] <= pair[0]:
            issues.append((here, f"opens at {pair[0]:g} and closes at {pair[1]:g}: close after opening "
                                 "(a line open past midnight: [x, 24] and the next day from 0)"))
        for h in pair:
            if not math.isclose(h * 60 / interval_min, round(h * 60 / interval_min), abs_tol=1e-9):
                issues.append((here, f"{h:g} h is not on the {interval_min}-minute grid (interval_min)"))
    if not any(open_by_interval(hours, 60 if issues else interval_min)):
        issues.append((where, "the channel is never open"))
    return issues
