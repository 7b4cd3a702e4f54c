"""The Mesa model of customers: who contacts us, how they feel, who leaves, who joins.

Customer state lives in numpy arrays indexed by customer id (one Python object per customer costs
~60× the CPU and ~30× the memory, FACTS.md §6). Ids are never reused; a churned customer keeps its
row with ``active = False``. Every random draw is keyed by (stream, month) or by id block and is
prefix-stable, so two arms share the draws of every customer they have in common (CRN).

Monthly order of events: the customers active at the start of the month may contact us
(``propose_contacts``); the pipeline serves them and hands back experiences (``absorb``); then
``step`` ages satisfaction, decides churn, collects revenue from survivors, and adds referred and
marketing customers, who can contact us from the next month on.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np
from scipy.special import expit, logit

from sim.experience import likelihood_to_recommend, nps
from sim.scenario import CustomerConfig, ExperienceConfig
from sim.streams import CUSTOMER_BLOCK, Stream, Streams


@dataclass(frozen=True)
class ContactRequests:
    """The month's contacts, in customer-id order; ``potential_index`` keys the world draws."""

    customer_id: np.ndarray
    channel: np.ndarray
    potential_index: np.ndarray


class CustomerModel(mesa.Model):
    """Customers of one arm of one replication.

    Args:
        customers: the customer-base settings.
        experience: experience-to-loyalty settings.
        channel_shares: share of contacts per channel code (sums to 1).
        streams: the replication's named streams.
    """

    def __init__(self, customers: CustomerConfig, experience: ExperienceConfig,
                 channel_shares: np.ndarray, streams: Streams) -> None:
        super().__init__(rng=streams.rng(Stream.MESA))
        self.cfg, self.exp, self.streams = customers, experience, streams
        self.channel_cdf = np.cumsum(channel_shares) / np.sum(channel_shares)
        self.month = 0  # our own clock (Mesa's counters change across versions)
        self.last_metrics: dict[str, float] = {}
        self.n_ids = 0
        cap = max(CUSTOMER_BLOCK, customers.initial * 2)
        self.active = np.zeros(cap, bool)
        self.satisfaction = np.zeros(cap)
        self.own_level = np.zeros(cap)  # where satisfaction drifts back to without contacts
        self.churn_propensity = np.zeros(cap)
        self.tenure_months = np.zeros(cap, np.int64)
        self.referred = np.zeros(cap, bool)
        self._contacted = np.zeros(cap, bool)
        self._unresolved = np.zeros(cap, bool)
        self._add(customers.initial, initial=True)
        self.s_ref = (experience.satisfaction_ref if experience.satisfaction_ref is not None
                      else customers.satisfaction_initial_mean)

    # ---- population --------------------------------------------------------------------
    def _block(self, b: int) -> dict[str, np.ndarray]:
        """Fixed attributes of ids in block ``b`` (drawn identically in every arm)."""
        rng = self.streams.rng(Stream.CUSTOMERS, b)
        c = self.cfg
        if c.churn_concentration is None:
            theta = np.full(CUSTOMER_BLOCK, c.monthly_churn)
            rng.random(CUSTOMER_BLOCK)  # keep the stream's layout independent of the setting
        else:
            a, b_ = c.monthly_churn * c.churn_concentration, (1 - c.monthly_churn) * c.churn_concentration
            theta = rng.beta(a, b_, CUSTOMER_BLOCK)
        level = np.clip(c.satisfaction_initial_mean + c.satisfaction_initial_sd * rng.standard_normal(CUSTOMER_BLOCK), 0.01, 0.99)
        tenure = rng.integers(0, c.initial_tenure_max_months + 1, CUSTOMER_BLOCK)
        return {"theta": np.clip(theta, 1e-9, 1 - 1e-9), "level": level, "tenure": tenure}

    def _grow(self, need: int) -> None:
        cap = self.active.size
        if need <= cap:
            return
        new = max(need, 2 * cap)
        for name in ("active", "satisfaction", "own_level", "churn_propensity", "tenure_months",
                     "referred", "_contacted", "_unresolved"):
            arr = getattr(self, name)
            grown = np.zeros(new, arr.dtype)
            grown[:cap] = arr
            setattr(self, name, grown)

    def _add(self, n: int, initial: bool = False, referred: int = 0) -> None:
        """Add ``n`` customers; the last ``referred`` of them came through referrals."""
        if n <= 0:
            return
        lo, hi = self.n_ids, self.n_ids + n
        self._grow(hi)
        for b in range(lo // CUSTOMER_BLOCK, (hi - 1) // CUSTOMER_BLOCK + 1):
            attrs = self._block(b)
            s, e = max(lo, b * CUSTOMER_BLOCK), min(hi, (b + 1) * CUSTOMER_BLOCK)
            off = slice(s - b * CUSTOMER_BLOCK, e - b * CUSTOMER_BLOCK)
            self.churn_propensity[s:e] = attrs["theta"][off]
            self.own_level[s:e] = attrs["level"][off]
            self.satisfaction[s:e] = attrs["level"][off]
            self.tenure_months[s:e] = attrs["tenure"][off] if initial else 0
        self.active[lo:hi] = True
        self.referred[hi - referred:hi] = referred > 0
        self.n_ids = hi

    def close(self) -> None:
        """Drop the state arrays: Mesa 3.3 keeps models alive, so a finished run must free its memory."""
        for name in ("active", "satisfaction", "own_level", "churn_propensity", "tenure_months",
                     "referred", "_contacted", "_unresolved"):
            setattr(self, name, np.zeros(0, getattr(self, name).dtype))
        self.n_ids = 0

    @property
    def active_count(self) -> int:
        return int(self.active[: self.n_ids].sum())

    # ---- the month ---------------------------------------------------------------------
    def propose_contacts(self) -> ContactRequests:
        """Contacts wanted this month by the customers active now."""
        month, n = self.month + 1, self.n_ids
        counts = self.streams.rng(Stream.CONTACT_COUNT, month).poisson(self.cfg.contact_rate_per_month, n)
        total = int(counts.sum())
        ids = np.repeat(np.arange(n, dtype=np.int64), counts)
        pidx = np.arange(total, dtype=np.int64)
        u = self.streams.rng(Stream.CHANNEL, month).random(total)
        channel = np.searchsorted(self.channel_cdf, u, side="right").astype(np.int8)
        keep = self.active[ids]
        return ContactRequests(ids[keep], channel[keep], pidx[keep])

    def absorb(self, ids: np.ndarray, episode_score: np.ndarray, unresolved_ids: np.ndarray) -> None:
        """Move each contacting customer's satisfaction toward this month's episode."""
        w = self.exp.memory_weight / (1.0 + self.tenure_months[ids] / self.exp.memory_tenure_scale_months)
        self.satisfaction[ids] += w * (episode_score - self.satisfaction[ids])
        self._contacted[ids] = True
        self._unresolved[unresolved_ids] = True

    def step(self) -> None:
        """Close the month: drift, churn, revenue, referrals, acquisition; metrics in ``last_metrics``."""
        self.month += 1
        m, n, e, c = self.month, self.n_ids, self.exp, self.cfg
        act = self.active[:n]
        quiet = act & ~self._contacted[:n]
        self.satisfaction[:n][quiet] += e.drift_to_baseline * (self.own_level[:n][quiet] - self.satisfaction[:n][quiet])

        z = (logit(self.churn_propensity[:n]) + e.churn_beta * (self.s_ref - self.satisfaction[:n])
             + e.unresolved_churn_gamma * self._unresolved[:n])
        churn = act & (self.streams.rng(Stream.CHURN, m).random(n) < expit(z))
        self.active[:n][churn] = False
        act = self.active[:n]
        survivors = int(act.sum())

        ltr = likelihood_to_recommend(self.satisfaction[:n], e.nps_noise_sd * self.streams.rng(Stream.NPS, m).standard_normal(n))
        promoters = act & (ltr >= 9)
        p_refer = e.referral_rate_per_promoter_month * e.referral_conversion
        n_referred = int((promoters & (self.streams.rng(Stream.REFERRAL, m).random(n) < p_refer)).sum())
        n_marketing = int(self.streams.rng(Stream.ACQUISITION, m).poisson(c.acquisition_per_month))

        self.last_metrics = {
            "active_customers": float(survivors),
            "churned": float(churn.sum()),
            "acquired": float(n_marketing + n_referred),
            "referred": float(n_referred),
            "revenue_usd": survivors * c.price_usd_per_month,
            "gross_margin_usd": survivors * c.price_usd_per_month * c.gross_margin,
            "nps": nps(ltr[act]),
            "satisfaction_mean": float(self.satisfaction[:n][act].mean()) if survivors else float("nan"),
            "contacted_customers": float(self._contacted[:n].sum()),
        }
        self.tenure_months[:n][act] += 1
        self._contacted[:n] = False
        self._unresolved[:n] = False
        self._add(n_marketing + n_referred, referred=n_referred)
