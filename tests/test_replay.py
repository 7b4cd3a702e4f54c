"""The replay recipe: a centre's day from its log, replayed and compared hour by hour.

The log is synthetic (this project's DES): one phone queue whose evening contacts take twice as long
as the morning ones, retrials and repeats, staffing by hour. Targets of the recipe (stated for an
unseen real log): hourly abandonment correlation >= 0.5, mean absolute error <= 5 points, overall
within 4 points. A single hour's rate from ~1,500 logged contacts has a standard error of about
0.7 points, so the targets leave room for noise and fail when the day is built wrongly (a flat
handle time misses the evening).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.cli import main
from sim.planning.contact_log import read_log, simulate_log
from sim.planning.replay import estimate_staffing, replay_log
from tests.helpers import SCENARIOS, write

AGENTS = [0] * 8 + [4, 6, 7, 7, 6, 6, 6, 6, 6, 7, 7, 6, 6, 5] + [0, 0]
EVENING = """\
extends: {base}
name: evening
horizon_months: 1
day_volume_cv: 0
customers:
  initial: 20000
  monthly_churn: 0.0001
  churn_concentration: null
  acquisition_per_month: 0
  contact_rate_per_month: 1.0
  channel_mix: {{phone: 1, chat: 0, email: 0}}
  segments: []
  contact_satisfaction_sensitivity: 0
channels:
  phone:
    hourly_profile: [0, 0, 0, 0, 0, 0, 0, 0, 4, 6, 8, 8, 7, 7, 7, 7, 6, 6, 6, 5, 5, 4, 0, 0]
    weekday_weights: [1, 1, 1, 1, 1, 1, 1]
    agents_by_hour: {agents}
    aht_mean_s: 300
    aht_profile_s: [300, 300, 300, 300, 300, 300, 300, 300, 220, 220, 240, 240, 260, 260, 280, 300, 340, 420, 480, 520, 540, 540, 300, 300]
    patience_mean_s: 240
    retrial_probability: 0.3
    repeat_probability: 0.2
reasons:
  - {{name: only, share: 1, distribution: lognormal, aht_cv: 1.0, fcr: 0.8}}
agent_groups: []
"""


@pytest.fixture(scope="module")
def log_path(tmp_path_factory):
    d = tmp_path_factory.mktemp("replay")
    src = write(d / "evening.yaml", EVENING.format(base=SCENARIOS / "baseline.yaml", agents=AGENTS))
    path = d / "log.csv"
    simulate_log(src, months=1, seed=11).to_csv(path, index=False)
    return path


def test_replaying_the_day_reproduces_hourly_abandonment(log_path):
    log = read_log(log_path)
    assert log["handle_s"][log["timestamp"].dt.hour >= 19].mean() > 1.8 * log["handle_s"][log["timestamp"].dt.hour < 11].mean()
    r = replay_log(log, days=60, seed=1)
    assert r.day.channel == "phone"
    assert r.correlation >= 0.5 and r.mae_points <= 5.0 and abs(r.overall_sim - r.overall_log) <= 0.04, (
        r.correlation, r.mae_points, r.overall_log, r.overall_sim)
    evening = r.hourly["hour"].between(19, 21)
    assert r.hourly.loc[evening, "log_abandon_rate"].min() > 2 * r.hourly.loc[r.hourly["hour"].between(9, 11), "log_abandon_rate"].max()
    flat = replay_log(log, days=60, seed=1, by_hour_aht=False)  # one handle time all day: the evening is missed
    assert flat.mae_points > r.mae_points + 2 and flat.correlation < r.correlation


def test_staffing_is_read_from_the_log_where_agents_were_all_busy(log_path):
    est = np.array(estimate_staffing(read_log(log_path)))
    busy = np.arange(8, 22)
    assert np.abs(est[busy] - np.array(AGENTS)[busy]).max() <= 1
    assert (est[busy] == np.array(AGENTS)[busy]).mean() >= 0.8


def test_replay_command(log_path, capsys):
    assert main(["replay", str(log_path), "--days", "20", "--agents", ",".join(map(str, AGENTS))]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "hourly abandonment: correlation" in out and "Replay of phone" in out
    assert main(["replay", str(log_path), "--agents", "1,2,3"]) == 2
    assert "needs 24, 48 or 96 values" in " ".join(capsys.readouterr().err.split())
