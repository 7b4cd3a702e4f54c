"""Named random streams derived from one root seed.

This is the only place where seeds become random number generators (DESIGN.md, "Randomness").
Every generator is ``SeedSequence(root, spawn_key=(replication, stream, *key))``, so a draw is
fully determined by *what* it describes (replication, stream, month, block…), never by the order
in which code happens to ask for it, the executor, or the number of workers.

Common random numbers: world draws (who needs to contact us, when, why, patience, work content,
churn propensity) are drawn per customer id / per potential contact from streams that do not
depend on the investment. Arrays are drawn so that their *prefix* is stable: asking for ``n`` or
``n + k`` values gives the same first ``n`` values, so two arms with different numbers of
customers still share the draws of the customers they have in common.
"""

from __future__ import annotations

import hashlib
from enum import IntEnum

import numpy as np

#: Customers' fixed attributes are drawn in blocks of this many ids, so that the attributes of
#: customer ``i`` never depend on how many customers exist.
CUSTOMER_BLOCK = 4096


class Stream(IntEnum):
    """The named streams. Values are part of the reproducibility contract: never renumber."""

    CUSTOMERS = 1  # fixed per-customer attributes (churn propensity, price, initial satisfaction)
    CONTACT_COUNT = 2  # potential contacts per customer and month
    CONTACT_ACCEPT = 3  # thinning uniform: does a potential contact become a real one
    CHANNEL = 4  # channel choice uniform
    ARRIVAL = 5  # day / hour / second within hour of each potential contact
    PATIENCE = 6  # standard exponentials per potential contact and attempt: patience, follow-up delay
    HANDLE = 7  # work-content uniform of each potential contact (inverse CDF of its distribution)
    RESOLVE = 8  # decision uniforms per potential contact and attempt (resolution, transfer, bot, …)
    SURVEY = 9  # survey response and answer noise
    CHURN = 10  # churn uniform per customer and month
    REFERRAL = 11  # referral uniforms per customer and month
    ACQUISITION = 12  # marketing acquisitions per month
    MESA = 13  # the generator handed to mesa.Model (not used for model logic)
    NPS = 14  # relationship-survey noise per customer and month
    UPSELL = 15  # upsell uniform per customer and month
    NETWORK = 16  # the social network (a world draw, identical in every arm)
    ADOPTION = 17  # adoption uniform per prospect and month (finite market)
    WOM = 18  # negative word-of-mouth uniforms per customer and month
    REASON = 19  # contact reason of each potential contact
    DAY = 20  # day-level volume multipliers of a month (over-dispersion)
    DEFLECT = 21  # self-service deflection uniform per potential contact
    PREVENT = 22  # proactive-outreach prevention uniform per potential contact
    RECOVERY = 23  # service-recovery credit uniform per potential contact
    REOPEN = 24  # standard exponentials per potential contact and attempt: delay after a closed channel opens
    PRIOR = 25  # one standard normal per uncertain setting, keyed by the setting's path (PSA)
    SHIFT = 26  # channel-shift uniform per potential contact (an omnichannel platform moves some contacts)


def seed_sequence(root_seed: int, replication: int, stream: Stream, *key: int) -> np.random.SeedSequence:
    """The SeedSequence for one named stream of one replication."""
    if root_seed < 0:
        raise ValueError(f"root seed must be >= 0, got {root_seed}")
    return np.random.SeedSequence(root_seed, spawn_key=(int(replication), int(stream), *map(int, key)))


def text_key(text: str) -> int:
    """A stable integer key for a name (a setting path, an investment): 63 bits of its SHA-256."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") >> 1


class Streams:
    """Factory of named generators for one replication of one experiment.

    Args:
        root_seed: the experiment's single root seed.
        replication: replication index (0-based). Arms of the same replication share it.

    Example:
        >>> s = Streams(42, 0)
        >>> a = s.rng(Stream.CHURN, 3).random(5)
        >>> b = Streams(42, 0).rng(Stream.CHURN, 3).random(8)
        >>> bool((a == b[:5]).all())
        True
    """

    def __init__(self, root_seed: int, replication: int) -> None:
        self.root_seed = int(root_seed)
        self.replication = int(replication)

    def rng(self, stream: Stream, *key: int) -> np.random.Generator:
        """A fresh generator for ``stream`` and the extra integer ``key`` (month, block, …)."""
        ss = seed_sequence(self.root_seed, self.replication, stream, *key)
        return np.random.Generator(np.random.PCG64(ss))

    def uniforms(self, stream: Stream, n: int, *key: int) -> np.ndarray:
        """``n`` prefix-stable U(0,1) draws."""
        return self.rng(stream, *key).random(n)
