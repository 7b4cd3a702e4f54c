"""Finance against the golden cases of FACTS.md §4 and numpy-financial (tolerance: 1e-6 relative,
the precision the golden values are printed with)."""

from __future__ import annotations

import math

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.appraisal.finance import appraise, discounted_payback_months, irr, monthly_rate, npv, payback_months

R = monthly_rate(0.10)

G1 = [-100_000] + [6_000] * 24
G2 = [-50_000] + [-5_000] * 3 + [4_000] * 9 + [6_000] * 24
G3 = [-50_000] + [1_500] * 24
G4 = [-12_000] + [1_000] * 12
G8 = [-1_000] + [0] * 11 + [1_100]
G9 = [100, 200]
G11 = [0, 0, -1_000, 600, 600]


@pytest.mark.parametrize(
    "flows, expected_npv, expected_payback, expected_irr",
    [
        (G1, 30_587.406045, 16.6667, 0.031491266),
        (G2, 87_742.723451, 16.8333, 0.056708951),
        (G3, -17_353.148489, math.inf, -0.024766646),
        (G4, -599.512171, 12.0, 0.0),
        (G11, 182.869566, 3.6667, 0.130662386),
    ],
    ids=["G1", "G2", "G3", "G4", "G11"],
)
def test_golden_cases(flows, expected_npv, expected_payback, expected_irr):
    assert npv(R, flows) == pytest.approx(expected_npv, rel=1e-9, abs=1e-6)
    assert payback_months(flows) == pytest.approx(expected_payback, abs=1e-4)
    assert irr(flows).rate == pytest.approx(expected_irr, abs=1e-9)


def test_g1_discounted_payback_in_month_18():
    assert 17 < discounted_payback_months(R, G1) <= 18


def test_g4_discounted_never():
    assert discounted_payback_months(R, G4) == math.inf


def test_g8_npv_zero_and_irr_annualises_to_ten_percent():
    assert npv(R, G8) == pytest.approx(0.0, abs=1e-9)
    assert discounted_payback_months(R, G8) == pytest.approx(12.0, abs=1e-9)
    assert irr(G8).annual == pytest.approx(0.10, abs=1e-9)


def test_g9_no_sign_change_has_no_irr_and_pays_back_at_once():
    assert npv(R, G9) == pytest.approx(298.417789, abs=1e-6)
    assert payback_months(G9) == 0.0
    result = irr(G9)
    assert math.isnan(result.rate) and "no sign change" in result.reason


def test_two_sign_changes_report_no_irr():
    result = irr([-100, 230, -132])  # roots at 10 % and 20 %
    assert math.isnan(result.rate) and "not unique" in result.reason


@pytest.mark.parametrize("flows", [G1, G2, G3, G4, G8, G11], ids=["G1", "G2", "G3", "G4", "G8", "G11"])
def test_matches_numpy_financial(flows):
    assert npv(R, flows) == pytest.approx(npf.npv(R, flows), rel=1e-12, abs=1e-9)
    assert irr(flows).rate == pytest.approx(npf.irr(flows), abs=1e-8)


def test_appraise_roi_on_present_values():
    a = appraise([0] + [6_000] * 24, [100_000] + [0] * 24, 0.10)
    assert a.npv_usd == pytest.approx(30_587.406045, abs=1e-6)
    assert a.roi == pytest.approx(30_587.406045 / 100_000)


flows_st = st.lists(st.floats(-1e5, 1e5, allow_nan=False), min_size=2, max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.floats(1e3, 1e6), st.lists(st.floats(0, 5e4), min_size=1, max_size=36))
def test_discounted_payback_never_before_simple(cost, benefits):
    flows = [-cost] + benefits
    assert discounted_payback_months(R, flows) >= payback_months(flows) - 1e-9


@settings(max_examples=200, deadline=None)
@given(st.floats(1e3, 1e6), st.floats(1.0, 1e5), st.floats(1.01, 3.0), st.integers(2, 48))
def test_payback_falls_as_benefit_rises(cost, benefit, factor, months):
    low = payback_months([-cost] + [benefit] * months)
    high = payback_months([-cost] + [benefit * factor] * months)
    assert high <= low


@settings(max_examples=100, deadline=None)
@given(flows_st)
def test_payback_is_inf_exactly_when_cumulative_ends_negative_after_dipping(flows):
    cum = np.cumsum(flows)
    cum[np.abs(cum) < 1e-9 * max(1.0, np.abs(flows).max())] = 0.0  # round-off counts as break-even
    p = payback_months(flows)
    if not (cum < 0).any():
        assert p == 0.0
    elif math.isinf(p):
        first = np.flatnonzero(cum < 0)[0]
        assert (cum[first:] < 0).all()
    else:
        assert 0 <= p <= len(flows) - 1
