"""Models with known answers for testing the sweep machinery (importable by spawned workers)."""

from __future__ import annotations

import math
import os
import signal
import time
from pathlib import Path

import numpy as np


class Ishigami:
    """Ishigami & Homma (1990): S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437) for a=7, b=0.1."""

    key = "ishigami"

    def evaluate(self, values, replication, root_seed):
        x1, x2, x3 = values["x1"], values["x2"], values["x3"]
        return {"y": math.sin(x1) + 7 * math.sin(x2) ** 2 + 0.1 * x3**4 * math.sin(x1)}


class Noisy:
    """y = x + noise drawn from (root seed, replication, x); fails for x above ``fail_above``; can be slow."""

    def __init__(self, fail_above: float = math.inf, sleep_s: float = 0.0, attempts_dir: str | None = None) -> None:
        self.fail_above, self.sleep_s, self.attempts_dir = fail_above, sleep_s, attempts_dir
        self.key = f"noisy-{fail_above}"

    def evaluate(self, values, replication, root_seed):
        x = values["x"]
        if self.attempts_dir:
            Path(self.attempts_dir, f"{x:.12f}-{replication}-{time.time_ns()}").touch()
        if self.sleep_s:
            time.sleep(self.sleep_s)
        if x > self.fail_above:
            raise RuntimeError(f"model failed at x={x:.3f}")
        rng = np.random.default_rng([root_seed, replication, int(x * 1e9)])
        return {"y": x + rng.normal()}


class Saboteur(Noisy):
    """Noisy, except that at x == ``at`` the run kills its own worker process (``mode="kill"``) or
    hangs (``mode="hang"``) — on its first attempt only, or always with ``always=True``."""

    def __init__(self, at: float, mode: str, marks_dir: str, always: bool = False) -> None:
        super().__init__(attempts_dir=marks_dir)
        self.at, self.mode, self.always = at, mode, always
        self.key = f"saboteur-{at}-{mode}-{always}"

    def evaluate(self, values, replication, root_seed):
        out = super().evaluate(values, replication, root_seed)  # leaves an attempt mark
        tried = [p for p in Path(self.attempts_dir).iterdir() if p.name.startswith(f"{values['x']:.12f}-")]
        if abs(values["x"] - self.at) < 1e-12 and (self.always or len(tried) == 1):
            if self.mode == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(120)
        return out


class Box:
    """y = 1 inside x1 > 0.6 and x2 < 0.3 (x3 irrelevant): the box scenario discovery must find."""

    key = "box"

    def evaluate(self, values, replication, root_seed):
        return {"y": float(values["x1"] > 0.6 and values["x2"] < 0.3)}
