"""At stationarity every 15-minute interval of a shift plan matches Erlang A.

λ = 100 calls/h all day, exponential handle time (mean 300 s) and patience (mean 180 s), SL 20 s.
A shift plan puts 10 agents on the floor 00:00-12:00 and 12 agents 12:00-24:00, run at the
15-minute resolution. Intervals in the first hour after a staffing change are skipped (transient:
the queue relaxes within minutes, an hour is many relaxation times); every other interval is
compared with Erlang A for its staffing. Tolerance: the mean over K seeds lies within 6 standard
errors (sample SE over seeds) + 0.01 absolute of theory; with K = 10 and ~80 intervals x 3 KPIs the
chance that a correct model fails one comparison is about 5 % (t(9) tail at 6 = 2e-4 per comparison).
Seeds are fixed, so the test is deterministic.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.des import CentreSpec, ChannelSpec, GroupSpec, interval_kpis, simulate_centre
from sim.des.erlang import erlang_a
from sim.scenario.schedule import ScheduleConfig, floor_by_interval
from tests.des_helpers import poisson_batch

LAM_H, AHT, PATIENCE, SL = 100.0, 300.0, 180.0, 20.0
PLAN = ScheduleConfig(shrinkage=0.0, adherence=1.0, shifts=[
    {"start": "00:00", "length_h": 12, "headcount": 10},
    {"start": "12:00", "length_h": 12, "headcount": 12},
])


def per_interval(seeds: int, days: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
    weekly = floor_by_interval(PLAN, 15, 0.0)
    spec = CentreSpec((ChannelSpec(SL, (1.0,), patience_mean_s=PATIENCE),),
                      (GroupSpec("plan", (0,), (0,) * 24, agents_by_interval=weekly),), interval_min=15)
    out = {k: [] for k in ("p_wait", "abandon_rate", "service_level")}
    for seed in range(seeds):
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(1514,))))
        rec = simulate_centre(poisson_batch(rng, LAM_H, days, AHT, PATIENCE), spec, days)
        k = interval_kpis(rec, spec, days, 15)
        for name in out:
            out[name].append(k[name])
    return {k: np.array(v) for k, v in out.items()}, np.asarray(weekly[:96])


def check(seeds: int, days: int) -> int:
    est, agents = per_interval(seeds, days)
    change = np.flatnonzero(np.diff(np.concatenate([agents[-1:], agents])) != 0)  # intervals where staffing changes
    skip = np.zeros(96, bool)
    for c in change:
        skip[c:c + 4] = True  # the first hour after a change
    theory = {n: erlang_a(LAM_H / 3600, AHT, PATIENCE, n, SL) for n in set(agents.tolist())}
    checked = 0
    for i in np.flatnonzero(~skip):
        t = theory[int(agents[i])]
        for name, expected in (("p_wait", t.p_wait), ("abandon_rate", t.p_abandon), ("service_level", t.service_level)):
            v = est[name][:, i]
            tol = 6 * v.std(ddof=1) / math.sqrt(v.size) + 0.01
            assert abs(v.mean() - expected) <= tol, f"{i * 15 // 60:02d}:{i * 15 % 60:02d} {name}: {v.mean():.4f} vs {expected:.4f} ± {tol:.4f}"
            checked += 1
    return checked


def test_each_15_minute_interval_matches_erlang_a_quick():
    """Everyday check: 4 seeds of 4 days (≈ 38k calls), the same tolerance (wider, as the SE is larger)."""
    assert check(seeds=4, days=4) == 88 * 3


@pytest.mark.slow
def test_each_15_minute_interval_matches_erlang_a():
    assert check(seeds=10, days=10) == 88 * 3
