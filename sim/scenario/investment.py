"""Investments: one alternative a business considers, combining one or more levers.

Each lever is a validated scenario section with a ``type`` (staffing, training, outsourcing,
empowerment, chatbot, knowledge_base, crm, proactive, retention); its settings are in
:mod:`sim.scenario.lever_people` and :mod:`sim.scenario.lever_tech`, what it does and costs in
the lever catalogue :mod:`sim.levers`. Fixed costs come from the scenario file; variable costs
(bot sessions, partner contacts, credits, outreach messages) from what the simulation counted.
"""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import BaseModel, ConfigDict, Field

from sim.scenario.lever_people import EmpowermentLever, OutsourcingLever, StaffingLever, TrainingLever
from sim.scenario.lever_tech import ChatbotLever, CrmLever, KnowledgeBaseLever, ProactiveLever, RetentionLever
from sim.scenario.uncertain import Distribution

LEVER_CLASSES = (StaffingLever, TrainingLever, OutsourcingLever, EmpowermentLever,
                 ChatbotLever, KnowledgeBaseLever, CrmLever, ProactiveLever, RetentionLever)
LEVER_TYPES = {cls.model_fields["type"].annotation.__args__[0]: cls for cls in LEVER_CLASSES}

Lever = Annotated[Union[StaffingLever, TrainingLever, OutsourcingLever, EmpowermentLever, ChatbotLever,
                        KnowledgeBaseLever, CrmLever, ProactiveLever, RetentionLever], Field(discriminator="type")]


class Investment(BaseModel):
    """One alternative: a name and the levers it pulls together."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
    name: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.\-]+$")
    description: str = ""
    levers: tuple[Lever, ...] = Field(min_length=1)
    uncertain: dict[str, Distribution] = Field(
        {}, description="lever settings drawn once per replication for this investment: path inside the investment "
                        "(levers[0].fcr_gain) -> distribution; usually written inline in place of the number")
