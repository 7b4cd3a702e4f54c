"""Every investment type: a direction test (more of the lever => the expected operational effect)
and a cost test (its cash lines add up to what the scenario file says); plus CRN, risk
adjustment, the annual table and invalid investments."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.appraisal.benefits import annual_table, benefit_lines, risk_adjust
from sim.appraisal.compare import crn_variance_reduction
from sim.appraisal.tables import build_tables
from sim.levers import investment_costs_usd
from sim.run.experiment import build_experiment, run_experiment
from sim.run.month_loop import run_arm
from sim.scenario import load_scenario
from tests.helpers import write

LEVERS = {
    "staffing": "{type: staffing, channel: phone, extra_agents: %s, from_hour: 8, to_hour: 20}",
    "training": "{type: training, handle_time_reduction: %s, fcr_gain: 0.1, ramp_months: 0}",
    "outsourcing": "{type: outsourcing, channels: [phone], agents: %s, from_hour: 8, to_hour: 20, cost_per_handled_contact_usd: 4}",
    "empowerment": "{type: empowerment, grant_share: %s, credit_usd: 10}",
    "chatbot": "{type: chatbot, channel: chat, ramp_months: 0, bot: {containment: %s, cost_per_session_usd: 0.5}}",
    "knowledge_base": "{type: knowledge_base, deflection: %s, ramp_months: 0}",
    "crm": "{type: crm, handle_time_reduction: %s}",
    "proactive": "{type: proactive, reason: simple, prevention: %s}",
    "retention": "{type: retention, churn_reduction: %s}",
}


def arm(tmp_path, small_world, kind: str, amount, name: str | None = None):
    name = name or f"{kind}_{str(amount).replace('.', '_')}"
    path = write(tmp_path / f"{name}.yaml", f"extends: small.yaml\nhorizon_months: 3\ninvestment:\n  name: {name}\n"
                 f"  levers:\n    - {LEVERS[kind] % amount}\n")
    sc = load_scenario(path)
    return sc, run_arm(sc.world(), sc.investment, 0, 3).monthly


def mean(m, key):
    return float(np.nanmean(m[key][1:]))


@pytest.fixture
def base(tmp_path, small_world):
    sc = load_scenario(write(tmp_path / "b.yaml", "extends: small.yaml\nhorizon_months: 3\n"))
    return run_arm(sc, None, 0, 3).monthly


@pytest.mark.parametrize("kind, low, high, metric, direction", [
    ("staffing", 1, 3, "asa_s_phone", -1),
    ("training", 0.05, 0.3, "aht_s_phone", -1),
    ("outsourcing", 1, 3, "asa_s_phone", -1),
    ("empowerment", 0.2, 1.0, "recovery_credits", +1),
    ("chatbot", 0.2, 0.6, "offered_chat", -1),
    ("knowledge_base", 0.05, 0.3, "contacts", -1),
    ("crm", 0.05, 0.3, "aht_s_chat", -1),
    ("proactive", 0.2, 0.8, "prevented", +1),
    ("retention", 0.05, 0.5, "churned", -1),
])
def test_more_of_each_lever_has_the_expected_effect(tmp_path, small_world, base, kind, low, high, metric, direction):
    _, m_low = arm(tmp_path, small_world, kind, low)
    _, m_high = arm(tmp_path, small_world, kind, high)
    assert direction * (mean(m_high, metric) - mean(m_low, metric)) > 0
    assert direction * (mean(m_low, metric) - mean(base, metric)) >= 0
    if metric in ("recovery_credits", "prevented"):  # nothing of the kind without the lever
        assert mean(base, metric) == 0 < mean(m_low, metric)


def test_training_and_crm_also_lift_fcr_and_experience(tmp_path, small_world, base):
    _, t = arm(tmp_path, small_world, "training", 0.1)
    assert mean(t, "fcr") > mean(base, "fcr") and mean(t, "experience_mean") > mean(base, "experience_mean")


@pytest.mark.parametrize("kind, amount", [(k, a) for k, a in [("staffing", 2), ("training", 0.1), ("outsourcing", 2),
                                                            ("empowerment", 0.5), ("chatbot", 0.4), ("knowledge_base", 0.2),
                                                            ("crm", 0.1), ("proactive", 0.5), ("retention", 0.1)]])
def test_cash_lines_add_up_to_the_scenario(tmp_path, small_world, kind, amount):
    sc, m = arm(tmp_path, small_world, kind, amount)
    h = sc.horizon_months
    fixed = investment_costs_usd(sc.investment, h, sc.labor_rates(), sc.days_per_month)
    # Worked by hand from scenarios/baseline.yaml (not by the code's own formulas): loaded salary
    # 42,000 × 1.3 = 54,600 a year = 4,550 an agent-month = 26.25 a paid hour (2,080 h); an FTE gives
    # 2,080 / 12 × (1 − 0.30 shrinkage) = 121.33 floor hours a month. Scheduled agent-hours a day:
    # phone 37, chat 28, e-mail 10, level-2 escalations 9 ⇒ × 30 days / 121.33 ⇒ 10, 7, 3, 3 heads.
    expected = {
        # 2 agents × 12 h × 30 days = 720 h ⇒ 6 hires: 6 × 4,000 recruiting at t0, 6 × 4,550 every month
        "staffing": [24_000.0] + [27_300.0] * h,
        # phone and chat are trained: their 10 + 7 heads plus the 3 escalation heads that serve them;
        # 20 × (200 fee + 20 h × 26.25) = 14,500 at t0
        "training": [14_500.0] + [0.0] * h,
        # every channel: 10 + 7 + 3 + 3 = 23 seats × 45 a month
        "crm": [0.0] + [1_035.0] * h,
    }.get(kind, [0.0] * (h + 1))  # the other levers here have no fixed cost (all variable, or none)
    expected = np.array(expected)
    np.testing.assert_allclose(fixed, expected)
    variable = {
        "outsourcing": lambda: ("investment_variable_partner_contacts_usd", None),
        # the lever lines above: a 10 USD credit each; 0.5 USD a bot session; default 5 notices × 0.05 USD per prevented contact
        "empowerment": lambda: ("investment_variable_recovery_credits_usd", m["recovery_credits"] * 10.0),
        "chatbot": lambda: ("investment_variable_bot_sessions_usd", m["bot_sessions_chat"] * 0.5),
        "proactive": lambda: ("investment_variable_proactive_messages_usd", m["prevented"] * 0.25),
    }.get(kind, lambda: None)()
    total_variable = sum(np.nan_to_num(m[k]) for k in m if k.startswith("investment_variable_"))
    np.testing.assert_allclose(m["investment_cost_usd"], fixed + total_variable)
    if variable is not None:
        key, value = variable
        assert m[key][1:].sum() > 0
        if value is not None:
            np.testing.assert_allclose(m[key][1:], value[1:])


def test_common_random_numbers_shrink_the_variance_of_the_comparison(small_world, small_investments):
    base, train = load_scenario(small_world), load_scenario(small_investments[1])
    exp = build_experiment([base, train], ["b", "t"], 6, 11)
    tables = build_tables(exp, run_experiment(exp, workers=2))
    factor = crn_variance_reduction(tables.runs, tables.monthly, "train")
    assert factor > 5, f"variance-reduction factor {factor:.1f}"


def test_risk_adjustment_cuts_benefits_and_raises_costs():
    base = {"revenue_usd": np.array([0, 100.0, 100]), "upsell_revenue_usd": np.array([0, 0, 10.0]),
            "referred_revenue_usd": np.zeros(3), "service_cost_usd": np.array([0, 50.0, 50])}
    alt = {"revenue_usd": np.array([0, 120.0, 130]), "upsell_revenue_usd": np.array([0, 0, 20.0]),
           "referred_revenue_usd": np.array([0, 10.0, 10]), "service_cost_usd": np.array([0, 60.0, 40])}
    lines = benefit_lines(base, alt, 0.5)
    assert lines["retained_margin"].tolist() == [0, 5.0, 5.0] and lines["cost_to_serve"].tolist() == [0, -10.0, 10.0]
    from sim.scenario import FinanceConfig
    adj, costs = risk_adjust(lines, np.array([100.0, 0, 0]), FinanceConfig(benefit_risk=0.2, cost_risk=0.1))
    assert adj["cost_to_serve"].tolist() == [0, -12.0, 8.0]  # a haircut always moves against the investment
    assert costs.tolist() == pytest.approx([110.0, 0, 0])
    table = annual_table(adj, costs, 0.10)
    assert table["net_usd"].sum() == pytest.approx(sum(v.sum() for v in adj.values()) - costs.sum())
    assert table["cumulative_net_usd"].iloc[-1] == pytest.approx(table["net_usd"].sum())


@pytest.mark.parametrize("lever, message", [
    ("{type: chatbot, channel: chat, bot: {containment: 1.5}}", "investment.levers[0].bot.containment: Input should be less than or equal to 1"),
    ("{type: chatbot, channel: email, bot: {}}", "investment.levers[0].channel: a bot sits in front of a live channel"),
    ("{type: proactive, reason: nope}", "investment.levers[0].reason: no reason named 'nope'"),
    ("{type: training, start_month: 5, end_month: 3}", "investment.levers[0].end_month: Value error, end_month (3) is before start_month (5)"),
    ("{type: knowledge_base, deflection: 0.5, one_off_usd: -1}", "investment.levers[0].one_off_usd: Input should be greater than or equal to 0"),
    ("{type: crm, extra: 1}", "investment.levers[0].extra: unknown setting 'extra'"),
])
def test_invalid_investments_are_named_with_file_line_and_path(tmp_path, small_world, capsys, lever, message):
    from sim.cli import main

    path = write(tmp_path / "bad.yaml", f"extends: small.yaml\ninvestment:\n  name: bad\n  levers:\n    - {lever}\n")
    assert main(["validate", str(path)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"{path}:5: {message}" in err and "Traceback" not in err


def test_compare_ranks_and_writes_the_table(tmp_path, small_world, small_investments, capsys):
    from sim.cli import main

    out = tmp_path / "cmp"
    assert main(["compare", str(small_world), *map(str, small_investments), "--reps", "3", "--out", str(out),
                 "--workers", "1", "--quiet"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "P(best) over all options" in text and "Options ranked by expected NPV" in text and "Business case of" in text
    ranked = pd.read_csv(out / "comparison.csv")
    assert list(ranked["npv_usd_mean"]) == sorted(ranked["npv_usd_mean"], reverse=True)
    decision = pd.read_csv(out / "decision.csv")  # P(best) is over every option, the baseline included
    base = decision.loc[decision["option"] == "baseline", "p_best"].iloc[0]
    assert ranked["p_best"].sum() + base == pytest.approx(1.0)
    assert (out / "tei.parquet").is_file()


def test_breakeven_finds_the_churn_cut_that_pays_back_on_time(tmp_path, small_world):
    from sim.appraisal.breakeven import breakeven

    path = write(tmp_path / "ret.yaml", "extends: small.yaml\nhorizon_months: 6\ninvestment:\n  name: ret\n  levers:\n"
                 "    - {type: retention, churn_reduction: 0.1, one_off_usd: 5000}\n")
    evaluated: list[float] = []
    result = breakeven(path, "investment.levers[0].churn_reduction", 0.0, 0.8, 6, replications=2, workers=1,
                       on_eval=lambda x, _: evaluated.append(x))
    assert 0 < result.value < 0.8
    assert len(evaluated) == len(set(evaluated)) == result.evaluations  # each point simulated once
    assert result.median_payback_months == pytest.approx(6, abs=1.0)
    none = breakeven(path, "investment.levers[0].churn_reduction", 0.0, 0.001, 6, replications=2, workers=1)
    assert np.isnan(none.value) and "no break-even" in none.message


def test_breakeven_rejects_a_bad_parameter_path(tmp_path, small_world):
    from sim.appraisal.breakeven import breakeven
    from sim.scenario import ScenarioError

    path = write(tmp_path / "ret.yaml", "extends: small.yaml\nhorizon_months: 3\ninvestment:\n  name: ret\n  levers:\n"
                 "    - {type: retention, churn_reduction: 0.1}\n")
    with pytest.raises(ScenarioError, match="no such setting"):
        breakeven(path, "investment.levers[0].nope", 0.0, 1.0, 3, replications=1, workers=1)
    with pytest.raises(ScenarioError, match="not allowed"):
        breakeven(path, "investment.levers[0].churn_reduction", 0.0, 2.0, 3, replications=1, workers=1)
