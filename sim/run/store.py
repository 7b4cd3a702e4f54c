"""Where results live: the results folder, its manifest and atomic writes (docs/architecture.md).

``results/<run_id>/`` holds ``manifest.json`` and Parquet tables. Every file is written to a
temporary name and renamed into place, so a reader never sees half a file and a crash never
corrupts an older one. The manifest's ``status`` says whether the run completed; it records the
root seed, the merged scenario, package versions and the git sha, so any result can be rerun, and
the folder's identity (kind, marker, writing process: :mod:`sim.run.folders`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import subprocess
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from sim.run.experiment import Experiment
from sim.run.folders import MARKER, atomic_write_bytes, atomic_write_parquet, claim_folder, process_identity

__all__ = ["DEFAULT_RESULTS", "atomic_write_bytes", "atomic_write_parquet", "git_sha", "manifest", "new_run_id", "now_iso",
           "package_versions", "prepare_out_dir", "write_manifest"]

DEFAULT_RESULTS = Path("results")
PACKAGES = ("sim", "numpy", "scipy", "pandas", "pyarrow", "simpy", "mesa", "pydantic")


@lru_cache(maxsize=1)
def git_sha() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).resolve().parent)
        return out.stdout.strip() or None if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


@lru_cache(maxsize=1)
def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def new_run_id(exp: Experiment) -> str:
    digest = hashlib.sha256(f"{exp.world.world_hash()}{exp.arms}{exp.root_seed}{exp.replications}".encode()).hexdigest()[:8]
    return f"{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}-{digest}"


def manifest(exp: Experiment, run_id: str, status: str, started: str, ended: str | None = None, **extra) -> dict:
    """The manifest of a results folder; ``extra`` adds keys (the glossary, counts, an error)."""
    return {
        "kind": "results",
        "marker": MARKER,
        "run_id": run_id,
        "status": status,
        "started": started,
        "ended": ended,
        "root_seed": exp.root_seed,
        "replications": exp.replications,
        "arms": exp.arms,
        "scenario_files": list(exp.sources),
        "world_hash": exp.world.world_hash(),
        "scenario": exp.world.model_dump(mode="json"),
        "investments": [inv.model_dump(mode="json") for inv in exp.investments],
        "harvest_plans": list(exp.harvest_plans),
        "versions": dict(package_versions()),
        "git_sha": git_sha(),
        **process_identity(),
        **extra,
    }


def write_manifest(out_dir: Path, data: dict) -> None:
    atomic_write_bytes(out_dir / "manifest.json", (json.dumps(data, indent=2, default=str) + "\n").encode())


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def prepare_out_dir(out: Path | None, exp: Experiment, overwrite: bool) -> tuple[Path, str]:
    """Choose and create the results folder; never clobber anything (:func:`sim.run.folders.claim_folder`)."""
    run_id = new_run_id(exp)
    out_dir = Path(out) if out is not None else DEFAULT_RESULTS / run_id
    return claim_folder(out_dir, "results", overwrite), run_id
