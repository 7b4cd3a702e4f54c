"""The SimPy contact centre: bot tiers, skill-based routing, queues, agents, transfers, follow-ups.

A contact's life is a short chain of SimPy events (bot session → queue with a patience timer →
service → transfer or resolution → maybe a follow-up days later), driven by callbacks inside
SimPy's own event loop; shift changes and arrivals are SimPy processes. All state lives in the
:class:`Centre` created per call. A new contact goes to the most proficient free agent skilled for
its channel and reason; a freed agent serves the live queue whose head has waited longest, and
deferrable work (e-mail, social, messages left while closed) only when no live contact waits.
A contact that reaches a live channel while it is closed never joins its queue: it comes back
after the opening, switches channel or leaves a message (:mod:`sim.des.returns`).
"""

from __future__ import annotations

import math
from collections import deque
from functools import partial

import numpy as np
import simpy

from sim.des.agents import GroupFloor
from sim.des.arrivals import patience_factor
from sim.des.calendar import Calendar
from sim.des.contacts import SECONDS_PER_DAY, Bot, ContactBatch, U
from sim.des.returns import REPEAT, RETRIAL, RETURN, Returns
from sim.des.shifts import Shifts
from sim.des.spec import CentreSpec, Closed
from sim.des.states import ABANDONED, DONE, L2_QUEUED, NEW, QUEUED, SERVING, SILENT_GONE

#: Live contacts still queued this long after the month ends are closed as unserved, so unstable
#: settings (demand above capacity, no abandonment) finish in bounded time and memory.
DRAIN_LIMIT_S = 2 * SECONDS_PER_DAY


class _Queue:
    __slots__ = ("items", "channel", "realtime", "chat", "l2")

    def __init__(self, channel: int, realtime: bool, chat: bool, l2: bool = False) -> None:
        self.items: deque[int] = deque()
        self.channel, self.realtime, self.chat, self.l2 = channel, realtime, chat, l2


