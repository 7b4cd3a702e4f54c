"""Calibration from a contact log (round trip through our own DES, bad logs) and staffing plans."""

from __future__ import annotations

import numpy as np
import pytest

from sim.cli import main
from sim.des.erlang import erlang_a
from sim.planning.calibrate import calibrate, fit_log, kaplan_meier
from sim.planning.contact_log import read_log, simulate_log
from sim.planning.staffing import parse_targets, plan_investment_yaml, plan_staffing
from sim.scenario import load_scenario
from tests.helpers import ROOT, SCENARIOS, write

PHONE_ONLY = """\
extends: {base}
name: phone_only
horizon_months: 1
day_volume_cv: 0
customers:
  initial: {customers}
  monthly_churn: 0.0001
  churn_concentration: null
  acquisition_per_month: 0
  contact_rate_per_month: 1.0
  channel_mix: {{phone: 1, chat: 0, email: 0}}
  segments: []
  contact_satisfaction_sensitivity: 0
channels:
  phone:
    hourly_profile: {profile}
    weekday_weights: [1, 1, 1, 1, 1, 1, 1]
    agents_by_hour: {agents}
    aht_mean_s: 300
    patience_mean_s: 180
    retrial_probability: 0
    repeat_probability: 0
reasons:
  - {{name: only, share: 1, distribution: exponential, fcr: 0.8}}
agent_groups: []
"""


def phone_only(tmp_path, customers=14_400, profile=None, agents=None, name="p.yaml"):
    profile = profile or [1] * 24
    agents = agents or [30] * 24
    return write(tmp_path / name, PHONE_ONLY.format(base=SCENARIOS / "baseline.yaml", customers=customers,
                                                     profile=profile, agents=agents))


@pytest.mark.slow
def test_round_trip_recovers_profile_handle_time_and_patience(tmp_path):
    """Simulate a known centre, write its log, calibrate: the inputs come back within tolerances.

    Tolerances: hourly profile within 0.03 total-variation distance (≈15k contacts); AHT mean
    within 3 % and CV within 10 % (exponential handle times: CV 1); patience within 12 %
    (censored MLE from ≈1,000 abandons, SE ≈ 3 %).
    """
    profile = [0] * 7 + [2, 4, 6, 8, 8, 6, 6, 7, 7, 6, 5, 4, 3, 2, 2, 1] + [0]
    agents = [0] * 7 + [2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 1] + [0]
    src = phone_only(tmp_path, customers=8_000, profile=profile, agents=agents)
    log = simulate_log(src, months=2)
    path = tmp_path / "log.csv"
    log.to_csv(path, index=False)
    cal = fit_log(read_log(path), str(path))
    f = cal.channels["phone"]
    true = np.array(profile, float) / sum(profile)
    fitted = np.array(f.hourly_profile) / sum(f.hourly_profile)
    assert 0.5 * np.abs(true - fitted).sum() < 0.03
    assert f.aht_mean_s == pytest.approx(300, rel=0.03) and f.aht_cv == pytest.approx(1.0, rel=0.10)
    assert f.patience_mean_s == pytest.approx(180, rel=0.12) and f.abandons > 500
    assert f.ks_exponential < f.ks_lognormal  # the fit report can tell exponential handle times
    out = tmp_path / "mine.yaml"
    calibrate(path, out, src)
    sc = load_scenario(out)
    assert sc.channels.phone.aht_mean_s == pytest.approx(f.aht_mean_s, rel=1e-3)


def test_kaplan_meier_matches_exponential_patience():
    rng = np.random.default_rng(1)
    patience, service = rng.exponential(200, 50_000), rng.exponential(100, 50_000)
    wait = np.minimum(patience, service)
    km = kaplan_meier(wait, patience < service)
    assert km[120] == pytest.approx(np.exp(-120 / 200), abs=0.01)


@pytest.mark.parametrize("body, message", [
    ("timestamp,channel,wait_s,outcome\n2026-01-05T09:00:00,phone,1,answered\n", "handle_s: required column(s) missing"),
    ("timestamp,channel,wait_s,handle_s,outcome\n2026-01-05T09:00:00,phone,1,5,answered\nyesterday,phone,1,5,answered\n",
     ":3: timestamp: cannot read 'yesterday'"),
    ("timestamp,channel,wait_s,handle_s,outcome\n2026-01-05T09:00:00,phone,-4,5,answered\n", ":2: wait_s: '-4' is negative"),
    ("timestamp,channel,wait_s,handle_s,outcome\n2026-01-05T09:00:00,fax,1,5,answered\n", ":2: channel: 'fax' is not one of"),
    ("timestamp,channel,wait_s,handle_s,outcome\n2026-01-05T09:00:00,phone,1,,answered\n", ":2: handle_s: '' is missing"),
    ("timestamp,channel,wait_s,handle_s,outcome\n", "the log has no rows"),
    ("", "not a readable CSV file"),
])
def test_bad_logs_name_the_column_and_first_bad_row(tmp_path, capsys, body, message):
    log = write(tmp_path / "log.csv", body)
    assert main(["calibrate", str(log), "--out", str(tmp_path / "x.yaml")]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "x.yaml").exists()


