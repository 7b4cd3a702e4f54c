"""``sim run`` end to end: the results layout, the summary, and never clobbering earlier results."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.appraisal.jobs import run_scenarios
from sim.cli import main
from tests.helpers import write


def test_run_writes_the_results_layout(tmp_path, small_world, small_investments, capsys):
    out = tmp_path / "res"
    code = main(["run", str(small_world), *map(str, small_investments), "--reps", "3", "--out", str(out),
                 "--workers", "1", "--quiet"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "payback" in captured.out and "staff" in captured.out and "train" in captured.out

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["arms"] == ["baseline", "staff", "train"]
    assert manifest["replications"] == 3 and manifest["versions"]["simpy"]

    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 9
    alts = runs[runs["arm"] != "baseline"]
    for col in ("npv_usd", "roi", "payback_months", "discounted_payback_months"):
        assert col in runs and alts[col].notna().all(), col
    # IRR is NaN exactly when the note says why (not one sign change), and a number otherwise
    assert "irr_annual" in runs and (alts["irr_annual"].isna() == (alts["irr_note"] != "")).all()
    assert (alts["discounted_payback_months"] >= alts["payback_months"]).all()

    monthly = pd.read_parquet(out / "monthly.parquet")
    assert set(monthly.columns) == {"arm", "replication", "month", "metric", "value"}
    for metric in ("active_customers", "churned", "acquired", "referred", "revenue_usd", "gross_margin_usd",
                   "service_cost_usd", "investment_cost_usd", "csat", "nps", "incremental_cash_flow_usd"):
        assert metric in set(monthly["metric"]), metric

    intervals = pd.read_parquet(out / "intervals.parquet")
    for col in ("offered", "answered", "abandoned", "service_level", "asa_s", "abandon_rate", "p_wait", "aht_s", "occupancy"):
        assert col in intervals
    assert set(intervals["channel"]) == {"phone", "chat", "email"}
    assert (intervals["answered"] + intervals["abandoned"] + intervals["backlog"] == intervals["offered"]).all()


def test_same_results_on_one_or_two_workers(tmp_path, small_world, small_investments):
    one = run_scenarios([small_world, *small_investments], 2, 4, tmp_path / "one", workers=1)
    two = run_scenarios([small_world, *small_investments], 2, 4, tmp_path / "two", workers=2)
    pd.testing.assert_frame_equal(one.tables.runs, two.tables.runs)
    pd.testing.assert_frame_equal(one.tables.monthly, two.tables.monthly)
    pd.testing.assert_frame_equal(one.tables.intervals, two.tables.intervals)


def test_existing_results_are_never_clobbered(tmp_path, small_world, capsys):
    out = tmp_path / "res"
    assert main(["run", str(small_world), "--reps", "1", "--out", str(out), "--workers", "1", "--quiet"]) == 0
    before = (out / "runs.parquet").read_bytes()
    code = main(["run", str(small_world), "--reps", "1", "--out", str(out), "--workers", "1", "--quiet"])
    assert code == 2 and "--overwrite" in capsys.readouterr().err
    assert (out / "runs.parquet").read_bytes() == before
    assert main(["run", str(small_world), "--reps", "1", "--seed", "9", "--out", str(out), "--workers", "1",
                 "--quiet", "--overwrite"]) == 0
    assert json.loads((out / "manifest.json").read_text())["root_seed"] == 9


def test_overwrite_refuses_a_folder_that_is_not_a_results_folder(tmp_path, small_world, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    write(mine / "thesis.txt", "precious")
    assert main(["run", str(small_world), "--out", str(mine), "--overwrite", "--quiet"]) == 2
    assert (mine / "thesis.txt").read_text() == "precious"


def test_files_from_different_worlds_are_refused(tmp_path, small_world, capsys):
    other = write(tmp_path / "other.yaml", "extends: small.yaml\nname: other\ncustomers:\n  initial: 999\n")
    code = main(["run", str(small_world), str(other), "--out", str(tmp_path / "x"), "--quiet"])
    assert code == 2 and "different world" in " ".join(capsys.readouterr().err.split())
    assert not (tmp_path / "x").exists()


def test_one_replication_says_no_uncertainty_estimate(tmp_path, small_world, small_investments, capsys):
    code = main(["run", str(small_world), str(small_investments[1]), "--reps", "1", "--out", str(tmp_path / "r"),
                 "--workers", "1", "--quiet"])
    assert code == 0
    assert "no interval" in capsys.readouterr().out


@pytest.mark.parametrize("values, expected", [([1.0, np.inf, np.inf, 2.0, np.inf], np.inf)])
def test_median_of_paybacks_handles_never(values, expected):
    from sim.appraisal.summary import median_ci

    assert median_ci(values)[0] == expected


def test_never_paying_back_is_printed_with_its_interval(tmp_path, small_world, capsys):
    """'never to never' (a band of paybacks) is printed, not swallowed as terminal markup."""
    costly = write(tmp_path / "costly.yaml", "extends: small.yaml\ninvestment:\n  name: costly\n  levers:\n"
                   "    - {type: staffing, channel: chat, extra_agents: 20}\n")
    code = main(["run", str(small_world), str(costly), "--reps", "5", "--out", str(tmp_path / "r"), "--workers", "1", "--quiet"])
    out = " ".join(capsys.readouterr().out.split())
    assert code == 0 and "never to" in out  # median "never", band "never to never" (wrapped at 80 columns)


def test_unstable_settings_finish_and_are_flagged(tmp_path, small_world, capsys):
    """Demand far above capacity with nobody abandoning: bounded run, warning, flag in the results."""
    flood = write(tmp_path / "flood.yaml", "extends: small.yaml\nhorizon_months: 1\ncustomers:\n  contact_rate_per_month: 20\n"
                  "channels:\n  phone:\n    patience_mean_s: null\n    retrial_probability: 0\n")
    out = tmp_path / "r"
    code = main(["run", str(flood), "--reps", "1", "--out", str(out), "--workers", "1", "--quiet"])
    captured = capsys.readouterr()
    assert code == 0 and "demand above capacity" in " ".join(captured.err.split())
    runs = pd.read_parquet(out / "runs.parquet")
    assert runs["unstable_months"].iloc[0] == 1
    assert json.loads((out / "manifest.json").read_text())["unstable_months"] == 1
