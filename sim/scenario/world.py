"""Scenario sections that describe the customers and the business around the centre: channel mix,
segments, the market, how experience is scored and drives churn, costs and finance conventions.

Validated once (pydantic v2, frozen, ``extra="forbid"``); the whole scenario is :mod:`sim.scenario.model`.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Optional

from pydantic import Field, field_validator

from sim.scenario.centre import NonNeg, Prob, Share, _Frozen
from sim.types import Channel


class ChannelMix(_Frozen):
    """Share of contacts by channel (normalised; channels left out get 0)."""

    phone: NonNeg = 0.0
    chat: NonNeg = 0.0
    email: NonNeg = 0.0
    social: NonNeg = 0.0

    def shares(self) -> dict[Channel, float]:
        total = sum(getattr(self, ch.value) for ch in Channel)
        return {ch: getattr(self, ch.value) / total for ch in Channel} if total > 0 else {}


class Segment(_Frozen):
    """A customer segment; unset values fall back to the ``customers`` section's."""

    name: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_\-]+$")
    share: Share = Field(description="share of customers (normalised over segments)")
    price_usd_per_month: Optional[NonNeg] = None
    monthly_churn: Optional[Annotated[float, Field(gt=0, lt=1)]] = None
    contact_rate_multiplier: float = Field(1.0, ge=0, le=100)
    referral_multiplier: float = Field(1.0, ge=0, le=100)


class CustomerConfig(_Frozen):
    """The customer base (functional forms and their sources: docs/odd.md)."""

    initial: int = Field(ge=1, le=5_000_000, description="active customers at month 0")
    monthly_churn: float = Field(gt=0, lt=1, description="mean base churn per month (at reference satisfaction)")
    churn_concentration: Optional[float] = Field(
        50.0, gt=0, le=1e6, description="a+b of the Beta churn propensity; null = every customer has the same churn"
    )
    price_usd_per_month: NonNeg = Field(description="revenue per active customer per month")
    gross_margin: Prob = Field(description="gross margin share of revenue (drives benefits)")
    acquisition_per_month: float = Field(ge=0, le=1_000_000, description="mean new customers per month from marketing (Poisson)")
    contact_rate_per_month: float = Field(ge=0, le=20, description="contacts per customer-month")
    channel_mix: ChannelMix
    satisfaction_initial_mean: float = Field(0.83, gt=0, lt=1)
    satisfaction_initial_sd: float = Field(0.10, ge=0, le=0.5)
    initial_tenure_max_months: int = Field(48, ge=0, le=600)
    segments: tuple[Segment, ...] = Field((), description="optional segments; none = one segment")
    spend_cv: float = Field(0.0, ge=0, le=5, description="CV of individual spend around the price (lognormal)")
    upsell_rate_per_month: Prob = Field(0.0, description="monthly upsell probability of a fully satisfied customer")
    upsell_usd_per_month: NonNeg = Field(0.0, description="monthly spend one upsell adds")
    contact_satisfaction_sensitivity: float = Field(
        0.0, ge=0, le=10, description="contacts x exp(k (S_ref - S)), capped at 3x: unhappy customers call more")
    referral_heterogeneity_shape: Optional[float] = Field(
        2.0, gt=0, le=1e6, description="Gamma shape of individual referral propensity (mean 1); null = identical")

    def segment_table(self) -> list[Segment]:
        """The segments with every value filled in (one default segment when none is given)."""
        if not self.segments:
            return [Segment(name="all", share=1.0, price_usd_per_month=self.price_usd_per_month,
                            monthly_churn=self.monthly_churn)]
        return [sg.model_copy(update={
            "price_usd_per_month": self.price_usd_per_month if sg.price_usd_per_month is None else sg.price_usd_per_month,
            "monthly_churn": self.monthly_churn if sg.monthly_churn is None else sg.monthly_churn,
        }) for sg in self.segments]


