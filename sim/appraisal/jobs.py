"""``sim run`` and ``sim compare`` as library calls: load scenario files, run every arm, appraise
each investment against the baseline of its replication, write the results folder.

The runs go to one executor, opened before the results folder is made (an unreachable
``--scheduler`` leaves nothing behind) and shared by every look of ``--reps auto``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from sim.appraisal.compare import comparison, crn_variance_reduction, tei_summary
from sim.appraisal.decision import write_run_decision
from sim.appraisal.reps_auto import look_schedule, should_stop
from sim.appraisal.summary import investment_summary, operations_summary
from sim.appraisal.tables import GLOSSARY, Tables, build_tables, write_tables
from sim.appraisal.uncertainty import Uncertainty, decision_table, summarise, write_uncertainty
from sim.run.experiment import Experiment, experiment_executor, load_experiment, run_experiment
from sim.run.folders import Interrupted
from sim.run.month_loop import ArmRun
from sim.run.store import atomic_write_bytes, atomic_write_parquet, manifest, now_iso, prepare_out_dir, write_manifest
from sim.scenario import Problem, ScenarioError

AUTO = "auto"
AUTO_MIN_REPS = 20  # first look of --reps auto
AUTO_MAX_REPS = 200  # its cap


@dataclass(frozen=True)
class RunOutput:
    out_dir: Path
    experiment: Experiment
    tables: Tables
    investments: pd.DataFrame
    operations: pd.DataFrame
    uncertainty: Uncertainty
    replications_note: str = ""  # why --reps auto stopped where it did


@dataclass(frozen=True)
class CompareOutput:
    run: RunOutput
    ranked: pd.DataFrame  # comparison table, best median NPV first
    tei_best: pd.DataFrame  # annual business case of the best alternative (mean over replications)
    crn_factor: float  # variance reduction of the paired design for the best alternative


def run_scenarios(paths: list[str | Path], replications: int | str | None = None, seed: int | None = None,
                  out: Path | None = None, workers: int | None = None, overwrite: bool = False,
                  on_start: Callable[[int], None] | None = None,
                  on_done: Callable[[ArmRun], None] | None = None, need_investment: bool = False,
                  scheduler: str | None = None) -> RunOutput:
    """Run the baseline and every investment found in ``paths`` and write ``results/<run_id>/``.

    Args:
        paths: scenario files describing one world (a baseline and/or investments extending it).
        replications, seed: override the first file's settings; ``replications="auto"`` adds
            replications until the choice is settled (:mod:`sim.appraisal.reps_auto`), within a cap.
        out: results folder (default ``results/<run_id>``).
        workers: worker processes (default: one per CPU, at most one per task).
        overwrite: replace an existing results folder.
        on_start: called with the number of tasks before running (progress bars).
        on_done: called after each finished (arm, replication).
        need_investment: refuse, before anything runs, files that hold no investment (``sim compare``).
        scheduler: run on Dask: a scheduler address, or "local" for a LocalCluster of ``workers``
            processes (:mod:`sim.run.executors`); results are identical to a local run.
    """
    auto = replications == AUTO
    exp = load_experiment(paths, AUTO_MAX_REPS if auto else replications, seed)
    if need_investment and not exp.investments:
        raise ScenarioError([Problem(str(paths[0]), 0, "investment", "nothing to compare: give at least one investment "
                                     "file (a scenario with an investment section) after the baseline")])
    with experiment_executor(exp.world, len(exp.tasks()), workers, scheduler) as executor:
        return _run_and_write(exp, out, overwrite, auto, executor, on_start, on_done)


def _run_and_write(exp: Experiment, out: Path | None, overwrite: bool, auto: bool, executor,
                   on_start: Callable[[int], None] | None, on_done: Callable[[ArmRun], None] | None) -> RunOutput:
    """Run the experiment on ``executor`` and write its results folder (the manifest tells how it ended)."""
    out_dir, run_id = prepare_out_dir(out, exp, overwrite)
    started = now_iso()
    write_manifest(out_dir, manifest(exp, run_id, "running", started, glossary=GLOSSARY))
    if on_start:
        on_start(len(exp.tasks()))
    note = ""
    try:
        if auto:
            exp, runs, note = run_until_settled(exp, None, on_done, executor)
        else:
            runs = run_experiment(exp, on_done=on_done, executor=executor)
        tables = build_tables(exp, runs)
        write_tables(out_dir, tables)
        unc = summarise(tables.runs, exp.world, exp.investments)
        write_uncertainty(out_dir, unc)
        write_run_decision(out_dir, tables.runs, tables.monthly, exp.world, exp.investments, unc.evppi)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the workers are stopped; say so in the folder and on the terminal
        write_manifest(out_dir, manifest(exp, run_id, "interrupted", started, now_iso(), glossary=GLOSSARY))
        raise Interrupted(f"{out_dir}: stopped before the results were written; its manifest says 'interrupted'. "
                          "Run the command again (with --overwrite for this folder) to start over.") from None
    except BaseException as e:
        write_manifest(out_dir, manifest(exp, run_id, "failed", started, now_iso(), glossary=GLOSSARY, error=repr(e)))
        raise
    unstable = int(tables.runs["unstable_months"].sum())
    write_manifest(out_dir, manifest(exp, run_id, "complete", started, now_iso(), glossary=GLOSSARY, unstable_months=unstable,
                                     replications_rule=note or "fixed", evpi_usd=unc.evpi_usd,
                                     uncertainty_notes=unc.notes))
    return RunOutput(out_dir, exp, tables, investment_summary(tables.runs, exp.world.horizon_months),
                     operations_summary(tables.runs), unc, note)


def run_until_settled(exp: Experiment, workers: int | None, on_done: Callable[[ArmRun], None] | None,
                      executor=None) -> tuple[Experiment, list[ArmRun], str]:
    """``--reps auto``: add replications at the looks of the stopping rule until the choice is settled.

    Returns the experiment with the replications actually run, the runs and why it stopped. Every
    look runs on ``executor`` when given (else on ``workers`` processes started for that look).
    """
    runs: list[ArmRun] = []
    done = 0
    for look in look_schedule(AUTO_MIN_REPS, exp.replications):
        runs += run_experiment(exp, workers=workers, on_done=on_done, replications=range(done, look), executor=executor)
        done = look
        nb, options, _ = decision_table(build_tables(replace(exp, replications=done), runs).runs)
        if len(options) < 2:
            return replace(exp, replications=done), runs, f"nothing to choose between: ran the minimum of {done} replications"
        stop, reason = should_stop(nb, min_reps=AUTO_MIN_REPS, max_reps=exp.replications, option_names=options)
        if stop:
            break
    return replace(exp, replications=done), runs, reason


def compare_scenarios(paths: list[str | Path], replications: int | str | None = None, seed: int | None = None,
                      out: Path | None = None, workers: int | None = None, overwrite: bool = False,
                      on_start: Callable[[int], None] | None = None,
                      on_done: Callable[[ArmRun], None] | None = None, scheduler: str | None = None) -> CompareOutput:
    """``sim run`` plus the ranked comparison (``comparison.parquet`` / ``.csv``) and the TEI table."""
    run = run_scenarios(paths, replications, seed, out, workers, overwrite, on_start, on_done, need_investment=True,
                        scheduler=scheduler)
    ranked = comparison(run.tables.runs)
    atomic_write_parquet(ranked, run.out_dir / "comparison.parquet")
    atomic_write_bytes(run.out_dir / "comparison.csv", ranked.to_csv(index=False).encode())
    best = str(ranked["arm"].iloc[0])
    return CompareOutput(run, ranked, tei_summary(run.tables.tei, best),
                         crn_variance_reduction(run.tables.runs, run.tables.monthly, best, run.experiment.world.discount_rate_annual))
