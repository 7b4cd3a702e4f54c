"""The customer model's monthly mechanism against the forms of FACTS.md §5.

* memory: S ← S + w·(episode − S), w = memory_weight / (1 + tenure / memory_tenure_scale_months);
* churn hazard: logit h = logit θ_i + β·(S_ref − S) + γ·[unresolved], times the investment's multiplier;
  checked exactly (the month's churn uniforms are a named stream keyed by customer id, so the churned set is known),
  and statistically against the reported per-segment churn counts (binomial, 4.5 sd, several seeds);
* direction: for every segment, a worse experience means a higher hazard; at the reference point
  the hazard is the segment's base churn.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.abm import CustomerModel
from sim.scenario import CustomerConfig, ExperienceConfig
from sim.streams import Stream, Streams

SHARES = np.array([1.0, 0.0])
SEGMENTS = ({"name": "basic", "share": 0.6, "monthly_churn": 0.03}, {"name": "premium", "share": 0.4, "monthly_churn": 0.01})
S_REF = 0.8
SEGMENT_TABLE = CustomerConfig(initial=1, monthly_churn=0.02, price_usd_per_month=1, gross_margin=1, acquisition_per_month=0,
                               contact_rate_per_month=0, channel_mix={"phone": 1.0}, segments=SEGMENTS).segment_table()


def customers(n: int, concentration: float | None = None, **kw) -> CustomerConfig:
    base = dict(initial=n, monthly_churn=0.02, churn_concentration=concentration, price_usd_per_month=10.0, gross_margin=0.5,
                acquisition_per_month=0, contact_rate_per_month=1.0, channel_mix={"phone": 1.0}, segments=SEGMENTS,
                satisfaction_initial_mean=S_REF)
    return CustomerConfig(**(base | kw))


def model(n: int, seed: int, concentration: float | None = None, **exp) -> CustomerModel:
    e = ExperienceConfig(**({"referral_rate_per_promoter_month": 0.0, "satisfaction_ref": S_REF} | exp))
    return CustomerModel(customers(n, concentration), e, SHARES, Streams(seed, 0))


def set_satisfaction(m: CustomerModel, s) -> None:
    """Satisfaction and the customer's own level (so that the drift of quiet customers is nil)."""
    m.pop.satisfaction[:] = s
    m.pop.own_level[:] = s


def logit(p):
    return np.log(p) - np.log1p(-p)


def hazard_formula(theta, s, unresolved, beta, gamma, s_ref=S_REF, multiplier=1.0):
    """FACTS.md §5, written out here: logit h = logit θ + β (S_ref − S) + γ·[unresolved]."""
    x = logit(theta) + beta * (s_ref - s) + gamma * unresolved
    return multiplier / (1.0 + np.exp(-x))


# ---- memory ---------------------------------------------------------------------------------
@pytest.mark.parametrize("weight, scale", [(0.3, 24.0), (0.6, 6.0)])
def test_memory_moves_satisfaction_toward_the_episode_less_with_tenure(weight, scale):
    m = model(2_000, 1, memory_weight=weight, memory_tenure_scale_months=scale)
    p = m.pop
    before, tenure = p.satisfaction.copy(), p.tenure_months.copy()
    ids = np.arange(0, 2_000, 2)
    episode = np.linspace(0.0, 1.0, ids.size)
    m.absorb(ids, episode, np.array([5, 7], np.int64))
    w = weight / (1.0 + tenure[ids] / scale)
    np.testing.assert_allclose(p.satisfaction[ids], before[ids] + w * (episode - before[ids]), rtol=0, atol=1e-12)
    untouched = np.setdiff1d(np.arange(2_000), ids)
    assert np.array_equal(p.satisfaction[untouched], before[untouched])
    assert p.contacted[ids].all() and not p.contacted[untouched].any()
    assert p.unresolved.sum() == 2 and p.unresolved[[5, 7]].all()
    assert tenure.min() == 0 and tenure.max() > 24  # the population spans new and old customers: w varies


def test_quiet_customers_drift_back_to_their_own_level():
    m = model(2_000, 2, drift_to_baseline=0.2, churn_beta=0.0)
    p = m.pop
    own = p.own_level.copy()
    p.satisfaction[:] = 0.3
    m.absorb(np.array([0, 1]), np.array([0.3, 0.3]), np.zeros(0, np.int64))
    m.step()
    quiet = np.arange(2, 2_000)
    np.testing.assert_allclose(p.satisfaction[quiet], 0.3 + 0.2 * (own[quiet] - 0.3), atol=1e-12)
    assert (p.satisfaction[[0, 1]] == 0.3).all()  # those who had an episode this month do not drift


