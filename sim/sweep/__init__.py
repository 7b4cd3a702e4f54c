"""Parameter sweeps and sensitivity analysis: local process pool or Dask; resumable; failures as data."""

from __future__ import annotations

import json
import time
from pathlib import Path

from sim.run.folders import MARKER, Interrupted, claim_folder, folder_kind, folder_status, read_manifest
from sim.run.store import atomic_write_bytes, git_sha, now_iso, package_versions
from sim.scenario import Problem, ScenarioError
from sim.scenario.footprint import parallel_runs
from sim.sweep.design import DESIGNS, Param, check_size, parse_params, sample
from sim.sweep.runner import collect, finished_ids, run_sweep

__all__ = ["DESIGNS", "Param", "parse_params", "sample", "sweep", "sweep_status"]

IDENTITY = ("model_key", "design", "n", "replications", "root_seed", "params")
MAX_RUNS = 1_000_000  #: design points × replications of one sweep


def sweep(model, params: list[Param], design: str, n: int, replications: int, root_seed: int, out_dir: str | Path,
          workers: int = 1, dry_run: bool = False, on_start=None, on_done=None, scheduler: str | None = None,
          timeout_s: float | None = None, overwrite: bool = False):
    """Sample the design and run it; with ``dry_run``, count the runs and estimate the time instead.

    ``scheduler``: a Dask scheduler address or "local" (else a local process pool of ``workers``);
    ``timeout_s``: the time limit of one run (a run past it is stopped, retried once, then recorded);
    ``overwrite``: start afresh in a sweep folder sim wrote (only its own files are deleted).
    Everything is checked before anything runs; Ctrl-C or SIGTERM raise :class:`Interrupted`
    with finished runs kept for a resume.
    """
    out_dir = Path(out_dir)
    check_size(design, n, len(params), replications, MAX_RUNS)
    if hasattr(model, "check"):
        model.check(params)
    claim_folder(out_dir, "sweep", overwrite=False, resume=True, check_only=True)  # refusals before any work
    if getattr(model, "scenario", None) is not None:
        workers = min(workers, parallel_runs(model.scenario))  # as many runs at once as memory holds
    points = sample(params, design, n, root_seed)
    manifest = {"kind": "sweep", "marker": MARKER, "model": getattr(model, "path", type(model).__name__), "model_key": model.key,
                "design": design, "n": n, "replications": replications, "root_seed": root_seed, "points": len(points),
                "params": [{"path": p.path, "low": p.low, "high": p.high, "kind": p.kind} for p in params],
                "points_values": points.tolist(), "timeout_s": timeout_s, "versions": dict(package_versions()),
                "git_sha": git_sha(), "started": now_iso()}
    old = read_manifest(out_dir) if out_dir.is_dir() else None
    if old is not None and not overwrite and {k: old.get(k) for k in IDENTITY} != {k: manifest[k] for k in IDENTITY}:
        raise ScenarioError([Problem(str(out_dir), 0, "--out", "holds a different sweep (other scenario, design, "
                                     "parameters or seed); choose another folder, or pass --overwrite to replace it")])
    if overwrite and not dry_run:
        claim_folder(out_dir, "sweep", overwrite=True, resume=True)
        old = None
    total = len(points) * replications
    done = len(finished_ids(out_dir)) if (out_dir / "parts").is_dir() else 0
    if dry_run:
        return {"runs": total, "done": done, "points": len(points), **estimate(model, params, points, root_seed, old, total - done, workers)}
    claim_folder(out_dir, "sweep", resume=True)
    if on_start:
        on_start(total - done)
    try:
        return run_sweep(model, params, points, replications, root_seed, out_dir, workers, manifest, on_done, scheduler, timeout_s)
    except KeyboardInterrupt:  # the workers are stopped already; finished parts are on disk
        current = read_manifest(out_dir) or manifest
        atomic_write_bytes(out_dir / "manifest.json", (json.dumps(current | {"status": "interrupted"}, indent=2) + "\n").encode())
        done = len(finished_ids(out_dir)) if (out_dir / "parts").is_dir() else 0
        raise Interrupted(f"{out_dir}: {done:,} of {total:,} runs are finished and kept; run the same command again "
                          "to resume") from None


def estimate(model, params: list[Param], points, root_seed: int, old: dict | None, remaining: int, workers: int) -> dict:
    """Seconds one run takes (from the folder's earlier runs, or one trial run now) and the wall time
    of the remaining runs on ``workers`` workers, assuming they scale perfectly (a lower bound)."""
    if old and old.get("seconds_per_run"):
        per_run, source = float(old["seconds_per_run"]), "earlier runs in this folder"
    elif remaining:
        t0 = time.perf_counter()
        try:
            model.evaluate({p.path: float(v) for p, v in zip(params, points[0])}, 0, root_seed)
        except Exception as e:  # the estimate must not hide the failure a real run would record
            raise ScenarioError([Problem(getattr(model, "path", "model"), 0, "--dry-run", f"the trial run failed: {e}")]) from None
        per_run, source = time.perf_counter() - t0, "one trial run now"
    else:
        per_run, source = 0.0, "nothing left to run"
    return {"seconds_per_run": per_run, "estimate_source": source, "workers": max(1, workers),
            "estimate_s": remaining * per_run / max(1, workers)}


def sweep_manifest(out_dir: str | Path) -> dict:
    """The manifest of a sweep folder; anything else (a run's results, a folder sim did not write) is refused."""
    d = Path(out_dir)
    if not d.is_dir():
        raise ScenarioError([Problem(str(d), 0, "", "no such folder" if not d.exists() else "not a folder")])
    m = read_manifest(d)
    kind = folder_kind(m)
    if kind != "sweep" or not all(k in m for k in ("design", "points", "replications", "params")):
        what = "a results folder of sim run/compare (use sim report)" if kind == "results" else "not written by sim sweep (no sweep manifest.json)"
        raise ScenarioError([Problem(str(d), 0, "", f"not a sweep folder: {what}")])
    return m


def sweep_status(out_dir: str | Path) -> dict:
    import pandas as pd

    d = Path(out_dir)
    m = sweep_manifest(d)
    failures = len(pd.read_parquet(d / "failures.parquet")) if (d / "failures.parquet").is_file() else 0
    status = folder_status(m)
    if status == "interrupted":
        status = "interrupted (re-run the same command to resume)"
    return {"status": status, "design": m["design"], "runs": m["points"] * m["replications"], "done": len(collect(d)),
            "failures": failures, "executor": m.get("executor"), "workers": m.get("workers")}
