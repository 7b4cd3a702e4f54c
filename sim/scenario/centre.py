"""Scenario sections that describe the contact centre: channels, reasons, bots, agent groups.

Validated once (pydantic v2, frozen, ``extra="forbid"``); the pipeline turns them into the DES's
plain specs every month. Sources of defaults are in ``scenarios/baseline.yaml``.
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sim.scenario.schedule import OpenHours, ScheduleConfig, Weekday
from sim.types import Channel

MONTH_S = 31 * 86_400.0  #: upper bound of every duration setting, seconds
MAX_WEIGHT = 1e9  #: upper bound of weights, shares and amounts per unit (money totals stay finite)
TINY = 1e-9  #: a number this close to 0 but not 0 means nothing here, and 1/x or x**2 of it overflows or underflows

Prob = Annotated[float, Field(ge=0.0, le=1.0)]
NonNeg = Annotated[float, Field(ge=0.0, le=MAX_WEIGHT)]
Share = Annotated[float, Field(gt=0.0, le=MAX_WEIGHT)]
Hours24 = Annotated[tuple[NonNeg, ...], Field(min_length=24, max_length=24)]
Week7 = Annotated[tuple[NonNeg, ...], Field(min_length=7, max_length=7)]
Agents24 = Annotated[tuple[Annotated[int, Field(ge=0, le=100_000)], ...], Field(min_length=24, max_length=24)]
Name = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_\-]+$")]
DayProfile = Annotated[tuple[Annotated[float, Field(gt=0)], ...], Field(
    min_length=24, max_length=96, description="one value per interval of the day: 24 (hours), 48 (30 min) or 96 (15 min)")]


def not_tiny(value):
    """Refuse numbers (also inside lists and mappings) closer to 0 than :data:`TINY` but not 0."""
    items = value.values() if isinstance(value, dict) else value if isinstance(value, (tuple, list)) else (value,)
    for x in items:
        if isinstance(x, (tuple, list, dict)):
            not_tiny(x)
        elif isinstance(x, float) and x != 0 and abs(x) < TINY:
            raise ValueError(f"{x:g} is too close to 0 to mean anything: use 0, or at least {TINY:g}")
    return value


class _Frozen(BaseModel):
    """Frozen, unknown keys refused, numbers finite (``.inf`` and ``.nan`` are refused) and not vanishingly small."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
    _not_tiny = field_validator("*")(classmethod(lambda cls, v: not_tiny(v)))


class _Staffed(_Frozen):
    """Agents on the floor: ``agents_by_hour`` (shorthand) or a shift ``schedule`` (one of them)."""

    def cost_agents_by_hour(self, shrinkage: float) -> tuple[float, ...]:
        """Floor agents per hour as the labour-cost formula reads them (which grosses up for shrinkage):
        ``agents_by_hour``, or a schedule's paid heads × (1 − shrinkage), so its cost is the paid shift hours."""
        if self.schedule is None:
            return tuple(float(a) for a in (self.agents_by_hour or (0,) * 24))
        from sim.scenario.schedule import paid_heads_by_hour

        return tuple(h * (1.0 - shrinkage) for h in paid_heads_by_hour(self.schedule))


class BotConfig(_Frozen):
    """A chatbot / AI voice agent in front of a live channel (FACTS §3 for containment bands)."""

    containment: Prob = Field(0.35, description="share of sessions the bot resolves (reasons not listed below)")
    containment_by_reason: dict[str, Prob] = Field({}, description="containment per contact reason")
    false_containment_share: Prob = Field(0.2, description="of contained sessions, the share that come back within days")
    opt_out_share: Prob = Field(0.85, description="of sessions not contained, the share that reach a human; the rest dead-end")
    session_s: float = Field(120.0, ge=0, le=3_600)
    context_handoff: bool = Field(True, description="the human sees the bot conversation (no retelling)")
    no_context_handle_increase: float = Field(0.25, ge=0, le=10, description="extra human handle time when the story is retold")
    recontact_delay_days: float = Field(2.0, gt=0, le=30)
    cost_per_session_usd: NonNeg = 0.10


