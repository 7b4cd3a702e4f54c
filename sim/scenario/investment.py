"""Investments: one alternative a business considers, combining one or more levers.

Each lever is a validated scenario section with a ``type`` (staffing, training, outsourcing,
empowerment, chatbot, knowledge_base, crm, proactive, retention, wfm, routing, omnichannel); its settings are in
:mod:`sim.scenario.lever_people` and :mod:`sim.scenario.lever_tech`, what it does and costs in
the lever catalogue :mod:`sim.levers`. Fixed costs come from the scenario file; variable costs
(bot sessions, partner contacts, credits, outreach messages) from what the simulation counted.
How the efficiency an investment buys is harvested (service or cost): :mod:`sim.scenario.harvest`.
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

from sim.scenario.harvest import Cut24, HarvestTarget
from sim.scenario.lever_people import EmpowermentLever, OutsourcingLever, StaffingLever, TrainingLever
from sim.scenario.lever_tech import (
    ChatbotLever,
    CrmLever,
    KnowledgeBaseLever,
    OmnichannelLever,
    ProactiveLever,
    RetentionLever,
    RoutingLever,
    WfmLever,
)
from sim.scenario.uncertain import Distribution
from sim.types import Channel

LEVER_CLASSES = (StaffingLever, TrainingLever, OutsourcingLever, EmpowermentLever, ChatbotLever, KnowledgeBaseLever,
                 CrmLever, ProactiveLever, RetentionLever, WfmLever, RoutingLever, OmnichannelLever)
LEVER_TYPES = {cls.model_fields["type"].annotation.__args__[0]: cls for cls in LEVER_CLASSES}

Lever = Annotated[Union[StaffingLever, TrainingLever, OutsourcingLever, EmpowermentLever, ChatbotLever, KnowledgeBaseLever,
                        CrmLever, ProactiveLever, RetentionLever, WfmLever, RoutingLever, OmnichannelLever],
                  Field(discriminator="type")]


class Investment(BaseModel):
    """One alternative: a name and the levers it pulls together."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
    name: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.\-]+$")
    description: str = ""
    levers: tuple[Lever, ...] = Field(min_length=1)
    uncertain: dict[str, Distribution] = Field(
        {}, description="lever settings drawn once per replication for this investment: path inside the investment "
                        "(levers[0].fcr_gain) -> distribution; usually written inline in place of the number")
    harvest: Literal["service", "cost"] = Field(
        "service", description="what the efficiency bought becomes: better service (staffing unchanged) or cost (staffing "
                               "re-planned to the service targets, fewer paid hours); see sim.scenario.harvest")
    harvest_targets: dict[Channel, HarvestTarget] = Field(
        {}, description="harvest: cost: service targets per live channel ('80/20'); none = the baseline's achieved service levels")
    harvest_cut: Optional[dict[Channel, Cut24]] = Field(
        None, description="harvest: cost: agents taken off each live channel's own schedule per hour of day; "
                          "null = planned when the experiment is built (sim.run.harvest)")
    harvest_from_month: Optional[int] = Field(
        None, ge=1, description="first month of the re-planned schedule; null = when every lever reaches its full effect")

    def full_effect_month(self) -> int:
        """The first month in which every lever works at full strength (latest start + ramp)."""
        return max(lv.start_month + max(lv.ramp_months, 1) - 1 for lv in self.levers)

    def harvest_window(self) -> tuple[int, int | None]:
        """(first, last) month of the re-planned schedule; last = None runs to the horizon, else the first lever's end."""
        ends = [lv.end_month for lv in self.levers if lv.end_month is not None]
        first = self.harvest_from_month if self.harvest_from_month is not None else self.full_effect_month()
        return first, (min(ends) if ends else None)

    def cut_in(self, month: int) -> dict[Channel, tuple[int, ...]]:
        """The harvest cut that applies in ``month`` (empty outside the window or with harvest: service)."""
        if self.harvest != "cost" or not self.harvest_cut:
            return {}
        first, last = self.harvest_window()
        return dict(self.harvest_cut) if month >= first and (last is None or month <= last) else {}
