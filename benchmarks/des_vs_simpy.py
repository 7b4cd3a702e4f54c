"""CPU time per contact of our DES vs a bare SimPy M/M/c+M model, same contacts, same process.

Both serve identical Erlang-A contacts (Poisson arrivals 100/h, exponential handle time 5 min and
patience 3 min, 10 agents). The reference is the textbook SimPy model: a Resource, one process per
customer, ``request | timeout(patience)``. Ours adds hourly shifts, per-contact records and the
FCR draw. Reported: best-of-N CPU time per contact for each, and their ratio (goal ≤ 1.5).

Usage: python benchmarks/des_vs_simpy.py [--days 10] [--repeats 5]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import simpy

from sim.des import ContactBatch, QueueSpec, simulate_month


def bare_simpy(arrival: np.ndarray, patience: np.ndarray, work: np.ndarray, agents: int) -> int:
    env = simpy.Environment()
    res = simpy.Resource(env, capacity=agents)
    answered = [0]

    def customer(i):
        with res.request() as req:
            got = yield req | env.timeout(patience[i])
            if req in got:
                answered[0] += 1
                yield env.timeout(work[i])

    def source():
        for i, t in enumerate(arrival):
            yield env.timeout(t - env.now)
            env.process(customer(i))

    env.process(source())
    env.run()
    return answered[0]


def cpu(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    rng = np.random.default_rng(2026)
    horizon = args.days * 86_400.0
    n = rng.poisson(100 / 3600 * horizon)
    arrival = np.sort(rng.random(n) * horizon)
    patience, work = rng.exponential(180.0, n), rng.exponential(300.0, n)
    batch = ContactBatch.simple(np.arange(n), np.zeros(n, np.int8), arrival, patience, work, rng.random(n))
    spec = [QueueSpec((10,) * 24, 20.0, 0.8)]
    a_l, p_l, w_l = arrival.tolist(), patience.tolist(), work.tolist()

    ref = cpu(lambda: bare_simpy(a_l, p_l, w_l, 10), args.repeats)
    ours = cpu(lambda: simulate_month(batch, spec, args.days), args.repeats)
    print(f"contacts per run          : {n:,}")
    print(f"bare SimPy M/M/c+M        : {ref / n * 1e6:6.2f} µs CPU per contact")
    print(f"sim.des.simulate_month    : {ours / n * 1e6:6.2f} µs CPU per contact")
    print(f"ratio ours / bare SimPy   : {ours / ref:6.2f}  (goal <= 1.5)")


if __name__ == "__main__":
    main()
