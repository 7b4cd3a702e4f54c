"""Where results live: the results folder, its manifest and atomic writes (DESIGN.md "Results layout").

``results/<run_id>/`` holds ``manifest.json`` and Parquet tables. Every file is written to a
temporary name and renamed into place, so a reader never sees half a file and a crash never
corrupts an older one. The manifest's ``status`` says whether the run completed; it records the
root seed, the merged scenario, package versions and the git sha, so any result can be rerun.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import subprocess
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import pandas as pd

from sim.run.experiment import Experiment
from sim.scenario import Problem, ScenarioError

DEFAULT_RESULTS = Path("results")
PACKAGES = ("sim", "numpy", "scipy", "pandas", "pyarrow", "simpy", "mesa", "pydantic")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def atomic_write_parquet(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    df.to_parquet(tmp, index=False)
    os.replace(tmp, path)


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
        **extra,
    }


def write_manifest(out_dir: Path, data: dict) -> None:
    atomic_write_bytes(out_dir / "manifest.json", (json.dumps(data, indent=2, default=str) + "\n").encode())


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def prepare_out_dir(out: Path | None, exp: Experiment, overwrite: bool) -> tuple[Path, str]:
    """Choose and create the results folder; never clobber an existing one unless asked."""
    run_id = new_run_id(exp)
    out_dir = Path(out) if out is not None else DEFAULT_RESULTS / run_id
    if out_dir.exists() and not out_dir.is_dir():
        raise ScenarioError([Problem(str(out_dir), 0, "--out", "exists and is not a folder")])
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not overwrite:
            raise ScenarioError([Problem(str(out_dir), 0, "--out", "folder exists and is not empty; "
                                         "choose another --out or pass --overwrite")])
        if not (out_dir / "manifest.json").is_file():
            raise ScenarioError([Problem(str(out_dir), 0, "--out", "--overwrite only replaces a results "
                                         "folder (one with a manifest.json); this one has none")])
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir, run_id
