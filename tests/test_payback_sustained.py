"""First and sustained payback, re-dips and the IRR's uniqueness (DESIGN.md "Finance conventions").

Oracles: hand-computed cumulative sums of small flows (golden cases below, exact to 1e-12), the
definitions themselves as properties (hypothesis), and numpy-financial's IRR where ours is unique.
"""

from __future__ import annotations

import math

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.appraisal.finance import discounted_payback_months, irr, monthly_rate, payback_months, rate_count_bound, redips, sustained_payback_months

# flow, first payback, sustained payback, re-dip?
GOLDEN = [
    ([-100_000] + [6_000] * 24, 100 / 6, 100 / 6, False),  # G1: turns positive once: both the same
    ([-100, 60, 60, -50, -20, 0, 30, 50], 1 + 40 / 60, 6 + 20 / 50, True),  # pays back in month 2, negative months 3-6
    ([-3, 7, -6], 3 / 7, math.inf, True),  # "payback in 0.43 months" for a flow that ends at -2: never
    ([-10, 15, -7], 10 / 15, math.inf, True),
    ([100, -200, 300], 1 + 100 / 300, 1 + 100 / 300, False),  # positive, negative, recovered once
    ([-10, 10, -5, 10], 1.0, 2.5, True),  # touches 0 (paid back), dips, recovers
    ([100, 200], 0.0, 0.0, False),  # never negative
    ([-50_000] + [1_500] * 24, math.inf, math.inf, False),  # G3: never
]


@pytest.mark.parametrize("flow, first, sustained, redip", GOLDEN, ids=[f"case{i}" for i in range(len(GOLDEN))])
def test_golden_first_and_sustained_payback(flow, first, sustained, redip):
    assert payback_months(flow) == pytest.approx(first, abs=1e-12)
    assert sustained_payback_months(flow) == pytest.approx(sustained, abs=1e-12)
    assert redips(flow) is redip


def test_discounted_payback_is_sustained():
    r = monthly_rate(0.10)
    flow = np.array([-100, 60, 60, -50, -20, 0, 30, 60], float)
    discounted = flow / (1 + r) ** np.arange(flow.size)
    assert discounted_payback_months(r, flow) == pytest.approx(sustained_payback_months(discounted), abs=1e-12)
    assert discounted_payback_months(r, flow) > payback_months(discounted)


flows = st.lists(st.floats(-1e4, 1e4, allow_nan=False).map(lambda x: round(x, 2)), min_size=2, max_size=30)


@settings(max_examples=300, deadline=None)
@given(flows)
def test_sustained_payback_is_where_the_cumulative_flow_stays_non_negative(flow):
    cum = np.cumsum(flow)
    cum[np.abs(cum) < 1e-9 * max(1.0, np.abs(flow).max())] = 0.0
    first, sustained = payback_months(flow), sustained_payback_months(flow)
    assert sustained >= first or (math.isinf(first) and math.isinf(sustained))
    assert math.isinf(sustained) == (cum[-1] < 0)
    if math.isfinite(sustained):
        assert (cum[math.ceil(sustained):] >= 0).all()  # never below zero again after it
        if sustained > 0:
            assert cum[math.ceil(sustained) - 1] < 0  # and it is the last crossing
    assert redips(flow) == (math.isfinite(first) and sustained > first)


def test_irr_unique_despite_several_sign_changes_is_reported():
    """-1,000, +600, -50, +600: three sign changes, but the cumulative sums change sign once (Norström)."""
    flow = [-1_000, 600, -50, 600]
    assert rate_count_bound(flow) == 1
    result = irr(flow)
    assert result.reason == "" and result.rate == pytest.approx(npf.irr(flow), abs=1e-9)


def test_irr_with_two_rates_says_which():
    result = irr([-100, 230, -132])  # NPV zero at 10 % and 20 %
    assert math.isnan(result.rate) and "not unique" in result.reason and "10.00%" in result.reason and "20.00%" in result.reason


def test_irr_not_proven_unique_says_so_without_claiming_two_rates():
    result = irr([-1, 3, -3, 1])  # -(1 - x)^3: a triple root at r = 0; bounds allow three
    assert math.isnan(result.rate) and "cannot be guaranteed" in result.reason and "not unique" not in result.reason


@settings(max_examples=200, deadline=None)
@given(flows)
def test_a_reported_irr_zeroes_the_npv_and_is_the_only_rate(flow):
    result = irr(flow)
    if math.isnan(result.rate):
        return
    v = np.asarray(flow, float)
    t = np.arange(v.size)
    terms = v * (1 + result.rate) ** -t  # near r = -100 % the terms are huge: judge the sum against them
    assert abs(terms.sum()) <= 1e-9 * max(1.0, np.abs(terms).sum())
    grid = np.expm1(np.linspace(math.log(0.02), math.log(10.0), 400))
    signs = np.sign([np.dot(v, (1 + r) ** -t) for r in grid])
    signs = signs[signs != 0]
    assert np.count_nonzero(signs[1:] != signs[:-1]) <= 1
