"""Stand-ins for ``run_arm`` that kill their own worker process (importable by spawned and Dask workers)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from sim.run.month_loop import run_arm


class KillsItsWorker:
    """``run_arm``, except that the run of ``arm`` × ``replication`` SIGKILLs its own worker process on
    its first attempt (or on every attempt with ``always=True``). Each attempt leaves a mark in ``marks``."""

    def __init__(self, marks: str, arm: str, replication: int, always: bool = False) -> None:
        self.marks, self.arm, self.replication, self.always = marks, arm, replication, always

    def __call__(self, world, investment, replication, root_seed):
        arm = investment.name if investment is not None else "baseline"
        if (arm, replication) == (self.arm, self.replication):
            Path(self.marks, f"{arm}-{replication}-{time.time_ns()}").touch()
            if self.always or attempts(self.marks, arm, replication) == 1:
                os.kill(os.getpid(), signal.SIGKILL)
        return run_arm(world, investment, replication, root_seed)


def attempts(marks: str | Path, arm: str, replication: int) -> int:
    return sum(p.name.startswith(f"{arm}-{replication}-") for p in Path(marks).iterdir())
