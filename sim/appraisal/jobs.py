"""``sim run`` as a library call: load scenario files, run every arm, write the results folder."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.compare import comparison, crn_variance_reduction, tei_summary
from sim.experiment import Experiment, build_experiment, run_experiment
from sim.loader import Problem, ScenarioError, load_scenario
from sim.pipeline import ArmRun
from sim.results import (
    Tables,
    atomic_write_bytes,
    atomic_write_parquet,
    build_tables,
    manifest,
    new_run_id,
    now_iso,
    write_manifest,
    write_tables,
)
from sim.summary import investment_summary, operations_summary

DEFAULT_RESULTS = Path("results")


@dataclass(frozen=True)
class RunOutput:
    out_dir: Path
    experiment: Experiment
    tables: Tables
    investments: pd.DataFrame
    operations: pd.DataFrame


@dataclass(frozen=True)
class CompareOutput:
    run: RunOutput
    ranked: pd.DataFrame  # comparison table, best median NPV first
    tei_best: pd.DataFrame  # annual business case of the best alternative (mean over replications)
    crn_factor: float  # variance reduction of the paired design for the best alternative


def load_experiment(paths: list[str | Path], replications: int | None = None, seed: int | None = None) -> Experiment:
    """Load and check every file (all problems of all files reported together)."""
    scenarios, problems = [], []
    for p in paths:
        try:
            scenarios.append(load_scenario(p))
        except ScenarioError as e:
            problems.extend(e.problems)
    if problems:
        raise ScenarioError(problems)
    return build_experiment(scenarios, [str(p) for p in paths], replications, seed)


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


def run_scenarios(paths: list[str | Path], replications: int | None = None, seed: int | None = None,
                  out: Path | None = None, workers: int | None = None, overwrite: bool = False,
                  on_start: Callable[[int], None] | None = None,
                  on_done: Callable[[ArmRun], None] | None = None) -> RunOutput:
    """Run the baseline and every investment found in ``paths`` and write ``results/<run_id>/``.

    Args:
        paths: scenario files describing one world (a baseline and/or investments extending it).
        replications, seed: override the first file's settings.
        out: results folder (default ``results/<run_id>``).
        workers: worker processes (default: one per CPU, at most one per task).
        overwrite: replace an existing results folder.
        on_start: called with the number of tasks before running (progress bars).
        on_done: called after each finished (arm, replication).
    """
    exp = load_experiment(paths, replications, seed)
    out_dir, run_id = prepare_out_dir(out, exp, overwrite)
    started = now_iso()
    write_manifest(out_dir, manifest(exp, run_id, "running", started))
    if on_start:
        on_start(len(exp.tasks()))
    try:
        runs = run_experiment(exp, workers=workers, on_done=on_done)
        tables = build_tables(exp, runs)
        write_tables(out_dir, tables)
    except BaseException as e:
        write_manifest(out_dir, manifest(exp, run_id, "failed", started, now_iso(), error=repr(e)))
        raise
    unstable = int(tables.runs["unstable_months"].sum())
    write_manifest(out_dir, manifest(exp, run_id, "complete", started, now_iso(), unstable_months=unstable))
    return RunOutput(out_dir, exp, tables, investment_summary(tables.runs, exp.world.horizon_months),
                     operations_summary(tables.runs))


def compare_scenarios(paths: list[str | Path], replications: int | None = None, seed: int | None = None,
                      out: Path | None = None, workers: int | None = None, overwrite: bool = False,
                      on_start: Callable[[int], None] | None = None,
                      on_done: Callable[[ArmRun], None] | None = None) -> CompareOutput:
    """``sim run`` plus the ranked comparison (``comparison.parquet`` / ``.csv``) and the TEI table."""
    run = run_scenarios(paths, replications, seed, out, workers, overwrite, on_start, on_done)
    ranked = comparison(run.tables.runs)
    if ranked.empty:
        raise ScenarioError([Problem(str(paths[0]), 0, "", "nothing to compare: give at least one investment file "
                                     "(a scenario with an investment section)")])
    atomic_write_parquet(ranked, run.out_dir / "comparison.parquet")
    atomic_write_bytes(run.out_dir / "comparison.csv", ranked.to_csv(index=False).encode())
    best = str(ranked["arm"].iloc[0])
    return CompareOutput(run, ranked, tei_summary(run.tables.tei, best),
                         crn_variance_reduction(run.tables.runs, run.tables.monthly, best, run.experiment.world.discount_rate_annual))
