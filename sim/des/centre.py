"""The SimPy contact centre: bot tiers, skill-based routing, queues, agents, transfers, follow-ups.

A contact's life is a short chain of SimPy events (bot session → queue with a patience timer →
service → transfer or resolution → maybe a follow-up days later), driven by callbacks inside
SimPy's own event loop; arrivals and shift changes are each a chain of one reused event. All state
lives in the :class:`Centre` created per call. A new contact goes to the most proficient free agent
skilled for its channel and reason, else joins its queue; service and completions are in
:mod:`sim.des.service`. A contact that reaches a live channel while it is closed never joins its
queue: it comes back after the opening, switches channel or leaves a message (:mod:`sim.des.returns`).

Speed (issue 17): every contact leg is one Python list (:mod:`sim.des.states`), timers are bare
:class:`~sim.des.states.Due` events that carry their own time (no ``env.now`` calls, no
``functools.partial``), scheduled with SimPy's public ``env.schedule`` and run by ``env.run``
(an inline copy of SimPy's loop on its private queue measured no faster); the batch's hot columns are read as Python lists, not numpy scalars;
the opening-hours check is one float compare while the channel is known open
(:attr:`sim.des.calendar.Calendar.open_until`). Results are bit for bit those of the first, simpler
version (``tests/test_des_golden.py``).
"""

from __future__ import annotations

import math

import numpy as np
import simpy
from simpy.events import NORMAL, URGENT

from sim.des.agents import GroupFloor
from sim.des.arrivals import patience_factor
from sim.des.calendar import Calendar
from sim.des.contacts import SECONDS_PER_DAY, Bot, ContactBatch, U
from sim.des.legs import Legs
from sim.des.returns import REPEAT, RETRIAL, RETURN, Returns
from sim.des.service import Service, WaitQueue
from sim.des.shifts import Shifts
from sim.des.spec import CentreSpec, Closed
from sim.des.states import (
    ABANDONED,
    ABANDONED_F,
    ATTEMPT,
    BOT,
    CALLBACK,
    CH,
    CTX_LOST,
    DONE,
    MESSAGE,
    NEW,
    QUEUED,
    RESOLVED,
    ROW,
    SILENT,
    SILENT_GONE,
    STATE,
    SWITCHED,
    T_QUEUE,
    WAIT,
    Due,
)

#: Live contacts still queued this long after the month ends are closed as unserved, so unstable
#: settings (demand above capacity, no abandonment) finish in bounded time and memory.
DRAIN_LIMIT_S = 2 * SECONDS_PER_DAY
NAN = math.nan
_CALLBACK, _SILENT = int(U.CALLBACK), int(U.SILENT)  # plain ints index numpy arrays faster than IntEnum members


def column(values: np.ndarray) -> memoryview:
    """A read-only view of a 1-D array whose items are plain Python numbers."""
    return memoryview(np.ascontiguousarray(values)).toreadonly()


