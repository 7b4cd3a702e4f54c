"""What every lever's settings share: when it runs, how its effect ramps in, its generic cost lines.

These are the validated *settings* a scenario file gives (the ``investment.levers`` list). What a
lever does to the world each month and what it costs is the lever catalogue, :mod:`sim.levers`.

Timing: a lever works from ``start_month`` to ``end_month`` (inclusive; none = to the horizon),
its effect ramping in linearly over ``ramp_months``. Cash: ``one_off_usd`` falls at the start of
the start month (cash-flow index ``start_month − 1``: month 1 ⇒ t = 0);
``implementation_usd_per_month`` is spent in the ``implementation_months`` before it;
``recurring_usd_per_month`` at the end of every month the lever runs.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from sim.scenario.centre import not_tiny
from sim.types import Channel

HOURS_PER_DAY = 24


class LaborRates(BaseModel):
    """Cost inputs the levers need from the world (computed by the scenario)."""

    model_config = ConfigDict(frozen=True)
    loaded_usd_per_agent_month: float
    loaded_usd_per_paid_hour: float
    floor_hours_per_fte_month: float
    headcount: dict[str, int]  # per scheduled group (a channel's own agents are named after the channel)
    group_channels: dict[str, tuple[Channel, ...]] = {}

    def heads_serving(self, channels) -> int:
        return sum(h for g, h in self.headcount.items() if set(self.group_channels.get(g, ())) & set(channels))


MAX_USD = 1e12  #: upper bound of every cost setting (totals over any horizon stay finite)
MAX_MONTH = 240  #: the longest horizon


class LeverBase(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
    _not_tiny = field_validator("*")(classmethod(lambda cls, v: not_tiny(v)))

    start_month: int = Field(1, ge=1, le=MAX_MONTH, description="first month the lever works")
    end_month: Optional[int] = Field(None, ge=1, le=MAX_MONTH, description="last month (a pilot); null = to the horizon")
    ramp_months: int = Field(0, ge=0, le=120, description="months until the full effect (linear)")
    one_off_usd: float = Field(0.0, ge=0, le=MAX_USD, description="set-up cost at the start")
    implementation_months: int = Field(0, ge=0, le=60)
    implementation_usd_per_month: float = Field(0.0, ge=0, le=MAX_USD)
    recurring_usd_per_month: float = Field(0.0, ge=0, le=MAX_USD, description="licences, fees: every month the lever runs")
    note: Optional[str] = Field(None, max_length=500, description="where the numbers come from (shown in the report)")

    @field_validator("end_month")
    @classmethod
    def _window(cls, end_month: int | None, info: ValidationInfo) -> int | None:
        start = info.data.get("start_month")
        if end_month is not None and start is not None and end_month < start:
            raise ValueError(f"end_month ({end_month}) is before start_month ({start})")
        return end_month

    def running(self, month: int) -> bool:
        return month >= self.start_month and (self.end_month is None or month <= self.end_month)

    def strength(self, month: int) -> float:
        """Share of the full effect in ``month``: 0 outside the window, linear ramp inside."""
        if not self.running(month):
            return 0.0
        return 1.0 if self.ramp_months == 0 else min(1.0, (month - self.start_month + 1) / self.ramp_months)

    def months_running(self, horizon: int) -> np.ndarray:
        """Mask over cash-flow indices 0..horizon of the month-ends the lever runs."""
        t = np.arange(horizon + 1)
        return (t >= self.start_month) & (t <= (self.end_month or horizon))

    def generic_costs_usd(self, horizon: int) -> np.ndarray:
        out = np.zeros(horizon + 1)
        if self.start_month > horizon:
            return out
        out[self.start_month - 1] += self.one_off_usd
        for k in range(1, self.implementation_months + 1):
            out[max(0, self.start_month - 1 - k)] += self.implementation_usd_per_month
        out[self.months_running(horizon)] += self.recurring_usd_per_month
        return out


def band(extra: int, from_hour: int, to_hour: int) -> tuple[int, ...]:
    """``extra`` agents in the hours ``from_hour``..``to_hour - 1`` of the day, none elsewhere."""
    hours = np.zeros(HOURS_PER_DAY, dtype=int)
    hours[from_hour:to_hour] = extra
    return tuple(int(h) for h in hours)
