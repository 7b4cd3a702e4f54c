"""Killed runs leave no processes behind and read as interrupted; SIGTERM says so and keeps finished work.

``sim run`` and ``sim sweep`` are started as real processes with two workers each, then killed
mid-way. Oracle: no process of theirs is alive 5 s later (the workers die with their parent), the
folder's manifest reads ``interrupted`` in the commands that read folders, and ``sim report``
refuses it with exit code 2 instead of calling it "not a results folder".
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from sim.cli import main
from sim.run.folders import folder_status
from tests.helpers import ROOT, SCENARIOS, write

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process-tree checks use Linux /proc")


def start(args: list[str], tmp_path: Path) -> subprocess.Popen:
    """``sim args`` in its own process group (as a terminal would run it)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), SIM_LOG="ERROR")
    code = "import sys; from sim.cli import main; sys.exit(main())"
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def wait_for_workers(proc: subprocess.Popen, manifest: Path, n: int = 2, timeout: float = 60.0) -> list[psutil.Process]:
    """The process tree once ``n`` workers are busy and the manifest says running."""
    deadline = time.time() + timeout
    parent = psutil.Process(proc.pid)
    while time.time() < deadline:
        assert proc.poll() is None, proc.communicate()
        kids = parent.children(recursive=True)
        busy = [k for k in kids if _cpu(k) > 0.3]
        if manifest.is_file() and json.loads(manifest.read_text())["status"] == "running" and len(busy) >= n:
            return kids
        time.sleep(0.2)
    raise AssertionError("the workers never started")


def _cpu(p: psutil.Process) -> float:
    try:
        return p.cpu_times().user
    except psutil.Error:
        return 0.0


def all_gone(procs: list[psutil.Process], within: float = 5.0) -> list[int]:
    """Pids still alive (zombies count as gone) after ``within`` seconds."""
    deadline = time.time() + within
    while time.time() < deadline:
        alive = [p.pid for p in procs if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        if not alive:
            return []
        time.sleep(0.1)
    return alive


@pytest.fixture
def slow_world(tmp_path: Path) -> Path:
    """Enough work for two workers to be busy for ~10 s: 8 runs of 6 months of the small shop."""
    return write(tmp_path / "w.yaml", f"extends: {SCENARIOS / 'small_shop.yaml'}\nname: w\nhorizon_months: 6\nreplications: 4\n"
                 "investment:\n  name: t\n  levers:\n    - {type: training, ramp_months: 0}\n")


def test_sigkill_of_sim_run_leaves_no_process_and_reads_interrupted(slow_world, tmp_path, capsys):
    out = tmp_path / "res"
    proc = start(["run", str(slow_world), "--workers", "2", "--out", str(out), "--quiet"], tmp_path)
    kids = wait_for_workers(proc, out / "manifest.json")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert all_gone(kids) == []
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "running" and folder_status(manifest) == "interrupted"
    assert main(["report", str(out)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "interrupted" in err and "not a results folder" not in err
    assert main(["run", str(slow_world), "--out", str(out), "--quiet"]) == 2  # still needs --overwrite, and nothing is lost


def test_sigterm_of_sim_run_says_interrupted_and_stops_the_workers(slow_world, tmp_path):
    out = tmp_path / "res"
    proc = start(["run", str(slow_world), "--workers", "2", "--out", str(out), "--quiet"], tmp_path)
    kids = wait_for_workers(proc, out / "manifest.json")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert all_gone(kids) == []
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"


def test_ctrl_c_reaches_every_process_but_only_the_parent_reports(slow_world, tmp_path):
    """A terminal's Ctrl-C signals the whole process group: the workers ignore it, the parent stops them."""
    out = tmp_path / "res"
    proc = start(["run", str(slow_world), "--workers", "2", "--out", str(out), "--quiet"], tmp_path)
    kids = wait_for_workers(proc, out / "manifest.json")
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "interrupted" in err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert all_gone(kids) == []
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"


def test_sigkill_of_a_sweep_leaves_no_process_and_resumes(tmp_path, capsys):
    sc = write(tmp_path / "s.yaml", f"extends: {SCENARIOS / 'small_shop.yaml'}\nname: s\nhorizon_months: 3\n"
               "investment:\n  name: t\n  levers:\n    - {type: training, ramp_months: 0}\n")
    out = tmp_path / "sweep"
    args = ["sweep", str(sc), "--param", "customers.monthly_churn=0.01:0.03", "--n", "8", "--workers", "2", "--out", str(out), "--quiet"]
    proc = start(args, tmp_path)
    kids = wait_for_workers(proc, out / "manifest.json")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert all_gone(kids) == []
    assert main(["sweep", "status", str(out)]) == 0
    assert "interrupted" in capsys.readouterr().out
    assert main(["sensitivity", str(out)]) == 2
    assert "interrupted" in " ".join(capsys.readouterr().err.split())


def test_sigterm_of_a_sweep_keeps_finished_runs_and_it_resumes(tmp_path, capsys):
    sc = write(tmp_path / "s.yaml", f"extends: {SCENARIOS / 'small_shop.yaml'}\nname: s\nhorizon_months: 2\n"
               "investment:\n  name: t\n  levers:\n    - {type: training, ramp_months: 0}\n")
    out = tmp_path / "sweep"
    args = ["sweep", str(sc), "--param", "customers.monthly_churn=0.01:0.03", "--n", "12", "--out", str(out), "--quiet"]
    proc = start(args + ["--workers", "2"], tmp_path)
    kids = wait_for_workers(proc, out / "manifest.json")
    deadline = time.time() + 60
    while time.time() < deadline and not list((out / "parts").glob("part-*.parquet")):
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "kept" in err and "Traceback" not in err, err
    assert all_gone(kids) == []
    kept = len(list((out / "parts").glob("part-*.parquet")))
    assert kept >= 1 and json.loads((out / "manifest.json").read_text())["status"] == "interrupted"
    assert main(args + ["--workers", "1"]) == 0  # the same command resumes and finishes
    assert "12 runs" in capsys.readouterr().out
