"""Customer state as numpy arrays, one row per customer who can still matter, keyed by customer id.

Rows hold the active customers (and, in a finite market, the prospects who may still join); a
customer who churned is dropped at the start of the next month's close (:meth:`Population.compact`),
so memory is bounded by the customers who exist, not by every id ever created. Each row keeps its
customer ``id``: ids are given out in increasing order and rows stay sorted by id, so an id is found
by binary search and every draw keyed by id is the same whatever rows exist (common random numbers).

Fixed attributes (segment, churn propensity θ, spend multiplier, referral propensity, own
satisfaction level, initial tenure) of id ``i`` come from the block ``i // CUSTOMER_BLOCK`` of
``Stream.CUSTOMERS``, so they never depend on how many customers exist or on the arm (CRN).
"""

from __future__ import annotations

import numpy as np

from sim.scenario import CustomerConfig
from sim.streams import CUSTOMER_BLOCK, Stream, Streams

#: Arrays of per-customer state and their dtypes. ``joined_month`` is −1 for a prospect who never joined.
FIELDS = {
    "id": np.int64,  # the customer id: the key of every draw about this customer
    "active": bool,
    "ever": bool,  # has been a customer (prospects in a finite market have False)
    "segment": np.int16,
    "satisfaction": float,
    "own_level": float,
    "churn_propensity": float,
    "spend_multiplier": float,
    "extra_spend_usd": float,  # upsells
    "referral_propensity": float,
    "tenure_months": np.int32,
    "joined_month": np.int32,
    "referred": bool,
    "contacted": bool,
    "unresolved": bool,
}
GROWTH = 1.25  # capacity grows by a quarter: a doubling would hold twice the customers' memory


