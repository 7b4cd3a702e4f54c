"""Keyed draws (issue 17): draws only for what happens, common random numbers kept exact, memory
bounded by the customers who exist.

Oracles: the keyed generator's values are U(0,1) (a KS test: its p-value is uniform under the
null, 1e-4 fails one run in 10⁴) and uncorrelated between neighbouring counters and between
streams (|r| ≤ 5/√n, 5 standard errors); Poisson counts by keyed quantile match the Poisson pmf (a
chi-square at p = 1e-4); a customer's needs and their draws are bit-identical in two arms whatever
the number of customers and their satisfaction; the memory a month takes does not grow with the
months simulated (tracemalloc, which sees numpy's allocations).
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from scipy import stats

from sim.abm import CustomerModel
from sim.abm.model import poisson_quantile
from sim.des import DemandSpec, draw_contacts
from sim.scenario import CustomerConfig, ExperienceConfig
from sim.streams import Stream, Streams, need_key

SHARES = np.array([0.5, 0.3, 0.2, 0.0])


def test_keyed_uniforms_are_uniform_and_independent_of_neighbours_and_streams():
    s, n = Streams(7, 2), 200_000
    ids = np.arange(n)
    u = s.keyed(Stream.CHURN, ids, 3)
    assert 0.0 < u.min() and u.max() < 1.0  # open interval: logs and normal quantiles are finite
    assert stats.kstest(u, "uniform").pvalue > 1e-4
    limit = 5 / np.sqrt(n)
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < limit  # neighbouring ids
    for other in (s.keyed(Stream.UPSELL, ids, 3), s.keyed(Stream.CHURN, ids, 4), Streams(7, 3).keyed(Stream.CHURN, ids, 3),
                  s.keyed(Stream.CHURN, ids + 1, 3)):
        assert abs(np.corrcoef(u, other)[0, 1]) < limit  # other stream, month, replication, shifted counter
    slots = s.keyed(Stream.RESOLVE, need_key(ids[:20_000], np.zeros(20_000, np.int64)), 3, slots=27)
    assert stats.kstest(slots.ravel(), "uniform").pvalue > 1e-4
    assert np.abs(np.corrcoef(slots.T) - np.eye(27)).max() < 5 / np.sqrt(20_000)  # slots of a need are independent


def test_keyed_values_depend_only_on_their_key_not_on_order_or_what_else_is_asked():
    s = Streams(3, 0)
    keys = need_key(np.array([10, 4, 99, 10, 7]), np.array([0, 2, 1, 1, 0]))
    whole = s.keyed(Stream.ARRIVAL, keys, 5, slots=3)
    perm = np.array([3, 0, 4, 2, 1])
    np.testing.assert_array_equal(s.keyed(Stream.ARRIVAL, keys[perm], 5, slots=3), whole[perm])
    np.testing.assert_array_equal(s.keyed(Stream.ARRIVAL, keys[:2], 5, slots=2), whole[:2, :2])  # fewer slots: a prefix
    np.testing.assert_array_equal(s.keyed(Stream.ARRIVAL, keys, 5), whole[:, 0])
    assert len(np.unique(whole)) == whole.size


@pytest.mark.parametrize("lam", [0.1, 0.36, 2.5])
def test_poisson_quantile_of_keyed_uniforms_is_poisson_and_monotone_in_the_rate(lam):
    n = 400_000
    u = Streams(1, 0).keyed(Stream.CONTACT_COUNT, np.arange(n), 1)
    k = poisson_quantile(u, np.full(n, lam))
    top = int(stats.poisson.ppf(1 - 1e-4, lam))
    observed = np.bincount(np.minimum(k, top), minlength=top + 1)
    expected = n * np.r_[stats.poisson.pmf(np.arange(top), lam), stats.poisson.sf(top - 1, lam)]
    assert stats.chisquare(observed, expected).pvalue > 1e-4
    more = poisson_quantile(u, np.full(n, lam * 1.3))
    assert (more >= k).all() and (more > k).any()  # a higher rate: the same needs plus more


def customers(n: int, **kw) -> CustomerConfig:
    base = dict(initial=n, monthly_churn=0.02, price_usd_per_month=10.0, gross_margin=0.5, acquisition_per_month=0,
                contact_rate_per_month=0.4, channel_mix={"phone": 0.5, "chat": 0.3, "email": 0.2},
                contact_satisfaction_sensitivity=2.0)
    return CustomerConfig(**(base | kw))


def test_a_customers_needs_and_their_draws_are_the_same_in_two_arms_with_different_customers_and_satisfaction():
    """CRN: arm B has more customers and unhappier ones (higher contact rates); every need of arm A
    exists in B with the same channel, arrival, work, patience and decision draws."""
    streams = Streams(11, 0)
    a = CustomerModel(customers(6_000), ExperienceConfig(), SHARES, streams)
    b = CustomerModel(customers(9_000), ExperienceConfig(), SHARES, Streams(11, 0))
    b.pop.satisfaction[:] -= 0.2  # contact rate × e^0.4 in arm B
    ra, rb = a.propose_contacts(), b.propose_contacts()
    assert rb.need_key.size > ra.need_key.size * 1.3
    common = np.isin(rb.need_key, ra.need_key)
    assert common.sum() == ra.need_key.size  # every need of A is a need of B (monotone coupling)
    np.testing.assert_array_equal(rb.channel[common], ra.channel)
    np.testing.assert_array_equal(rb.customer_id[common], ra.customer_id)
    demand = [DemandSpec((1.0,) * 24, 300.0, 1.0, 200.0)] * 4
    da = draw_contacts(streams, 1, ra.customer_id, ra.channel, ra.need_key, demand, 30)
    db = draw_contacts(Streams(11, 0), 1, rb.customer_id, rb.channel, rb.need_key, demand, 30)
    for name in ("arrival_s", "work_s", "patience_s", "u", "e", "reopen_e", "reason"):
        np.testing.assert_array_equal(getattr(db, name)[common], getattr(da, name), err_msg=name)
    assert np.unique(da.customer_id).size < 6_000  # draws only for customers with a need this month


def test_same_seed_same_customers_and_needs():
    run = lambda: CustomerModel(customers(5_000), ExperienceConfig(), SHARES, Streams(2, 1))  # noqa: E731
    x, y = run(), run()
    for _ in range(3):
        rx, ry = x.propose_contacts(), y.propose_contacts()
        np.testing.assert_array_equal(rx.need_key, ry.need_key)
        x.step(), y.step()
        assert x.last_metrics == y.last_metrics


def _month(model: CustomerModel) -> None:
    req = model.propose_contacts()
    ids = np.unique(req.customer_id)
    model.absorb(ids, np.full(ids.size, 0.8), ids[::4])
    model.step()


def test_memory_follows_the_customers_who_exist_not_the_ids_ever_created():
    """10 %/month churn replaced by acquisition: after 40 months 5x as many ids exist as customers,
    yet the arrays and the peak memory of a month stay what they were in the first months."""
    cfg = customers(20_000, monthly_churn=0.10, acquisition_per_month=2_000)
    model = CustomerModel(cfg, ExperienceConfig(referral_rate_per_promoter_month=0.0), SHARES, Streams(4, 0))
    peaks = []
    for month in range(1, 41):
        tracemalloc.start()
        _month(model)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        if month == 5:
            early_bytes = sum(a.nbytes for a in model.pop.a.values())
    assert model.n_ids > 4.5 * model.active_count
    assert model.pop.n <= 1.15 * model.active_count  # rows: the active customers and last month's leavers
    assert sum(a.nbytes for a in model.pop.a.values()) <= 1.3 * early_bytes
    assert max(peaks[-5:]) <= 1.3 * max(peaks[2:7])
