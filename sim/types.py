"""Categories shared by the scenario, the contact centre and the customer model (house style: Enums)."""

from __future__ import annotations

from enum import Enum


class Channel(str, Enum):
    """Contact channels. The order is the integer code used in arrays (``Channel.code``)."""

    PHONE = "phone"
    CHAT = "chat"
    EMAIL = "email"
    SOCIAL = "social"

    @property
    def deferrable(self) -> bool:
        """E-mail and social messages wait in a backlog; nobody abandons them."""
        return self in (Channel.EMAIL, Channel.SOCIAL)

    @property
    def code(self) -> int:
        return list(Channel).index(self)

    @classmethod
    def from_code(cls, code: int) -> "Channel":
        return list(cls)[code]


class Outcome(str, Enum):
    """What happened to a contact that reached a human queue."""

    ANSWERED = "answered"
    ABANDONED = "abandoned"


class Arm(str, Enum):
    """Reserved arm name for the no-investment run."""

    BASELINE = "baseline"
