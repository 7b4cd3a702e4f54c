"""Settings of the levers on people: hire, train, outsource, empower (FACTS #11, #19, #34–#39 for the numbers).

What each does and costs: :mod:`sim.levers.people`.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Optional

from pydantic import Field, model_validator

from sim.scenario.lever_base import MAX_USD, LaborRates, LeverBase, band
from sim.types import Channel


class _Band(LeverBase):
    from_hour: int = Field(0, ge=0, le=23, description="first covered hour of the day (0-23)")
    to_hour: int = Field(24, ge=1, le=24, description="end of the covered band (exclusive, 1-24)")

    @model_validator(mode="after")
    def _band(self):
        if self.to_hour <= self.from_hour:
            raise ValueError(f"to_hour ({self.to_hour}) must be after from_hour ({self.from_hour})")
        return self


class StaffingLever(_Band):
    """Hire agents for one channel, on the floor in a band of hours every day (or extend hours).

    New hires start at ``initial_proficiency`` and reach 1 after ``ramp_months`` (learning curve).
    Hires = floor hours grossed up for shrinkage, in whole heads; each costs recruiting once and
    the loaded salary every month.
    """

    type: Literal["staffing"]
    channel: Channel = Field(description="channel that gets the extra agents")
    extra_agents: int = Field(0, ge=0, le=10_000, description="agents added on the floor in each covered hour")
    extra_by_hour: Optional[tuple[Annotated[int, Field(ge=0, le=10_000)], ...]] = Field(
        None, min_length=24, max_length=24, description="agents added per hour of day (a staffing plan); replaces the band")
    recruiting_cost_usd_per_hire: float = Field(4_000.0, ge=0, le=MAX_USD, description="one-off cost per hire")
    initial_proficiency: float = Field(1.0, gt=0, le=2, description="new hires' proficiency before ramp-up")

    @model_validator(mode="after")
    def _one_shape(self):
        if (self.extra_by_hour is None) == (self.extra_agents == 0):
            raise ValueError("give either extra_agents (with from_hour/to_hour) or extra_by_hour")
        if self.extra_by_hour is not None and min(self.extra_by_hour) < 0:
            raise ValueError("extra_by_hour must be >= 0")
        return self

    def agents(self) -> tuple[int, ...]:
        return self.extra_by_hour if self.extra_by_hour is not None else band(self.extra_agents, self.from_hour, self.to_hour)

    def hires(self, rates: LaborRates, days_per_month: int) -> int:
        return math.ceil(sum(self.agents()) * days_per_month / rates.floor_hours_per_fte_month - 1e-9)


class TrainingLever(LeverBase):
    """Train the agents serving some channels: faster, better at first-contact resolution, warmer.

    Costs: programme fee plus the paid hours off the floor per trained head, once; refreshers
    monthly. Without refreshers the effect decays with ``decay_half_life_months`` after the ramp.
    """

    type: Literal["training"]
    channels: tuple[Channel, ...] = Field((Channel.PHONE, Channel.CHAT), min_length=1)
    ramp_months: int = Field(3, ge=0, le=60, description="months until the full effect (linear ramp)")
    program_fee_usd_per_agent: float = Field(200.0, ge=0, le=MAX_USD, description="incremental programme fee")
    training_hours_per_agent: float = Field(20.0, ge=0, le=1_000, description="paid hours off the floor (FACTS #36/#37)")
    refresher_usd_per_agent_month: float = Field(0.0, ge=0, le=MAX_USD, description="recurring refresher cost; > 0 stops decay")
    handle_time_reduction: float = Field(0.05, ge=0, lt=0.9, description="relative AHT cut at full effect")
    fcr_gain: float = Field(0.05, ge=0, le=1, description="absolute FCR gain at full effect")
    empathy_gain: float = Field(0.0, ge=0, le=0.5, description="experience score added to answered contacts")
    decay_half_life_months: float = Field(12.0, gt=0, le=1_200, description="half-life of the effect without refreshers")

    def trained_heads(self, rates: LaborRates) -> int:
        """Heads of every group that serves at least one of the trained channels."""
        return rates.heads_serving(self.channels)

    def strength(self, month: int) -> float:
        s = super().strength(month)
        full = self.start_month + max(self.ramp_months, 1) - 1
        if s and self.refresher_usd_per_agent_month == 0 and month > full:
            s *= 0.5 ** ((month - full) / self.decay_half_life_months)
        return s


class OutsourcingLever(_Band):
    """An outsourced partner's agents on some channels, paid per handled contact or per seat-hour."""

    type: Literal["outsourcing"]
    channels: tuple[Channel, ...] = Field(min_length=1)
    agents: int = Field(ge=1, le=10_000, description="partner agents on the floor in each covered hour")
    proficiency: float = Field(0.85, gt=0, le=2, description="relative to in-house agents")
    cost_per_handled_contact_usd: float = Field(0.0, ge=0, le=MAX_USD)
    cost_per_seat_hour_usd: float = Field(0.0, ge=0, le=MAX_USD)


class EmpowermentLever(LeverBase):
    """Let agents grant service-recovery credits after a poor contact (unresolved or long wait)."""

    type: Literal["empowerment"]
    credit_usd: float = Field(50.0, ge=0, le=MAX_USD, description="credit per recovery (FACTS #19: $50)")
    grant_share: float = Field(0.5, ge=0, le=1, description="share of poor answered contacts that get a credit")
    score_uplift: float = Field(0.2, ge=0, le=1, description="experience score added by the recovery")
