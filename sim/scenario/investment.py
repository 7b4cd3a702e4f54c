"""Investments: one alternative a business considers, combining one or more levers.

Each lever is a validated scenario section with a ``type`` (the catalogue is :mod:`sim.levers`:
staffing, training, outsourcing, empowerment, chatbot, knowledge_base, crm, proactive, retention).
Levers never touch the world's random draws: they change capacity, proficiency, bots, contact
prevention and scoring, so the baseline and the investment face the same customers (CRN).
Fixed costs come from the scenario file; variable costs (bot sessions, partner contacts,
credits, outreach messages) from what the simulation counted.
"""

from __future__ import annotations

from typing import Annotated, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from sim.levers import (
    LEVER_TYPES,
    ChatbotLever,
    CrmLever,
    EmpowermentLever,
    KnowledgeBaseLever,
    LaborRates,
    MonthEffects,
    OutsourcingLever,
    ProactiveLever,
    RetentionLever,
    StaffingLever,
    TrainingLever,
)

Lever = Annotated[Union[StaffingLever, TrainingLever, OutsourcingLever, EmpowermentLever, ChatbotLever,
                        KnowledgeBaseLever, CrmLever, ProactiveLever, RetentionLever], Field(discriminator="type")]

__all__ = ["LEVER_TYPES", "Investment", "LaborRates", "Lever", "MonthEffects", "StaffingLever", "TrainingLever"]


class Investment(BaseModel):
    """One alternative: a name and the levers it pulls together."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.\-]+$")
    description: str = ""
    levers: tuple[Lever, ...] = Field(min_length=1)

    def costs_usd(self, horizon_months: int, rates: LaborRates, days_per_month: int) -> np.ndarray:
        """Fixed investment cash out per month (index 0 = t0), positive numbers."""
        return sum(lv.costs_usd(horizon_months, rates, days_per_month) for lv in self.levers)

    def effects(self, month: int, rates: LaborRates, days_per_month: int) -> MonthEffects:
        """What the levers change in ``month`` (combined)."""
        fx = MonthEffects()
        for lv in self.levers:
            lv.apply(fx, month, rates, days_per_month)
        return fx
