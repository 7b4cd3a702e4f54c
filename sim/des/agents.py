"""Agents on the floor: one runtime object per group, following its hourly schedule.

An agent has ``slots`` (the largest chat concurrency among the group's channels). A chat takes
one slot; any other contact needs an agent with nothing in hand and takes all slots. Agents join
at the start of a schedule interval; an agent whose shift ends finishes what is in hand before
leaving. Agent ids are indices into the group's lists, so state stays in plain lists inside the
group object. Each agent's time on the floor is recorded (``stretches``): occupancy divides busy
time by it, so overtime spent finishing a contact counts as staffed time.
"""

from __future__ import annotations

from itertools import islice

from sim.des.spec import GroupSpec


class GroupFloor:
    """Runtime state of one agent group."""

    def __init__(self, code: int, spec: GroupSpec, slots: int) -> None:
        self.code, self.spec, self.slots = code, spec, slots
        self.proficiency = spec.proficiency
        self.load: list[int] = []  # contacts in hand, per agent
        self.leaving: list[bool] = []
        self.gone: list[bool] = []
        self.idle: list[int] = []  # agents with nothing in hand (a stack)
        self.partial: set[int] = set()  # agents with 0 < load < slots
        self.busy: set[int] = set()  # agents with load > 0
        self.queues: list = []  # set by the centre (serve): the queues this group serves, most urgent first
        self.live_queues: list = []  # of those, the live ones (realtime), and the live chat ones
        self.live_chat_queues: list = []
        self.deferrable_queues: list = []  # e-mail, social, messages left while closed
        self.leaving_count = 0  # agents whose shift ended but who finish what is in hand
        self.on_floor = 0  # agents present and not leaving
        self.since: list[float] = []  # when each agent came on the floor
        self.timer: list = []  # each agent's reusable completion timer (the centre's, made on first use)
        self.stretches: list[tuple[float, float]] = []  # (start, end) of each agent's time on the floor

    def serve(self, queues: list) -> None:
        """The queues this group serves (objects with ``realtime`` and ``chat``), most urgent first."""
        self.queues = queues
        self.live_queues = [q for q in queues if q.realtime]
        self.live_chat_queues = [q for q in self.live_queues if q.chat]
        self.deferrable_queues = [q for q in queues if not q.realtime]

    # ---- taking and giving back work --------------------------------------------------------
    def take(self, whole: bool) -> int | None:
        """An agent for a new contact (``whole``: needs an agent with nothing in hand), or None."""
        if self.idle:
            a = self.idle.pop()
            if whole:  # the usual case, inline (see _assign)
                self.load[a] = self.slots
                self.busy.add(a)
                return a
        elif not whole and self.partial:
            a = next(iter(self.partial))
        else:
            return None
        self._assign(a, whole)
        return a

    def _assign(self, a: int, whole: bool) -> None:
        if whole:  # a whole contact goes to an agent with nothing in hand: never partly loaded
            self.load[a] = self.slots
            self.busy.add(a)
            if self.slots > 1:
                self.partial.discard(a)
            return
        load = self.load[a] = self.load[a] + 1
        self.busy.add(a)
        if load < self.slots:
            self.partial.add(a)
        else:
            self.partial.discard(a)

    def assign_to(self, a: int, whole: bool) -> None:
        """Give agent ``a`` (who asked for work) a new contact."""
        self._assign(a, whole)

    def _go(self, a: int, now: float) -> None:
        self.gone[a] = True
        self.stretches.append((self.since[a], now))

    def release(self, a: int, whole: bool, now: float) -> bool:
        """A contact in agent ``a``'s hands ends at ``now``. True if ``a`` can take more work now."""
        load = self.load[a] = 0 if whole else self.load[a] - 1
        if load == 0:
            self.busy.discard(a)
            if self.slots > 1:  # with one slot nobody is ever partly loaded
                self.partial.discard(a)
            if self.leaving[a]:
                self.leaving[a] = False
                self.leaving_count -= 1
                self._go(a, now)
                return False
            return True
        if self.leaving[a]:
            self.partial.discard(a)
            return False
        self.partial.add(a)
        return True

    def park(self, a: int) -> None:
        """Agent ``a`` found no work: wait idle (or with spare chat slots)."""
        if self.load[a] == 0:
            self.idle.append(a)

    def dismiss(self, a: int, now: float) -> None:
        """Agent ``a`` found no work and is not needed (after month end): leave once empty-handed."""
        if self.gone[a] or self.leaving[a]:
            return
        self.on_floor -= 1
        self.partial.discard(a)
        if self.load[a] == 0:
            self._go(a, now)
        else:
            self.leaving[a] = True
            self.leaving_count += 1

    def close(self, now: float) -> None:
        """The run is over: end the time on the floor of everyone still present."""
        for a in range(len(self.load)):
            if not self.gone[a]:
                self.stretches.append((self.since[a], max(now, self.since[a])))
                self.gone[a] = True

    # ---- shifts ----------------------------------------------------------------------------------
    def set_staff(self, target: int, now: float) -> list[int]:
        """Follow the schedule at time ``now``; returns the agents who just joined (they should look for work)."""
        joined: list[int] = []
        if target > self.on_floor:
            grow = target - self.on_floor
            staying = list(islice((a for a in self.busy if self.leaving[a]), grow)) if self.leaving_count else []
            for a in staying:
                self.leaving[a] = False  # stay on: cancel a pending departure
                self.leaving_count -= 1
                if self.load[a] < self.slots:
                    self.partial.add(a)
                grow -= 1
                self.on_floor += 1
            for _ in range(grow):
                self.load.append(0)
                self.leaving.append(False)
                self.gone.append(False)
                self.since.append(now)
                self.timer.append(None)
                joined.append(len(self.load) - 1)
                self.on_floor += 1
        elif target < self.on_floor:
            shrink = self.on_floor - target
            while shrink and self.idle:
                self._go(self.idle.pop(), now)
                shrink -= 1
                self.on_floor -= 1
            for a in list(islice((a for a in self.busy if not self.leaving[a]), shrink)) if shrink else ():
                self.leaving[a] = True
                self.leaving_count += 1
                self.partial.discard(a)
                self.on_floor -= 1
        return joined