class Centre(Service, Returns, Shifts):
    """One simulated month (created per call to :func:`simulate_centre`)."""

    def __init__(self, batch: ContactBatch, spec: CentreSpec, days: int) -> None:
        self.env, self.b, self.spec = simpy.Environment(), batch, spec
        self.schedule = self.env.schedule
        self.cal = Calendar(spec)
        # Hot batch columns as memoryviews: indexing one gives a plain Python int or float (a numpy
        # scalar costs more than the work done with it) at 8 bytes or less per contact, where a list
        # of the same values costs ~32 (~0.4 GB for a month of 1.8 M contacts).
        self.ch_of, self.reason_of = column(batch.channel), column(batch.reason)
        self.work_of, self.patience_of = column(batch.work_s), column(batch.patience_s)
        self.arrival_of = column(batch.arrival_s)
        self.resolve_u0 = column(batch.u[:, 0, U.RESOLVE])  # first attempts; later ones read the array
        self.horizon_s = days * SECONDS_PER_DAY
        self.close_s = self.horizon_s + DRAIN_LIMIT_S
        self.channels = chans = spec.channels
        self.whole_of = [ch.concurrency == 1 for ch in chans]
        self.bot_of = [ch.bot for ch in chans]
        self.repeats = [ch.repeat_probability > 0 for ch in chans]  # else an unresolved contact never comes back
        self.offers_callback = [math.isfinite(ch.callback_offer_wait_s) for ch in chans]
        self.queues = [[WaitQueue(c, ch.realtime, ch.concurrency > 1) for _ in range(spec.n_reasons)] for c, ch in enumerate(chans)]
        self.l2_queue = WaitQueue(-1, True, False, l2=True)
        self.msg_queues = {c: WaitQueue(c, False, False) for c, ch in enumerate(chans)
                           if ch.realtime and ch.closed == Closed.MESSAGE}
        self.all_queues = [q for per_reason in self.queues for q in per_reason]
        self.groups: list[GroupFloor] = []
        self.route: list[list[list[GroupFloor]]] = [[[] for _ in range(spec.n_reasons)] for _ in chans]
        for code, g in enumerate(spec.groups):
            slots = max([chans[c].concurrency for c in g.channels] + [1])
            floor = GroupFloor(code, g, slots)
            self.groups.append(floor)
            if g.level == 2:
                floor.serve([self.l2_queue])
                continue
            reasons = range(spec.n_reasons) if g.reasons is None else g.reasons
            floor.serve([self.queues[c][r] for c in g.channels for r in reasons]
                        + [self.msg_queues[c] for c in g.channels if c in self.msg_queues])
            for c in g.channels:
                for r in reasons:
                    self.route[c][r].append(floor)
        for per_reason in self.route:
            for floors in per_reason:
                floors.sort(key=lambda f: -f.proficiency)
        self.l2_groups = [f for f in self.groups if f.spec.level == 2]
        if self.l2_groups:
            self.transfer_u0 = column(batch.u[:, 0, U.TRANSFER])
        self.per_channel = {c: [f for f in self.groups if c in f.spec.channels and f.spec.level == 1] for c in range(len(chans))}
        self.leg_store = Legs(len(batch))  # one record per contact leg, in creation order
        self.legs = self.leg_store.items
        self.followups_beyond_month = 0
        self.held = 0  # legs waiting for their channel to open
        self.open_until = self.cal.open_until  # per channel: open at least until then (updated by the calendar)
        # each timer kind's callbacks, built once (SimPy iterates them; a tuple is enough)
        self.on_bot, self.on_expire, self.on_done = (self._bot_done,), (self._expire,), (self._done,)
        self.on_l2_done, self.on_freed, self.on_arrival = (self._l2_done,), (self._freed_due,), (self._arrival_due,)
        self.on_follow_up, self.on_rejoin, self.on_shift = (self._follow_up_arrives,), (self._rejoin,), (self._shift,)
        self._service_tables()

    def release(self) -> None:
        """Drop the month's state now. The centre refers to itself through its bound-method
        callbacks (and agents' timers to their groups), so without this it would wait for a full
        cyclic collection, and every collection until then would walk all its legs."""
        for floor in self.groups:
            floor.timer.clear()
        self.__dict__.clear()

    # ---- records ------------------------------------------------------------------------------
    def _new(self, row: int, attempt: int, arrival: float) -> list:
        """A new leg (fields in :mod:`sim.des.states` order: one list literal, one append)."""
        leg = [row, attempt, arrival, NAN, NAN, NAN, NAN, NEW, False, False, False, False, 0, False, False, False,
               NAN, -1, self.ch_of[row], False, False, False]
        self.legs.append(leg)
        return leg

    # ---- arrivals -----------------------------------------------------------------------------
    def start_arrivals(self, order: np.ndarray) -> None:
        """Arrivals in ``order``: a chain of one reused event, started like a SimPy process would be."""
        self._order, self._next, self._n = column(order), 0, len(order)
        self._times = column(self.b.arrival_s[order])  # arrival times in that order
        self._arrival_event = Due(self.on_arrival, 0.0, None)
        self.schedule(Due((lambda ev: self._arrivals_from(0, self.env.now),), 0.0, None), URGENT, 0)

    def _arrivals_from(self, k: int, now: float) -> None:
        """Contacts ``order[k:]`` due by ``now`` arrive now; then wait for the next one."""
        order, arrival = self._order, self.arrival_of
        while k < len(order):
            row = order[k]
            dt = arrival[row] - now
            if dt > 0:
                ev, self._next = self._arrival_event, k
                ev.callbacks, ev.at = self.on_arrival, now + dt
                self.schedule(ev, NORMAL, dt)
                return
            self.arrive(self._new(row, 0, arrival[row]), now)
            k += 1

    def _arrival_due(self, ev: Due) -> None:
        k, now = self._next, ev.at
        row = self._order[k]
        c = self.ch_of[row]
        leg = [row, 0, self.arrival_of[row], NAN, NAN, NAN, NAN, NEW, False, False, False, False, 0, False, False, False,
               NAN, -1, c, False, False, False]  # _new(), inline
        self.legs.append(leg)
        if self.bot_of[c] is None:
            self.to_human(leg, now)
        else:
            self.arrive(leg, now)
        k += 1
        if k < self._n:  # the usual case, inline: the next contact comes later
            dt = self._times[k] - now
            if dt > 0:
                self._next, ev.callbacks = k, self.on_arrival
                ev.at = now + dt
                self.schedule(ev, NORMAL, dt)
                return
        self._arrivals_from(k, now)

    def arrive(self, leg: list, now: float) -> None:
        bot = self.bot_of[leg[CH]]
        if bot is not None and leg[ATTEMPT] == 0:
            self.schedule(Due(self.on_bot, now + bot.session_s, leg), NORMAL, bot.session_s)
        else:
            self.to_human(leg, now)

    def _bot_done(self, ev: Due) -> None:
        leg, now = ev.leg, ev.at
        row = leg[ROW]
        bot = self.channels[self.ch_of[row]].bot
        u = self.b.u[row, 0]
        if u[U.BOT_CONTAIN] < bot.containment_by_reason[self.reason_of[row]]:
            if u[U.BOT_FALSE] < bot.false_containment:
                leg[BOT] = Bot.FALSE_CONTAINED
                self._follow_up(leg, RETURN, now)
            else:
                leg[BOT], leg[RESOLVED] = Bot.CONTAINED, True
            leg[STATE] = DONE
        elif u[U.BOT_ROUTE] < bot.opt_out:
            leg[BOT], leg[CTX_LOST] = Bot.HANDED_OFF, not bot.context_handoff
            self.to_human(leg, now)
        else:
            leg[BOT], leg[STATE] = Bot.DEAD_END, DONE
            self._follow_up(leg, REPEAT, now)

    # ---- queueing -----------------------------------------------------------------------------
    def to_human(self, leg: list, now: float) -> None:
        """Leg ``leg`` wants a human: the most proficient free agent skilled for it, else its queue."""
        c = leg[CH]
        if leg[T_QUEUE] != leg[T_QUEUE]:  # NaN: not a carried backlog item
            if now >= self.open_until[c] and not leg[MESSAGE] and not self.cal.open_at(c, now):
                self._closed(leg, now)
                return
            leg[T_QUEUE] = now
        reason = self.reason_of[leg[ROW]]
        whole = self.whole_of[c] or leg[MESSAGE]
        for floor in self.route[c][reason]:
            idle = floor.idle
            if idle and whole:  # take(), inline for the usual case
                a = idle.pop()
                floor.load[a] = floor.slots
                floor.busy.add(a)
            else:
                a = floor.take(whole)
                if a is None:
                    continue
            self._start(leg, floor, a, whole, now)
            return
        self._join(leg, c, reason, now)

    def _join(self, leg: list, c: int, reason: int, now: float) -> None:
        """No agent is free: wait in the queue (with a patience timer, or a callback offer, if live)."""
        row, message = leg[ROW], leg[MESSAGE]
        ch = self.channels[c]
        q = self.msg_queues[c] if message else self.queues[c][reason]
        q.items.append(leg)
        leg[STATE] = QUEUED
        if not ch.realtime or message:
            return
        if now >= self.horizon_s:
            self._call_in(c, reason, now)
        attempt = leg[ATTEMPT]
        if self.offers_callback[c]:
            staffed = sum(f.on_floor for f in self.per_channel[c]) * ch.concurrency
            if len(q.items) * ch.aht_estimate_s / max(1, staffed) > ch.callback_offer_wait_s \
                    and self.b.u[row, attempt, _CALLBACK] < ch.callback_accept:
                leg[CALLBACK] = True
                return
        patience = (self.patience_of[row] if attempt == 0 and not leg[SWITCHED]
                    else ch.patience_mean_s * float(patience_factor(self.b.e[row, attempt, 0], ch.patience_cv)))
        if patience < math.inf:  # an infinite patience never fires: no timer
            at = now + patience
            self.schedule(Due(self.on_expire, at, leg), NORMAL, patience)

    def _expire(self, ev: Due) -> None:
        leg = ev.leg
        if leg[STATE] != QUEUED:  # served (or called back) before patience ran out
            return
        now = ev.at
        ch = self.channels[leg[CH]]
        leg[WAIT] = now - leg[T_QUEUE]
        leg[ABANDONED_F] = True
        if ch.silent_abandon_share > 0 and self.b.u[leg[ROW], leg[ATTEMPT], _SILENT] < ch.silent_abandon_share:
            leg[STATE], leg[SILENT] = SILENT_GONE, True  # stays queued; an agent will find an empty chat
        else:
            leg[STATE] = ABANDONED
        self._follow_up(leg, RETRIAL, now)
