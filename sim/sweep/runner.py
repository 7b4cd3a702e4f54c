"""Running a sweep: content-addressed runs, atomic Parquet parts, resume, failures as data.

Every run (design point × replication) gets an id hashed from what defines it (model, values,
replication, root seed), so re-running the same command finds finished runs in ``parts/`` and
skips them; a SIGKILL loses at most the batches in flight. Runs go out in batches (to amortise
the overhead per task); a run that raises, or a batch whose worker dies or runs past its time
limit, is retried run by run, then recorded in ``failures.parquet`` with its traceback or cause.
Results depend only on each run's own definition, so the final table is identical on any number
of workers and on any executor.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.run.executors import make_executor
from sim.run.folders import process_identity
from sim.run.store import atomic_write_bytes, atomic_write_parquet
from sim.sweep.design import Param

MAX_BATCH = 64  # runs per task and part file: bounds what a kill can lose, amortises process overhead


@dataclass(frozen=True)
class Task:
    run_id: str
    point: int
    replication: int
    values: tuple[float, ...]


def run_id(model_key: str, values, replication: int, root_seed: int) -> str:
    text = json.dumps([model_key, [float(v) for v in values], int(replication), int(root_seed)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _evaluate_batch(model, params: list[str], tasks: list[Task], root_seed: int) -> list[tuple[Task, dict | None, str]]:
    out = []
    for t in tasks:
        try:
            out.append((t, model.evaluate(dict(zip(params, t.values)), t.replication, root_seed), ""))
        except Exception:  # a failing run is data, not a crash of the sweep
            out.append((t, None, traceback.format_exc()))
    return out


def finished_ids(out_dir: Path) -> set[str]:
    parts = sorted((out_dir / "parts").glob("part-*.parquet"))
    return set().union(*(set(pd.read_parquet(p, columns=["run_id"])["run_id"]) for p in parts)) if parts else set()


def plan_tasks(model_key: str, points: np.ndarray, replications: int, root_seed: int) -> list[Task]:
    return [Task(run_id(model_key, row, r, root_seed), i, r, tuple(float(v) for v in row))
            for i, row in enumerate(points) for r in range(replications)]


def _write_manifest(out_dir: Path, manifest: dict | None, **status) -> None:
    if manifest is not None:
        atomic_write_bytes(out_dir / "manifest.json", (json.dumps(manifest | status, indent=2) + "\n").encode())


def _run_attempt(executor, model, names: list[str], tasks: list[Task], root_seed: int, batch_size: int,
                 timeout_s: float | None, store: Callable) -> list[tuple[Task, str, str]]:
    """Submit ``tasks`` in batches; store what succeeds; return (task, error, traceback) for the rest."""
    shared = executor.scatter(model) if hasattr(executor, "scatter") else model
    batches = [tasks[i:i + batch_size] for i in range(0, len(tasks), batch_size)]
    futures = {executor.submit(_evaluate_batch, shared, names, b, root_seed,
                               timeout_s=None if timeout_s is None else timeout_s * len(b)): b for b in batches}
    failed: list[tuple[Task, str, str]] = []
    for fut in executor.as_completed(futures):
        batch = futures[fut]
        try:
            results = fut.result()
        except Exception as exc:  # the batch as a whole: its worker died, it timed out, or it could not run
            executor.after_failure(exc)
            cause = executor.describe(exc)
            failed += [(t, cause, cause if executor.classify(exc) != "error" else "".join(traceback.format_exception(exc)))
                       for t in batch]
            continue
        store([(t, res) for t, res, err in results if res is not None])
        failed += [(t, err.strip().splitlines()[-1], err) for t, res, err in results if res is None]
    return failed


def run_sweep(model, params: list[Param], points: np.ndarray, replications: int, root_seed: int, out_dir: Path,
              workers: int = 1, manifest: dict | None = None, on_done: Callable[[int], None] | None = None,
              scheduler: str | None = None, timeout_s: float | None = None, executor=None) -> pd.DataFrame:
    """Run every (point, replication) not already in ``out_dir/parts`` and return the full table.

    ``scheduler``: a Dask address (or "local"); ``timeout_s``: the time limit of one run.
    """
    (out_dir / "parts").mkdir(parents=True, exist_ok=True)
    names = [p.path for p in params]
    done = finished_ids(out_dir)
    todo = [t for t in plan_tasks(model.key, points, replications, root_seed) if t.run_id not in done]
    own = executor is None
    if own:
        executor = make_executor(workers, scheduler, inline=timeout_s is None)
    _write_manifest(out_dir, manifest, status="running", executor=executor.name, workers=executor.workers, **process_identity())

    def store(ok: list[tuple[Task, dict]]) -> None:
        if ok:
            rows = pd.DataFrame([{"run_id": t.run_id, "point": t.point, "replication": t.replication,
                                  **dict(zip(names, t.values)), **res} for t, res in ok])
            atomic_write_parquet(rows, out_dir / "parts" / f"part-{ok[0][0].run_id}.parquet")
        if on_done and ok:
            on_done(len(ok))

    started = time.perf_counter()
    try:
        size = max(1, min(MAX_BATCH, -(-len(todo) // (executor.workers * 8))))
        retry = _run_attempt(executor, model, names, todo, root_seed, size, timeout_s, store) if todo else []
        # second and last attempt, one run per batch: a failure now belongs to that run alone
        failed = _run_attempt(executor, model, names, [t for t, _, _ in retry], root_seed, 1, timeout_s, store) if retry else []
    except BaseException:  # Ctrl-C, SIGTERM, a full disk: stop the workers now; finished parts stay for a resume
        if own:
            executor.close(abort=True)
        raise
    if own:
        executor.close()
    if on_done and failed:
        on_done(len(failed))
    fail_df = pd.DataFrame([{"run_id": t.run_id, "point": t.point, "replication": t.replication, **dict(zip(names, t.values)),
                             "error": err, "traceback": tb} for t, err, tb in failed],
                           columns=["run_id", "point", "replication", *names, "error", "traceback"])
    atomic_write_parquet(fail_df, out_dir / "failures.parquet")
    table = collect(out_dir)
    atomic_write_parquet(table, out_dir / "sweep.parquet")
    elapsed = time.perf_counter() - started
    per_run = elapsed * executor.workers / len(todo) if todo else (manifest or {}).get("seconds_per_run")
    _write_manifest(out_dir, manifest, status="complete", runs=len(table), failures=len(fail_df), executor=executor.name,
                    workers=executor.workers, seconds_per_run=per_run)
    return table


def collect(out_dir: Path) -> pd.DataFrame:
    parts = sorted((out_dir / "parts").glob("part-*.parquet"))
    if not parts:
        return pd.DataFrame()
    df = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True).drop_duplicates("run_id")
    return df.sort_values(["point", "replication"], ignore_index=True)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)
