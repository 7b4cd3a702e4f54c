"""What the levers on technology and process do and cost: chatbot, knowledge base, CRM,
proactive outreach, workforce management, skills-based routing, an omnichannel platform, and an
explicitly *assumed* retention effect for testing claims.

Settings and their sources: :mod:`sim.scenario.lever_tech` (FACTS §3 and #16, #17, #35, #59).
Variable costs (bot sessions, outreach messages) come from what the simulation counted.
"""

from __future__ import annotations

import numpy as np

from sim.levers.catalogue import lever_costs_usd, lever_effect
from sim.levers.effects import MonthEffects
from sim.scenario import (
    ChatbotLever,
    CrmLever,
    KnowledgeBaseLever,
    LaborRates,
    OmnichannelLever,
    ProactiveLever,
    RetentionLever,
    RoutingLever,
    WfmLever,
)


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
    return _seats(lv.channels, horizon, rates, lv.cost_per_seat_month_usd, lv)


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


def _seats(channels, horizon: int, rates: LaborRates, per_seat: float, lv) -> np.ndarray:
    """Generic lines plus a seat per head serving ``channels`` each month the lever runs."""
    out = lv.generic_costs_usd(horizon)
    out[lv.months_running(horizon)] += rates.heads_serving(channels) * per_seat
    return out


@lever_costs_usd.register
def _(lv: WfmLever, horizon: int, rates: LaborRates, days_per_month: int) -> np.ndarray:
    """A licence per scheduled agent of its channels, each month it runs."""
    return _seats(lv.channels, horizon, rates, lv.cost_per_seat_month_usd, lv)


@lever_effect.register
def _(lv: WfmLever, fx: MonthEffects, month: int, rates: LaborRates, days_per_month: int) -> None:
    """More floor time from the same paid hours (adherence), and schedules fitted to the arrival curve."""
    s = lv.strength(month)
    if s:
        for ch in lv.channels:
            fx.floor_scale[ch] = fx.floor_scale.get(ch, 1.0) * (1.0 + s * (lv.adherence_after / lv.adherence_before - 1.0))
            if lv.fit_schedule:
                fx.fit_schedule.add(ch)


@lever_costs_usd.register
def _(lv: RoutingLever, horizon: int, rates: LaborRates, days_per_month: int) -> np.ndarray:
    return _seats(lv.channels, horizon, rates, lv.cost_per_seat_month_usd, lv)


@lever_effect.register
def _(lv: RoutingLever, fx: MonthEffects, month: int, rates: LaborRates, days_per_month: int) -> None:
    """The rise in the best-matched share times a matched contact's gains: shorter handling, more first-contact resolution."""
    gain = lv.strength(month) * (lv.best_match_after - lv.best_match_before)
    if gain:
        for ch in lv.channels:
            fx.handle_multiplier[ch] *= 1.0 - gain * lv.matched_handle_time_reduction
            fx.fcr_gain[ch] += gain * lv.matched_fcr_gain


@lever_costs_usd.register
def _(lv: OmnichannelLever, horizon: int, rates: LaborRates, days_per_month: int) -> np.ndarray:
    return _seats(lv.channels, horizon, rates, lv.cost_per_seat_month_usd, lv)


@lever_effect.register
def _(lv: OmnichannelLever, fx: MonthEffects, month: int, rates: LaborRates, days_per_month: int) -> None:
    """Context carried across channels, one desktop, and a share of one channel's contacts shifted to another."""
    s = lv.strength(month)
    if s:
        fx.context_everywhere = True
        for ch in lv.channels:
            fx.handle_multiplier[ch] *= 1.0 - s * lv.handle_time_reduction
        if lv.shift_from is not None and lv.shift_share > 0:
            fx.channel_shift.append((lv.shift_from, lv.shift_to, s * lv.shift_share))
