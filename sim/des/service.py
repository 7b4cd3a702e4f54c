"""Agents serving contacts: the queues they serve, a contact's service and its end (resolution,
transfer to level 2, follow-up), and a freed agent looking for the longest-waiting work.

A mixin of :class:`sim.des.centre.Centre` (all state lives in the centre object). A freed agent
serves the live queue whose head has waited longest, and deferrable work (e-mail, social, messages
left while closed) only when no live contact waits.

Speed: these are the hottest callbacks of the run (one completion per served leg), so they read
per-(group, channel, reason) resolve and transfer thresholds computed once per month (the same
float expressions as before, so the same values), skip the transfer draw where the transfer
probability is zero (a uniform is never below 0), and free a one-slot agent inline.
"""

from __future__ import annotations

from collections import deque

from simpy.events import NORMAL

from sim.des.agents import GroupFloor
from sim.des.contacts import U
from sim.des.returns import REPEAT
from sim.des.states import (
    ANSWERED,
    ATTEMPT,
    CH,
    CTX_LOST,
    DONE,
    GROUP,
    HANDLE,
    L2_HANDLE,
    L2_QUEUED,
    RESOLVED,
    ROW,
    SERVING,
    SILENT_GONE,
    START,
    STATE,
    T_QUEUE,
    TRANSFERRED,
    WAIT,
    WAITING,
    Due,
)

# plain ints: indexing a numpy array with an IntEnum member costs an ``__index__`` call
_RESOLVE, _TRANSFER, _L2_RESOLVE = int(U.RESOLVE), int(U.TRANSFER), int(U.L2_RESOLVE)


class WaitQueue:
    """Contacts waiting for an agent, oldest first (legs that stopped waiting are dropped lazily)."""

    __slots__ = ("items", "channel", "realtime", "chat", "l2")

    def __init__(self, channel: int, realtime: bool, chat: bool, l2: bool = False) -> None:
        self.items: deque[list] = deque()
        self.channel, self.realtime, self.chat, self.l2 = channel, realtime, chat, l2


