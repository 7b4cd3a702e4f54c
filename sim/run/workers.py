"""Worker processes that never outlive the command that started them.

A pool's workers are separate processes: when their parent is killed (SIGKILL, the OOM killer),
nothing tells them to stop, and they would run on, holding memory and CPUs. :func:`die_with_parent`
is the initializer of every local pool (``sim run``'s and the sweep's): on Linux the kernel kills
the worker when its parent dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``); elsewhere, and as a
backstop for the moment before ``prctl`` takes effect, a daemon thread polls ``os.getppid()``.
Workers also ignore Ctrl-C, which the terminal sends to the whole process group: the parent decides
what stops (and workers print no traceback); :func:`sigint_ignored` extends that to the second or
two a spawned worker spends importing before its initializer runs. :func:`stop_pool` ends a
standard-library pool at once.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
POLL_S = 0.5


def _watch(parent_pid: int, poll_s: float) -> None:
    while True:
        time.sleep(poll_s)
        if os.getppid() != parent_pid:
            os._exit(1)


def die_with_parent(parent_pid: int, poll_s: float = POLL_S) -> None:
    """Pool initializer: this worker exits when process ``parent_pid`` dies, and ignores Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before prctl
        os._exit(1)
    threading.Thread(target=_watch, args=(parent_pid, poll_s), daemon=True, name="sim-parent-watch").start()


@contextmanager
def sigint_ignored():
    """Processes started inside ignore Ctrl-C from their first instruction (the disposition is inherited)."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: the initializer alone does it
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def stop_pool(pool) -> None:
    """Stop a ``concurrent.futures.ProcessPoolExecutor`` now: cancel what waits, terminate what runs."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        if p.is_alive():
            p.terminate()
    for p in processes:
        p.join(timeout=5)
        if p.is_alive():
            p.kill()
