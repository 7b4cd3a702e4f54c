"""Sweeps: Sobol indices recovered on Ishigami, identical results on 1/2/4 workers, failures as
data with one retry, and a SIGKILLed sweep that resumes with nothing lost or duplicated."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.sweep import sweep, sweep_status
from sim.sweep.design import Param
from sim.sweep.sensitivity import indices, load_sweep, to_ema, to_salib, tornado_table
from tests.helpers import ROOT, SCENARIOS, write
from tests.sweep_models import Ishigami, Noisy

PI = math.pi
ISHIGAMI = [Param("x1", -PI, PI), Param("x2", -PI, PI), Param("x3", -PI, PI)]
X = [Param("x", 0.0, 1.0)]


@pytest.mark.slow
def test_sobol_indices_recovered_on_ishigami(tmp_path):
    """Through the same machinery as model sweeps; tolerance: the bootstrap CI plus 0.03."""
    sweep(Ishigami(), ISHIGAMI, "sobol", 1024, 1, 7, tmp_path / "s")
    manifest, table, params = load_sweep(tmp_path / "s")
    idx = indices(manifest, table, params, "y").set_index("parameter")
    for name, s1, st in (("x1", 0.3139, 0.5576), ("x2", 0.4424, 0.4424), ("x3", 0.0, 0.2437)):
        assert abs(idx.loc[name, "S1"] - s1) <= idx.loc[name, "S1_conf"] + 0.03, (name, idx.loc[name].to_dict())
        assert abs(idx.loc[name, "ST"] - st) <= idx.loc[name, "ST_conf"] + 0.03, (name, idx.loc[name].to_dict())
    sp = to_salib(tmp_path / "s", "y")
    assert sp.samples.shape == (1024 * 5, 3)
    assert list(tornado_table(table, params, "y")["parameter"]) == ["x1", "x2", "x3"]


def test_same_seed_same_results_on_1_2_and_4_workers(tmp_path):
    tables = [sweep(Noisy(), X, "lhs", 12, 2, 11, tmp_path / f"w{w}", workers=w).drop(columns="run_id") for w in (1, 2, 4)]
    for t in tables[1:]:
        pd.testing.assert_frame_equal(tables[0], t)
    assert len(tables[0]) == 24 and tables[0]["y"].nunique() == 24


def test_failures_are_retried_once_then_recorded_with_traceback(tmp_path):
    attempts = tmp_path / "attempts"
    attempts.mkdir()
    table = sweep(Noisy(fail_above=0.5, attempts_dir=str(attempts)), X, "grid", 5, 1, 3, tmp_path / "f")
    failures = pd.read_parquet(tmp_path / "f" / "failures.parquet")
    assert len(table) == 3 and len(failures) == 2  # x = 0.75 and 1.0 fail
    assert failures["error"].str.contains("model failed").all() and failures["traceback"].str.contains("Traceback").all()
    assert len(list(attempts.iterdir())) == 3 + 2 * 2  # each failing run tried twice


def test_a_killed_sweep_resumes_with_nothing_lost_or_duplicated(tmp_path):
    full = sweep(Noisy(), X, "lhs", 60, 1, 5, tmp_path / "full")
    script = (f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
              "from pathlib import Path\nfrom sim.sweep import sweep\nfrom sim.sweep.design import Param\n"
              "from tests.sweep_models import Noisy\n"
              f"sweep(Noisy(sleep_s=0.05), [Param('x', 0.0, 1.0)], 'lhs', 60, 1, 5, Path({str(tmp_path / 'killed')!r}))\n")
    proc = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    parts = tmp_path / "killed" / "parts"
    deadline = time.time() + 60
    while time.time() < deadline and (not parts.is_dir() or len(list(parts.glob("part-*.parquet"))) < 2):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = len(list(parts.glob("part-*.parquet")))
    assert 0 < partial < 8  # killed mid-way
    assert sweep_status(tmp_path / "killed")["status"].startswith("interrupted")
    resumed = sweep(Noisy(), X, "lhs", 60, 1, 5, tmp_path / "killed")
    pd.testing.assert_frame_equal(full, resumed)
    assert resumed["run_id"].is_unique


def test_a_different_sweep_never_mixes_into_an_existing_folder(tmp_path):
    from sim.scenario import ScenarioError

    sweep(Noisy(), X, "lhs", 4, 1, 5, tmp_path / "s")
    with pytest.raises(ScenarioError, match="different sweep"):
        sweep(Noisy(), X, "lhs", 4, 1, 6, tmp_path / "s")


def test_cli_sweep_on_the_simulator_and_exports(tmp_path, capsys):
    sc = write(tmp_path / "sw.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}\nname: sw\nhorizon_months: 2\n"
               "customers: {initial: 2000, acquisition_per_month: 40, contact_rate_per_month: 1.0}\n"
               "investment:\n  name: t\n  levers:\n    - {type: training, ramp_months: 0}\n")
    out = tmp_path / "sweep"
    args = ["sweep", str(sc), "--param", "customers.monthly_churn=0.01:0.04", "--param", "investment.levers[0].fcr_gain=0:0.2",
            "--design", "lhs", "--n", "4", "--out", str(out), "--workers", "2", "--quiet"]
    assert main(args) == 0
    assert main(["sweep", "status", str(out)]) == 0
    assert "4 of 4 runs done" in " ".join(capsys.readouterr().out.split())
    assert main(args + ["--dry-run"]) == 0 and "4 already done" in capsys.readouterr().out
    experiments, outcomes = to_ema(out)
    assert len(experiments) == 4 and set(outcomes) >= {"npv_usd", "payback_months", "monthly_churn"}
    assert (experiments["policy"] != "none").all()  # the fcr_gain lever defines policies
    assert main(["sensitivity", str(out), "--outcome", "npv_usd"]) == 0


@pytest.mark.parametrize("spec, message", [("churn", "path=low:high"), ("x=2:1", "low must be below high"),
                                           ("name=0:1", "not a number"), ("customers.nope=0:1", "no such setting")])
def test_bad_parameter_specs(tmp_path, capsys, spec, message):
    assert main(["sweep", str(SCENARIOS / "training.yaml"), "--param", spec, "--out", str(tmp_path / "s")]) == 2
    assert message in " ".join(capsys.readouterr().err.split())
    assert not np.any([p.exists() for p in [tmp_path / "s"]])


def test_scenario_discovery_finds_the_box(tmp_path, capsys):
    """PRIM (EMA Workbench) on a known box x1 > 0.6, x2 < 0.3; tolerance 0.1 of a unit range (LHS n=800)."""
    from sim.sweep.discovery import discover
    from tests.sweep_models import Box

    unit = [Param("x1", 0.0, 1.0), Param("x2", 0.0, 1.0), Param("x3", 0.0, 1.0)]
    sweep(Box(), unit, "lhs", 800, 1, 4, tmp_path / "b")
    d = discover(tmp_path / "b", "y>0.5")
    assert abs(d.share - 0.4 * 0.3) < 0.02
    assert d.by_quarter.set_index("parameter").loc["x1", "Q1"] == 0.0 and d.by_quarter.set_index("parameter").loc["x2", "Q4"] == 0.0
    import ema_workbench  # noqa: F401  (a required test dependency: missing, it must fail, not skip)
    box = d.box.set_index("parameter")
    assert set(box.index) == {"x1", "x2"} and d.density >= 0.8 and d.coverage >= 0.8
    assert abs(box.loc["x1", "low"] - 0.6) < 0.1 and abs(box.loc["x2", "high"] - 0.3) < 0.1
    assert main(["sensitivity", str(tmp_path / "b"), "--outcome", "y", "--discover", "y>0.5"]) == 0
    assert "PRIM box" in capsys.readouterr().out
    assert main(["sensitivity", str(tmp_path / "b"), "--outcome", "y", "--discover", "y=1"]) == 2


def test_sweep_block_in_the_scenario_file_and_dry_run_estimate(tmp_path, capsys):
    sc = write(tmp_path / "sw.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}\nname: sw\nhorizon_months: 1\n"
               "customers: {initial: 1000, acquisition_per_month: 20, contact_rate_per_month: 1.0}\n"
               "sweep:\n  design: grid\n  n: 2\n  params:\n    customers.monthly_churn: [0.01, 0.03]\n"
               "    channels.phone.agents_by_hour[10]: [1, 4]\n")
    out = tmp_path / "s"
    assert main(["sweep", str(sc), "--out", str(out), "--dry-run"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "4 runs (4 points × 1 replications" in text and "s per run (one trial run now)" in text
    assert not (out / "parts").exists()  # a dry run writes nothing
    assert main(["sweep", str(sc), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    table = pd.read_parquet(out / "sweep.parquet")
    assert sorted(set(table["channels.phone.agents_by_hour[10]"])) == [1.0, 4.0] and len(table) == 4
    assert main(["sweep", str(sc), "--out", str(out), "--dry-run"]) == 0
    assert "earlier runs in this folder" in " ".join(capsys.readouterr().out.split())
    bad = write(tmp_path / "bad.yaml", sc.read_text().replace("[0.01, 0.03]", "[0.01, 1.5]"))
    assert main(["sweep", str(bad), "--out", str(tmp_path / "b")]) == 2
    assert "bad.yaml:9: sweep.params.customers.monthly_churn: 1.5 is not allowed" in " ".join(capsys.readouterr().err.split())