class CallbackConfig(_Frozen):
    """Virtual hold: offer a callback when the estimated wait is long."""

    offer_when_wait_s: float = Field(gt=0, le=MONTH_S)
    accept_probability: Prob


class ChannelConfig(_Staffed):
    """One channel: demand shape, work content, patience, staffing, opening hours, targets and features."""

    hourly_profile: Hours24 = Field(description="relative arrival weight per hour of day, 00..23")
    hourly_profile_by_weekday: dict[Weekday, Hours24] = Field({}, description="a weekday's own hourly profile (others: hourly_profile)")
    weekday_weights: Week7 = Field((1.0,) * 7, description="relative volume Monday..Sunday")
    agents_by_hour: Optional[Agents24] = Field(None, description="agents on the floor per hour of day, 00..23 (or schedule)")
    schedule: Optional[ScheduleConfig] = Field(None, description="shift plan: agents on the floor per interval (or agents_by_hour)")
    open_hours: Optional[OpenHours] = Field(None, description="[open, close) hours, or per weekday; null = where agents are scheduled")
    closed: Literal["retry", "switch", "message"] = Field(
        "retry", description="a contact reaching the closed channel: tries again after opening, switches channel, or leaves a message")
    closed_retry_delay_mean_s: float = Field(1800.0, gt=0, le=86_400, description="mean delay after the opening (exponential)")
    closed_switch_to: Optional[Channel] = Field(None, description="the channel customers switch to (closed: switch)")
    aht_mean_s: float = Field(gt=0, le=86_400, description="mean handle time, seconds")
    aht_cv: float = Field(1.0, gt=0, le=10, description="coefficient of variation of handle time")
    aht_profile_s: Optional[DayProfile] = Field(None, description="mean handle time per interval of the day (by arrival); null = aht_mean_s")
    aht_cv_profile: Optional[DayProfile] = Field(None, description="CV of handle time per interval of the day; null = aht_cv")
    patience_mean_s: Optional[float] = Field(gt=0, le=MONTH_S, description="mean patience, s; null = never abandons")
    patience_cv: Optional[float] = Field(None, gt=0, le=10, description="null = exponential patience; else lognormal with this CV")
    expected_wait_s: float = Field(gt=0, le=MONTH_S, description="wait the customer expects; longer waits hurt (asymmetric)")
    sl_threshold_s: float = Field(gt=0, le=MONTH_S, description="service-level threshold, seconds (e-mail: response target)")
    fcr: Prob = Field(description="probability an answered contact resolves the issue (reference agent)")
    transfer_probability: Prob = Field(0.0, description="share of answered contacts escalated to level 2")
    repeat_probability: Prob = Field(0.0, description="an unresolved issue comes back as a repeat contact")
    repeat_delay_mean_days: float = Field(2.0, gt=0, le=30)
    retrial_probability: Prob = Field(0.0, description="an abandoner tries again")
    retrial_delay_mean_s: float = Field(600.0, gt=0, le=MONTH_S)
    concurrency: int = Field(1, ge=1, le=10, description="contacts one agent handles at once (chat)")
    concurrency_handle_inflation: float = Field(0.25, ge=0, le=10, description="handle time x (1 + this x other chats in hand)")
    silent_abandon_share: Prob = Field(0.0, description="abandoners who leave without telling (chat: 0.695, FACTS §3)")
    silent_detect_s: float = Field(60.0, ge=0, le=86_400, description="agent time lost finding a silent abandoner gone")
    callback: Optional[CallbackConfig] = None
    bot: Optional[BotConfig] = None
    cost_per_contact_usd: NonNeg = Field(0.0, description="variable cost per offered contact")

    @field_validator("aht_profile_s", "aht_cv_profile")
    @classmethod
    def _day_profile(cls, v):
        if v is not None and len(v) not in (24, 48, 96):
            raise ValueError(f"needs 24, 48 or 96 values (intervals of the day), got {len(v)}")
        return v


