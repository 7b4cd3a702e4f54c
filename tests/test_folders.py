"""What sim may write and delete (issue 13): folder identity, --overwrite, portable written files,
interrupted runs, and the memory pre-flight. The refusals themselves are in test_bad_inputs.py."""

from __future__ import annotations

import json
import os
import shutil
import socket

import pandas as pd
import pytest

from sim.cli import main
from sim.run.folders import MARKER, atomic_write_parquet, folder_status, process_identity
from sim.scenario import ScenarioError, load_scenario
from tests.helpers import SCENARIOS, write


@pytest.fixture
def tiny(tmp_path):
    return write(tmp_path / "tiny.yaml", f"extends: {SCENARIOS / 'small_shop.yaml'}\nname: tiny\nhorizon_months: 1\nreplications: 1\n"
                 "customers: {initial: 2000, acquisition_per_month: 40}\n")


def run(tiny, out, *extra) -> int:
    return main(["run", str(tiny), "--out", str(out), "--workers", "1", "--quiet", *extra])


def test_a_results_folder_says_what_it_is_and_who_writes_it(tiny, tmp_path):
    assert run(tiny, tmp_path / "r") == 0
    m = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert m["kind"] == "results" and m["marker"] == MARKER
    assert m["pid"] == os.getpid() and m["host"] == socket.gethostname()
    assert folder_status(m) == "complete"


def test_overwrite_replaces_only_what_sim_wrote(tiny, tmp_path, capsys):
    out = tmp_path / "r"
    assert run(tiny, out) == 0
    assert main(["report", str(out)]) == 0 and main(["plot", str(out)]) == 0
    assert main(["report", str(out)]) == 2 and "--overwrite" in capsys.readouterr().err  # the report exists
    assert main(["report", str(out), "--overwrite"]) == 0
    assert main(["spreadsheet", str(out)]) == 0 and main(["spreadsheet", str(out)]) == 2  # the spreadsheet exists
    assert run(tiny, out, "--overwrite", "--seed", "5") == 0
    assert sorted(p.name for p in out.iterdir()) == ["decision.csv", "decision.json", "intervals.parquet", "manifest.json",
                                                     "monthly.parquet", "runs.parquet", "tei.parquet", "tornado.csv",
                                                     "variance_share.csv", "voi.csv"]
    assert json.loads((out / "manifest.json").read_text())["root_seed"] == 5


def test_a_folder_without_the_marker_is_never_deleted(tiny, tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    write(old / "manifest.json", json.dumps({"run_id": "x", "status": "complete"}))  # an older sim's results
    write(old / "runs.parquet", "data")
    assert run(tiny, old, "--overwrite") == 2
    assert (old / "runs.parquet").read_text() == "data"


def test_an_empty_folder_is_used(tiny, tmp_path):
    (tmp_path / "empty").mkdir()
    assert run(tiny, tmp_path / "empty") == 0


def test_sweep_overwrite_starts_afresh_and_keeps_nothing_of_the_old_sweep(tmp_path):
    from sim.sweep import sweep
    from sim.sweep.design import Param
    from tests.sweep_models import Noisy

    x = [Param("x", 0.0, 1.0)]
    sweep(Noisy(), x, "lhs", 4, 1, 5, tmp_path / "s")
    with pytest.raises(ScenarioError, match="different sweep"):
        sweep(Noisy(), x, "lhs", 4, 1, 6, tmp_path / "s")
    table = sweep(Noisy(), x, "lhs", 3, 1, 6, tmp_path / "s", overwrite=True)
    assert len(table) == 3 and len(list((tmp_path / "s" / "parts").iterdir())) >= 1
    assert json.loads((tmp_path / "s" / "manifest.json").read_text())["root_seed"] == 6


def test_written_scenarios_extend_their_base_relatively_and_move_with_it(tmp_path):
    from sim.planning.calibrate import calibrate
    from sim.planning.staffing import plan_staffing

    a = tmp_path / "a"
    a.mkdir()
    base = write(a / "base.yaml", f"extends: {SCENARIOS / 'small_shop.yaml'}\nname: base\n")
    calibrate(SCENARIOS.parent / "examples" / "contact_log.csv", a / "fits" / "mine.yaml", base)
    plan = plan_staffing(base, "phone: 99/5", replications=2, confirm=False, write_investment=a / "plan.yaml")
    assert plan.investment_file == a / "plan.yaml"
    assert "extends: ../base.yaml" in (a / "fits" / "mine.yaml").read_text()
    assert "extends: base.yaml" in (a / "plan.yaml").read_text()
    shutil.move(a, tmp_path / "b")
    load_scenario(tmp_path / "b" / "fits" / "mine.yaml")
    load_scenario(tmp_path / "b" / "plan.yaml")


def test_a_run_stopped_by_ctrl_c_or_sigterm_says_so(tiny, tmp_path, capsys, monkeypatch):
    import sim.appraisal.jobs as jobs

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(jobs, "run_experiment", stopped)
    assert run(tiny, tmp_path / "r") == 130
    assert "interrupted" in capsys.readouterr().err
    assert json.loads((tmp_path / "r" / "manifest.json").read_text())["status"] == "interrupted"


def test_a_manifest_left_running_reads_interrupted_only_when_its_process_is_gone():
    me = {"status": "running", **process_identity()}
    assert folder_status(me) == "running"
    assert folder_status(me | {"pid": 2**22 + 4321}) == "interrupted"
    assert folder_status(me | {"pid_started": "1"}) == "interrupted"  # the pid was reused by another process
    assert folder_status(me | {"pid": 2**22 + 4321, "host": "elsewhere"}) == "running"  # cannot tell: assume alive


def test_an_atomic_write_that_fails_leaves_no_debris(tmp_path):
    class Broken(pd.DataFrame):
        def to_parquet(self, path, **kw):
            path.write_bytes(b"half")
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        atomic_write_parquet(Broken({"a": [1]}), tmp_path / "t.parquet")
    assert list(tmp_path.iterdir()) == []


def test_a_run_that_cannot_fit_in_memory_is_refused_naming_the_setting(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("SIM_MEMORY_LIMIT_MB", "2000")
    sc = write(tmp_path / "big.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}\nname: big\ncustomers:\n  initial: 2000000\n"
               "  contact_rate_per_month: 1\n")
    assert main(["validate", str(sc)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"{sc}:5: customers.contact_rate_per_month: a run would need about" in err and "SIM_MEMORY_LIMIT_MB" in err


def test_parallel_runs_are_limited_by_memory(monkeypatch):
    from sim.scenario.footprint import parallel_runs

    sc = load_scenario(SCENARIOS / "baseline.yaml")
    assert parallel_runs(sc) >= 2
    monkeypatch.setenv("SIM_MEMORY_LIMIT_MB", "700")
    assert parallel_runs(sc) == 1
