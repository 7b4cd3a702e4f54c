"""Customer state as numpy arrays, indexed by customer id, with fixed attributes drawn per id block.

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


class Population:
    """Arrays of customer state; ``n`` ids exist, ``capacity`` are allocated."""

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
        self.a = {name: np.zeros(max(capacity, CUSTOMER_BLOCK), dtype) for name, dtype in FIELDS.items()}
        self.a["joined_month"][:] = -1

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.__dict__["a"][name][: self.__dict__["n"]]
        except KeyError:
            raise AttributeError(name) from None

    def block(self, b: int) -> dict[str, np.ndarray]:
        """Fixed attributes of the ids in block ``b``. Draw order is part of the CRN contract."""
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
        return {"segment": seg, "churn_propensity": np.clip(theta, 1e-9, 1 - 1e-9), "own_level": level,
                "tenure_months": tenure, "spend_multiplier": spend,
                "referral_propensity": gamma * self.referral_multiplier[seg]}

    def ensure(self, n_ids: int) -> None:
        """Create ids up to ``n_ids`` (inactive prospects) with their fixed attributes."""
        if n_ids <= self.n:
            return
        cap = self.a["active"].size
        if n_ids > cap:
            new = max(n_ids, 2 * cap)
            for name, arr in self.a.items():
                grown = np.zeros(new, arr.dtype)
                grown[:cap] = arr
                if name == "joined_month":
                    grown[cap:] = -1
                self.a[name] = grown
        lo, hi = self.n, n_ids
        for b in range(lo // CUSTOMER_BLOCK, (hi - 1) // CUSTOMER_BLOCK + 1):
            attrs = self.block(b)
            s, e = max(lo, b * CUSTOMER_BLOCK), min(hi, (b + 1) * CUSTOMER_BLOCK)
            off = slice(s - b * CUSTOMER_BLOCK, e - b * CUSTOMER_BLOCK)
            for name, values in attrs.items():
                self.a[name][s:e] = values[off]
            self.a["satisfaction"][s:e] = attrs["own_level"][off]
        self.n = hi

    def join(self, ids: np.ndarray, month: int, referred: np.ndarray | bool = False, keep_tenure: bool = False) -> None:
        """Make prospects ``ids`` customers from the end of ``month``."""
        a = self.a
        a["active"][ids] = True
        a["ever"][ids] = True
        a["joined_month"][ids] = month
        a["referred"][ids] = referred
        a["satisfaction"][ids] = a["own_level"][ids]
        if not keep_tenure:
            a["tenure_months"][ids] = 0

    def spend_usd(self) -> np.ndarray:
        """Monthly spend of every id (whether active or not)."""
        return self.price[self.segment] * self.spend_multiplier + self.extra_spend_usd

    def free(self) -> None:
        """Drop the arrays (Mesa 3.3 keeps finished models alive)."""
        self.a = {name: np.zeros(0, arr.dtype) for name, arr in self.a.items()}
        self.n = 0
