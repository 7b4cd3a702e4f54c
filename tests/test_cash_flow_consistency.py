"""What runs.parquet says about money follows from the monthly cash flows stored beside it.

For every investment run of a real ``sim run``: NPV, ROI, IRR and both paybacks recomputed with
numpy-financial (NPV, IRR) and a plain loop (payback, DESIGN.md "Finance conventions") from the
stored monthly ``incremental_cash_flow_usd`` equal the stored ``npv_usd``, ``roi``,
``irr_annual``, ``payback_months``, ``sustained_payback_months`` and ``discounted_payback_months``; the series itself is the sum
of the stored benefit lines less the risk-adjusted cost, the cost lines (variable cost to serve, labour
saving of a harvest: cost investment) follow from each arm's own rows, and the margin lines add up to the
difference in gross margin against the same replication's baseline. The fan chart plots exactly
the stored cumulative series (median line and percentile bands). Tolerance: 1e-9 relative (the
same arithmetic in another order); IRR to 1e-7 (numpy-financial's own solver tolerance).
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import numpy_financial as npf
import pandas as pd
import pytest

from sim.appraisal.jobs import run_scenarios
from sim.present import charts
from tests.helpers import write

RATE = (1.10) ** (1 / 12) - 1  # the small world's 10 %/yr effective, monthly
LINES = ("retained_margin", "referral_margin", "upsell_margin", "cost_to_serve", "labour_saving")


def payback(flows: np.ndarray) -> float:
    """First time the running total, having been negative, is back to >= 0 (linear within the month)."""
    total, was_negative = 0.0, False
    scale = 1e-9 * max(1.0, float(np.abs(flows).max()))
    for t, f in enumerate(flows):
        before, total = total, total + f
        if abs(total) < scale:
            total = 0.0
        if total < 0:
            was_negative = True
        elif was_negative:
            return (t - 1) + (-before / f)
    return 0.0 if not was_negative else math.inf


def sustained(flows: np.ndarray) -> float:
    """The time after which the running total stays >= 0 to the end (linear within the month); inf if it ends < 0."""
    total, last, scale = 0.0, 0.0, 1e-9 * max(1.0, float(np.abs(flows).max()))
    for t, f in enumerate(flows):
        before, total = total, total + f
        if abs(total) < scale:
            total = 0.0
        if total < 0:
            last = math.inf
        elif math.isinf(last):
            last = (t - 1) + (-before / f)
    return last


def test_payback_oracle_on_the_golden_cases():
    """The loop above against FACTS.md §4 (G1, G3, G4, G9, G11), before it judges anything else."""
    assert payback(np.array([-100_000] + [6_000] * 24)) == pytest.approx(16.6667, abs=1e-4)
    assert payback(np.array([-50_000] + [1_500] * 24)) == math.inf
    assert payback(np.array([-12_000] + [1_000] * 12)) == pytest.approx(12.0)
    assert payback(np.array([100, 200])) == 0.0
    assert payback(np.array([0, 0, -1_000, 600, 600])) == pytest.approx(3.6667, abs=1e-4)
    assert sustained(np.array([-100_000] + [6_000] * 24)) == pytest.approx(16.6667, abs=1e-4)
    assert sustained(np.array([-3, 7, -6])) == math.inf and payback(np.array([-3, 7, -6])) == pytest.approx(3 / 7)
    assert sustained(np.array([-10, 10, -5, 10])) == pytest.approx(2.5) and sustained(np.array([100, 200])) == 0.0


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    from tests.conftest import SMALL_WORLD
    from tests.helpers import SCENARIOS

    d = tmp_path_factory.mktemp("cash")
    write(d / "small.yaml", SMALL_WORLD.format(base=SCENARIOS / "baseline.yaml", horizon=6))
    keep = write(d / "keep.yaml", "extends: small.yaml\nfinance: {benefit_risk: 0.1, cost_risk: 0.2}\ninvestment:\n"
                 "  name: keep\n  levers:\n    - {type: retention, churn_reduction: 0.3, one_off_usd: 2000}\n")
    staff = write(d / "staff.yaml", "extends: small.yaml\nfinance: {benefit_risk: 0.1, cost_risk: 0.2}\ninvestment:\n"
                  "  name: staff\n  levers:\n    - {type: staffing, channel: phone, extra_agents: 1, from_hour: 9, to_hour: 17}\n")
    lean = write(d / "lean.yaml", "extends: small.yaml\nfinance: {benefit_risk: 0.1, cost_risk: 0.2}\ninvestment:\n"
                 "  name: lean\n  harvest: cost\n  levers:\n    - {type: crm, handle_time_reduction: 0.4, ramp_months: 0}\n")
    base = write(d / "base.yaml", "extends: small.yaml\nfinance: {benefit_risk: 0.1, cost_risk: 0.2}\n")
    out = run_scenarios([base, keep, staff, lean], replications=3, seed=4, out=d / "res", workers=1)
    return pd.read_parquet(out.out_dir / "runs.parquet"), pd.read_parquet(out.out_dir / "monthly.parquet"), out


def series(monthly: pd.DataFrame, arm: str, rep: int, metric: str, months: int = 7) -> np.ndarray:
    """One stored monthly series, t = 0..6; months without a row (NaN dropped on writing) are NaN."""
    s = monthly[(monthly["arm"] == arm) & (monthly["replication"] == rep) & (monthly["metric"] == metric)]
    assert s["month"].is_unique and len(s) > 0, (arm, rep, metric)
    return s.set_index("month")["value"].reindex(range(months)).to_numpy()


def test_runs_parquet_money_follows_from_the_stored_monthly_cash_flow(results):
    runs, monthly, _ = results
    alts = runs[runs["arm"] != "baseline"]
    assert len(alts) == 9
    finite_paybacks = 0
    for _, row in alts.iterrows():
        arm, rep = row["arm"], row["replication"]
        flow = series(monthly, arm, rep, "incremental_cash_flow_usd")
        assert flow.size == 7  # t = 0 and six month ends
        assert row["npv_usd"] == pytest.approx(npf.npv(RATE, flow), rel=1e-9, abs=1e-6)
        assert row["payback_months"] == pytest.approx(payback(flow), rel=1e-9)
        discounted = flow / (1 + RATE) ** np.arange(flow.size)
        assert row["sustained_payback_months"] == pytest.approx(sustained(flow), rel=1e-9)
        assert bool(row["payback_redips"]) == (sustained(flow) > payback(flow))
        assert row["discounted_payback_months"] == pytest.approx(sustained(discounted), rel=1e-9)
        finite_paybacks += math.isfinite(row["payback_months"]) and row["payback_months"] > 0
        signs = np.sign(flow[flow != 0])
        if np.count_nonzero(signs[1:] != signs[:-1]) == 1 or not math.isnan(row["irr_annual"]):  # unique: reported
            assert row["irr_annual"] == pytest.approx((1 + npf.irr(flow)) ** 12 - 1, rel=1e-7, abs=1e-9)
        else:
            assert math.isnan(row["irr_annual"]) and row["irr_note"]
        # the series is the sum of its stored parts ...
        lines = {k: series(monthly, arm, rep, f"benefit_{k}_usd") for k in LINES}
        cost = series(monthly, arm, rep, "risk_adjusted_investment_cost_usd")
        np.testing.assert_allclose(flow, sum(lines.values()) - cost, rtol=1e-9, atol=1e-6)
        np.testing.assert_allclose(series(monthly, arm, rep, "cumulative_cash_flow_usd"), np.cumsum(flow), rtol=1e-9, atol=1e-6)
        np.testing.assert_allclose(cost, 1.2 * series(monthly, arm, rep, "investment_cost_usd"), rtol=1e-12)
        pv_b, pv_c = npf.npv(RATE, sum(lines.values())), npf.npv(RATE, cost)
        assert row["roi"] == pytest.approx((pv_b - pv_c) / pv_c, rel=1e-9)
        assert row["pv_investment_cost_usd"] == pytest.approx(pv_c, rel=1e-9)
        for k in LINES:
            assert row[f"pv_benefit_{k}_usd"] == pytest.approx(npf.npv(RATE, lines[k]), rel=1e-9, abs=1e-6)
        # ... and the parts follow from the two arms' own monthly rows (docs/kpis.md): margin of the base bill of
        # non-referred customers, of referred customers, of upsells, and service cost saved; each line x is
        # then reported risk-adjusted as x − 0.1·|x| (the 10 % haircut always moves against the investment)
        def part(m: str) -> np.ndarray:
            return np.nan_to_num(series(monthly, arm, rep, m)) - np.nan_to_num(series(monthly, "baseline", rep, m))

        gm = 0.6  # the baseline world's gross margin
        raw = {"retained_margin": gm * (part("revenue_usd") - part("upsell_revenue_usd") - part("referred_revenue_usd")),
               "referral_margin": gm * part("referred_revenue_usd"), "upsell_margin": gm * part("upsell_revenue_usd"),
               "cost_to_serve": -part("variable_service_cost_usd"), "labour_saving": -part("labor_cost_usd")}
        np.testing.assert_allclose(series(monthly, arm, rep, "service_cost_usd"), series(monthly, arm, rep, "labor_cost_usd")
                                   + series(monthly, arm, rep, "variable_service_cost_usd"), rtol=1e-12)
        if arm != "lean":
            assert not lines["labour_saving"].any()  # harvest: service keeps staffing
        for k in LINES:
            np.testing.assert_allclose(lines[k], raw[k] - 0.1 * np.abs(raw[k]), rtol=1e-9, atol=1e-6, err_msg=k)
        # gross margin, not revenue, drives the benefits
        np.testing.assert_allclose(raw["retained_margin"] + raw["referral_margin"] + raw["upsell_margin"],
                                   part("gross_margin_usd"), rtol=1e-9, atol=1e-6)
    assert finite_paybacks >= 1, "at least one run must pay back inside the horizon, or the payback check is idle"
    assert (alts.loc[alts["arm"] == "lean", "pv_benefit_labour_saving_usd"] > 0).all(), "the labour-saving line is checked idle"


def test_fan_chart_plots_the_stored_cumulative_cash_flow(results):
    _, monthly, _ = results
    for arm in ("keep", "staff"):
        wide = np.array([np.cumsum(series(monthly, arm, r, "incremental_cash_flow_usd")) for r in range(3)])  # reps × months
        fig, ax = plt.subplots()
        charts.cash_flow_fan(monthly, arm, ax)
        (median_line,) = [ln for ln in ax.get_lines() if ln.get_label().endswith("median")]
        np.testing.assert_array_equal(median_line.get_xdata(), np.arange(7))
        np.testing.assert_allclose(median_line.get_ydata(), np.median(wide, axis=0), rtol=1e-12)
        assert len(ax.collections) == 2  # 90 % and 50 % bands
        for band, (lo, hi) in zip(ax.collections, ((0.05, 0.95), (0.25, 0.75))):
            xy = band.get_paths()[0].vertices
            for month in range(7):
                ys = xy[np.isclose(xy[:, 0], month), 1]
                want = np.quantile(wide[:, month], [lo, hi])
                assert ys.min() == pytest.approx(want[0], rel=1e-9, abs=1e-6)
                assert ys.max() == pytest.approx(want[1], rel=1e-9, abs=1e-6)
        plt.close(fig)
