"""Every command that runs replications scales out like a sweep, with identical results.

Oracles: the same seed gives the same bytes in every Parquet file of a results folder on one
local worker, on two, and on a Dask LocalCluster (``--scheduler local``); a run whose worker process
is SIGKILLed is run again on a fresh worker and the results equal an undisturbed run's; a run whose
worker dies every time ends the command with a message naming its arm and replication.
"""

from __future__ import annotations

from pathlib import Path

import distributed  # noqa: F401  a required test dependency (pyproject `test` extra): a missing one must fail, not skip
import pandas as pd
import pytest

from sim.appraisal.tables import build_tables
from sim.cli import main
from sim.run.executors import RunFailed
from sim.run.experiment import MAX_ATTEMPTS, experiment_executor, load_experiment, run_experiment
from tests.helpers import SCENARIOS, write
from tests.run_saboteurs import KillsItsWorker, attempts


@pytest.fixture
def tiny(tmp_path: Path) -> list[Path]:
    """A one-month world of 2,000 customers and one investment (a run takes well under a second)."""
    world = write(tmp_path / "world.yaml", f"extends: {SCENARIOS / 'small_shop.yaml'}\nname: w\nhorizon_months: 1\n"
                  "replications: 2\ncustomers: {initial: 2000, acquisition_per_month: 40}\n")
    invest = write(tmp_path / "invest.yaml", "extends: world.yaml\ninvestment:\n  name: t\n  levers:\n"
                   "    - {type: training, handle_time_reduction: 0.1, fcr_gain: 0.1, ramp_months: 0}\n")
    return [world, invest]


def runs_table(exp, runs) -> pd.DataFrame:
    return build_tables(exp, runs).runs


def test_a_killed_worker_is_replaced_and_its_run_retried_with_the_same_result(tiny, tmp_path):
    exp = load_experiment(tiny)
    reference = runs_table(exp, run_experiment(exp, workers=1))
    marks = tmp_path / "marks"
    marks.mkdir()
    disturbed = run_experiment(exp, workers=2, task=KillsItsWorker(str(marks), "t", 1))
    pd.testing.assert_frame_equal(reference, runs_table(exp, disturbed), check_exact=True)
    assert attempts(marks, "t", 1) == 2


def test_a_run_whose_worker_always_dies_fails_naming_its_arm_and_replication(tiny, tmp_path):
    exp = load_experiment(tiny)
    marks = tmp_path / "marks"
    marks.mkdir()
    with pytest.raises(RunFailed, match=r"arm 'baseline', replication 0: worker process died .* 3 attempts"):
        run_experiment(exp, workers=2, task=KillsItsWorker(str(marks), "baseline", 0, always=True))
    assert attempts(marks, "baseline", 0) == MAX_ATTEMPTS


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_runs_and_survives_a_killed_worker(tiny, tmp_path):
    exp = load_experiment(tiny)
    reference = runs_table(exp, run_experiment(exp, workers=1))
    marks = tmp_path / "marks"
    marks.mkdir()
    with experiment_executor(exp.world, len(exp.tasks()), 2, "local") as dask:
        assert dask.name == "dask"
        on_dask = run_experiment(exp, executor=dask)
        disturbed = run_experiment(exp, executor=dask, task=KillsItsWorker(str(marks), "t", 1))
    pd.testing.assert_frame_equal(reference, runs_table(exp, on_dask), check_exact=True)
    pd.testing.assert_frame_equal(reference, runs_table(exp, disturbed), check_exact=True)
    assert attempts(marks, "t", 1) == 2  # Dask's nanny restarted the worker and the scheduler ran the task again


@pytest.mark.slow
def test_compare_gives_the_same_files_on_one_or_two_workers_and_on_a_dask_local_cluster(tiny, tmp_path, capsys):
    folders = {}
    for name, extra in {"one": ["--workers", "1"], "two": ["--workers", "2"], "dask": ["--workers", "2", "--scheduler", "local"]}.items():
        folders[name] = tmp_path / name
        assert main(["compare", *map(str, tiny), "--seed", "11", "--out", str(folders[name]), "--quiet", *extra]) == 0
    assert "INFO" not in capsys.readouterr().err  # Dask's own log lines stay off the terminal
    files = sorted(p.name for p in folders["one"].iterdir() if p.suffix == ".parquet")
    assert {"runs.parquet", "monthly.parquet", "intervals.parquet", "comparison.parquet"} <= set(files)
    for name in ("two", "dask"):
        for f in files:
            assert (folders[name] / f).read_bytes() == (folders["one"] / f).read_bytes(), f"{name}: {f} differs"
