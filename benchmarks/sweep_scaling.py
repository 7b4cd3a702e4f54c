"""Parallel efficiency of a sweep: ours (local pool, Dask LocalCluster) vs a bare process pool.

All three evaluate the same runs — the business case of a small scenario (baseline and training
investment, 2 months, ~2,000 customers) at the points of an LHS design — in this one process's
session. The bare pool is ``concurrent.futures.ProcessPoolExecutor`` (spawn) mapping the same
evaluations with the same chunking and nothing else: no ids, no Parquet parts, no retries — the
physical limit of the machine. Efficiency at k workers = T_bare(1) / (k · T(k)); the goal is ours ≥
0.95 × the bare pool's at every k. Dask is timed from submission, after the cluster has started
(a researcher's cluster is already running); our local pool's start-up is included.

Usage: python benchmarks/sweep_scaling.py [--runs 500] [--workers 1,4,8,16] [--executors local,dask]
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

from sim.sweep import sweep  # noqa: E402
from sim.sweep.design import Param, sample  # noqa: E402
from sim.sweep.models import BusinessCaseModel  # noqa: E402
from sim.sweep.runner import MAX_BATCH  # noqa: E402

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


def bare_pool(path: str, points, workers: int) -> float:
    t0 = time.perf_counter()
    chunk = max(1, min(MAX_BATCH, math.ceil(len(points) / (workers * 8))))
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_init, initargs=(path,)) as pool:
        list(pool.map(_one, [tuple(map(float, p)) for p in points], chunksize=chunk))
    return time.perf_counter() - t0


def ours(path: str, n: int, workers: int, scheduler: str | None, tmp: Path) -> float:
    model = BusinessCaseModel(path)
    out = tmp / f"{'dask' if scheduler else 'pool'}-{workers}"
    executor = None
    if scheduler:
        from sim.sweep.executors import DaskExecutor

        executor = DaskExecutor(scheduler, workers)  # started before the clock
    t0 = time.perf_counter()
    from sim.sweep.runner import run_sweep

    if executor is None:
        sweep(model, PARAMS, "lhs", n, 1, 1, out, workers=workers)
    else:
        run_sweep(model, PARAMS, sample(PARAMS, "lhs", n, 1), 1, 1, out, workers, executor=executor)
    elapsed = time.perf_counter() - t0
    if executor is not None:
        executor.close()
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=500)
    ap.add_argument("--workers", default="1,4,8,16")
    ap.add_argument("--executors", default="local,dask")
    a = ap.parse_args()
    cpus = os.cpu_count() or 1
    ks = [k for k in map(int, a.workers.split(",")) if k <= cpus] or [1]
    execs = a.executors.split(",")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        path = tmp / "scaling.yaml"
        path.write_text(SCENARIO)
        points = sample(PARAMS, "lhs", a.runs, 1)
        print(f"{a.runs} runs, workers {ks} (this machine has {cpus} CPUs)")
        ref = None
        print(f"{'k':>3} {'bare s':>8} {'bare eff':>8} " + " ".join(f"{e + ' s':>8} {e + ' eff':>9} {'ratio':>6}" for e in execs))
        for k in ks:
            tb = bare_pool(str(path), points, k)
            ref = ref or tb * k
            row = f"{k:>3} {tb:8.1f} {ref / (k * tb):8.2f} "
            for e in execs:
                t = ours(str(path), a.runs, k, "local" if e == "dask" else None, tmp)
                row += f"{t:8.1f} {ref / (k * t):9.2f} {tb / t:6.2f} "
            print(row, flush=True)
        print("ratio = our efficiency / the bare pool's at the same k (goal ≥ 0.95)")


if __name__ == "__main__":
    main()
