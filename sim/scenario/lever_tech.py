"""Settings of the levers on technology and process: chatbot, knowledge base, CRM, proactive outreach, and an
explicitly *assumed* retention effect for testing claims (FACTS §3 and #16, #17, #35, #59).

What each does and costs: :mod:`sim.levers.tech`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.scenario.centre import BotConfig
from sim.scenario.lever_base import MAX_USD, LeverBase
from sim.types import Channel


class ChatbotLever(LeverBase):
    """A chatbot / AI voice agent in front of one live channel; containment ramps in."""

    type: Literal["chatbot"]
    channel: Channel
    bot: BotConfig = Field(description="the bot at full maturity (containment, handoff, …)")
    ramp_months: int = Field(3, ge=0, le=60, description="containment grows linearly to its target")


class KnowledgeBaseLever(LeverBase):
    """Self-service that resolves a share of what customers would otherwise contact us about."""

    type: Literal["knowledge_base"]
    deflection: float = Field(0.09, ge=0, le=0.9, description="share resolved in self-service (Gartner 9 %; FACTS #17: 20-40 % optimistic)")
    ramp_months: int = Field(6, ge=0, le=60, description="FACTS #17: within 6 months")
    self_service_score: float = Field(0.75, ge=0, le=1, description="experience score of a self-served customer")


class CrmLever(LeverBase):
    """A unified customer view: shorter handling and nobody retells their story (FACTS #59)."""

    type: Literal["crm"]
    handle_time_reduction: float = Field(0.08, ge=0, lt=0.9)
    cost_per_seat_month_usd: float = Field(45.0, ge=0, le=MAX_USD, description="FACTS #35: $18-45 basic, $60-150 enterprise")
    channels: tuple[Channel, ...] = Field(tuple(Channel), min_length=1)


class ProactiveLever(LeverBase):
    """Tell customers before they ask ("where is my order"): fewer inbound contacts of one reason."""

    type: Literal["proactive"]
    reason: str = Field(description="the contact reason the outreach prevents")
    prevention: float = Field(0.5, ge=0, le=1, description="share of that reason's contacts prevented")
    score_bonus: float = Field(0.05, ge=-0.5, le=1, description="experience gain of a customer reached first (negative: annoying outreach, FACTS §7)")
    cost_per_message_usd: float = Field(0.05, ge=0, le=MAX_USD)
    messages_per_prevented_contact: float = Field(5.0, ge=0, le=1e6, description="notices sent per contact prevented")


class RetentionLever(LeverBase):
    """An *assumed* churn reduction, not a modelled mechanism: use it to test a claim
    ("pays back if churn drops 3 %") or to find the churn effect an investment would need."""

    type: Literal["retention"]
    churn_reduction: float = Field(ge=0, le=1, description="relative cut in every customer's churn hazard")
