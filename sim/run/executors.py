"""Where tasks run: in this process, on a local process pool, or on a Dask cluster — one small interface.

Every command that runs replications (``sim run``, ``compare``, ``breakeven``, ``staffing``,
``sweep``) hands its tasks to one of these executors, chosen by ``--workers`` and ``--scheduler``
(:func:`make_executor`). They live in the run layer so that the experiment (:mod:`sim.run.experiment`),
the appraisal and the sweep can all use them without importing upwards; :mod:`sim.sweep.executors`
re-exports them. Each hands back ``concurrent.futures``-style futures and tells its caller *why* a
task did not return (:meth:`classify`): ``"crash"`` (its worker process died), ``"timeout"`` (it ran
past its time limit and its worker was stopped) or ``"error"`` (the task raised). Callers retry
crashes; an error is the task's own and is raised (or, in a sweep, recorded).

- Inline (:class:`InlineExecutor`): each task runs in this process when its result is asked for —
  one worker, no start-up cost, no protection against a task that crashes the interpreter.
- Local (:class:`LocalExecutor`): a pebble process pool (spawn). Workers are recycled after
  ``recycle_after`` tasks, because Mesa 3 models are not garbage-collected promptly (and the
  standard library's ``max_tasks_per_child`` deadlocks on Python 3.11, CPython gh-115634); a task
  past its time limit has its worker killed; a worker that dies is replaced and its task reported
  as crashed. Workers die with the command that started them (:func:`sim.run.workers.die_with_parent`).
- Dask distributed (:mod:`sim.run.dask_executor`, ``pip install 'sim[cluster]'``): a scheduler
  address, or ``"local"`` for a LocalCluster on this machine.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import re
import socket
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures import as_completed as cf_as_completed

from sim.run.workers import die_with_parent, sigint_ignored
from sim.scenario import Problem, ScenarioError

RECYCLE_AFTER = 200  # tasks per local worker before it is replaced by a fresh process
PROBE_S = 3.0  # how long to try a TCP connection to a scheduler before calling it unreachable
#: what Dask accepts as a scheduler address: [protocol://]host:port (a name, IPv4 or [IPv6])
ADDRESS = re.compile(r"^(?:(?P<proto>tcp|tls|ws|wss|ucx|inproc)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.\-]+)"
                     r":(?P<port>\d{1,5})/?$")


class RunFailed(RuntimeError):
    """A task could not be completed: its worker process died on every attempt (the message names the task)."""


class _Deferred:
    """A task for :class:`InlineExecutor`: it runs when its result is asked for."""

    def __init__(self, fn: Callable, args: tuple) -> None:
        self.fn, self.args = fn, args

    def result(self):
        return self.fn(*self.args)


class InlineExecutor:
    """Runs each task in this process, one after another (one worker, no time limit): no start-up
    cost, and a debugger or profiler sees the simulation; no protection against a hang or a crash."""

    name, workers = "inline", 1

    def submit(self, fn: Callable, *args, timeout_s: float | None = None) -> _Deferred:
        return _Deferred(fn, args)

    def as_completed(self, futures):
        return iter(list(futures))

    def classify(self, exc: BaseException) -> str:
        return "error"

    def describe(self, exc: BaseException) -> str:
        return f"{type(exc).__name__}: {exc}"

    def after_failure(self, exc: BaseException) -> None:
        pass

    def close(self, abort: bool = False) -> None:
        pass


class LocalExecutor:
    """A pebble process pool with spawn workers, recycling and per-task time limits."""

    name = "local"

    def __init__(self, workers: int, recycle_after: int = RECYCLE_AFTER) -> None:
        from pebble import ProcessPool

        self.workers = max(1, int(workers))
        self._pool = ProcessPool(max_workers=self.workers, max_tasks=recycle_after, context=mp.get_context("spawn"),
                                 initializer=die_with_parent, initargs=(os.getpid(),))
        self._started = False

    def submit(self, fn: Callable, *args, timeout_s: float | None = None) -> Future:
        if self._started:
            return self._pool.schedule(fn, args=args, timeout=timeout_s)
        self._started = True
        with sigint_ignored():  # the first task starts the workers: they ignore Ctrl-C from their first instruction
            return self._pool.schedule(fn, args=args, timeout=timeout_s)

    def as_completed(self, futures: Iterable[Future]) -> Iterator[Future]:
        return cf_as_completed(list(futures))

    def classify(self, exc: BaseException) -> str:
        from pebble import ProcessExpired

        if isinstance(exc, ProcessExpired):
            return "crash"
        if isinstance(exc, (TimeoutError, FuturesTimeout)):
            return "timeout"
        return "error"

    def describe(self, exc: BaseException) -> str:
        from pebble import ProcessExpired

        if isinstance(exc, ProcessExpired):
            return f"worker process died (exit code {exc.exitcode})"
        if isinstance(exc, (TimeoutError, FuturesTimeout)):
            return f"ran past its time limit of {exc.args[1]:g} s" if len(exc.args) > 1 else "ran past its time limit"
        return f"{type(exc).__name__}: {exc}"

    def after_failure(self, exc: BaseException) -> None:
        """Nothing to do: pebble has already replaced the dead or stopped worker."""

    def close(self, abort: bool = False) -> None:
        """Wait for the workers to finish (or, with ``abort``, stop them at once)."""
        if abort:
            self._pool.stop()
        else:
            self._pool.close()
        self._pool.join()


def check_scheduler(address: str) -> str:
    """``--scheduler``'s value, checked before anything runs: "local", or ``[protocol://]host:port``
    of a scheduler that accepts a TCP connection (refused or silent within ``PROBE_S``: a clear
    message and exit code 2, not a 10 s wait and a traceback)."""
    address = address.strip()
    if address == "local":
        return address
    m = ADDRESS.match(address)
    if not m or not 1 <= int(m["port"]) <= 65535:
        raise ScenarioError([Problem("--scheduler", 0, address, "not a Dask scheduler address: give 'local' (a cluster on this "
                                     "machine) or protocol://host:port, e.g. tcp://10.0.0.5:8786")])
    if (m["proto"] or "tcp") in ("tcp", "tls", "ws", "wss"):
        try:
            socket.create_connection((m["host"].strip("[]"), int(m["port"])), timeout=PROBE_S).close()
        except OSError as e:
            why = e.strerror or (f"no answer within {PROBE_S:g} s" if isinstance(e, TimeoutError) else str(e)) or type(e).__name__
            raise ScenarioError([Problem("--scheduler", 0, address, f"cannot reach the Dask scheduler ({why}); is it running, "
                                         "and is the address right?")]) from None
    return address


def make_executor(workers: int, scheduler: str | None = None, inline: bool = False):
    """The executor for ``--workers``/``--scheduler`` (or ``DASK_SCHEDULER_ADDRESS``).

    ``inline``: one worker and no scheduler runs in this process (:class:`InlineExecutor`) instead
    of on a pool of one.
    """
    address = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    if address:
        from sim.run.dask_executor import DaskExecutor

        return DaskExecutor(check_scheduler(address), workers)
    return InlineExecutor() if inline and workers <= 1 else LocalExecutor(workers)
