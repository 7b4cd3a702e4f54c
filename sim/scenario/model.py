"""The scenario: a validated, frozen description of the business (the world) and, optionally, one
investment (the decision).

Validation happens once, here, at the boundary (pydantic v2, ``extra="forbid"``: unknown keys are
errors). Variants are copies (``model_copy(update=...)``), never mutations. Loading from YAML with
``extends:`` and error reporting with file and line live in :mod:`sim.scenario.loader`.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Literal, Optional

from pydantic import Field

from sim.scenario.centre import AgentGroupConfig, Channels, EscalationConfig, ReasonConfig, _Frozen, centre_setting_issues
from sim.scenario.investment import Investment
from sim.scenario.lever_base import LaborRates
from sim.scenario.sweep_block import SweepConfig, sweep_issues
from sim.scenario.uncertain import Distribution
from sim.scenario.uncertain_settings import RankCorrelation, uncertain_issues
from sim.scenario.world import CostConfig, CustomerConfig, ExperienceConfig, FinanceConfig, MarketConfig
from sim.types import Arm, Channel


class Scenario(_Frozen):
    """A business (the world) and optionally one investment to appraise against it."""

    extends: Optional[str] = Field(None, description="path of a scenario file this one overrides")
    name: str = Field(min_length=1)
    description: str = ""
    seed: int = Field(12345, ge=0, lt=2**63, description="root seed of every random stream")
    replications: int = Field(10, ge=1, le=100_000)
    horizon_months: int = Field(24, ge=1, le=240)
    discount_rate_annual: float = Field(0.10, ge=0.0, le=1.0, description="annual effective discount rate")
    days_per_month: int = Field(30, ge=28, le=31)
    interval_min: Literal[15, 30, 60] = 60
    day_volume_cv: float = Field(0.0, ge=0, le=3, description="CV of the day-level volume multiplier (FACTS §3: ~0.24)")
    customers: CustomerConfig
    experience: ExperienceConfig = ExperienceConfig()
    channels: Channels
    reasons: tuple[ReasonConfig, ...] = Field((), description="contact reasons; none = one general reason")
    agent_groups: tuple[AgentGroupConfig, ...] = Field((), description="multi-skilled or level-2 agent groups")
    escalation: EscalationConfig = EscalationConfig()
    costs: CostConfig = CostConfig()
    market: MarketConfig = MarketConfig()
    finance: FinanceConfig = FinanceConfig()
    investment: Optional[Investment] = None
    sweep: Optional[SweepConfig] = Field(None, description="defaults for `sim sweep` on this file")
    uncertain: dict[str, Distribution] = Field(
        {}, description="world settings drawn once per replication, the same in every arm (probabilistic sensitivity "
                        "analysis): setting path -> distribution; usually written inline in place of the number")
    correlations: tuple[RankCorrelation, ...] = Field((), description="rank correlations between uncertain world settings")

    def semantic_issues(self) -> list[tuple[tuple, str]]:
        """Cross-field problems pydantic cannot see: (path, message) pairs."""
        issues: list[tuple[tuple, str]] = []
        configured = self.channels.configured()
        if not configured:
            issues.append((("channels",), "configure at least one channel (phone, chat)"))
        mix = self.customers.channel_mix.shares()
        if self.customers.contact_rate_per_month > 0 and not mix:
            issues.append((("customers", "channel_mix"), "shares sum to 0 but customers contact us"))
        group_staff = {ch: 0 for ch in Channel}
        for g in self.agent_groups:
            for ch in g.channels:
                group_staff[ch] += sum(g.cost_agents_by_hour(0.0)) if g.level == 1 else 0
        for ch, share in mix.items():
            if share > 0 and ch not in configured:
                issues.append((("customers", "channel_mix", ch.value), f"customers use {ch.value}, which is not configured under channels"))
            elif share > 0 and sum(configured[ch].cost_agents_by_hour(0.0)) + group_staff[ch] == 0:
                issues.append((("channels", ch.value, "agents_by_hour"),
                               "no agent in any hour (here or in agent_groups), but customers contact this channel"))
            if share > 0 and ch in configured:
                for key in ("hourly_profile", "weekday_weights"):
                    if sum(getattr(configured[ch], key)) <= 0:
                        issues.append((("channels", ch.value, key), "every weight is 0, but customers contact this channel: "
                                       "give at least one a positive weight"))
        issues += self._centre_issues(configured) + centre_setting_issues(self)
        issues += sweep_issues(self)
        issues += uncertain_issues(self)
        names = [sg.name for sg in self.customers.segments]
        for i, name in enumerate(names):
            if names.index(name) != i:
                issues.append((("customers", "segments", i, "name"), f"segment '{name}' appears twice"))
        if self.market.size is not None and self.market.size < self.customers.initial:
            issues.append((("market", "size"), f"{self.market.size} is smaller than customers.initial ({self.customers.initial})"))
        if self.market.size is None and self.market.marketing_p_per_month > 0:
            issues.append((("market", "marketing_p_per_month"), "needs market.size; an unlimited market uses customers.acquisition_per_month"))
        if self.market.size is not None and self.customers.acquisition_per_month > 0:
            issues.append((("customers", "acquisition_per_month"), "a finite market (market.size) acquires through "
                           "market.marketing_p_per_month; set this to 0"))
        if self.market.size is None and self.market.network != "fully_mixed":
            issues.append((("market", "network"), "a network needs market.size"))
        if self.investment is not None:
            bots: dict[Channel, str] = {ch: f"channels.{ch.value}.bot" for ch, cfg in configured.items() if cfg.bot is not None}
            if self.investment.name == Arm.BASELINE.value:
                issues.append((("investment", "name"), "'baseline' is reserved for the no-investment arm"))
            for i, lever in enumerate(self.investment.levers):
                where = ("investment", "levers", i)
                if lever.start_month > self.horizon_months:
                    issues.append((where + ("start_month",), f"{lever.start_month} is beyond horizon_months ({self.horizon_months})"))
                channels = [lever.channel] if hasattr(lever, "channel") else list(getattr(lever, "channels", ()))
                for ch in channels:
                    if ch not in configured and lever.type not in ("crm", "training"):
                        issues.append((where, f"lever uses channel {ch.value}, which is not configured"))
                if lever.type == "chatbot" and lever.channel.deferrable:
                    issues.append((where + ("channel",), "a bot sits in front of a live channel (phone, chat)"))
                elif lever.type == "chatbot" and lever.channel in bots:
                    issues.append((where + ("channel",), f"{lever.channel.value} already has a bot ({bots[lever.channel]}): "
                                   "one bot per channel; remove one of them"))
                elif lever.type == "chatbot":
                    bots[lever.channel] = f"investment.levers[{i}]"
                if lever.type == "proactive" and lever.reason not in [r.name for r in self.reasons]:
                    issues.append((where + ("reason",), f"no reason named '{lever.reason}' under reasons"))
                if lever.end_month is not None and lever.end_month > self.horizon_months:
                    issues.append((where + ("end_month",), f"{lever.end_month} is beyond horizon_months ({self.horizon_months})"))
        return issues

    def _centre_issues(self, configured) -> list[tuple[tuple, str]]:
        issues: list[tuple[tuple, str]] = []
        reason_names = [r.name for r in self.reasons]
        for i, name in enumerate(reason_names):
            if reason_names.index(name) != i:
                issues.append((("reasons", i, "name"), f"reason '{name}' appears twice"))
        for ch, cfg in configured.items():
            if ch.deferrable and cfg.patience_mean_s is not None:
                issues.append((("channels", ch.value, "patience_mean_s"), f"{ch.value} is deferrable work: nobody abandons it; set null"))
            if ch.deferrable and (cfg.bot is not None or cfg.callback is not None):
                issues.append((("channels", ch.value), "bots and callbacks apply to live channels (phone, chat) only"))
            if cfg.bot is not None:
                for name in cfg.bot.containment_by_reason:
                    if name not in reason_names:
                        issues.append((("channels", ch.value, "bot", "containment_by_reason", name), f"no reason named '{name}' under reasons"))
        for i, g in enumerate(self.agent_groups):
            for ch in g.channels:
                if ch not in configured:
                    issues.append((("agent_groups", i, "channels"), f"{ch.value} is not configured under channels"))
            for name in g.reasons or ():
                if name not in reason_names:
                    issues.append((("agent_groups", i, "reasons"), f"no reason named '{name}' under reasons"))
        return issues

    # ---- derived quantities -------------------------------------------------------------
    def world(self) -> "Scenario":
        """The same business without the investment (the baseline arm)."""
        return self.model_copy(update={"investment": None})

    def world_hash(self) -> str:
        """Hash of everything that defines the world (not names, seeds, or the investment)."""
        data = self.model_dump(mode="json", exclude={"extends", "name", "description", "seed", "replications", "investment", "sweep"})
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]

    def labor_rates(self) -> LaborRates:
        c = self.costs
        loaded_year = c.agent_salary_usd_per_year * c.load_factor
        floor_hours_per_fte = c.paid_hours_per_year / 12.0 * (1.0 - c.shrinkage)
        heads, group_channels = {}, {}
        for name, channels, agents in self.staffing_groups():
            heads[name] = math.ceil(sum(agents) * self.days_per_month / floor_hours_per_fte - 1e-9)
            group_channels[name] = channels
        return LaborRates(
            loaded_usd_per_agent_month=loaded_year / 12.0,
            loaded_usd_per_paid_hour=loaded_year / c.paid_hours_per_year,
            floor_hours_per_fte_month=floor_hours_per_fte,
            headcount=heads,
            group_channels=group_channels,
        )

    def staffing_groups(self) -> list[tuple[str, tuple[Channel, ...], tuple[int, ...]]]:
        """(name, channels, floor agents by hour for costs) of every scheduled group: one per channel, then agent_groups."""
        s = self.costs.shrinkage
        out = [(ch.value, (ch,), cfg.cost_agents_by_hour(s)) for ch, cfg in self.channels.configured().items()]
        return out + [(f"group:{g.name}", tuple(g.channels), g.cost_agents_by_hour(s)) for g in self.agent_groups]

    def labor_cost_usd_per_month(self) -> float:
        """Baseline labour and tooling: the schedule's floor hours grossed up for shrinkage."""
        rates = self.labor_rates()
        fte = sum(sum(agents) * self.days_per_month / rates.floor_hours_per_fte_month
                  for _, _, agents in self.staffing_groups())
        return fte * (rates.loaded_usd_per_agent_month + self.costs.tooling_usd_per_agent_month)