class Service:
    """Service and completion of contacts (mixin of the centre)."""

    def _service_tables(self) -> None:
        """Per group, channel and reason: the transfer and resolve thresholds a completion compares
        its draws with (``floor.proficiency`` divides them, as it always did)."""
        chans = self.channels
        self.transfer_th = [[[p / f.proficiency for p in ch.transfer_by_reason] for ch in chans] for f in self.groups]
        self.resolve_th = [[[1.0 - (1.0 - p) / f.proficiency for p in ch.fcr_by_reason] for ch in chans] for f in self.groups]
        self.handle_mult = [ch.handle_multiplier for ch in chans]

    def _start(self, leg: list, floor: GroupFloor, a: int, whole: bool, now: float) -> None:
        state = leg[STATE]
        if state == SILENT_GONE:
            leg[STATE] = DONE
            detect = self.channels[leg[CH]].silent_detect_s
            self.schedule(Due(self.on_freed, now + detect, None, floor, a, whole), NORMAL, detect)
            return
        if state == L2_QUEUED:
            handle = self.work_of[leg[ROW]] * self.spec.l2_work_factor / floor.proficiency
            leg[L2_HANDLE], leg[STATE] = handle, SERVING
            self.schedule(Due(self.on_l2_done, now + handle, leg, floor, a), NORMAL, handle)
            return
        c = leg[CH]
        handle = self.work_of[leg[ROW]] * self.handle_mult[c] / floor.proficiency
        others = 0 if whole else floor.load[a] - 1
        if others or leg[CTX_LOST]:  # otherwise both factors are exactly 1.0
            ch = self.channels[c]
            handle *= (1.0 + ch.concurrency_inflation * others) * (1.0 + (ch.bot.no_context_work_increase if leg[CTX_LOST] else 0.0))
        leg[WAIT], leg[START], leg[HANDLE] = now - leg[T_QUEUE], now, handle
        leg[GROUP], leg[ANSWERED], leg[STATE] = floor.code, True, SERVING
        at = now + handle
        if whole:  # an agent holds one whole contact at a time: its own timer, reused
            ev = floor.timer[a]
            if ev is None:
                ev = floor.timer[a] = Due(self.on_done, 0.0, None, floor, a, True)
            ev.callbacks, ev.at, ev.leg = self.on_done, at, leg
        else:
            ev = Due(self.on_done, at, leg, floor, a, False)
        self.schedule(ev, NORMAL, handle)

    def _done(self, ev: Due) -> None:
        leg, floor, now = ev.leg, ev.floor, ev.at
        row, attempt, c = leg[ROW], leg[ATTEMPT], leg[CH]
        reason = self.reason_of[row]
        if self.l2_groups:
            th = self.transfer_th[floor.code][c][reason]
            if th > 0.0 and (self.transfer_u0[row] if attempt == 0 else self.b.u[row, attempt, _TRANSFER]) < th:
                leg[TRANSFERRED], leg[STATE] = True, L2_QUEUED
                self._to_l2(leg, now)
                self._freed(floor, ev.agent, ev.whole, now)
                return
        u = self.resolve_u0[row] if attempt == 0 else self.b.u[row, attempt, _RESOLVE]
        resolved = leg[RESOLVED] = u < self.resolve_th[floor.code][c][reason]
        leg[STATE] = DONE
        if not resolved and self.repeats[self.ch_of[row]]:
            self._follow_up(leg, REPEAT, now)
        a = ev.agent
        if ev.whole and floor.slots == 1 and not floor.leaving[a]:  # release(), inline for the usual case
            floor.load[a] = 0
            floor.busy.discard(a)
            self._find_work(floor, a, now)
        elif floor.release(a, ev.whole, now):
            self._find_work(floor, a, now)

    def _to_l2(self, leg: list, now: float) -> None:
        for floor in self.l2_groups:
            a = floor.take(True)
            if a is not None:
                self._start(leg, floor, a, True, now)
                return
        self.l2_queue.items.append(leg)

    def _l2_done(self, ev: Due) -> None:
        leg, now = ev.leg, ev.at
        resolved = leg[RESOLVED] = self.b.u[leg[ROW], leg[ATTEMPT], _L2_RESOLVE] < self.spec.l2_fcr
        leg[STATE] = DONE
        if not resolved:
            self._follow_up(leg, REPEAT, now)
        self._freed(ev.floor, ev.agent, True, now)

    def _freed_due(self, ev: Due) -> None:
        self._freed(ev.floor, ev.agent, ev.whole, ev.at)

    def _freed(self, floor: GroupFloor, a: int, whole: bool, now: float) -> None:
        if floor.release(a, whole, now):
            self._find_work(floor, a, now)

    def _find_work(self, floor: GroupFloor, a: int, now: float) -> None:
        """Agent ``a`` has capacity: serve the longest-waiting live contact it may take, else park."""
        if now >= self.close_s:  # the run is over: finish what is in hand and go
            floor.dismiss(a, now)
            return
        empty_handed = floor.load[a] == 0
        best, best_t = None, 0.0
        for q in floor.live_queues if empty_handed else floor.live_chat_queues:  # oldest(), inline
            items = q.items
            if items:
                while items and not WAITING[items[0][STATE]]:
                    items.popleft()
                if items and (best is None or items[0][T_QUEUE] < best_t):
                    best, best_t = q, items[0][T_QUEUE]
        if best is None and empty_handed and floor.deferrable_queues and now < self.horizon_s:  # deferrable work only when no live contact waits
            best = oldest(floor.deferrable_queues)
        if best is None:
            if now >= self.horizon_s:  # after month end nobody waits for work that will not come
                floor.dismiss(a, now)
            elif empty_handed:  # park(), inline: wait idle (a chat agent with spare slots just waits)
                floor.idle.append(a)
            return
        leg = best.items.popleft()
        whole = not best.chat
        floor.assign_to(a, whole)
        self._start(leg, floor, a, whole, now)


def oldest(queues: list[WaitQueue]) -> WaitQueue | None:
    """The queue whose head has waited longest (dropping heads that no longer wait), or None."""
    best, best_t = None, 0.0
    for q in queues:
        items = q.items
        while items and not WAITING[items[0][STATE]]:
            items.popleft()
        if items and (best is None or items[0][T_QUEUE] < best_t):
            best, best_t = q, items[0][T_QUEUE]
    return best