class Centre(Returns, Shifts):
    """One simulated month (created per call to :func:`simulate_centre`)."""

    def __init__(self, batch: ContactBatch, spec: CentreSpec, days: int) -> None:
        self.env, self.b, self.spec = simpy.Environment(), batch, spec
        self.cal = Calendar(spec)
        self.ch_of, self.reason_of = batch.channel.tolist(), batch.reason.tolist()  # hot columns as lists
        self.work_of, self.patience_of = batch.work_s.tolist(), batch.patience_s.tolist()
        self.horizon_s = days * SECONDS_PER_DAY
        self.close_s = self.horizon_s + DRAIN_LIMIT_S
        chans = spec.channels
        self.queues = {(c, r): _Queue(c, ch.realtime, ch.concurrency > 1)
                       for c, ch in enumerate(chans) for r in range(spec.n_reasons)}
        self.l2_queue = _Queue(-1, True, False, l2=True)
        self.msg_queues = {c: _Queue(c, False, False) for c, ch in enumerate(chans)
                           if ch.realtime and ch.closed == Closed.MESSAGE}
        self.groups: list[GroupFloor] = []
        self.route: dict[tuple[int, int], list[GroupFloor]] = {key: [] for key in self.queues}
        for code, g in enumerate(spec.groups):
            slots = max([chans[c].concurrency for c in g.channels] + [1])
            floor = GroupFloor(code, g, slots)
            self.groups.append(floor)
            if g.level == 2:
                floor.queues = [self.l2_queue]
                continue
            reasons = range(spec.n_reasons) if g.reasons is None else g.reasons
            floor.queues = [self.queues[(c, r)] for c in g.channels for r in reasons]
            floor.queues += [self.msg_queues[c] for c in g.channels if c in self.msg_queues]
            for key in ((c, r) for c in g.channels for r in reasons):
                self.route[key].append(floor)
        for floors in self.route.values():
            floors.sort(key=lambda f: -f.proficiency)
        self.l2_groups = [f for f in self.groups if f.spec.level == 2]
        self.per_channel = {c: [f for f in self.groups if c in f.spec.channels and f.spec.level == 1] for c in range(len(chans))}
        cols = ("row", "attempt", "arrival", "t_queue", "wait", "start", "handle", "state", "answered", "abandoned",
                "resolved", "transferred", "bot", "ctx_lost", "callback", "silent", "l2_handle", "group")
        self.r = {c: [] for c in cols}
        self.followups_beyond_month = 0
        self.held = 0  # legs waiting for their channel to open
        # rare per-leg facts, kept out of the per-leg lists (hot path): leg -> channel it switched to,
        # legs that met their channel closed, legs that are messages left while it was closed
        self.switched: dict[int, int] = {}
        self.met_closed: set[int] = set()
        self.messages: set[int] = set()
        self.always_open = [table is None for table in self.cal.open]

    # ---- records ------------------------------------------------------------------------------
    def _new(self, row: int, attempt: int, arrival: float) -> int:
        r = self.r  # one append per column, unrolled: this runs once per contact leg
        r["row"].append(row)
        r["attempt"].append(attempt)
        r["arrival"].append(arrival)
        r["t_queue"].append(math.nan)
        r["wait"].append(math.nan)
        r["start"].append(math.nan)
        r["handle"].append(math.nan)
        r["state"].append(NEW)
        r["answered"].append(False)
        r["abandoned"].append(False)
        r["resolved"].append(False)
        r["transferred"].append(False)
        r["bot"].append(Bot.NONE)
        r["ctx_lost"].append(False)
        r["callback"].append(False)
        r["silent"].append(False)
        r["l2_handle"].append(math.nan)
        r["group"].append(-1)
        return len(r["row"]) - 1

    # ---- arrivals -----------------------------------------------------------------------------
    def source(self, order: np.ndarray):
        env, arrival = self.env, self.b.arrival_s
        for row in order.tolist():
            dt = arrival[row] - env.now
            if dt > 0:
                yield env.timeout(dt)
            self.arrive(self._new(row, 0, float(arrival[row])))

    def arrive(self, i: int) -> None:
        row = self.r["row"][i]
        bot = self.spec.channels[self.ch_of[row]].bot
        if bot is not None and self.r["attempt"][i] == 0:
            self.env.timeout(bot.session_s).callbacks.append(partial(self._bot_done, i))
        else:
            self.to_human(i)

    def _bot_done(self, i: int, _ev=None) -> None:
        r, row = self.r, self.r["row"][i]
        bot = self.spec.channels[self.ch_of[row]].bot
        u = self.b.u[row, 0]
        if u[U.BOT_CONTAIN] < bot.containment_by_reason[self.b.reason[row]]:
            if u[U.BOT_FALSE] < bot.false_containment:
                r["bot"][i] = Bot.FALSE_CONTAINED
                self._follow_up(i, RETURN)
            else:
                r["bot"][i], r["resolved"][i] = Bot.CONTAINED, True
            r["state"][i] = DONE
        elif u[U.BOT_ROUTE] < bot.opt_out:
            r["bot"][i], r["ctx_lost"][i] = Bot.HANDED_OFF, not bot.context_handoff
            self.to_human(i)
        else:
            r["bot"][i], r["state"][i] = Bot.DEAD_END, DONE
            self._follow_up(i, REPEAT)

    # ---- queueing -----------------------------------------------------------------------------
    def to_human(self, i: int) -> None:
        r, b, env = self.r, self.b, self.env
        row = r["row"][i]
        c, reason = self.switched.get(i, self.ch_of[row]), self.reason_of[row]
        ch = self.spec.channels[c]
        message = i in self.messages
        if r["t_queue"][i] != r["t_queue"][i]:  # NaN: not a carried backlog item
            if not self.always_open[c] and not message and not self.cal.is_open(c, env.now):
                self._closed(i)
                return
            r["t_queue"][i] = env.now
        whole = ch.concurrency == 1 or message
        for floor in self.route[(c, reason)]:
            a = floor.take(whole)
            if a is not None:
                self._start(i, floor, a, whole)
                return
        q = self.msg_queues[c] if message else self.queues[(c, reason)]
        q.items.append(i)
        r["state"][i] = QUEUED
        if not ch.realtime or message:
            return
        if env.now >= self.horizon_s:
            self._call_in(c, reason)
        attempt = r["attempt"][i]
        if math.isfinite(ch.callback_offer_wait_s):
            staffed = sum(f.on_floor for f in self.per_channel[c]) * ch.concurrency
            if len(q.items) * ch.aht_estimate_s / max(1, staffed) > ch.callback_offer_wait_s \
                    and b.u[row, attempt, U.CALLBACK] < ch.callback_accept:
                r["callback"][i] = True
                return
        patience = (self.patience_of[row] if attempt == 0 and i not in self.switched
                    else ch.patience_mean_s * float(patience_factor(b.e[row, attempt, 0], ch.patience_cv)))
        if math.isfinite(patience):
            env.timeout(patience).callbacks.append(partial(self._expire, i))

    def _expire(self, i: int, _ev=None) -> None:
        r = self.r
        if r["state"][i] != QUEUED:
            return
        row = r["row"][i]
        ch = self.spec.channels[self.switched.get(i, self.ch_of[row])]
        r["wait"][i] = self.env.now - r["t_queue"][i]
        r["abandoned"][i] = True
        if self.b.u[row, r["attempt"][i], U.SILENT] < ch.silent_abandon_share:
            r["state"][i], r["silent"][i] = SILENT_GONE, True  # stays queued; an agent will find an empty chat
        else:
            r["state"][i] = ABANDONED
        self._follow_up(i, RETRIAL)

    # ---- service ------------------------------------------------------------------------------
    def _start(self, i: int, floor: GroupFloor, a: int, whole: bool) -> None:
        r, env = self.r, self.env
        row = r["row"][i]
        ch = self.spec.channels[self.switched.get(i, self.ch_of[row])]
        if r["state"][i] == SILENT_GONE:
            r["state"][i] = DONE
            env.timeout(ch.silent_detect_s).callbacks.append(partial(self._freed, floor, a, whole))
            return
        if r["state"][i] == L2_QUEUED:
            handle = self.work_of[row] * self.spec.l2_work_factor / floor.proficiency
            r["l2_handle"][i], r["state"][i] = handle, SERVING
            env.timeout(handle).callbacks.append(partial(self._l2_done, i, floor, a))
            return
        others = floor.load[a] - 1 if not whole else 0
        handle = self.work_of[row] * ch.handle_multiplier / floor.proficiency
        handle *= (1.0 + ch.concurrency_inflation * others) * (1.0 + (ch.bot.no_context_work_increase if r["ctx_lost"][i] else 0.0))
        r["wait"][i], r["start"][i], r["handle"][i] = env.now - r["t_queue"][i], env.now, handle
        r["group"][i] = floor.code
        r["answered"][i], r["state"][i] = True, SERVING
        env.timeout(handle).callbacks.append(partial(self._done, i, floor, a, whole))

    def _done(self, i: int, floor: GroupFloor, a: int, whole: bool, _ev=None) -> None:
        r, b = self.r, self.b
        row, attempt = r["row"][i], r["attempt"][i]
        ch = self.spec.channels[self.switched.get(i, self.ch_of[row])]
        u = b.u[row, attempt]
        reason = self.reason_of[row]
        p_transfer = ch.transfer_by_reason[reason] / floor.proficiency
        if self.l2_groups and u[U.TRANSFER] < p_transfer:
            r["transferred"][i], r["state"][i] = True, L2_QUEUED
            self._to_l2(i)
        else:
            r["resolved"][i] = u[U.RESOLVE] < 1.0 - (1.0 - ch.fcr_by_reason[reason]) / floor.proficiency
            r["state"][i] = DONE
            if not r["resolved"][i]:
                self._follow_up(i, REPEAT)
        self._freed(floor, a, whole)

    def _to_l2(self, i: int) -> None:
        for floor in self.l2_groups:
            a = floor.take(True)
            if a is not None:
                self._start(i, floor, a, True)
                return
        self.l2_queue.items.append(i)

    def _l2_done(self, i: int, floor: GroupFloor, a: int, _ev=None) -> None:
        r = self.r
        row = r["row"][i]
        r["resolved"][i] = self.b.u[row, r["attempt"][i], U.L2_RESOLVE] < self.spec.l2_fcr
        r["state"][i] = DONE
        if not r["resolved"][i]:
            self._follow_up(i, REPEAT)
        self._freed(floor, a, True)

    def _freed(self, floor: GroupFloor, a: int, whole: bool, _ev=None) -> None:
        if floor.release(a, whole, self.env.now):
            self._find_work(floor, a)

    def _find_work(self, floor: GroupFloor, a: int) -> None:
        """Agent ``a`` has capacity: serve the longest-waiting live contact it may take, else park."""
        if self.env.now >= self.close_s:  # the run is over: finish what is in hand and go
            floor.dismiss(a, self.env.now)
            return
        state, t_queue, empty_handed = self.r["state"], self.r["t_queue"], floor.load[a] == 0
        best = None
        for deferrable_pass in (False, True):
            for q in floor.queues:
                if q.realtime == deferrable_pass or (not empty_handed and not q.chat):
                    continue
                items = q.items
                while items and state[items[0]] not in (QUEUED, SILENT_GONE, L2_QUEUED):
                    items.popleft()
                if items and (best is None or t_queue[items[0]] < t_queue[best.items[0]]):
                    best = q
            if best is not None or empty_handed is False or self.env.now >= self.horizon_s:
                break
        if best is None:
            if self.env.now >= self.horizon_s:  # after month end nobody waits for work that will not come
                floor.dismiss(a, self.env.now)
            else:
                floor.park(a)
            return
        i = best.items.popleft()
        whole = not best.chat
        floor.assign_to(a, whole)
        self._start(i, floor, a, whole)