class MarketConfig(_Frozen):
    """Who can still become a customer. ``size: null`` = an unlimited market (acquisition never saturates)."""

    size: Optional[int] = Field(None, ge=1, le=50_000_000, description="addressable people incl. customers")
    marketing_p_per_month: Prob = Field(0.0, description="Bass p: monthly adoption chance of a prospect from marketing")
    network: Literal["fully_mixed", "random"] = "fully_mixed"
    mean_degree: float = Field(20.0, gt=0, le=1_000, description="contacts per person in a random network")


class ExperienceConfig(_Frozen):
    """How a contact becomes an experience, and experiences become loyalty (docs/odd.md)."""

    neutral_score: Prob = 0.7
    wait_weight: NonNeg = 0.10
    resolution_weight: NonNeg = 0.15
    loss_aversion: float = Field(2.0, ge=1.0, le=5.0, description="shortfalls weigh this much more than surpluses")
    peak_end_weights: Annotated[tuple[NonNeg, NonNeg, NonNeg], Field(description="mean, worst, last")] = (0.5, 0.3, 0.2)
    memory_weight: Prob = Field(0.3, description="weight of a new episode for a new customer")
    memory_tenure_scale_months: float = Field(24.0, gt=0, le=1_200)
    drift_to_baseline: Prob = Field(0.05, description="monthly pull of satisfaction back to the customer's own level")
    churn_beta: NonNeg = Field(2.85, description="logit churn per unit of satisfaction below the reference")
    satisfaction_ref: Optional[Prob] = Field(None, description="null = initial mean satisfaction")
    unresolved_churn_gamma: NonNeg = Field(1.0, description="logit churn added in a month with an unresolved issue")
    effort_weight: NonNeg = Field(0.05, description="score lost per unit of effort (repeat contact, transfer, retold story)")
    empathy_weight: NonNeg = Field(1.0, description="score gained per unit of agent empathy")
    dead_end_weight: NonNeg = Field(0.15, description="score lost at a bot dead end (FACTS #58)")
    proactive_bonus: NonNeg = Field(0.05, description="score gained when we reached out first")
    survey_response_rate: Prob = 0.15
    ces_noise_sd: NonNeg = 0.5
    csat_noise_sd: NonNeg = 0.5
    nps_noise_sd: NonNeg = 1.2
    referral_rate_per_promoter_month: Prob = 0.03
    referral_conversion: Prob = 0.13
    negative_wom_multiplier: float = Field(1.5, ge=0, le=100, description="detractors deter this many times a promoter's referrals (FACTS §5)")

    @field_validator("peak_end_weights")
    @classmethod
    def _weights(cls, weights: tuple[float, float, float]) -> tuple[float, float, float]:
        if not math.isclose(sum(weights), 1.0, abs_tol=1e-9):
            raise ValueError(f"peak_end_weights must sum to 1, got {sum(weights):g}")
        return weights


class CostConfig(_Frozen):
    """Labour and tooling (FACTS #11, #34, #35)."""

    agent_salary_usd_per_year: NonNeg = 42_000.0
    load_factor: float = Field(1.3, ge=1.0, le=3.0)
    shrinkage: float = Field(0.30, ge=0.0, lt=0.9)
    paid_hours_per_year: float = Field(2_080.0, gt=0, le=8_760)
    tooling_usd_per_agent_month: NonNeg = 30.0


class FinanceConfig(_Frozen):
    """TEI-style risk adjustment of the appraisal: benefit lines down, costs up (0 = none)."""

    benefit_risk: Prob = Field(0.0, description="default haircut on every benefit line")
    benefit_risk_by_line: dict[Literal["retained_margin", "referral_margin", "upsell_margin", "cost_to_serve", "labour_saving"], Prob] = {}
    cost_risk: float = Field(0.0, ge=0, le=10, description="uplift on investment costs")

    def haircut(self, line: str) -> float:
        return self.benefit_risk_by_line.get(line, self.benefit_risk)