class Population:
    """Arrays of customer state: ``n`` rows in use out of ``capacity``; ``next_id`` ids given out so far."""

    def __init__(self, cfg: CustomerConfig, streams: Streams, capacity: int) -> None:
        self.cfg, self.streams = cfg, streams
        self.segments = cfg.segment_table()
        shares = np.array([sg.share for sg in self.segments], float)
        self.segment_cdf = np.cumsum(shares) / shares.sum()
        self.price = np.array([sg.price_usd_per_month for sg in self.segments], float)
        self.base_churn = np.array([sg.monthly_churn for sg in self.segments], float)
        self.contact_multiplier = np.array([sg.contact_rate_multiplier for sg in self.segments], float)
        self.referral_multiplier = np.array([sg.referral_multiplier for sg in self.segments], float)
        self.n = 0
        self.next_id = 0
        self.cohort_size = np.zeros(1, np.int64)  # customers who ever joined, per joining month
        self.a = {name: np.zeros(max(capacity, 1), dtype) for name, dtype in FIELDS.items()}
        self._block: tuple[int, dict[str, np.ndarray]] | None = None  # the last id block drawn

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.__dict__["a"][name][: self.__dict__["n"]]
        except KeyError:
            raise AttributeError(name) from None

    def block(self, b: int) -> dict[str, np.ndarray]:
        """Fixed attributes of the ids in block ``b``. Draw order is part of the CRN contract."""
        if self._block is not None and self._block[0] == b:
            return self._block[1]
        rng, c, size = self.streams.rng(Stream.CUSTOMERS, b), self.cfg, CUSTOMER_BLOCK
        seg = np.searchsorted(self.segment_cdf, rng.random(size), side="right").astype(np.int16)
        p = self.base_churn[seg]
        if c.churn_concentration is None:
            theta = p.copy()
            rng.random(size)
        else:
            theta = rng.beta(p * c.churn_concentration, (1 - p) * c.churn_concentration)
        level = np.clip(c.satisfaction_initial_mean + c.satisfaction_initial_sd * rng.standard_normal(size), 0.01, 0.99)
        tenure = rng.integers(0, c.initial_tenure_max_months + 1, size)
        sigma = np.sqrt(np.log1p(c.spend_cv**2))
        spend = np.exp(sigma * rng.standard_normal(size) - sigma**2 / 2)
        shape = c.referral_heterogeneity_shape
        gamma = rng.gamma(shape, 1.0 / shape, size) if shape is not None else np.ones(size)
        attrs = {"segment": seg, "churn_propensity": np.clip(theta, 1e-9, 1 - 1e-9), "own_level": level,
                 "tenure_months": tenure, "spend_multiplier": spend,
                 "referral_propensity": gamma * self.referral_multiplier[seg]}
        self._block = (b, attrs)  # new ids come a month's acquisitions at a time: the last block is reused
        return attrs

    def _reserve(self, rows: int) -> None:
        cap = self.a["id"].size
        if rows > cap:
            new = max(rows, int(cap * GROWTH) + 1)
            for name, arr in self.a.items():
                grown = np.zeros(new, arr.dtype)
                grown[: self.n] = arr[: self.n]
                self.a[name] = grown

    def ensure(self, n_ids: int) -> None:
        """Give out ids up to ``n_ids`` as new rows (inactive prospects) with their fixed attributes."""
        if n_ids <= self.next_id:
            return
        lo, hi = self.next_id, n_ids
        self._reserve(self.n + hi - lo)
        base = self.n - lo  # row of id ``lo`` is ``self.n``
        a = self.a
        a["id"][self.n:self.n + hi - lo] = np.arange(lo, hi)
        for name in ("active", "ever", "referred", "contacted", "unresolved", "extra_spend_usd"):
            a[name][self.n:self.n + hi - lo] = 0
        a["joined_month"][self.n:self.n + hi - lo] = -1
        for b in range(lo // CUSTOMER_BLOCK, (hi - 1) // CUSTOMER_BLOCK + 1):
            attrs = self.block(b)
            s, e = max(lo, b * CUSTOMER_BLOCK), min(hi, (b + 1) * CUSTOMER_BLOCK)
            off = slice(s - b * CUSTOMER_BLOCK, e - b * CUSTOMER_BLOCK)
            for name, values in attrs.items():
                a[name][base + s:base + e] = values[off]
            a["satisfaction"][base + s:base + e] = attrs["own_level"][off]
        self.n += hi - lo
        self.next_id = hi

    def rows(self, ids: np.ndarray) -> np.ndarray:
        """Rows of customer ids (each must have a row: rows are sorted by id)."""
        return np.searchsorted(self.id, np.asarray(ids, np.int64))

    def join(self, rows: np.ndarray, month: int, referred: np.ndarray | bool = False, keep_tenure: bool = False) -> None:
        """Make the prospects in ``rows`` customers from the end of ``month``."""
        a = self.a
        a["active"][rows] = True
        a["ever"][rows] = True
        a["joined_month"][rows] = month
        a["referred"][rows] = referred
        a["satisfaction"][rows] = a["own_level"][rows]
        if not keep_tenure:
            a["tenure_months"][rows] = 0
        if self.cohort_size.size <= month:
            self.cohort_size = np.pad(self.cohort_size, (0, month + 1 - self.cohort_size.size))
        self.cohort_size[month] += np.asarray(rows).size  # rows are index arrays

    def compact(self) -> None:
        """Drop the rows of customers who left (churned: inactive but once a customer). Keeps id order."""
        keep = np.flatnonzero(self.active | ~self.ever)
        if keep.size == self.n:
            return
        for name, arr in self.a.items():
            arr[: keep.size] = arr[keep]
        self.n = int(keep.size)
        if self.n < self.a["id"].size // 2:  # give memory back after a large loss of customers
            self.a = {name: arr[: int(self.n * GROWTH) + 1].copy() for name, arr in self.a.items()}

    def spend_usd(self) -> np.ndarray:
        """Monthly spend of every row (whether active or not)."""
        return self.price[self.segment] * self.spend_multiplier + self.extra_spend_usd

    def free(self) -> None:
        """Drop the arrays (Mesa 3.3 keeps finished models alive)."""
        self.a = {name: np.zeros(0, arr.dtype) for name, arr in self.a.items()}
        self.n = 0
        self._block = None
