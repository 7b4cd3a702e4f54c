"""CPU time per contact of our DES against two SimPy M/M/c+M references on the same contacts.

References, both fed the same arrivals, patience, work and hourly agent counts as our DES:

- **callback**: an efficient M/M/c+M in our DES's own style: SimPy timeouts with callbacks (one
  chain of arrival events, a service timer per answered contact, a patience timer per queued
  contact, an hourly staffing event), anonymous agents, a FIFO queue with lazy removal of
  abandoners, and each contact's wait recorded in a preallocated list.
- **textbook**: the SimPy tutorial model: a ``Resource``, one process per customer,
  ``request | timeout(patience)``; hourly staffing (where it changes) by blocker processes that hold
  off-shift agents with a ``PriorityResource``.

Cases: (a) one Erlang-A queue (100/h, AHT 5 min, patience 3 min, 10 agents, 10 days); (b) the
shipped baseline's month 1, contacts drawn by the pipeline's own draws (timed separately; our DES
also serves the bots, transfers, follow-ups and closed hours the scenario has; the references serve
each channel's contacts as an M/M/c+M with that channel's agents x chat concurrency by hour); (c) a
large centre, ~1.8M contacts a month at ~1,100 agents at the peak (2 days; 1 with --quick).
Every figure is the best of N runs of ``time.process_time`` in this run; ratios are of those.
Goals for (a): ours <= 2.0x callback and <= 0.5x textbook.

Usage: PYTHONPATH=. python benchmarks/des_vs_simpy.py [--repeats 5] [--quick]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections import deque

import numpy as np
import simpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from des_cases_bench import baseline_month, large_centre, one_queue  # noqa: E402

from sim.des import simulate_centre  # noqa: E402

HOUR_S = 3600.0


def callback_mmcm(arrival: list, patience: list, work: list, servers_by_hour: list) -> list:
    """M/M/c+M with callbacks; returns each contact's wait (NaN: abandoned)."""
    env = simpy.Environment()
    n = len(arrival)
    wait = [math.nan] * n
    waiting = bytearray(n)
    queue: deque[int] = deque()
    st = [0, servers_by_hour[0]]  # busy servers, servers on shift

    def serve(i: int, now: float) -> None:
        st[0] += 1
        wait[i] = now - arrival[i]
        env.timeout(work[i]).callbacks.append(done)

    def next_waiting() -> int:
        while queue:
            i = queue.popleft()
            if waiting[i]:
                waiting[i] = 0
                return i
        return -1

    def done(ev) -> None:
        st[0] -= 1
        if st[0] < st[1]:
            i = next_waiting()
            if i >= 0:
                serve(i, env.now)

    def expire(ev) -> None:
        waiting[ev.value] = 0

    def arrive(ev) -> None:
        i, now = ev.value, env.now
        if st[0] < st[1]:
            serve(i, now)
        else:
            waiting[i] = 1
            queue.append(i)
            if patience[i] < math.inf:
                env.timeout(patience[i], i).callbacks.append(expire)
        if i + 1 < n:
            env.timeout(arrival[i + 1] - now, i + 1).callbacks.append(arrive)

    def shift(ev) -> None:
        h = ev.value
        st[1] = servers_by_hour[h % 24]
        while st[0] < st[1]:
            i = next_waiting()
            if i < 0:
                break
            serve(i, env.now)
        if (h + 1) * HOUR_S < arrival[-1] + 2 * 86_400.0:
            env.timeout(HOUR_S, h + 1).callbacks.append(shift)

    if len(set(servers_by_hour)) > 1:
        env.timeout(HOUR_S, 1).callbacks.append(shift)
    if n:
        env.timeout(arrival[0], 0).callbacks.append(arrive)
    env.run()
    return wait


