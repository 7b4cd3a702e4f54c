"""The coupled month loop: reproducibility, common random numbers, direction of effects."""

from __future__ import annotations

import numpy as np
import pytest

from sim.appraisal.tables import build_tables
from sim.levers import investment_costs_usd
from sim.run.experiment import build_experiment, run_experiment
from sim.run.month_loop import run_arm
from sim.scenario import Investment, TrainingLever, load_scenario


def test_same_seed_same_results(small_world):
    sc = load_scenario(small_world)
    a, b = run_arm(sc, None, 0, 7), run_arm(sc, None, 0, 7)
    for k in a.monthly:
        np.testing.assert_array_equal(a.monthly[k], b.monthly[k])
    c = run_arm(sc, None, 0, 8)
    assert not np.array_equal(a.monthly["churned"], c.monthly["churned"])


def test_baseline_identical_whichever_investment_runs_beside_it(small_world, small_investments):
    base = load_scenario(small_world)
    staff, train = (load_scenario(p) for p in small_investments)
    runs_a = run_experiment(build_experiment([base, staff], ["b", "s"], 2, 5), workers=1)
    runs_b = run_experiment(build_experiment([base, train], ["b", "t"], 2, 5), workers=1)
    base_a = [r for r in runs_a if r.arm == "baseline"]
    base_b = [r for r in runs_b if r.arm == "baseline"]
    for x, y in zip(base_a, base_b):
        for k in x.monthly:
            np.testing.assert_array_equal(x.monthly[k], y.monthly[k])


def test_zero_investment_gives_exactly_zero_incremental_cash_flow(small_world):
    sc = load_scenario(small_world)
    nothing = Investment(name="nothing", levers=(TrainingLever(type="training", program_fee_usd_per_agent=0,
                         training_hours_per_agent=0, handle_time_reduction=0, fcr_gain=0),))
    exp = build_experiment([sc, sc.model_copy(update={"investment": nothing})], ["b", "n"], 2, 3)
    tables = build_tables(exp, run_experiment(exp, workers=1))
    flows = tables.monthly.query("metric == 'incremental_cash_flow_usd'")["value"]
    assert len(flows) > 0 and (flows == 0.0).all()
    assert (tables.runs.query("arm == 'nothing'")["npv_usd"] == 0.0).all()


def test_more_agents_improve_service_and_keep_customers(small_world, small_investments):
    base, staff = load_scenario(small_world), load_scenario(small_investments[0])
    b, s = run_arm(base, None, 0, 1), run_arm(base, staff.investment, 0, 1)
    assert np.nanmean(s.monthly["asa_s_phone"][1:]) < np.nanmean(b.monthly["asa_s_phone"][1:])
    assert np.nanmean(s.monthly["abandon_rate_phone"][1:]) < np.nanmean(b.monthly["abandon_rate_phone"][1:])
    assert np.nanmean(s.monthly["experience_mean"][1:]) > np.nanmean(b.monthly["experience_mean"][1:])
    # Same customers with the same needs: identical contact volume in month 1 (before churn differs).
    assert s.monthly["contacts"][1] == b.monthly["contacts"][1]


def good_and_bad_service(small_world, reps: int = 3):
    """The small world, and the same world with one phone agent at most in any hour: paired runs."""
    good = load_scenario(small_world)
    phone = good.channels.phone.model_copy(update={"agents_by_hour": tuple(min(a, 1) for a in good.channels.phone.agents_by_hour)})
    bad = good.model_copy(update={"channels": good.channels.model_copy(update={"phone": phone})})
    return [(run_arm(good, None, rep, 2).monthly, run_arm(bad, None, rep, 2).monthly) for rep in range(reps)]


def test_worse_service_means_lower_satisfaction_more_churn_fewer_promoters_and_referrals(small_world):
    pairs = good_and_bad_service(small_world)
    for g, b in pairs:
        assert np.nanmean(b["satisfaction_mean"][1:]) < np.nanmean(g["satisfaction_mean"][1:])
        assert np.nanmean(b["promoters_share"][1:]) < np.nanmean(g["promoters_share"][1:])
    assert sum(np.nansum(b["churned"]) for _, b in pairs) > sum(np.nansum(g["churned"]) for g, _ in pairs)
    assert sum(np.nansum(b["referred"]) for _, b in pairs) < sum(np.nansum(g["referred"]) for g, _ in pairs)


def test_training_costs_add_up_to_the_scenario(small_world, small_investments):
    train = load_scenario(small_investments[1])
    lever = train.investment.levers[0]
    rates = train.labor_rates()
    costs = investment_costs_usd(train.investment, train.horizon_months, rates, train.days_per_month)
    heads = sum(h for g, h in rates.headcount.items() if {"phone", "chat"} & {c.value for c in rates.group_channels[g]})
    assert heads > rates.headcount["phone"] + rates.headcount["chat"]  # the level-2 pool serves them too
    assert costs[0] == pytest.approx(heads * (lever.program_fee_usd_per_agent + lever.training_hours_per_agent * rates.loaded_usd_per_paid_hour))
    assert (costs[1:] == heads * lever.refresher_usd_per_agent_month).all()


def test_new_metrics_are_reported(small_world):
    m = run_arm(load_scenario(small_world), None, 0, 1).monthly
    for k in ("ces", "repeat_contacts", "upsell_revenue_usd", "deterred", "clv_expected_usd",
              "ltv_expected_usd@cohort=0", "churned@segment=premium", "active_customers@segment=basic"):
        assert k in m and np.isfinite(m[k][1:]).all(), k
    assert 1 <= np.nanmin(m["ces"]) and np.nanmax(m["ces"]) <= 7
