"""Scenario × investment × replication: the arms to run, and running them on an executor.

Each (arm, replication) is an independent task whose randomness depends only on the root seed
and the replication index (:mod:`sim.streams`), so results are bit-identical whatever runs them —
this process, a local pool of any size, a Dask cluster — and in whatever order tasks finish: runs
are put back in (replication, arm) order before anything reads them. Tasks go to an executor
(:mod:`sim.run.executors`); a task whose worker process dies (killed, out of memory) is submitted
again, on a fresh worker, up to ``MAX_ATTEMPTS`` times in all, then the command fails naming the
arm and replication (:class:`RunFailed`); an exception raised by the simulation itself is raised
at once. Mesa 3.3 models are not garbage-collected promptly, so each run frees its model's
arrays when done (``CustomerModel.close``) and local workers are recycled.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sim.run.executors import RunFailed, make_executor
from sim.run.harvest import plan_harvest
from sim.run.month_loop import ArmRun, run_arm
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
    harvest_plans: tuple[dict, ...] = ()  # what each harvest: cost investment re-planned (sim.run.harvest)

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
    come from the first file unless given. An investment with ``harvest: cost`` gets its
    re-planned schedule here, once (:func:`sim.run.harvest.plan_harvest`).
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
    world = first.world()
    root = root_seed if root_seed is not None else first.seed
    investments, plans = [], []
    for sc in scenarios:
        if sc.investment is not None:
            inv, plan = plan_harvest(world, sc.investment, root)
            investments.append(inv)
            plans += [plan.as_dict()] if plan is not None else []
    return Experiment(
        world=world,
        investments=tuple(investments),
        replications=replications if replications is not None else first.replications,
        root_seed=root,
        sources=tuple(paths),
        harvest_plans=tuple(plans),
    )


MAX_ATTEMPTS = 3  # a task whose worker dies is run at most this many times (Dask retries within each of ours too)
Task = Callable[..., ArmRun]  # (world, investment or None, replication, root seed) -> the run


def default_workers(n_tasks: int) -> int:
    return max(1, min(n_tasks, os.cpu_count() or 1))


@contextmanager
def experiment_executor(world: Scenario, n_tasks: int, workers: int | None = None, scheduler: str | None = None) -> Iterator:
    """The executor for a command's runs, opened once and closed (or, on an error or Ctrl-C, stopped) after.

    ``scheduler``: a Dask address or "local" (a LocalCluster of ``workers`` processes); otherwise a
    local pool of ``workers`` processes (default one per CPU, at most one per task, at most as many
    as memory holds), or this process itself for one worker. Commands that run several experiments
    (break-even, staffing, ``--reps auto``) share one, so workers start once.
    """
    workers = default_workers(n_tasks) if workers is None else max(1, workers)
    if not scheduler:
        workers = min(workers, parallel_runs(world))  # as many runs at once as memory holds
    executor = make_executor(workers, scheduler, inline=True)
    try:
        yield executor
    except BaseException:  # Ctrl-C, SIGTERM, a failed run: stop every worker now, not after the queue drains
        executor.close(abort=True)
        raise
    executor.close()


def run_experiment(exp: Experiment, workers: int | None = None, on_done: Callable[[ArmRun], None] | None = None,
                   replications: range | None = None, executor=None, scheduler: str | None = None,
                   task: Task = run_arm) -> list[ArmRun]:
    """Run every (arm, replication); returns runs sorted by (replication, arm order).

    Args:
        exp: the experiment.
        workers: processes to use; 1 runs in this process (handy for debugging and profiling).
        on_done: called in this process after each finished run (progress bars).
        replications: only these replications (default: all of ``exp``), to add replications in batches.
        executor: an open executor to use (:func:`experiment_executor`); default: one for this call only.
        scheduler: a Dask scheduler address or "local", when no ``executor`` is given.
        task: the function run for each (arm, replication): ``run_arm``, or a stand-in with its
            signature (picklable by reference, e.g. to test what happens when a worker dies).
    """
    tasks = exp.tasks(replications)
    if executor is None:
        with experiment_executor(exp.world, len(tasks), workers, scheduler) as own:
            return run_experiment(exp, on_done=on_done, replications=replications, executor=own, task=task)
    runs: list[ArmRun] = []
    attempts = [1] * len(tasks)

    def submit(i: int):
        inv, rep = tasks[i]
        return executor.submit(task, exp.world, inv, rep, exp.root_seed)

    pending = {submit(i): i for i in range(len(tasks))}
    while pending:
        for fut in executor.as_completed(list(pending)):
            i = pending.pop(fut)
            try:
                run = fut.result()
            except Exception as exc:
                executor.after_failure(exc)
                if executor.classify(exc) != "crash":
                    raise
                if attempts[i] >= MAX_ATTEMPTS:
                    inv, rep = tasks[i]
                    raise RunFailed(f"arm '{inv.name if inv else 'baseline'}', replication {rep}: {executor.describe(exc)} "
                                    f"on each of {attempts[i]} attempts (on {executor.name} workers). "
                                    "Out of memory? Try fewer --workers.") from None
                attempts[i] += 1
                pending[submit(i)] = i
                continue
            runs.append(run)
            if on_done:
                on_done(run)
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
