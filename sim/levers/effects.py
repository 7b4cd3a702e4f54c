"""What an investment changes in one month: the record every lever adds its effect to.

The month loop (:mod:`sim.run.month_loop`) turns it into the contact centre's specification and
the customers' scoring. The defaults change nothing, so a month without an investment (the
baseline arm) uses ``MonthEffects()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.types import Channel


@dataclass
class ExtraGroup:
    """An agent group a lever adds: new hires or an outsourced partner."""

    name: str
    channels: tuple[Channel, ...]
    agents_by_hour: tuple[int, ...]
    proficiency: float
    cost_per_handled_contact_usd: float = 0.0


@dataclass
class MonthEffects:
    """Everything an investment changes in one month (the defaults change nothing)."""

    extra_groups: list[ExtraGroup] = field(default_factory=list)
    handle_multiplier: dict[Channel, float] = field(default_factory=lambda: {ch: 1.0 for ch in Channel})
    fcr_gain: dict[Channel, float] = field(default_factory=lambda: {ch: 0.0 for ch in Channel})
    empathy: float = 0.0
    bots: dict[Channel, object] = field(default_factory=dict)  # Channel -> BotConfig
    bot_cost_per_session_usd: dict[Channel, float] = field(default_factory=dict)
    deflection: float = 0.0  # share of all wanted contacts resolved in self-service instead
    self_service_score: float = 0.75
    prevention_by_reason: dict[str, float] = field(default_factory=dict)  # proactive outreach
    proactive_bonus_score: float = 0.0
    proactive_cost_per_prevented_usd: float = 0.0
    context_everywhere: bool = False  # CRM: nobody retells their story
    recovery_credit_usd: float = 0.0
    recovery_grant_share: float = 0.0
    recovery_score_uplift: float = 0.0
    churn_multiplier: float = 1.0
    # the schedule: what the run layer does to each channel's own agents (sim.run.specs)
    staff_cut: dict[Channel, tuple[int, ...]] = field(default_factory=dict)  # harvest: agents off per hour of day
    fit_schedule: set[Channel] = field(default_factory=set)  # WFM: each day's agent-hours re-shaped to the arrival curve
    floor_scale: dict[Channel, float] = field(default_factory=dict)  # WFM: floor agents x this (adherence); missing = 1
    channel_shift: list[tuple[Channel, Channel, float]] = field(default_factory=list)  # (from, to, share of from's contacts)
