"""Agents on the floor: one runtime object per group, following its hourly schedule.

An agent has ``slots`` (the largest chat concurrency among the group's channels). A chat takes
one slot; any other contact needs an agent with nothing in hand and takes all slots. Agents join
on the hour; an agent whose shift ends finishes what is in hand before leaving. Agent ids are
indices into the group's lists, so state stays in plain lists inside the group object.
"""

from __future__ import annotations

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
        self.queues: list = []  # filled by the centre: the queues this group serves, most urgent first
        self.on_floor = 0  # agents present and not leaving

    # ---- taking and giving back work --------------------------------------------------------
    def take(self, whole: bool) -> int | None:
        """An agent for a new contact (``whole``: needs an agent with nothing in hand), or None."""
        if self.idle:
            a = self.idle.pop()
        elif not whole and self.partial:
            a = next(iter(self.partial))
        else:
            return None
        self._assign(a, whole)
        return a

    def _assign(self, a: int, whole: bool) -> None:
        self.load[a] = self.slots if whole else self.load[a] + 1
        self.busy.add(a)
        if 0 < self.load[a] < self.slots:
            self.partial.add(a)
        else:
            self.partial.discard(a)

    def assign_to(self, a: int, whole: bool) -> None:
        """Give agent ``a`` (who asked for work) a new contact."""
        self._assign(a, whole)

    def release(self, a: int, whole: bool) -> bool:
        """A contact in agent ``a``'s hands ends. True if ``a`` can take more work now."""
        self.load[a] = 0 if whole else self.load[a] - 1
        if self.load[a] == 0:
            self.busy.discard(a)
            self.partial.discard(a)
            if self.leaving[a]:
                self.leaving[a] = False
                self.gone[a] = True
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

    # ---- shifts ----------------------------------------------------------------------------------
    def set_staff(self, target: int) -> list[int]:
        """Follow the schedule; returns the agents who just joined (they should look for work)."""
        joined: list[int] = []
        if target > self.on_floor:
            grow = target - self.on_floor
            for a in [a for a in self.busy if self.leaving[a]][:grow]:
                self.leaving[a] = False  # stay on: cancel a pending departure
                if self.load[a] < self.slots:
                    self.partial.add(a)
                grow -= 1
                self.on_floor += 1
            for _ in range(grow):
                self.load.append(0)
                self.leaving.append(False)
                self.gone.append(False)
                joined.append(len(self.load) - 1)
                self.on_floor += 1
        elif target < self.on_floor:
            shrink = self.on_floor - target
            while shrink and self.idle:
                self.gone[self.idle.pop()] = True
                shrink -= 1
                self.on_floor -= 1
            for a in [a for a in self.busy if not self.leaving[a]][:shrink]:
                self.leaving[a] = True
                self.partial.discard(a)
                self.on_floor -= 1
        return joined
