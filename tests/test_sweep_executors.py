"""Executors: dead workers and runs past their time limit never hang or lose a sweep (local pool
and Dask), and a Dask LocalCluster gives the same table as one local worker."""

from __future__ import annotations

import distributed  # a required test dependency (pyproject `test` extra): a missing one must fail, not skip
import pandas as pd
import pytest

from sim.cli import main
from sim.sweep import sweep
from sim.sweep.design import Param
from tests.helpers import SCENARIOS
from tests.sweep_models import Noisy, Saboteur

X = [Param("x", 0.0, 1.0)]


def attempts(marks, x: float) -> int:
    return sum(p.name.startswith(f"{x:.12f}-") for p in marks.iterdir())


@pytest.mark.parametrize("mode", ["kill", "hang"])
def test_local_pool_retries_the_run_whose_worker_died_or_hung(tmp_path, mode):
    marks = tmp_path / "marks"
    marks.mkdir()
    reference = sweep(Noisy(), X, "grid", 5, 1, 3, tmp_path / "ref")
    table = sweep(Saboteur(0.5, mode, str(marks)), X, "grid", 5, 1, 3, tmp_path / "s", workers=2, timeout_s=3)
    pd.testing.assert_frame_equal(reference.drop(columns="run_id"), table.drop(columns="run_id"))
    assert pd.read_parquet(tmp_path / "s" / "failures.parquet").empty
    assert attempts(marks, 0.5) == 2


@pytest.mark.parametrize("mode, cause", [("kill", "worker process died"), ("hang", "time limit of 2 s")])
def test_a_run_that_always_kills_or_hangs_its_worker_is_recorded_and_the_rest_complete(tmp_path, mode, cause):
    marks = tmp_path / "marks"
    marks.mkdir()
    table = sweep(Saboteur(0.5, mode, str(marks), always=True), X, "grid", 5, 1, 3, tmp_path / "s", workers=2, timeout_s=2)
    failures = pd.read_parquet(tmp_path / "s" / "failures.parquet")
    assert sorted(table["x"]) == [0.0, 0.25, 0.75, 1.0]
    assert list(failures["x"]) == [0.5] and cause in failures["error"].iloc[0]
    assert attempts(marks, 0.5) == 2


@pytest.mark.slow
def test_dask_local_cluster_same_table_and_survives_a_killed_worker(tmp_path):
    marks = tmp_path / "marks"
    marks.mkdir()
    reference = sweep(Noisy(), X, "lhs", 16, 2, 9, tmp_path / "ref")
    on_dask = sweep(Noisy(), X, "lhs", 16, 2, 9, tmp_path / "dask", workers=2, scheduler="local")
    pd.testing.assert_frame_equal(reference, on_dask)
    # the worker running x = 0.5 is SIGKILLed once: Dask's nanny restarts it and the run is retried
    grid_ref = sweep(Noisy(), X, "grid", 5, 1, 3, tmp_path / "gref")
    killed = sweep(Saboteur(0.5, "kill", str(marks)), X, "grid", 5, 1, 3, tmp_path / "killed", workers=2, scheduler="local")
    pd.testing.assert_frame_equal(grid_ref.drop(columns="run_id"), killed.drop(columns="run_id"))
    assert pd.read_parquet(tmp_path / "killed" / "failures.parquet").empty and attempts(marks, 0.5) == 2


@pytest.mark.slow
def test_dask_time_limit_restarts_the_worker_and_retries(tmp_path):
    marks = tmp_path / "marks"
    marks.mkdir()
    table = sweep(Saboteur(0.5, "hang", str(marks)), X, "grid", 5, 1, 3, tmp_path / "s", workers=2, scheduler="local",
                  timeout_s=3)
    assert len(table) == 5 and pd.read_parquet(tmp_path / "s" / "failures.parquet").empty and attempts(marks, 0.5) == 2


def test_unreachable_scheduler_is_a_clear_error(tmp_path, capsys):
    code = main(["sweep", str(SCENARIOS / "training.yaml"), "--param", "customers.monthly_churn=0.01:0.03", "--n", "2",
                 "--scheduler", "tcp://127.0.0.1:1", "--out", str(tmp_path / "s"), "--quiet"])
    assert code == 2 and "cannot reach the Dask scheduler" in " ".join(capsys.readouterr().err.split())


@pytest.mark.slow
def test_a_cluster_without_workers_ends_the_sweep_instead_of_hanging(tmp_path, monkeypatch):
    from sim.run import dask_executor
    from sim.scenario import ScenarioError

    monkeypatch.setattr(dask_executor, "NO_WORKERS_GRACE_S", 3.0)
    with distributed.LocalCluster(n_workers=0, dashboard_address=":0") as cluster:
        with pytest.raises(ScenarioError, match="no workers for 3 s"):
            sweep(Noisy(), X, "grid", 3, 1, 3, tmp_path / "s", workers=2, scheduler=cluster.scheduler_address)
