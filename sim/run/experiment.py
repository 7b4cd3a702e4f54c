"""Scenario × investment × replication: the arms to run, and running them on a local process pool.

Each (arm, replication) is an independent task whose randomness depends only on the root seed
and the replication index, so results are bit-identical whatever the number of workers or the
order in which tasks finish. Mesa 3.3 models are not garbage-collected (FACTS.md §6), so each
run frees its model's arrays when done (``CustomerModel.close``); worker recycling with
``max_tasks_per_child`` is avoided because it deadlocks on Python 3.11 (CPython gh-115634).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from sim.run.month_loop import ArmRun, run_arm
from sim.run.workers import die_with_parent, sigint_ignored, stop_pool
from sim.scenario import Investment, Problem, Scenario, ScenarioError, load_scenario
from sim.scenario.footprint import parallel_runs
from sim.types import Arm


@dataclass(frozen=True)
class Experiment:
    """A world, the alternatives to compare with it, and how many replications of each."""

    world: Scenario
    investments: tuple[Investment, ...]
    replications: int
    root_seed: int
    sources: tuple[str, ...] = ()
    include_baseline: bool = True

    @property
    def arms(self) -> list[str]:
        return [Arm.BASELINE.value] + [inv.name for inv in self.investments]

    def tasks(self, replications: range | None = None) -> list[tuple[Investment | None, int]]:
        """(investment or None for the baseline, replication) of every run, replication-major."""
        arms = (None, *self.investments) if self.include_baseline else self.investments
        return [(inv, r) for r in (replications or range(self.replications)) for inv in arms]


def build_experiment(scenarios: list[Scenario], paths: list[str], replications: int | None = None,
                     root_seed: int | None = None) -> Experiment:
    """Gather the arms of several scenario files that describe the same world.

    Files may be the baseline itself (no investment) or investments that extend it. All must
    describe the same world, otherwise the comparison would not be paired; seed and replications
    come from the first file unless given.
    """
    if not scenarios:
        raise ValueError("no scenario given")
    first = scenarios[0]
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for sc, path in zip(scenarios, paths):
        if sc.world_hash() != first.world_hash():
            problems.append(Problem(path, 0, "", f"describes a different world from {paths[0]}: "
                                    "every file in one run must share the baseline (extend the same file, "
                                    "change only its investment)"))
        if sc.investment is not None:
            if sc.investment.name in seen:
                problems.append(Problem(path, 0, "investment.name",
                                        f"'{sc.investment.name}' is also the name of the investment in {seen[sc.investment.name]}"))
            seen[sc.investment.name] = path
    if problems:
        raise ScenarioError(problems)
    return Experiment(
        world=first.world(),
        investments=tuple(sc.investment for sc in scenarios if sc.investment is not None),
        replications=replications if replications is not None else first.replications,
        root_seed=root_seed if root_seed is not None else first.seed,
        sources=tuple(paths),
    )


def _run_task(world: Scenario, investment: Investment | None, replication: int, root_seed: int) -> ArmRun:
    return run_arm(world, investment, replication, root_seed)


def default_workers(n_tasks: int) -> int:
    return max(1, min(n_tasks, os.cpu_count() or 1))


def run_experiment(exp: Experiment, workers: int | None = None,
                   on_done: Callable[[ArmRun], None] | None = None, replications: range | None = None) -> list[ArmRun]:
    """Run every (arm, replication); returns runs sorted by (replication, arm order).

    Args:
        exp: the experiment.
        workers: processes to use; 1 runs in this process (handy for debugging and profiling).
        on_done: called in this process after each finished run (progress bars).
        replications: only these replications (default: all of ``exp``), to add replications in batches.
    """
    tasks = exp.tasks(replications)
    workers = default_workers(len(tasks)) if workers is None else max(1, workers)
    workers = min(workers, parallel_runs(exp.world))  # as many runs at once as memory holds
    runs: list[ArmRun] = []
    if workers == 1:
        for inv, rep in tasks:
            run = _run_task(exp.world, inv, rep, exp.root_seed)
            runs.append(run)
            if on_done:
                on_done(run)
    else:
        ctx = mp.get_context("spawn")  # Mesa switches to spawn anyway; be explicit and portable
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=die_with_parent, initargs=(os.getpid(),))
        try:
            with sigint_ignored():  # the workers start here, one per submit
                futures = [pool.submit(_run_task, exp.world, inv, rep, exp.root_seed) for inv, rep in tasks]
            for fut in as_completed(futures):
                run = fut.result()
                runs.append(run)
                if on_done:
                    on_done(run)
        except BaseException:  # Ctrl-C, SIGTERM, a failed run: stop every worker now, not after the queue drains
            stop_pool(pool)
            raise
        pool.shutdown(wait=True)
    order = {name: i for i, name in enumerate(exp.arms)}
    return sorted(runs, key=lambda r: (r.replication, order[r.arm]))


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
