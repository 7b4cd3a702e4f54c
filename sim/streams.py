"""Named random streams derived from one root seed.

This is the only place where seeds become random number generators (docs/odd.md, "Stochasticity").
Every generator is ``SeedSequence(root, spawn_key=(replication, stream, *key))``, so a draw is
fully determined by *what* it describes (replication, stream, month, block…), never by the order
in which code happens to ask for it, the executor, or the number of workers.

Common random numbers: world draws never depend on the investment. Two kinds:

* Fixed customer attributes are drawn per block of ``CUSTOMER_BLOCK`` ids from a PCG64 generator
  (prefix-stable: customer ``i``'s attributes never depend on how many customers exist).
* Everything drawn per customer and month (how many needs, churn, upsell, NPS noise, referrals)
  and per need (channel, arrival, reason, patience, work, decisions, surveys) is *keyed*:
  :meth:`Streams.keyed` hashes (replication, stream, month…) and a 64-bit counter (the customer id,
  or :func:`need_key` of (customer id, need number)) to uniforms, so a value exists only when it is
  asked for, costs nothing for customers who are gone, and is the same whatever else is asked,
  in which order, and in which arm.

The keyed generator is counter-based (Salmon et al. 2011, "Parallel random numbers: as easy as
1, 2, 3"): value ``j`` of counter ``c`` under key ``(k1, k2)`` is output ``j`` of a SplitMix64
generator (Steele, Lea & Flood 2014) whose state starts at ``mix64(c ^ k1) + k2``, where ``mix64``
is SplitMix64's finaliser (a bijection of 64-bit words with full avalanche) and ``(k1, k2)`` are two
64-bit words of ``SeedSequence(root, spawn_key=(replication, stream, *key))``. Why it is sound:
for one key, distinct counters give distinct start states (``c ↦ mix64(c ^ k1)`` is a bijection),
each counter reads ≤ 64 consecutive outputs of its own SplitMix64 sequence (outputs of one sequence
are a bijection of the position: never repeat within 2^64), and start states are spread over
2^64 by the finaliser, so two of N counters' runs overlap with probability ≤ N²·64 / 2^64
(< 10⁻⁴ for N = 10⁸ needs in one month and stream); SplitMix64 passes BigCrush. Streams and months
have independent keys from SeedSequence's hash. Tests check uniformity, independence of
neighbouring counters and streams (tests/test_keyed_draws.py).
"""

from __future__ import annotations

import hashlib
from enum import IntEnum

import numpy as np

#: Bits of a need key left for the need number: :func:`need_key` is ``customer_id << NEED_BITS | need``.
NEED_BITS = 16
MAX_NEEDS = (1 << NEED_BITS) - 1  # needs per customer and month (a Poisson count; never near this)

_GAMMA = np.uint64(0x9E3779B97F4A7C15)  # SplitMix64's increment (odd: positions never repeat)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_CHUNK = 1 << 15  # counters hashed at a time (temporaries stay in cache, memory stays flat)

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
    # Since issue 17 the streams "per potential contact" above are keyed by need (``need_key``) and
    # those "per customer and month" by customer id, through :meth:`Streams.keyed`.


def mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, in place on a uint64 array: a bijection of 64-bit words."""
    t = np.empty_like(x)
    for shift, mult in ((30, _M1), (27, _M2), (31, None)):
        np.right_shift(x, np.uint64(shift), out=t)
        np.bitwise_xor(x, t, out=x)
        if mult is not None:
            np.multiply(x, mult, out=x)
    return x


def need_key(customer_id: np.ndarray, need: np.ndarray) -> np.ndarray:
    """The draw key of need number ``need`` (0, 1, …) of a customer in a month: ``id << 16 | need``."""
    return (np.asarray(customer_id, np.int64) << NEED_BITS) | np.asarray(need, np.int64)


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

    def keyed(self, stream: Stream, counter: np.ndarray, *key: int, slots: int | None = None,
              dtype=np.float64) -> np.ndarray:
        """Uniforms in the open interval (0, 1) for each counter (a customer id or a need key).

        ``slots=None`` gives one value per counter; ``slots=k`` gives ``k`` values per counter, shape
        ``counter.shape + (k,)``, and value ``j`` is the same whatever ``k`` (≥ j + 1) is asked.
        ``dtype=np.float32`` rounds each float64 value to float32 (as ``astype`` would; 1.0 can
        result), a chunk at a time, so no float64 array of the whole size is ever made.

        Example:
            >>> s = Streams(42, 0)
            >>> a = s.keyed(Stream.CHURN, np.array([7, 3, 5]), 2)
            >>> b = s.keyed(Stream.CHURN, np.array([5, 99, 7]), 2)
            >>> bool(a[0] == b[2] and a[2] == b[0])
            True
        """
        k1, k2 = seed_sequence(self.root_seed, self.replication, stream, *key).generate_state(2, np.uint64)
        flat = np.asarray(counter, np.int64).reshape(-1)
        width = 1 if slots is None else int(slots)
        out = np.empty((flat.size, width), dtype)
        narrow = out.dtype != np.float64
        offsets = np.arange(width, dtype=np.uint64) * _GAMMA + k2
        for lo in range(0, flat.size, _CHUNK):
            c = flat[lo:lo + _CHUNK].view(np.uint64) ^ k1
            x = mix64(c)[:, None] + offsets  # SplitMix64 states, one row per counter
            mix64(x.reshape(-1))
            np.right_shift(x, np.uint64(11), out=x)
            part = np.empty(x.shape) if narrow else out[lo:lo + _CHUNK]
            part[...] = x
            part += 0.5
            part *= 2.0**-53
            if narrow:
                out[lo:lo + _CHUNK] = part
        shape = np.shape(counter)
        return out.reshape(shape) if slots is None else out.reshape(shape + (width,))
