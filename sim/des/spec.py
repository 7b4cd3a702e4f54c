"""How the centre is set up for one month: channels, agent groups, bot tiers (plain, frozen data).

The pipeline builds a :class:`CentreSpec` from the scenario and the investment; the DES only reads
it. Proficiency p of a group scales handle time by 1/p, the unresolved probability by 1/p and the
transfer probability by 1/p (p = 1 is the scenario's reference agent).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum

from sim.des.contacts import HOURS_PER_DAY

MINUTES_PER_DAY = 1440


class Closed(IntEnum):
    """What a customer does who reaches a live channel's human queue while it is closed."""

    RETRY = 0  # tries again after the channel opens (after a random delay)
    SWITCH = 1  # goes to another channel that is open now (else retries)
    MESSAGE = 2  # leaves a message: deferrable work for the channel's agents once it opens


@dataclass(frozen=True)
class BotSpec:
    """A chatbot / AI voice agent in front of a channel."""

    containment_by_reason: tuple[float, ...]
    false_containment: float = 0.0  # share of contained sessions that come back within days
    opt_out: float = 1.0  # share of not-contained sessions that reach a human (the rest: dead end)
    session_s: float = 120.0
    context_handoff: bool = True  # a human sees what the bot learned
    no_context_work_increase: float = 0.25  # longer human handling when the story is retold
    recontact_delay_mean_s: float = 2 * 86_400.0


@dataclass(frozen=True)
class ChannelSpec:
    """One channel's rules for the month."""

    sl_threshold_s: float
    fcr_by_reason: tuple[float, ...]
    realtime: bool = True  # False: deferrable work (e-mail, social), no abandonment, backlog carried
    patience_mean_s: float = math.inf  # for follow-up attempts (first attempts carry their own)
    patience_cv: float | None = None  # None: exponential; else lognormal
    handle_multiplier: float = 1.0
    transfer_by_reason: tuple[float, ...] = (0.0,)
    concurrency: int = 1
    concurrency_inflation: float = 0.0  # handle time x (1 + this x other chats in hand)
    silent_abandon_share: float = 0.0
    silent_detect_s: float = 60.0
    callback_offer_wait_s: float = math.inf  # offer a callback when the estimated wait exceeds this
    callback_accept: float = 0.0
    aht_estimate_s: float = 300.0  # for the callback's wait estimate
    retrial_probability: float = 0.0
    retrial_delay_mean_s: float = 600.0
    repeat_probability: float = 0.0
    repeat_delay_mean_s: float = 2 * 86_400.0
    bot: BotSpec | None = None
    cost_per_contact_usd: float = 0.0
    bot_cost_per_session_usd: float = 0.0
    open_by_interval: tuple[bool, ...] | None = None  # 7 x intervals of the day, Monday first; None: open
    #                                                   where level-1 agents are scheduled (always, if never)
    closed: Closed = Closed.RETRY
    closed_retry_delay_mean_s: float = 1800.0  # exponential delay after the opening
    closed_switch_to: int | None = None  # channel code for Closed.SWITCH


@dataclass(frozen=True)
class GroupSpec:
    """Agents with the same skills, proficiency and hourly schedule."""

    name: str
    channels: tuple[int, ...]
    agents_by_hour: tuple[int, ...]
    proficiency: float = 1.0
    level: int = 1  # 2 = the escalation pool (serves transfers only)
    reasons: tuple[int, ...] | None = None  # None = every reason
    cost_per_handled_contact_usd: float = 0.0  # an outsourced partner's price
    agents_by_interval: tuple[int, ...] | None = None  # 7 x intervals of the day (Monday first); overrides by hour

    def __post_init__(self) -> None:
        if len(self.agents_by_hour) != HOURS_PER_DAY or min(self.agents_by_hour) < 0:
            raise ValueError(f"group {self.name}: agents_by_hour needs {HOURS_PER_DAY} values >= 0")
        if self.agents_by_interval is not None and (len(self.agents_by_interval) % 7 or min(self.agents_by_interval) < 0):
            raise ValueError(f"group {self.name}: agents_by_interval needs 7 x intervals-of-the-day values >= 0")
        if self.proficiency <= 0:
            raise ValueError(f"group {self.name}: proficiency must be > 0")


@dataclass(frozen=True)
class CentreSpec:
    """Everything the DES needs besides the contacts."""

    channels: tuple[ChannelSpec, ...]
    groups: tuple[GroupSpec, ...]
    n_reasons: int = 1
    l2_work_factor: float = 1.5
    l2_fcr: float = 0.9
    interval_min: int = 60  # the schedule's resolution: staffing and opening hours change on this grid
    first_weekday: int = 0  # weekday of the month's day 0 (0 = Monday)

    def __post_init__(self) -> None:
        if self.interval_min not in (15, 30, 60):
            raise ValueError(f"interval_min must be 15, 30 or 60, got {self.interval_min}")
        week = 7 * MINUTES_PER_DAY // self.interval_min
        for g in self.groups:
            if g.agents_by_interval is not None and len(g.agents_by_interval) != week:
                raise ValueError(f"group {g.name}: agents_by_interval needs {week} values (7 days x {self.interval_min}-minute intervals)")
        for c, ch in enumerate(self.channels):
            if ch.open_by_interval is not None and len(ch.open_by_interval) != week:
                raise ValueError(f"channel {c}: open_by_interval needs {week} values (7 days x {self.interval_min}-minute intervals)")
            if ch.closed == Closed.SWITCH and not (ch.closed_switch_to is not None and 0 <= ch.closed_switch_to < len(self.channels)
                                                    and ch.closed_switch_to != c):
                raise ValueError(f"channel {c}: closed=SWITCH needs another channel's code in closed_switch_to")


@dataclass(frozen=True)
class QueueSpec:
    """Shorthand for one single-skill channel queue (tests, benchmarks, simple scenarios)."""

    agents_by_hour: tuple[int, ...]
    sl_threshold_s: float
    fcr_probability: float
    handle_multiplier: float = 1.0
    cost_per_contact_usd: float = 0.0

    def __post_init__(self) -> None:
        if len(self.agents_by_hour) != HOURS_PER_DAY:
            raise ValueError(f"agents_by_hour needs {HOURS_PER_DAY} values, got {len(self.agents_by_hour)}")
        if min(self.agents_by_hour) < 0:
            raise ValueError("agents_by_hour must be >= 0")


def centre_from_queues(queues: list[QueueSpec]) -> CentreSpec:
    """One dedicated group per channel, one reason, no bot: the plain multi-queue centre."""
    channels = tuple(ChannelSpec(q.sl_threshold_s, (q.fcr_probability,), handle_multiplier=q.handle_multiplier,
                                 cost_per_contact_usd=q.cost_per_contact_usd) for q in queues)
    groups = tuple(GroupSpec(f"channel{c}", (c,), tuple(q.agents_by_hour)) for c, q in enumerate(queues))
    return CentreSpec(channels, groups)