# ---- churn hazard ---------------------------------------------------------------------------
@pytest.mark.parametrize("beta, gamma, multiplier", [(2.85, 1.0, 1.0), (5.0, 0.0, 1.0), (1.0, 2.0, 0.5)])
def test_churned_set_is_exactly_those_whose_uniform_falls_below_the_hazard(beta, gamma, multiplier):
    n, seed = 20_000, 3
    m = model(n, seed, concentration=20.0, churn_beta=beta, unresolved_churn_gamma=gamma)
    rng = np.random.default_rng(0)
    s = rng.uniform(0.2, 1.0, n)
    set_satisfaction(m, s)
    unresolved = rng.random(n) < 0.2
    m.pop.unresolved[:] = unresolved
    m.churn_multiplier = multiplier
    theta = m.pop.churn_propensity.copy()
    m.step()
    u = Streams(seed, 0).keyed(Stream.CHURN, np.arange(n), 1)  # month 1's churn uniform, keyed by customer id
    expected = u < hazard_formula(theta, s, unresolved, beta, gamma, multiplier=multiplier)
    churned = ~m.pop.active[:n]
    assert np.array_equal(churned, expected)
    assert m.last_metrics["churned"] == expected.sum() > 0


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_at_the_reference_satisfaction_every_segment_churns_at_its_base_rate(seed):
    """No heterogeneity, S = S_ref, nothing unresolved ⇒ h = the segment's monthly churn (binomial, 4.5 sd)."""
    n = 60_000
    m = model(n, seed)
    set_satisfaction(m, S_REF)
    seg = m.pop.segment.copy()
    m.step()
    for code, sg in enumerate(SEGMENT_TABLE):
        size = int((seg == code).sum())
        churned = m.last_metrics[f"churned@segment={sg.name}"]
        sd = math.sqrt(size * sg.monthly_churn * (1 - sg.monthly_churn))
        assert abs(churned - size * sg.monthly_churn) <= 4.5 * sd, (sg.name, churned, size * sg.monthly_churn)


@pytest.mark.parametrize("seed", [21, 22, 23])
@pytest.mark.parametrize("shortfall", [0.1, 0.3])
def test_below_the_reference_every_segment_churns_at_the_logit_shifted_rate(seed, shortfall):
    """S = S_ref − δ ⇒ h = expit(logit p + β δ) per segment; with β = 2.85, δ = 0.3 that is 2.3× the base."""
    n, beta = 60_000, 2.85
    m = model(n, seed, churn_beta=beta)
    set_satisfaction(m, S_REF - shortfall)
    seg = m.pop.segment.copy()
    m.step()
    for code, sg in enumerate(SEGMENT_TABLE):
        size = int((seg == code).sum())
        h = float(hazard_formula(sg.monthly_churn, S_REF - shortfall, 0, beta, 0.0))
        churned = m.last_metrics[f"churned@segment={sg.name}"]
        assert abs(churned - size * h) <= 4.5 * math.sqrt(size * h * (1 - h)), (sg.name, churned, size * h)
        assert h > sg.monthly_churn * (1 + shortfall)  # the shift is large against the binomial noise


@pytest.mark.parametrize("seed", [31, 32])
def test_worse_experience_churns_more_in_every_segment_same_customers_same_draws(seed):
    """Common random numbers: lowering everyone's satisfaction can only add churners, and adds some in each segment."""
    n = 30_000
    runs = {}
    for label, s in (("good", S_REF + 0.05), ("bad", S_REF - 0.15)):
        m = model(n, seed, concentration=50.0)
        set_satisfaction(m, s)
        m.step()
        runs[label] = (~m.pop.active[:n], m.pop.segment.copy(), m.last_metrics)
    good, bad = runs["good"][0], runs["bad"][0]
    assert not (good & ~bad).any()  # every customer lost with good service is lost with bad service too
    for code, sg in enumerate(SEGMENT_TABLE):
        in_seg = runs["good"][1] == code
        assert bad[in_seg].sum() > good[in_seg].sum() * 1.2, sg.name
        assert runs["bad"][2][f"churned@segment={sg.name}"] > runs["good"][2][f"churned@segment={sg.name}"]


def test_an_unresolved_issue_raises_churn_and_satisfaction_above_the_reference_lowers_it():
    n, seed = 30_000, 41
    counts = {}
    for label, s, unresolved in (("ref", S_REF, False), ("unresolved", S_REF, True), ("happy", 0.95, False)):
        m = model(n, seed)
        set_satisfaction(m, s)
        m.pop.unresolved[:] = unresolved
        m.step()
        counts[label] = m.last_metrics["churned"]
    assert counts["unresolved"] > 1.5 * counts["ref"] > 1.5 * counts["happy"]


def test_unhappy_customers_contact_more_up_to_the_cap():
    m = CustomerModel(customers(1_000, contact_satisfaction_sensitivity=2.0),
                      ExperienceConfig(satisfaction_ref=S_REF), SHARES, Streams(5, 0))
    set_satisfaction(m, np.r_[np.full(500, S_REF), np.full(500, S_REF - 0.2)])
    mult = m.pop.contact_multiplier[m.pop.segment]
    rates = m.contact_rates() / mult
    np.testing.assert_allclose(rates[:500], 1.0)
    np.testing.assert_allclose(rates[500:], math.exp(2.0 * 0.2))
    set_satisfaction(m, 0.0)
    np.testing.assert_allclose(m.contact_rates() / mult, 3.0)  # CONTACT_RATE_CAP
