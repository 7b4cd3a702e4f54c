"""What the levers on technology and process do and cost: chatbot, knowledge base, CRM,
proactive outreach, and an explicitly *assumed* retention effect for testing claims.

Settings and their sources: :mod:`sim.scenario.lever_tech` (FACTS §3 and #16, #17, #35, #59).
Variable costs (bot sessions, outreach messages) come from what the simulation counted.
"""

from __future__ import annotations

import numpy as np

from sim.levers.catalogue import lever_costs_usd, lever_effect
from sim.levers.effects import MonthEffects
from sim.scenario import ChatbotLever, CrmLever, KnowledgeBaseLever, LaborRates, ProactiveLever, RetentionLever


@lever_effect.register
def _(lv: ChatbotLever, fx: MonthEffects, month: int, rates: LaborRates, days_per_month: int) -> None:
    """The bot in front of its channel, containment ramping in to its target."""
    s = lv.strength(month)
    if s:
        b = lv.bot
        fx.bots[lv.channel] = b.model_copy(update={
            "containment": s * b.containment,
            "containment_by_reason": {k: s * v for k, v in b.containment_by_reason.items()}})
        fx.bot_cost_per_session_usd[lv.channel] = b.cost_per_session_usd


@lever_effect.register
def _(lv: KnowledgeBaseLever, fx: MonthEffects, month: int, rates: LaborRates, days_per_month: int) -> None:
    """A share of wanted contacts resolved in self-service instead."""
    s = lv.strength(month)
    if s:
        fx.deflection = 1.0 - (1.0 - fx.deflection) * (1.0 - s * lv.deflection)
        fx.self_service_score = lv.self_service_score


@lever_costs_usd.register
def _(lv: CrmLever, horizon: int, rates: LaborRates, days_per_month: int) -> np.ndarray:
    """A seat per head serving the CRM's channels, each month it runs."""
    out = lv.generic_costs_usd(horizon)
    out[lv.months_running(horizon)] += rates.heads_serving(lv.channels) * lv.cost_per_seat_month_usd
    return out


@lever_effect.register
def _(lv: CrmLever, fx: MonthEffects, month: int, rates: LaborRates, days_per_month: int) -> None:
    """Shorter handling, and nobody retells their story."""
    s = lv.strength(month)
    if s:
        for ch in lv.channels:
            fx.handle_multiplier[ch] *= 1.0 - s * lv.handle_time_reduction
        fx.context_everywhere = True


@lever_effect.register
def _(lv: ProactiveLever, fx: MonthEffects, month: int, rates: LaborRates, days_per_month: int) -> None:
    """A share of one reason's contacts prevented by telling customers first."""
    s = lv.strength(month)
    if s:
        fx.prevention_by_reason[lv.reason] = s * lv.prevention
        fx.proactive_bonus_score = lv.score_bonus
        fx.proactive_cost_per_prevented_usd = lv.cost_per_message_usd * lv.messages_per_prevented_contact


@lever_effect.register
def _(lv: RetentionLever, fx: MonthEffects, month: int, rates: LaborRates, days_per_month: int) -> None:
    """The assumed relative churn cut, ramping in."""
    fx.churn_multiplier *= 1.0 - lv.strength(month) * lv.churn_reduction
