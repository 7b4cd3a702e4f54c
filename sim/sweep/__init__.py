"""Parameter sweeps and sensitivity analysis (local process pool; resumable; failures as data)."""

from __future__ import annotations

import json
from pathlib import Path

from sim.loader import Problem, ScenarioError
from sim.results import _git_sha, _versions, now_iso
from sim.sweep.design import DESIGNS, Param, parse_params, sample
from sim.sweep.runner import collect, finished_ids, run_sweep

__all__ = ["DESIGNS", "Param", "parse_params", "sample", "sweep", "sweep_status"]


def sweep(model, params: list[Param], design: str, n: int, replications: int, root_seed: int, out_dir: str | Path,
          workers: int = 1, dry_run: bool = False, on_start=None, on_done=None):
    """Sample the design and run it (or, with ``dry_run``, just count what would run)."""
    out_dir = Path(out_dir)
    points = sample(params, design, n, root_seed)
    manifest = {"kind": "sweep", "model": getattr(model, "path", type(model).__name__), "model_key": model.key,
                "design": design, "n": n, "replications": replications, "root_seed": root_seed, "points": len(points),
                "params": [{"path": p.path, "low": p.low, "high": p.high, "kind": p.kind} for p in params],
                "points_values": points.tolist(), "versions": dict(_versions()), "git_sha": _git_sha(), "started": now_iso()}
    if (out_dir / "manifest.json").is_file():
        old = json.loads((out_dir / "manifest.json").read_text())
        same = {k: old.get(k) for k in ("model_key", "design", "n", "replications", "root_seed", "params")}
        if same != {k: manifest[k] for k in same}:
            raise ScenarioError([Problem(str(out_dir), 0, "--out", "holds a different sweep (other scenario, design, "
                                         "parameters or seed); choose another folder")])
    total = len(points) * replications
    if dry_run:
        return {"runs": total, "done": len(finished_ids(out_dir)) if (out_dir / "parts").is_dir() else 0}
    if on_start:
        on_start(total - (len(finished_ids(out_dir)) if (out_dir / "parts").is_dir() else 0))
    return run_sweep(model, params, points, replications, root_seed, out_dir, workers, manifest, on_done)


def sweep_status(out_dir: str | Path) -> dict:
    d = Path(out_dir)
    if not (d / "manifest.json").is_file():
        raise ScenarioError([Problem(str(d), 0, "", "not a sweep folder (no manifest.json)")])
    m = json.loads((d / "manifest.json").read_text())
    done = len(collect(d))
    import pandas as pd

    failures = len(pd.read_parquet(d / "failures.parquet")) if (d / "failures.parquet").is_file() else 0
    return {"status": m.get("status"), "design": m["design"], "runs": m["points"] * m["replications"], "done": done,
            "failures": failures}
