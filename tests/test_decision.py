"""The decision (DESIGN.md "The decision"): options, named statistics and the verdict, on synthetic tables.

Oracles: hand-built NPVs per replication (so every mean, percentile and probability is known), the
contract's rules (highest mean NPV; the baseline is an option worth 0; never recommend a loss; say
when the top two cannot be separated), and a round trip through ``decision.json``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.appraisal.decision import KEEP, decide, read_decision, write_decision
from sim.appraisal.option_stats import mean_cash_flows, p_best


def tables(npv: dict[str, list[float]], payback: dict[str, list[float]] | None = None,
           sustained: dict[str, list[float]] | None = None, horizon: int = 12) -> tuple[pd.DataFrame, pd.DataFrame]:
    """runs and monthly frames for options with the given NPV per replication (flat monthly flows)."""
    n = len(next(iter(npv.values())))
    rows, monthly = [], []
    for r in range(n):
        rows.append({"arm": "baseline", "replication": r})
    for arm, values in npv.items():
        for r, v in enumerate(values):
            pb = (payback or {}).get(arm, [6.0] * n)[r]
            sp = (sustained or {}).get(arm, [pb] * n)[r]
            rows.append({"arm": arm, "replication": r, "npv_usd": v, "npv_unadjusted_usd": v * 1.1, "payback_months": pb,
                         "sustained_payback_months": sp, "discounted_payback_months": sp, "payback_redips": sp > pb,
                         "churned_saved": -10.0 - r, "pv_investment_cost_usd": 1_000.0})
            flow = np.r_[-1_000.0, np.full(horizon, (v + 1_000.0) / horizon)]
            for m, f in enumerate(flow):
                monthly += [(arm, r, m, "incremental_cash_flow_usd", f), (arm, r, m, "risk_adjusted_investment_cost_usd", 1_000.0 * (m == 0)),
                            (arm, r, m, "benefit_retained_margin_usd", f + 1_000.0 * (m == 0))]
    runs = pd.DataFrame(rows)
    runs["arm"] = pd.Categorical(runs["arm"], categories=["baseline", *npv])
    return runs, pd.DataFrame(monthly, columns=["arm", "replication", "month", "metric", "value"])


def test_every_alternative_losing_money_keeps_the_current_operation():
    runs, monthly = tables({"crm": [-15_000, -12_000, -13_000, -11_000], "bot": [-40_000, -38_000, -41_000, -39_000]},
                           payback={"crm": [math.inf] * 4, "bot": [math.inf] * 4})
    d = decide(runs, monthly, 24, 0.10)
    assert d.keep and d.verdict["recommended"] == "baseline" and list(d.options["option"]) == ["baseline", "crm", "bot"]
    s = d.verdict["sentence"]
    assert s.startswith("None of these pays back within 24 months: keep the current operation; closest is crm at -$12.8k")
    assert d.options.loc[0, "p_best"] == 1.0 and KEEP in s


def test_a_loss_is_never_recommended_even_when_it_pays_back_sometimes():
    runs, monthly = tables({"risky": [50_000, -80_000, 20_000, -10_000]})  # mean -5,000
    d = decide(runs, monthly, 12, 0.10)
    assert d.keep and "No alternative is expected to make money" in d.verdict["sentence"]
    assert "cannot rule out that risky breaks even" in d.verdict["sentence"]


def test_highest_mean_npv_is_recommended_with_named_statistics():
    runs, monthly = tables({"a": [10_000, 12_000, 14_000, 16_000, 18_000], "b": [30_000, -5_000, 2_000, 1_000, 0]},
                           payback={"a": [5, 6, 7, 8, 30], "b": [3, 3, 3, 3, 3]})
    d = decide(runs, monthly, 24, 0.10)
    top = d.recommended
    assert d.verdict["kind"] == "invest" and top["option"] == "a" and top["rank"] == 1
    assert top["npv_mean_usd"] == pytest.approx(14_000) and top["npv_median_usd"] == 14_000
    assert (top["npv_p05_usd"], top["npv_p95_usd"]) == (10_000, 18_000)  # inverted CDF: replications' own values
    assert top["payback_median_months"] == 7 and top["payback_p90_months"] == 30
    assert top["p_payback_within_horizon"] == pytest.approx(0.8) and top["p_npv_positive"] == 1.0
    assert top["npv_unadjusted_mean_usd"] == pytest.approx(15_400) and top["cost_pv_usd"] == 1_000
    assert top["roi"] == pytest.approx(14.0) and top["customers_kept_mean"] == pytest.approx(12.0)
    assert top["npv_mean_ci_low_usd"] < 14_000 < top["npv_mean_ci_high_usd"]
    assert d.verdict["sentence"].startswith("Invest in a: expected NPV $14.0k (90 % CI of the mean ")
    assert "pays back by month 7 (median), 90 % sure by month 30" in d.verdict["sentence"]
    assert d.options["p_best"].sum() == pytest.approx(1.0)


def test_payback_probabilities_use_the_sustained_payback():
    runs, monthly = tables({"dip": [5_000, 6_000, 7_000, 8_000]}, payback={"dip": [4.0] * 4},
                           sustained={"dip": [4.0, math.inf, 20.0, math.inf]})
    row = decide(runs, monthly, 12, 0.10).options.set_index("option").loc["dip"]
    assert row["payback_first_median_months"] == 4.0
    assert row["p_payback_within_horizon"] == 0.25 and row["p_payback_within_12m"] == 0.25
    assert row["payback_median_months"] == 20.0 and row["p_redip"] == 0.75


def test_close_options_are_said_to_be_inseparable():
    rng = np.random.default_rng(3)
    a = rng.normal(10_000, 5_000, 8)
    runs, monthly = tables({"a": list(a + 100), "b": list(a + rng.normal(0, 3_000, 8))})
    d = decide(runs, monthly, 12, 0.10)
    assert not d.verdict["separated"] and "cannot separate it from" in d.verdict["sentence"]
    assert d.verdict["difference_ci_low_usd"] < 0 < d.verdict["difference_ci_high_usd"]


def test_p_best_is_over_all_options_and_ties_share():
    nb = pd.DataFrame({"baseline": [0.0, 0.0, 0.0, 0.0], "a": [5.0, -1.0, 0.0, 2.0], "b": [1.0, -2.0, 0.0, 3.0]})
    assert p_best(nb).to_dict() == pytest.approx({"baseline": (1 + 1 / 3) / 4, "a": (1 + 1 / 3) / 4, "b": (1 + 1 / 3) / 4})


def test_mean_cash_flows_cumulate_and_discount():
    runs, monthly = tables({"a": [1_200.0, 1_200.0]}, horizon=2)
    flows = mean_cash_flows(monthly, 0.10).set_index("month")
    assert flows["net_usd"].tolist() == pytest.approx([-1_000, 1_100, 1_100])
    assert flows["cumulative_usd"].iloc[-1] == pytest.approx(1_200)
    assert flows["discounted_net_usd"].iloc[2] == pytest.approx(1_100 / 1.1 ** (2 / 12))


def test_decision_json_round_trip(tmp_path):
    runs, monthly = tables({"a": [1.0, 2.0, 3.0]}, payback={"a": [math.inf, 3.0, 2.0]})
    d = decide(runs, monthly, 12, 0.10)
    write_decision(tmp_path, d)
    back = read_decision(tmp_path)
    pd.testing.assert_frame_equal(back.options, d.options, check_dtype=False)
    assert back.verdict == d.verdict or {k: v for k, v in back.verdict.items() if v == v} == {k: v for k, v in d.verdict.items() if v == v}
    assert (tmp_path / "decision.csv").is_file()


def test_one_replication_says_there_is_no_uncertainty_estimate():
    runs, monthly = tables({"a": [5_000.0], "b": [3_000.0]})
    d = decide(runs, monthly, 12, 0.10)
    assert d.verdict["recommended"] == "a" and not d.verdict["separated"]
    assert "One replication: no uncertainty estimate" in d.verdict["sentence"] and "cannot separate" not in d.verdict["sentence"]
    assert math.isnan(d.recommended["npv_p05_usd"])  # no band of width zero
