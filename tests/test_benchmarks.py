"""The benchmark scripts still run against the current code (they are not timed here).

Benchmarks print ratios against references measured in the same run; they are run by hand, so
nothing else would notice when an interface they use changes. Each runs in its smallest mode and
must finish and print its ratio lines. No figure is asserted: machines are shared and timings drift.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CASES = {
    "des_vs_simpy": (["--quick", "--repeats", "1"], "ours/cb"),
    "abm_vs_numpy": (["--customers", "20000", "--months", "2"], "ratio"),
    "pipeline_per_contact": (["--repeats", "1"], "ratio ours / textbook"),
    "sweep_scaling": (["--runs", "4", "--reps", "2", "--workers", "1", "--executors", "local"], "eff"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_benchmark_runs(name: str) -> None:
    args, expected = CASES[name]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / f"{name}.py"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert expected in done.stdout, done.stdout[-3000:]