class Channels(_Frozen):
    """The channels the business runs; at least one."""

    phone: Optional[ChannelConfig] = None
    chat: Optional[ChannelConfig] = None
    email: Optional[ChannelConfig] = None
    social: Optional[ChannelConfig] = None

    def configured(self) -> dict[Channel, ChannelConfig]:
        return {ch: getattr(self, ch.value) for ch in Channel if getattr(self, ch.value) is not None}


class ReasonConfig(_Frozen):
    """Why customers contact us; each reason has its own work content and outcomes."""

    name: Name
    share: Share = Field(description="share of contacts (normalised over reasons)")
    aht_factor: float = Field(1.0, gt=0, le=100, description="handle time relative to the channel's aht_mean_s")
    distribution: Literal["lognormal", "gamma", "exponential"] = "lognormal"
    aht_cv: Optional[float] = Field(None, gt=0, le=10, description="null = the channel's aht_cv")
    fcr: Optional[Prob] = Field(None, description="null = the channel's fcr")
    transfer_probability: Optional[Prob] = Field(None, description="null = the channel's")


class AgentGroupConfig(_Staffed):
    """Agents with the same skills: which channels and reasons, how good, when on the floor."""

    name: Name
    channels: tuple[Channel, ...] = Field(min_length=1)
    reasons: Optional[tuple[str, ...]] = Field(None, description="null = every reason")
    level: Literal[1, 2] = Field(1, description="2 = escalation pool: serves transfers only")
    proficiency: float = Field(1.0, gt=0, le=5, description="1 = reference; 1.25 = 25 % faster, fewer failures and transfers")
    agents_by_hour: Optional[Agents24] = Field(None, description="agents on the floor per hour of day (or schedule)")
    schedule: Optional[ScheduleConfig] = Field(None, description="shift plan (or agents_by_hour)")


class EscalationConfig(_Frozen):
    """Level-2 handling of transferred contacts (needs a level-2 agent group)."""

    l2_handle_factor: float = Field(1.5, gt=0, le=20)
    l2_fcr: Prob = 0.9


def centre_setting_issues(sc) -> list[tuple[tuple, str]]:
    """Cross-field problems of staffing, schedules, opening hours and profiles: (path, message) pairs."""
    from sim.scenario.schedule import open_hours_issues, schedule_issues

    issues: list[tuple[tuple, str]] = []
    configured = sc.channels.configured()
    staffed = [(("channels", ch.value), cfg) for ch, cfg in configured.items()]
    staffed += [(("agent_groups", i), g) for i, g in enumerate(sc.agent_groups)]
    for where, cfg in staffed:
        if (cfg.agents_by_hour is None) == (cfg.schedule is None):
            issues.append((where + ("agents_by_hour",), "give either agents_by_hour or a schedule (shift plan)"))
        if cfg.schedule is not None:
            issues += schedule_issues(cfg.schedule, where + ("schedule",))
    for ch, cfg in configured.items():
        where = ("channels", ch.value)
        live = not ch.deferrable
        if not live and (cfg.open_hours is not None or cfg.closed != "retry"):
            issues.append((where + ("open_hours" if cfg.open_hours is not None else "closed",),
                           f"{ch.value} is an inbox that always accepts: opening hours apply to live channels (phone, chat)"))
        if cfg.open_hours is not None and live:
            issues += open_hours_issues(cfg.open_hours, sc.interval_min, where + ("open_hours",))
        if cfg.closed == "switch":
            to = cfg.closed_switch_to
            if to is None or to == ch or to not in configured:
                issues.append((where + ("closed_switch_to",), "closed: switch needs another configured channel here"))
        elif cfg.closed_switch_to is not None:
            issues.append((where + ("closed_switch_to",), "only used with closed: switch"))
    return issues