def test_shipped_example_log_calibrates(tmp_path, capsys):
    out = tmp_path / "mine.yaml"
    assert main(["calibrate", str(ROOT / "examples" / "contact_log.csv"), "--out", str(out),
                 "--base", str(SCENARIOS / "small_shop.yaml")]) == 0
    assert "Fit report" in capsys.readouterr().out
    assert load_scenario(out).channels.phone.patience_mean_s > 0
    assert main(["calibrate", str(ROOT / "examples" / "contact_log.csv"), "--out", str(out)]) == 2  # never overwrites


def test_plan_equals_the_erlang_a_minimum_on_an_exponential_single_channel(tmp_path):
    """λ = 20/h all day, AHT 300 s, patience 180 s, 80/20: the plan is the Erlang A minimum every hour."""
    src = phone_only(tmp_path)
    result = plan_staffing(src, "phone: 80/20", replications=10, workers=1)
    lam = 14_400 / 30 / 24 / 3600
    n = next(n for n in range(1, 50) if erlang_a(lam, 300, 180, n, 20).service_level >= 0.8)
    assert erlang_a(lam, 300, 180, n - 1, 20).service_level < 0.8 <= erlang_a(lam, 300, 180, n, 20).service_level
    ch = next(iter(result.plan))
    assert result.first_guess[ch] == (n,) * 24
    # The simulation confirms it up to sampling noise. Measured (issue 17, 10 replications of this
    # world with n agents, old and new random streams): the monthly service level has sd ≈ 0.0045 per
    # replication around Erlang A's 0.808, only ~1.7 sd above the 0.80 target, so a replication misses
    # it with probability ≈ 4 % and all 10 meet it (plan == first guess, as this test asserted before)
    # only ≈ 68 % of the time, whatever the stream; one added agent-hour lifts the month by ≈ 0.005.
    extra = np.subtract(result.plan[ch], result.first_guess[ch])
    assert extra.min() >= 0 and extra.sum() <= 2
    assert result.met_share[ch] >= 0.95


def test_a_bot_tier_reduces_the_plan(tmp_path):
    src = phone_only(tmp_path, customers=43_200)  # 60 contacts an hour
    bot = write(tmp_path / "bot.yaml", "extends: p.yaml\nchannels:\n  phone:\n    bot: {containment: 0.4, session_s: 0}\n")
    plain = plan_staffing(src, "phone: 80/20", replications=4, workers=1, confirm=False)
    with_bot = plan_staffing(bot, "phone: 80/20", replications=4, workers=1, confirm=False)
    assert sum(next(iter(with_bot.plan.values()))) < sum(next(iter(plain.plan.values())))


@pytest.mark.slow
def test_the_plan_meets_the_target_in_95_percent_of_fresh_replications(tmp_path):
    """The full baseline (reasons, follow-ups, day swings): confirmed plan, then 20 new replications."""
    result = plan_staffing(SCENARIOS / "baseline.yaml", "phone: 80/20", replications=10, workers=2)
    assert result.met_share[next(iter(result.plan))] >= 0.95
    invest = write(tmp_path / "plan.yaml", plan_investment_yaml(SCENARIOS / "baseline.yaml", result))
    sc = load_scenario(invest)
    assert sc.investment.levers[0].extra_by_hour is not None
    from sim.planning.staffing import _sl_at, with_plan
    from sim.run.experiment import Experiment, run_experiment
    runs = run_experiment(Experiment(with_plan(load_scenario(SCENARIOS / "baseline.yaml"), result.plan), (), 20, 4242), workers=2)
    met = np.mean([_sl_at(r, 0, 20) >= 0.8 for r in runs])
    assert met >= 0.9  # fresh seeds: 95 % in expectation, allowing for 20-replication noise


@pytest.mark.parametrize("text, message", [("phone 80/20", "write targets as"), ("fax: 80/20", "unknown channel"),
                                           ("email: 90/86400", "live channels"), ("phone: 120/20", "percent must be")])
def test_bad_targets(text, message):
    from sim.scenario import ScenarioError

    with pytest.raises(ScenarioError, match=message):
        parse_targets(text, load_scenario(SCENARIOS / "baseline.yaml"))
