"""Parallel efficiency of a sweep and of a comparison's replications: ours (local pool, Dask
LocalCluster) vs a bare process pool.

Two jobs on a small scenario (baseline and training investment, 2 months, ~2,000 customers):

- **sweep**: the business case at the points of an LHS design (``run_sweep``: ids, Parquet parts,
  retries), batched as the sweep batches them;
- **replications**: a ``sim compare``-style experiment, every (arm, replication) one task
  (``run_experiment``: resubmission of a task whose worker dies, runs put back in order).

The bare pool is ``concurrent.futures.ProcessPoolExecutor`` (spawn) mapping the same evaluations with
the same chunking and nothing else — the physical limit of the machine. **Start-up is counted alike
for every executor**: each is timed from the moment the work is asked for, starting its pool or
cluster, until it has been shut down (our executors are built inside the timed region and
closed in it, at one worker too: a pool of one, not the in-process executor). The start-up alone (a pool or
cluster that runs one empty task) is printed for each, measured in the same run. Efficiency at k
workers = T_bare(1) / (k · T(k)); ratio = the bare pool's time / ours at the same k, measured in
this run (goal ≥ 0.95).

Usage: python benchmarks/sweep_scaling.py [--runs 500] [--reps 16] [--workers 1,4,8,16] [--executors local,dask]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.run.executors import LocalExecutor  # noqa: E402
from sim.run.experiment import load_experiment, run_experiment  # noqa: E402
from sim.run.month_loop import run_arm  # noqa: E402
from sim.sweep.design import Param, sample  # noqa: E402
from sim.sweep.models import BusinessCaseModel  # noqa: E402
from sim.sweep.runner import MAX_BATCH, run_sweep  # noqa: E402

WORLD = f"""extends: {ROOT / 'scenarios' / 'baseline.yaml'}
name: scaling
horizon_months: 2
customers: {{initial: 2000, acquisition_per_month: 40, contact_rate_per_month: 1.0}}
"""
INVESTMENT = """extends: world.yaml
investment:
  name: training
  levers:
    - {type: training, handle_time_reduction: 0.1, fcr_gain: 0.1, ramp_months: 0}
"""
SCENARIO = f"""extends: {ROOT / 'scenarios' / 'training.yaml'}
name: scaling
horizon_months: 2
customers: {{initial: 2000, acquisition_per_month: 40, contact_rate_per_month: 1.0}}
"""
PARAMS = [Param("customers.monthly_churn", 0.01, 0.04), Param("investment.levers[0].fcr_gain", 0.0, 0.2)]
_MODEL = None


def _init(path: str) -> None:
    global _MODEL
    _MODEL = BusinessCaseModel(path)


def _one(values: tuple[float, ...]) -> dict:
    return _MODEL.evaluate(dict(zip([p.path for p in PARAMS], values)), 0, 1)


def _nothing() -> None:
    return None


def executor(kind: str, workers: int):
    """One of ours, started now (a Dask LocalCluster starts its processes here; a pool at its first task)."""
    if kind == "dask":
        from sim.run.dask_executor import DaskExecutor

        return DaskExecutor("local", workers)
    return LocalExecutor(workers)


def startup(kind: str, workers: int) -> float:
    """Seconds from asking for the executor to having one empty task back from each worker, shut down included."""
    t0 = time.perf_counter()
    if kind == "bare":
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            [f.result() for f in [pool.submit(_nothing) for _ in range(workers)]]
    else:
        ex = executor(kind, workers)
        [ex.submit(_nothing).result() for _ in range(workers)]
        ex.close()
    return time.perf_counter() - t0


def sweep_bare(path: str, points, workers: int) -> float:
    t0 = time.perf_counter()
    chunk = max(1, min(MAX_BATCH, math.ceil(len(points) / (workers * 8))))
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_init, initargs=(path,)) as pool:
        list(pool.map(_one, [tuple(map(float, p)) for p in points], chunksize=chunk))
    return time.perf_counter() - t0


def sweep_ours(kind: str, path: str, points, workers: int, out: Path) -> float:
    t0 = time.perf_counter()
    ex = executor(kind, workers)
    run_sweep(BusinessCaseModel(path), PARAMS, points, 1, 1, out, workers, executor=ex)
    ex.close()
    return time.perf_counter() - t0


def reps_bare(exp, workers: int) -> float:
    tasks = exp.tasks()
    t0 = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        list(pool.map(run_arm, [exp.world] * len(tasks), [inv for inv, _ in tasks], [r for _, r in tasks],
                      [exp.root_seed] * len(tasks), chunksize=1))
    return time.perf_counter() - t0


def reps_ours(kind: str, exp, workers: int) -> float:
    t0 = time.perf_counter()
    ex = executor(kind, workers)
    run_experiment(exp, executor=ex)
    ex.close()
    return time.perf_counter() - t0


def table(title: str, ks: list[int], execs: list[str], bare, ours) -> None:
    print(f"\n{title}")
    print(f"{'k':>3} {'bare s':>8} {'bare eff':>8} " + " ".join(f"{e + ' s':>8} {e + ' eff':>9} {'ratio':>6}" for e in execs))
    ref = None
    for k in ks:
        tb = bare(k)
        ref = ref or tb * k
        row = f"{k:>3} {tb:8.1f} {ref / (k * tb):8.2f} "
        for e in execs:
            t = ours(e, k)
            row += f"{t:8.1f} {ref / (k * t):9.2f} {tb / t:6.2f} "
        print(row, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=500, help="sweep runs (LHS points, one replication each); 0 skips the sweep")
    ap.add_argument("--reps", type=int, default=16, help="replications of the two-arm comparison; 0 skips it")
    ap.add_argument("--workers", default="1,4,8,16")
    ap.add_argument("--executors", default="local,dask")
    a = ap.parse_args()
    cpus = os.cpu_count() or 1
    ks = [k for k in map(int, a.workers.split(",")) if k <= cpus] or [1]
    execs = a.executors.split(",")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        print(f"workers {ks} (this machine has {cpus} CPUs); every time includes starting and shutting down the pool or cluster")
        print("start-up alone (one empty task per worker), s: " + ", ".join(
            f"{kind} k={k}: {startup(kind, k):.1f}" for kind in ["bare", *execs] for k in ks))
        if a.runs:
            path = tmp / "scaling.yaml"
            path.write_text(SCENARIO)
            points = sample(PARAMS, "lhs", a.runs, 1)
            table(f"sweep: {a.runs} runs", ks, execs, lambda k: sweep_bare(str(path), points, k),
                  lambda e, k: sweep_ours(e, str(path), points, k, tmp / f"{e}-{k}"))
        if a.reps:
            (tmp / "world.yaml").write_text(WORLD)
            (tmp / "invest.yaml").write_text(INVESTMENT)
            exp = load_experiment([tmp / "world.yaml", tmp / "invest.yaml"], a.reps, 1)
            table(f"replications: 2 arms × {a.reps} replications = {len(exp.tasks())} tasks", ks, execs,
                  lambda k: reps_bare(exp, k), lambda e, k: reps_ours(e, exp, k))
        print("\nratio = the bare pool's time / ours at the same k, both measured above (goal ≥ 0.95)")


if __name__ == "__main__":
    main()
