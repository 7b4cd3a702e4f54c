"""Finance edge cases the golden table does not reach (found by mutation testing, docs/testing.md).

Oracles: closed forms (an IRR that solves 1 = 10/(1+r) is exactly 9 per period; a rate of exactly
10 %/yr has the monthly IRR (1.1)^(1/12) − 1), DESIGN.md's conventions, and the component
functions for ``appraise``. Tolerance 1e-12 unless stated.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.appraisal.finance import appraise, discounted_payback_months, irr, monthly_rate, npv, payback_months, roi

G1_BENEFITS, G1_COSTS = [0] + [6_000] * 24, [100_000] + [0] * 24
G2 = [-50_000] + [-5_000] * 3 + [4_000] * 9 + [6_000] * 24


@pytest.mark.parametrize("benefits, costs", [(G1_BENEFITS, G1_COSTS),
                                             ([0] * 4 + [4_000] * 9 + [6_000] * 24, [50_000] + [5_000] * 3 + [0] * 33)])
def test_appraise_reports_each_outcome_of_the_net_flow(benefits, costs):
    """appraise(b, c) = the functions applied to b − c (G1 and G2 split into benefit and cost lines)."""
    flow = np.array(benefits, float) - np.array(costs, float)
    r = monthly_rate(0.10)
    a = appraise(benefits, costs, 0.10)
    assert a.npv_usd == pytest.approx(npv(r, flow), rel=1e-12)
    assert a.payback_months == pytest.approx(payback_months(flow), rel=1e-12) and 16 < a.payback_months < 17
    assert a.discounted_payback_months == pytest.approx(discounted_payback_months(r, flow), rel=1e-12)
    assert a.discounted_payback_months > a.payback_months
    assert a.irr_annual == pytest.approx((1 + irr(flow).rate) ** 12 - 1, rel=1e-12) and a.irr_note == ""
    assert a.roi == pytest.approx((npv(r, benefits) - npv(r, costs)) / npv(r, costs), rel=1e-12)


def test_appraise_gives_the_reason_when_there_is_no_irr():
    a = appraise([0, 100, 100], [0, 0, 0], 0.10)
    assert math.isnan(a.irr_annual) and a.irr_note == "no sign change: every rate gives the same sign of NPV"
    assert a.payback_months == 0.0 and math.isnan(a.roi)  # nothing spent: no ROI


def test_irr_above_100_percent_a_month_is_found_by_widening_the_bracket():
    assert irr([-1, 10]).rate == pytest.approx(9.0, rel=1e-12)  # 1 = 10 / (1 + r)
    assert irr([-1, 1_000]).rate == pytest.approx(999.0, rel=1e-12)


def test_irr_below_the_bracket_is_not_reported_and_says_why():
    result = irr([-1, 1e-4])  # r = −99.99 % per period, outside (−99.9 %, …)
    assert math.isnan(result.rate) and result.reason == "no root found on (-99.9 %, 1e8 %) per period"


def test_irr_of_exactly_ten_percent_a_year_to_machine_precision():
    """G8: −1,000 now, +1,100 in a year: the monthly IRR is 1.1^(1/12) − 1 (brentq to 1e-14)."""
    assert irr([-1_000] + [0] * 11 + [1_100]).rate == pytest.approx(1.1 ** (1 / 12) - 1, abs=1e-14)


def test_irr_reasons_are_stated_in_full():
    assert irr([100, 200]).reason == "no sign change: every rate gives the same sign of NPV"
    assert irr([-100, 230, -132]).reason == ("2 sign changes: the IRR is not unique (10.00%, 20.00% per period all make "
                                             "the NPV zero)")


@pytest.mark.parametrize("annual", [-1.0, -1.5])
def test_an_annual_rate_of_minus_100_percent_or_less_is_refused(annual):
    with pytest.raises(ValueError, match=r"^annual rate must be > -100 %$"):
        monthly_rate(annual)


def test_monthly_rate_is_the_twelfth_root_of_the_annual_factor():
    assert monthly_rate(0.10) == pytest.approx(1.1 ** (1 / 12) - 1, rel=1e-15)
    assert monthly_rate(-0.5) == pytest.approx(0.5 ** (1 / 12) - 1, rel=1e-15)


def test_payback_tolerance_is_one_billionth_of_the_largest_flow_at_least_one_billionth():
    """Round-off below 1e-9·max(1, max|flow|) counts as break-even; a real shortfall above it does not."""
    assert payback_months([-0.5, 0.5 - 0.5e-9]) == 1.0
    assert payback_months([-0.5, 0.5 - 1.5e-9]) == math.inf
    assert payback_months([-5e6, 5e6 - 1e-3]) == 1.0  # 1e-3 < 1e-9 × 5e6
    assert payback_months([]) == 0.0


def test_roi_needs_a_positive_cost():
    assert math.isnan(roi(100.0, 0.0))
    assert roi(10.0, 0.5) == pytest.approx(19.0)  # (10 − 0.5) / 0.5, small costs count
    assert roi(3.0, 2.0) == pytest.approx(0.5)
