"""The customer model against closed forms (FACTS.md §4), experience effects switched off.

Tolerances: survival counts are binomial, so each month must lie within 4.5 binomial standard
deviations; CLV per customer has a standard error of about mean/sqrt(N) (≈0.3 % for N = 100k),
so 1.5 % relative is 5 standard errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import betaln

from sim.abm import CustomerModel
from sim.appraisal.finance import monthly_rate
from sim.scenario import ChannelMix, CustomerConfig, ExperienceConfig
from sim.streams import Streams

SHARES = np.array([1.0, 0.0])
NO_EFFECTS = ExperienceConfig(churn_beta=0.0, unresolved_churn_gamma=0.0, referral_rate_per_promoter_month=0.0)


def cohort(n: int, churn: float, concentration: float | None, seed: int) -> CustomerModel:
    cfg = CustomerConfig(initial=n, monthly_churn=churn, churn_concentration=concentration, price_usd_per_month=1.0,
                         gross_margin=1.0, acquisition_per_month=0, contact_rate_per_month=0.0,
                         channel_mix=ChannelMix(phone=1.0))
    return CustomerModel(cfg, NO_EFFECTS, SHARES, Streams(seed, 0))


def survival(model: CustomerModel, months: int) -> np.ndarray:
    out = []
    for _ in range(months):
        model.step()
        out.append(model.last_metrics["active_customers"])
    return np.array(out)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_constant_churn_survival_is_geometric(seed):
    n, p = 100_000, 0.05
    active = survival(cohort(n, p, None, seed), 36)
    expected = n * (1 - p) ** np.arange(1, 37)
    sd = np.sqrt(n * (expected / n) * (1 - expected / n))
    assert (np.abs(active - expected) <= 4.5 * sd).all()


@pytest.mark.slow
@pytest.mark.parametrize("margin, retention, clv", [(10, 0.95, 163.87), (30, 0.98, 1050.97), (30, 0.95, 491.60), (50, 0.90, 416.77)])
def test_clv_matches_closed_form(margin, retention, clv):
    """CLV = m·r/(1+d−r), margin paid at the end of each month survived, 10 %/yr effective."""
    n = 100_000
    months = int(math.log(1e-7) / math.log(retention)) + 1
    active = survival(cohort(n, 1 - retention, None, seed=11), months)
    d = monthly_rate(0.10)
    simulated = float((margin * active / n * (1 + d) ** -np.arange(1, months + 1)).sum())
    assert margin * retention / (1 + d - retention) == pytest.approx(clv, abs=0.01)  # the table itself
    assert simulated == pytest.approx(clv, rel=0.015)


@pytest.mark.parametrize("seed", [4, 5])
def test_beta_churn_gives_shifted_beta_geometric_retention(seed):
    """θ ~ Beta(a, b) per customer ⇒ S(t) = B(a, b+t) / B(a, b) (Fader & Hardie)."""
    n, p, kappa = 100_000, 0.10, 5.0
    a, b = p * kappa, (1 - p) * kappa
    active = survival(cohort(n, p, kappa, seed), 24)
    t = np.arange(1, 25)
    s = np.exp(betaln(a, b + t) - betaln(a, b))
    sd = np.sqrt(n * s * (1 - s))
    assert (np.abs(active - n * s) <= 4.5 * sd).all()
    naive = n * (1 - p) ** t  # ignoring heterogeneity is badly low at long tenure
    assert active[-1] > 1.5 * naive[-1]


def test_customers_get_the_same_draws_whatever_the_population_size():
    """Prefix stability: customer i's attributes do not depend on how many customers exist."""
    small, big = cohort(5_000, 0.05, 50, 9), cohort(9_000, 0.05, 50, 9)
    assert np.array_equal(small.pop.churn_propensity[:5_000], big.pop.churn_propensity[:5_000])
    assert np.array_equal(small.pop.satisfaction[:5_000], big.pop.satisfaction[:5_000])
