"""The catalogue of investment levers: how each changes the contact centre and what it costs.

An *investment* is one alternative a business considers; it combines one or more *levers*, each a
validated scenario section with a ``type``. A lever starts in ``start_month`` (1-based); its
one-off costs fall at the start of that month (cash-flow index ``start_month − 1``, so a lever
starting in month 1 is paid at t = 0), its recurring costs at the end of every month it runs.

Levers never touch the world's random draws: they change capacity, handle-time multipliers and
resolution probabilities, so the baseline and the investment face the same customers (CRN).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.types import Channel

HOURS_PER_DAY = 24


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LaborRates(BaseModel):
    """Cost inputs the levers need from the world (computed by the scenario)."""

    model_config = ConfigDict(frozen=True)
    loaded_usd_per_agent_month: float
    loaded_usd_per_paid_hour: float
    floor_hours_per_fte_month: float
    headcount: dict[str, int]  # per scheduled group (a channel's own agents are named after the channel)
    group_channels: dict[str, tuple[Channel, ...]] = {}


class StaffingLever(_Frozen):
    """Hire agents for one channel and put them on the floor in a band of hours every day."""

    type: Literal["staffing"]
    channel: Channel = Field(description="channel that gets the extra agents")
    extra_agents: int = Field(ge=1, le=10_000, description="agents added on the floor in each covered hour")
    from_hour: int = Field(0, ge=0, le=23, description="first covered hour of the day (0-23)")
    to_hour: int = Field(24, ge=1, le=24, description="end of the covered band (exclusive, 1-24)")
    start_month: int = Field(1, ge=1, description="first month the new agents work")
    recruiting_cost_usd_per_hire: float = Field(4_000.0, ge=0, description="one-off cost per hire")

    @model_validator(mode="after")
    def _band(self) -> "StaffingLever":
        if self.to_hour <= self.from_hour:
            raise ValueError(f"to_hour ({self.to_hour}) must be after from_hour ({self.from_hour})")
        return self

    def extra_by_hour(self) -> np.ndarray:
        extra = np.zeros(HOURS_PER_DAY, dtype=np.int64)
        extra[self.from_hour : self.to_hour] = self.extra_agents
        return extra

    def hires(self, rates: LaborRates, days_per_month: int) -> int:
        """People to hire: the floor hours added, grossed up for shrinkage, in whole heads."""
        floor_hours = float(self.extra_by_hour().sum()) * days_per_month
        return math.ceil(floor_hours / rates.floor_hours_per_fte_month - 1e-9)

    def costs_usd(self, horizon_months: int, rates: LaborRates, days_per_month: int) -> np.ndarray:
        out = np.zeros(horizon_months + 1)
        if self.start_month > horizon_months:
            return out
        heads = self.hires(rates, days_per_month)
        out[self.start_month - 1] += heads * self.recruiting_cost_usd_per_hire
        out[self.start_month :] += heads * rates.loaded_usd_per_agent_month
        return out


class TrainingLever(_Frozen):
    """Train the agents of some channels: shorter handling and better first-contact resolution."""

    type: Literal["training"]
    channels: tuple[Channel, ...] = Field((Channel.PHONE, Channel.CHAT), min_length=1)
    start_month: int = Field(1, ge=1)
    ramp_months: int = Field(3, ge=0, le=60, description="months until the full effect (linear ramp)")
    program_fee_usd_per_agent: float = Field(200.0, ge=0, description="incremental programme fee")
    training_hours_per_agent: float = Field(20.0, ge=0, le=1_000, description="paid hours off the floor (FACTS #36/#37)")
    refresher_usd_per_agent_month: float = Field(0.0, ge=0, description="recurring refresher cost")
    handle_time_reduction: float = Field(0.05, ge=0, lt=0.9, description="relative AHT cut at full effect")
    fcr_gain: float = Field(0.05, ge=0, le=1, description="absolute FCR gain at full effect")

    def trained_heads(self, rates: LaborRates) -> int:
        """Heads of every group that serves at least one of the trained channels."""
        return sum(heads for name, heads in rates.headcount.items()
                   if set(rates.group_channels.get(name, ())) & set(self.channels))

    def costs_usd(self, horizon_months: int, rates: LaborRates, days_per_month: int) -> np.ndarray:
        out = np.zeros(horizon_months + 1)
        if self.start_month > horizon_months:
            return out
        heads = self.trained_heads(rates)
        one_off = self.program_fee_usd_per_agent + self.training_hours_per_agent * rates.loaded_usd_per_paid_hour
        out[self.start_month - 1] += heads * one_off
        out[self.start_month :] += heads * self.refresher_usd_per_agent_month
        return out

    def strength(self, month: int) -> float:
        """Share of the full effect reached in ``month`` (0 before the start, linear ramp)."""
        if month < self.start_month:
            return 0.0
        if self.ramp_months == 0:
            return 1.0
        return min(1.0, (month - self.start_month + 1) / self.ramp_months)


Lever = Annotated[Union[StaffingLever, TrainingLever], Field(discriminator="type")]
LEVER_TYPES = {"staffing": StaffingLever, "training": TrainingLever}


class Investment(_Frozen):
    """One alternative: a name and the levers it pulls together."""

    name: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.\-]+$")
    description: str = ""
    levers: tuple[Lever, ...] = Field(min_length=1)

    def costs_usd(self, horizon_months: int, rates: LaborRates, days_per_month: int) -> np.ndarray:
        """Investment cash out per month (index 0 = t0), positive numbers."""
        return sum(lv.costs_usd(horizon_months, rates, days_per_month) for lv in self.levers)

    def queue_effects(self, channel: Channel, month: int) -> tuple[np.ndarray, float, float]:
        """(extra agents by hour, handle-time multiplier, FCR gain) for one channel in one month."""
        extra = np.zeros(HOURS_PER_DAY, dtype=np.int64)
        multiplier, fcr_gain = 1.0, 0.0
        for lv in self.levers:
            if isinstance(lv, StaffingLever) and lv.channel == channel and month >= lv.start_month:
                extra += lv.extra_by_hour()
            elif isinstance(lv, TrainingLever) and channel in lv.channels:
                s = lv.strength(month)
                multiplier *= 1.0 - s * lv.handle_time_reduction
                fcr_gain += s * lv.fcr_gain
        return extra, multiplier, fcr_gain