def textbook_mmcm(arrival: list, patience: list, work: list, servers_by_hour: list) -> list:
    """The SimPy tutorial's M/M/c+M; returns each contact's wait (NaN: abandoned)."""
    env = simpy.Environment()
    peak = max(servers_by_hour)
    varying = len(set(servers_by_hour)) > 1
    res = simpy.PriorityResource(env, capacity=peak) if varying else simpy.Resource(env, capacity=peak)
    wait = [math.nan] * len(arrival)

    def customer(i: int):
        with res.request() as req:
            got = yield req | env.timeout(patience[i])
            if req in got:
                wait[i] = env.now - arrival[i]
                yield env.timeout(work[i])

    def source():
        for i, t in enumerate(arrival):
            yield env.timeout(t - env.now)
            env.process(customer(i))

    def blocker(release):
        with res.request(priority=-1) as req:
            yield req
            yield release

    def shifts():
        held: list = []
        end = arrival[-1] + 2 * 86_400.0
        h = 0
        while h * HOUR_S < end:
            off = peak - servers_by_hour[h % 24]
            while len(held) < off:
                held.append(env.event())
                env.process(blocker(held[-1]))
            while len(held) > off:
                held.pop().succeed()
            h += 1
            yield env.timeout(HOUR_S)

    env.process(source())
    if varying:
        env.process(shifts())
    env.run()
    return wait


def cpu(fn, repeats: int) -> float:
    best = math.inf
    for _ in range(repeats):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def reference_inputs(batch, spec) -> list[tuple[list, list, list, list]]:
    """Per channel: (arrival, patience, work, servers by hour) of the batch's contacts, as lists."""
    out = []
    for c, ch in enumerate(spec.channels):
        rows = np.flatnonzero(batch.channel == c)
        if not rows.size:
            continue
        rows = rows[np.argsort(batch.arrival_s[rows], kind="stable")]
        servers = np.zeros(24, int)
        for g in spec.groups:
            if g.level == 1 and c in g.channels:
                servers += np.asarray(g.agents_by_hour) * ch.concurrency
        patience = batch.patience_s[rows] if ch.realtime else np.full(rows.size, math.inf)
        arrival = np.maximum(batch.arrival_s[rows], 0.0)  # backlog carried from last month waits from t = 0
        out.append((arrival.tolist(), patience.tolist(), (batch.work_s[rows] * ch.handle_multiplier).tolist(),
                    servers.tolist()))
    return out


def run_references(batch, spec, model) -> None:
    for arrival, patience, work, servers in reference_inputs(batch, spec):  # building the lists is part of the cost
        model(arrival, patience, work, servers)


def measure(name: str, batch, spec, days: int, repeats: int, draw_s: float | None = None) -> dict:
    n = len(batch)
    ours = cpu(lambda: simulate_centre(batch, spec, days), repeats)
    cb = cpu(lambda: run_references(batch, spec, callback_mmcm), repeats)
    tb = cpu(lambda: run_references(batch, spec, textbook_mmcm), max(1, repeats // 2))
    agents = np.sum([g.agents_by_hour for g in spec.groups], axis=0).max()  # on the floor at the peak hour
    return {"case": name, "contacts": n, "agents": int(agents), "ours": ours / n * 1e6, "callback": cb / n * 1e6,
            "textbook": tb / n * 1e6, "draw": None if draw_s is None else draw_s / n * 1e6}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="fewer days and repeats: under a minute")
    args = ap.parse_args()
    repeats = 2 if args.quick else args.repeats
    rows = [measure("(a) one Erlang-A queue", *one_queue(days=3 if args.quick else 10), repeats)]
    batch, spec, days, draw_s = baseline_month()
    rows.append(measure("(b) baseline month 1", batch, spec, days, repeats, draw_s))
    rows.append(measure("(c) large centre", *large_centre(days=1 if args.quick else 2), max(1, repeats // 2)))
    print(f"{'case':24s} {'contacts':>9s} {'agents':>6s} {'ours µs':>8s} {'callback':>8s} {'textbook':>8s} "
          f"{'ours/cb':>7s} {'ours/tb':>7s}")
    for r in rows:
        print(f"{r['case']:24s} {r['contacts']:>9,} {r['agents']:>6} {r['ours']:8.2f} {r['callback']:8.2f} "
              f"{r['textbook']:8.2f} {r['ours'] / r['callback']:7.2f} {r['ours'] / r['textbook']:7.2f}")
    b = rows[1]
    print(f"(b) drawing the month's contacts (propose_contacts + draw_contacts): {b['draw']:.2f} µs/contact; "
          f"ours with the draws: {b['ours'] + b['draw']:.2f} µs/contact")
    a = rows[0]
    ok = a["ours"] <= 2.0 * a["callback"] and a["ours"] <= 0.5 * a["textbook"]
    print(f"goals for (a): ours <= 2.0x callback and <= 0.5x textbook: "
          f"{a['ours'] / a['callback']:.2f}x, {a['ours'] / a['textbook']:.2f}x -> {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
