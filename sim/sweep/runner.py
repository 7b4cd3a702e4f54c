"""Running a sweep: content-addressed runs, atomic Parquet parts, resume, failures as data.

Every run (design point × replication) gets an id hashed from what defines it (model, values,
replication, root seed), so re-running the same command finds finished runs in ``parts/`` and
skips them; a SIGKILL loses at most the batch in flight. A run that raises is retried once, then
recorded in ``failures.parquet`` with its traceback. Results depend only on the run's own
definition, so the final table is identical on any number of workers.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.results import atomic_write_bytes, atomic_write_parquet
from sim.sweep.design import Param

MAX_BATCH = 64  # runs per part file: bounds what a kill can lose, amortises process overhead


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


def run_sweep(model, params: list[Param], points: np.ndarray, replications: int, root_seed: int, out_dir: Path,
              workers: int = 1, manifest: dict | None = None, on_done: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Run every (point, replication) not already in ``out_dir/parts`` and return the full table."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "parts").mkdir(exist_ok=True)
    if manifest is not None:
        atomic_write_bytes(out_dir / "manifest.json", (json.dumps(manifest | {"status": "running"}, indent=2) + "\n").encode())
    names = [p.path for p in params]
    tasks = [Task(run_id(model.key, row, r, root_seed), i, r, tuple(float(v) for v in row))
             for i, row in enumerate(points) for r in range(replications)]
    done = finished_ids(out_dir)
    todo = [t for t in tasks if t.run_id not in done]
    failures: list[dict] = []
    for attempt in (1, 2):
        retry: list[Task] = []
        size = max(1, min(MAX_BATCH, -(-len(todo) // (max(1, workers) * 8))))
        batches = [todo[i:i + size] for i in range(0, len(todo), size)]

        def store(results) -> None:
            ok = [(t, res) for t, res, err in results if res is not None]
            for t, _, err in results:
                if err and attempt == 1:
                    retry.append(t)
                elif err:
                        failures.append({"run_id": t.run_id, "point": t.point, "replication": t.replication,
                                         **dict(zip(names, t.values)), "error": err.strip().splitlines()[-1], "traceback": err})
            if ok:
                rows = pd.DataFrame([{"run_id": t.run_id, "point": t.point, "replication": t.replication,
                                      **dict(zip(names, t.values)), **res} for t, res in ok])
                atomic_write_parquet(rows, out_dir / "parts" / f"part-{ok[0][0].run_id}.parquet")
            if on_done:
                on_done(len(results))

        if workers <= 1:
            for b in batches:
                store(_evaluate_batch(model, names, b, root_seed))
        elif batches:
            with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as pool:
                for fut in as_completed([pool.submit(_evaluate_batch, model, names, b, root_seed) for b in batches]):
                    store(fut.result())
        todo = retry
        if not todo:
            break
    fail_df = pd.DataFrame(failures, columns=["run_id", "point", "replication", *names, "error", "traceback"])
    atomic_write_parquet(fail_df, out_dir / "failures.parquet")
    table = collect(out_dir)
    atomic_write_parquet(table, out_dir / "sweep.parquet")
    if manifest is not None:
        atomic_write_bytes(out_dir / "manifest.json", (json.dumps(manifest | {"status": "complete", "runs": len(table),
                                                                            "failures": len(fail_df)}, indent=2) + "\n").encode())
    return table


def collect(out_dir: Path) -> pd.DataFrame:
    parts = sorted((out_dir / "parts").glob("part-*.parquet"))
    if not parts:
        return pd.DataFrame()
    df = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True).drop_duplicates("run_id")
    return df.sort_values(["point", "replication"], ignore_index=True)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)
