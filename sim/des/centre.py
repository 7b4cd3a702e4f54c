"""The SimPy contact centre: one FCFS human queue per channel, hourly shifts, abandonment.

Each contact is a SimPy process that asks its channel's agent pool for an agent and gives up when
its patience runs out first. The number of agents on the floor follows the channel's hourly
schedule: agents join at the hour, and an agent whose shift ends finishes the contact in hand
before leaving. Everything stays inside SimPy's event loop; state lives in the objects created
per call, never at module level.
"""

from __future__ import annotations

import math

import numpy as np
import simpy

from sim.des.contacts import (
    HOURS_PER_DAY,
    SECONDS_PER_DAY,
    SECONDS_PER_HOUR,
    ContactBatch,
    ContactRecords,
    QueueSpec,
)

#: Contacts still queued this long after the end of the month are closed as unserved, so that
#: unstable settings (demand above capacity, no abandonment) finish in bounded time and memory.
DRAIN_LIMIT_S = 2 * SECONDS_PER_DAY


class AgentPool:
    """Agents of one channel; ``set_staff`` follows the schedule, ``release`` ends a contact."""

    def __init__(self, env: simpy.Environment) -> None:
        self.store = simpy.Store(env)
        self.present = 0  # idle + busy agents on the floor
        self.leaving = 0  # busy agents whose shift has ended

    def set_staff(self, target: int) -> None:
        effective = self.present - self.leaving
        if target > effective:
            grow = target - effective
            stay = min(grow, self.leaving)
            self.leaving -= stay
            for _ in range(grow - stay):
                self.present += 1
                self.store.put(1)
        elif target < effective:
            shrink = effective - target
            idle_leave = min(shrink, len(self.store.items))
            del self.store.items[:idle_leave]
            self.present -= idle_leave
            self.leaving += shrink - idle_leave

    def release(self) -> None:
        if self.leaving:
            self.leaving -= 1
            self.present -= 1
        else:
            self.store.put(1)


class _Run:
    """State of one simulated month (created per call)."""

    def __init__(self, batch: ContactBatch, queues: list[QueueSpec], horizon_s: float) -> None:
        self.env = simpy.Environment()
        self.batch = batch
        self.queues = queues
        self.horizon_s = horizon_s
        self.pools = [AgentPool(self.env) for _ in queues]
        n = len(batch)
        self.wait = [math.nan] * n
        self.start = [math.nan] * n
        self.handle = [math.nan] * n
        self.answered = [False] * n
        self.outstanding = n

    def shifts(self):
        hour = 0
        close = self.horizon_s + DRAIN_LIMIT_S
        while self.env.now < close and (self.env.now < self.horizon_s or self.outstanding):
            for pool, q in zip(self.pools, self.queues):
                pool.set_staff(q.agents_by_hour[hour % HOURS_PER_DAY])
            hour += 1
            yield self.env.timeout(SECONDS_PER_HOUR)

    def source(self, order: np.ndarray):
        env = self.env
        arrival = self.batch.arrival_s
        for i in order.tolist():
            dt = arrival[i] - env.now
            if dt > 0:
                yield env.timeout(dt)
            env.process(self.contact(i))

    def contact(self, i: int):
        env = self.env
        ch = int(self.batch.channel[i])
        pool = self.pools[ch]
        t0 = env.now
        get = pool.store.get()
        if not get.triggered:
            patience = float(self.batch.patience_s[i])
            if math.isinf(patience):
                yield get
            else:
                yield get | env.timeout(patience)
                if not get.triggered:
                    get.cancel()
                    self.wait[i] = env.now - t0
                    self.outstanding -= 1
                    return
        self.wait[i] = env.now - t0
        self.start[i] = env.now
        handle = float(self.batch.work_s[i]) * self.queues[ch].handle_multiplier
        self.handle[i] = handle
        self.answered[i] = True
        self.outstanding -= 1
        yield env.timeout(handle)
        pool.release()


def simulate_month(batch: ContactBatch, queues: list[QueueSpec], days: int) -> ContactRecords:
    """Serve one month of contacts and return one record per contact (batch order).

    Args:
        batch: the contacts offered; ``batch.channel`` indexes ``queues``.
        queues: one spec per channel code.
        days: length of the month in days (the daily shift pattern repeats).

    Contacts still waiting ``DRAIN_LIMIT_S`` after the month ends are closed as unserved.
    """
    if len(batch) and int(batch.channel.max()) >= len(queues):
        raise ValueError("a contact's channel code has no queue spec")
    horizon_s = days * SECONDS_PER_DAY
    run = _Run(batch, queues, horizon_s)
    order = np.argsort(batch.arrival_s, kind="stable")
    run.env.process(run.shifts())
    run.env.process(run.source(order))
    run.env.run(until=horizon_s + DRAIN_LIMIT_S + SECONDS_PER_HOUR)

    answered = np.array(run.answered, dtype=bool)
    wait = np.array(run.wait, dtype=float)
    unserved = np.isnan(wait)
    # Still queued at close: waited from arrival to close, counted as abandoned.
    wait[unserved] = horizon_s + DRAIN_LIMIT_S - batch.arrival_s[unserved]
    fcr = np.array([q.fcr_probability for q in queues])
    resolved = answered & (batch.resolve_u < fcr[batch.channel.astype(np.intp)]) if len(batch) else answered
    return ContactRecords(
        batch=batch,
        wait_s=wait,
        handle_s=np.array(run.handle, dtype=float),
        service_start_s=np.array(run.start, dtype=float),
        answered=answered,
        resolved=resolved,
        unserved_at_close=unserved,
    )
