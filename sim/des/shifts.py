"""Agents following the schedule, working off the month's queue after month end, and the end of the run.

A mixin of :class:`sim.des.centre.Centre`. Every interval of the schedule's grid each group is set
to its scheduled number of agents. After the month ends, a group keeps its scheduled agents only
while live contacts of the month wait for it (up to ``DRAIN_LIMIT_S``), and an agent who finds
nothing to do goes home; all of that time counts as staffed time, so occupancy stays <= 100 %.
When the drain limit is reached, live contacts still waiting are closed as unserved.
"""

from __future__ import annotations

from simpy.events import NORMAL, URGENT

from sim.des.states import CH, HELD, MESSAGE, QUEUED, STATE, UNSERVED, WAITING, Due


class Shifts:
    """Shift changes, the after-month drain and the close of the run (mixin of the centre)."""

    def start_shifts(self) -> None:
        """Start the shift changes at t = 0, exactly where (and with the priority) SimPy would start
        a process: they are a chain of one reused timer, not a generator, so each interval costs a
        callback rather than a generator resume and a new ``Timeout``. Event order is unchanged."""
        self._shift_event = Due(self.on_shift, 0.0, None)
        self.schedule(self._shift_event, URGENT, 0)

    def _shift(self, ev: Due) -> None:
        """One interval of the schedule's grid: every group to its target; then wait one interval."""
        now = ev.at
        if now >= self.close_s:
            return
        if self.leg_store.due():  # finished legs become table columns (memory; nothing else changes)
            self.leg_store.pack()
        draining = now >= self.horizon_s
        w = self.cal.slot(now)[1]
        staff = self.cal.staff
        for floor in self.groups:
            target = staff[floor.code][w]
            if draining and not self._live_waiting(floor.queues):
                target = 0
            for a in floor.set_staff(target, now):
                self._find_work(floor, a, now)
        if draining and not self.held and not any(f.busy for f in self.groups) and not self._live_waiting():
            return
        step = self.cal.step_s
        ev.callbacks, ev.at = self.on_shift, now + step
        self.schedule(ev, NORMAL, step)

    def _call_in(self, c: int, reason: int, now: float) -> None:
        """After month end a live contact joined a queue: bring in the scheduled agents who serve it."""
        for floor in self.route[c][reason]:
            target = max(floor.on_floor, self.cal.target(floor.code, now))
            for a in floor.set_staff(target, now):
                self._find_work(floor, a, now)

    def _live_waiting(self, queues=None) -> bool:
        queues = [*self.all_queues, self.l2_queue] if queues is None else queues
        return any(q.realtime and any(WAITING[leg[STATE]] for leg in q.items) for q in queues)

    def close_run(self, _ev=None) -> None:
        """The drain limit: live contacts still waiting (or held for an opening) become unserved."""
        realtime = [c.realtime for c in self.spec.channels]
        for leg in self.legs:
            if leg is None:  # packed: it had finished
                continue
            s = leg[STATE]
            if (s == QUEUED or s == HELD) and realtime[leg[CH]] and not leg[MESSAGE]:
                leg[STATE] = UNSERVED
