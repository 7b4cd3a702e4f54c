"""Word of mouth against Bass diffusion, cohort LTV against the closed form, memory and segments.

Bass: with experience held constant (everyone a promoter, referral pressure q each) on a fully
mixed finite market, the adopter share must follow the discrete Bass recursion
F' = F + (1 − F)(1 − (1 − p)e^{−qF}) within 4.5 binomial standard deviations of M, and the
continuous Bass curve F(t) = (1 − e^{−(p+q)t}) / (1 + (q/p)e^{−(p+q)t}) within 0.02 (the
difference between monthly steps and continuous time).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.abm import CustomerModel
from sim.appraisal.finance import monthly_rate
from sim.scenario import ChannelMix, CustomerConfig, ExperienceConfig, MarketConfig, Segment
from sim.streams import Streams

SHARES = np.array([1.0, 0.0])


def bass_model(size: int, p: float, q: float, network: str = "fully_mixed", degree: float = 20.0, seed: int = 1):
    cfg = CustomerConfig(initial=1, monthly_churn=1e-9, churn_concentration=None, price_usd_per_month=1.0,
                         gross_margin=1.0, acquisition_per_month=0, contact_rate_per_month=0.0,
                         channel_mix=ChannelMix(phone=1.0), satisfaction_initial_mean=0.99,
                         satisfaction_initial_sd=0.0, referral_heterogeneity_shape=None)
    exp = ExperienceConfig(churn_beta=0.0, unresolved_churn_gamma=0.0, nps_noise_sd=0.0,
                           referral_rate_per_promoter_month=q, referral_conversion=1.0)
    market = MarketConfig(size=size, marketing_p_per_month=p, network=network, mean_degree=degree)
    return CustomerModel(cfg, exp, SHARES, Streams(seed, 0), market)


def adopters(model: CustomerModel, months: int) -> np.ndarray:
    out = []
    for _ in range(months):
        model.step()
        out.append(model.active_count)
    return np.array(out, float)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_fully_mixed_word_of_mouth_is_bass_diffusion(seed):
    size, p, q, months = 200_000, 0.03 / 12, 0.38 / 12, 240
    share = adopters(bass_model(size, p, q, seed=seed), months) / size
    f, recursion = 1 / size, []
    for _ in range(months):
        f = f + (1 - f) * (1 - (1 - p) * np.exp(-q * f))
        recursion.append(f)
    recursion = np.array(recursion)
    sd = np.sqrt(recursion * (1 - recursion) / size)
    assert (np.abs(share - recursion) <= 4.5 * sd + 2 / size).all()
    t = np.arange(1, months + 1)
    bass = (1 - np.exp(-(p + q) * t)) / (1 + (q / p) * np.exp(-(p + q) * t))
    assert np.abs(share - bass).max() < 0.02


@pytest.mark.slow
def test_sparse_network_diffuses_slower_than_full_mixing():
    size, p, q = 50_000, 0.002, 0.06
    mixed = adopters(bass_model(size, p, q), 60)
    sparse = adopters(bass_model(size, p, q, network="random", degree=3.0), 60)
    assert sparse[-1] < 0.9 * mixed[-1]


def test_market_saturates():
    model = bass_model(2_000, 0.05, 0.5)
    assert adopters(model, 200)[-1] == 2_000
    assert model.last_metrics["acquired"] == 0.0


def test_cohort_ltv_matches_closed_form():
    """Constant churn: expected LTV of cohort 0 after month 1 is m·r/(1+d−r) in expectation."""
    n, churn, margin = 200_000, 0.05, 30.0
    cfg = CustomerConfig(initial=n, monthly_churn=churn, churn_concentration=None, price_usd_per_month=margin,
                         gross_margin=1.0, acquisition_per_month=0, contact_rate_per_month=0.0,
                         channel_mix=ChannelMix(phone=1.0), referral_heterogeneity_shape=None)
    exp = ExperienceConfig(churn_beta=0.0, unresolved_churn_gamma=0.0, referral_rate_per_promoter_month=0.0)
    model = CustomerModel(cfg, exp, SHARES, Streams(3, 0), None, 0.10)
    model.step()
    d, r = monthly_rate(0.10), 1 - churn
    assert model.last_metrics["ltv_expected_usd@cohort=0"] == pytest.approx(margin * r / (1 + d - r), rel=0.005)
    for _ in range(299):
        model.step()
    assert model.last_metrics["ltv_realised_usd@cohort=0"] == pytest.approx(491.60, rel=0.01)


def test_segments_churn_at_their_own_rates():
    segs = (Segment(name="basic", share=0.5, monthly_churn=0.04), Segment(name="premium", share=0.5, monthly_churn=0.01))
    cfg = CustomerConfig(initial=100_000, monthly_churn=0.02, churn_concentration=None, price_usd_per_month=10,
                         gross_margin=1.0, acquisition_per_month=0, contact_rate_per_month=0.0,
                         channel_mix=ChannelMix(phone=1.0), segments=segs)
    exp = ExperienceConfig(churn_beta=0.0, unresolved_churn_gamma=0.0, referral_rate_per_promoter_month=0.0)
    model = CustomerModel(cfg, exp, SHARES, Streams(4, 0))
    model.step()
    m = model.last_metrics
    basic = m["churned@segment=basic"] / (m["churned@segment=basic"] + m["active_customers@segment=basic"])
    premium = m["churned@segment=premium"] / (m["churned@segment=premium"] + m["active_customers@segment=premium"])
    assert basic == pytest.approx(0.04, abs=0.004) and premium == pytest.approx(0.01, abs=0.002)


def recovery_months(memory_weight: float, drift: float) -> int:
    """Months after an outage until mean satisfaction has recovered half of its drop."""
    cfg = CustomerConfig(initial=20_000, monthly_churn=0.01, price_usd_per_month=10, gross_margin=1.0,
                         acquisition_per_month=0, contact_rate_per_month=0.3, channel_mix=ChannelMix(phone=1.0),
                         satisfaction_initial_sd=0.0)
    exp = ExperienceConfig(memory_weight=memory_weight, drift_to_baseline=drift)
    model = CustomerModel(cfg, exp, SHARES, Streams(5, 0))
    before = model.pop.satisfaction[model.pop.active].mean()
    trajectory = []
    for month in range(1, 40):
        req = model.propose_contacts()
        ids = np.unique(req.customer_id)
        score = 0.0 if month == 3 else 0.85  # month 3: an outage, every contact goes badly
        model.absorb(ids, np.full(ids.size, score), ids[:0])
        model.step()
        trajectory.append(model.last_metrics["satisfaction_mean"])
    trajectory = np.array(trajectory)
    bottom = trajectory.argmin()
    half = before - (before - trajectory[bottom]) / 2
    return int(np.flatnonzero(trajectory[bottom:] >= half)[0])


def test_stronger_memory_recovers_more_slowly_after_an_outage():
    assert recovery_months(memory_weight=0.1, drift=0.01) > recovery_months(memory_weight=0.3, drift=0.05)
