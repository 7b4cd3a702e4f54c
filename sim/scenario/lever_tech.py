"""Settings of the levers on technology and process: chatbot, knowledge base, CRM, proactive outreach,
workforce management, skills-based routing, an omnichannel (CCaaS) platform, and an explicitly
*assumed* retention effect for testing claims (FACTS §3 and #13, #15, #16, #17, #35, #59).

What each does and costs: :mod:`sim.levers.tech`."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field, model_validator

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


class WfmLever(LeverBase):
    """Workforce management: forecasts and schedules fitted to the arrival curve, and adherence to them (FACTS #13).

    Agents on the floor rise by ``adherence_after / adherence_before`` (the same paid hours deliver
    more floor time); with ``fit_schedule`` each day's scheduled agent-hours are re-shaped to the
    arrival curve (the Erlang shape of the day, same paid hours, no staffed hour left empty).
    """

    type: Literal["wfm"]
    channels: tuple[Channel, ...] = Field((Channel.PHONE, Channel.CHAT), min_length=1, description="channels whose agents it schedules")
    adherence_before: float = Field(0.85, gt=0, le=1, description="share of scheduled floor time agents are available today")
    adherence_after: float = Field(0.95, gt=0, le=1, description="with the WFM tool and real-time adherence (FACTS #13: 95 %)")
    fit_schedule: bool = Field(True, description="re-shape each day's agent-hours to the arrival curve (same paid hours)")
    cost_per_seat_month_usd: float = Field(25.0, ge=0, description="licence per agent scheduled (FACTS #35 band: $18-45 basic)")
    ramp_months: int = Field(3, ge=0, le=60, description="adherence reaches its target over these months")

    @model_validator(mode="after")
    def _up(self):
        if self.adherence_after < self.adherence_before:
            raise ValueError(f"adherence_after ({self.adherence_after:g}) is below adherence_before ({self.adherence_before:g})")
        return self


class RoutingLever(LeverBase):
    """Skills-based routing: more contacts reach the agent best equipped for their reason (FACTS #15: 70-80 %).

    A contact that reaches its best-equipped agent is handled faster and resolved more often; the
    effect is the rise in the matched share times those per-contact gains.
    """

    type: Literal["routing"]
    channels: tuple[Channel, ...] = Field((Channel.PHONE, Channel.CHAT), min_length=1)
    best_match_before: float = Field(0.50, ge=0, le=1, description="share routed to the best-equipped agent today (queue-based)")
    best_match_after: float = Field(0.75, ge=0, le=1, description="with skills-based routing (FACTS #15: 70-80 %)")
    matched_handle_time_reduction: float = Field(0.10, ge=0, lt=0.9, description="relative AHT cut of a matched contact")
    matched_fcr_gain: float = Field(0.08, ge=0, le=1, description="absolute FCR gain of a matched contact")
    cost_per_seat_month_usd: float = Field(10.0, ge=0, description="routing add-on licence per agent")

    @model_validator(mode="after")
    def _up(self):
        if self.best_match_after < self.best_match_before:
            raise ValueError(f"best_match_after ({self.best_match_after:g}) is below best_match_before ({self.best_match_before:g})")
        return self


class OmnichannelLever(LeverBase):
    """An omnichannel / CCaaS platform: one agent desktop and one conversation history across channels
    (nobody retells their story, FACTS #59), digital-first routing that shifts a share of one channel's
    contacts to another, and a per-seat licence (FACTS #35: $60-150 enterprise; FACTS #64 CCaaS market)."""

    type: Literal["omnichannel"]
    channels: tuple[Channel, ...] = Field(tuple(Channel), min_length=1, description="channels on the platform (seats: agents serving them)")
    handle_time_reduction: float = Field(0.05, ge=0, lt=0.9, description="one desktop instead of several tools")
    shift_from: Optional[Channel] = Field(Channel.PHONE, description="channel some contacts leave (null = no channel shift)")
    shift_to: Optional[Channel] = Field(Channel.CHAT, description="channel they move to")
    shift_share: float = Field(0.10, ge=0, le=1, description="share of shift_from's contacts that move")
    cost_per_seat_month_usd: float = Field(110.0, ge=0, description="FACTS #35: $60-150 per agent-month, enterprise")

    @model_validator(mode="after")
    def _shift(self):
        if (self.shift_from is None) != (self.shift_to is None):
            raise ValueError("give both shift_from and shift_to, or neither")
        if self.shift_from is not None and self.shift_from == self.shift_to:
            raise ValueError("shift_from and shift_to must differ")
        return self
