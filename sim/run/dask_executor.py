"""Tasks on a Dask distributed cluster (``pip install 'sim[cluster]'``): the executor behind ``--scheduler``.

A scheduler address (``tcp://host:8786``), or ``"local"`` for a LocalCluster on this machine (one
single-threaded worker process per ``--workers``, statistical profiler off). Dask reschedules the
tasks of a worker that dies; after three deaths it gives up with ``KilledWorker`` (a ``"crash"``
here, which the caller may retry once more). A task past its time limit raises
:class:`BatchTimeout` on its worker, whose process is then restarted to stop the stray thread. A
cluster that has had no worker at all for ``NO_WORKERS_GRACE_S`` ends the command instead of
letting it wait forever. The interface is :mod:`sim.run.executors`'.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator

from sim.scenario import Problem, ScenarioError

NO_WORKERS_GRACE_S = 120.0  # a Dask cluster without any worker this long ends the command (a sweep is resumable)


class BatchTimeout(Exception):
    """A batch ran past its time limit (raised on a Dask worker; carries that worker's address)."""

    def __init__(self, seconds: float, worker: str = "") -> None:
        super().__init__(f"ran past its time limit of {seconds:g} s")
        self.seconds, self.worker = seconds, worker


def _with_deadline(fn: Callable, timeout_s: float | None, *args):
    """Run ``fn(*args)`` on a Dask worker, raising :class:`BatchTimeout` if it runs too long."""
    if timeout_s is None:
        return fn(*args)
    box: dict = {}

    def target() -> None:
        try:
            box["value"] = fn(*args)
        except BaseException as e:  # handed back to the caller's thread
            box["error"] = e

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(timeout_s)
    if t.is_alive():
        from distributed import get_worker

        raise BatchTimeout(timeout_s, get_worker().address)
    if "error" in box:
        raise box["error"]
    return box["value"]


class DaskExecutor:
    """Batches on a Dask distributed cluster (an address such as tcp://host:8786, or "local")."""

    name = "dask"

    def __init__(self, address: str, workers: int | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ScenarioError([Problem("--scheduler", 0, address,
                                         "Dask is not installed: pip install distributed (the sim[cluster] extra)")]) from None
        self._cluster, self.address = None, address
        quiet = logging.getLogger("distributed")  # Dask sets INFO on its own loggers: no more chatter than SIM_LOG asks for
        quiet.setLevel(max(quiet.getEffectiveLevel(), logging.getLogger().getEffectiveLevel()))
        try:
            if address == "local":
                import dask

                # the statistical profiler samples every task's stack every 10 ms: CPU a sweep needs
                with dask.config.set({"distributed.worker.profile.enabled": False}):
                    self._cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                                                 dashboard_address=":0",  # any free port: never clashes
                                                 silence_logs=logging.ERROR)  # no INFO chatter on the user's terminal
                self._client = Client(self._cluster)
            else:
                self._client = Client(address, timeout="10s")
        except (OSError, TimeoutError, ValueError) as e:
            raise ScenarioError([Problem("--scheduler", 0, address, f"cannot reach the Dask scheduler ({e})")]) from None
        try:
            self._client.wait_for_workers(1, timeout=NO_WORKERS_GRACE_S)
        except TimeoutError:
            self.close()
            raise ScenarioError([self._no_workers()]) from None
        self.workers = max(1, sum(self._client.nthreads().values()))

    def _no_workers(self) -> Problem:
        return Problem("--scheduler", 0, self.address, f"the Dask cluster has had no workers for {NO_WORKERS_GRACE_S:.0f} s; "
                       "start workers and re-run the same command (finished runs are kept)")

    def scatter(self, obj):
        """Send a large shared argument (the model) to every worker once per attempt (a restarted
        worker has lost what it was sent before)."""
        try:
            return self._client.scatter(obj, broadcast=True, hash=False, timeout=NO_WORKERS_GRACE_S)
        except TimeoutError:
            raise ScenarioError([self._no_workers()]) from None

    def submit(self, fn: Callable, *args, timeout_s: float | None = None):
        return self._client.submit(_with_deadline, fn, timeout_s, *args, pure=False)

    def as_completed(self, futures: Iterable) -> Iterator:
        """Futures as they finish; gives up (nothing lost: finished runs are on disk) if the cluster
        has had no worker at all for ``NO_WORKERS_GRACE_S`` — the sweep never waits forever."""
        from distributed import as_completed

        pending, idle_since, checked = as_completed(list(futures)), None, time.monotonic()
        while not pending.is_empty():
            if pending.has_ready():
                yield from pending.next_batch(block=False)
                continue
            time.sleep(0.05)
            if time.monotonic() - checked < 2.0:
                continue
            checked = time.monotonic()
            if self._client.nthreads():
                idle_since = None
            elif (idle_since := idle_since or checked) < checked - NO_WORKERS_GRACE_S:
                raise ScenarioError([self._no_workers()])

    def classify(self, exc: BaseException) -> str:
        from distributed import KilledWorker

        if isinstance(exc, KilledWorker):
            return "crash"
        if isinstance(exc, BatchTimeout):
            return "timeout"
        return "error"

    def describe(self, exc: BaseException) -> str:
        from distributed import KilledWorker

        if isinstance(exc, KilledWorker):
            return "worker process died (Dask gave up after repeated worker deaths)"
        if isinstance(exc, BatchTimeout):
            return str(exc)
        return f"{type(exc).__name__}: {exc}"

    def after_failure(self, exc: BaseException) -> None:
        """A timed-out batch leaves a thread running on its worker: restart that worker's process."""
        if isinstance(exc, BatchTimeout) and exc.worker:
            try:
                self._client.restart_workers([exc.worker], raise_for_error=False)
            except Exception:  # best effort: a worker without a nanny cannot be restarted
                pass

    def close(self, abort: bool = False) -> None:
        """Disconnect (tasks still queued for this client are released either way)."""
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
