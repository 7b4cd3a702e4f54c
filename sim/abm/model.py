"""The Mesa model of customers: who contacts us, how they feel, who leaves, who joins.

Customer state lives in numpy arrays (:mod:`sim.abm.population`): one Python object per customer
costs ~60× the CPU and ~30× the memory (measured on this project); rows exist only for customers who can still
matter. Fixed attributes are drawn per id block; every monthly draw is keyed by (stream, month,
customer id) or (stream, month, customer id, need number) (:meth:`sim.streams.Streams.keyed`), so
two arms share the draws of every customer they have in common, and a churned customer costs nothing.

Contacts: customer i has K ~ Poisson(λ_i) needs in a month, K the Poisson quantile of one keyed
uniform (inverse CDF). The quantile grows with λ for a fixed uniform, so a customer who wants more
contact in one arm has the same needs as in the other arm plus more (monotone coupling), and need
j's channel and every later draw are keyed by (i, j): only needs that happen are ever drawn.

Monthly order of events: the customers active at the start of the month may contact us
(``propose_contacts``); the pipeline serves them and hands back episodes (``absorb``); ``step``
then lets satisfaction drift, decides churn, collects spend (and upsells) from survivors, measures
NPS, and acquires through marketing and word of mouth; new customers contact us from next month.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.abm.mesa_shallow import mesa
import numpy as np
from scipy.special import expit, logit, ndtri

from sim.abm import acquisition
from sim.abm.cohorts import CohortLedger
from sim.abm.population import GROWTH, Population
from sim.experience import likelihood_to_recommend, nps
from sim.scenario import CustomerConfig, ExperienceConfig, MarketConfig
from sim.streams import MAX_NEEDS, Stream, Streams, need_key

CONTACT_RATE_CAP = 3.0  # unhappy customers contact at most 3x their segment's base rate
U_CAP = 1.0 - 1e-12  # quantiles of uniforms above this are taken at it (the CDF sum is exact to ~1e-15)


@dataclass(frozen=True)
class ContactRequests:
    """The month's contacts, in customer-id order; ``need_key`` (customer id, need number) keys their draws."""

    customer_id: np.ndarray
    channel: np.ndarray
    need_key: np.ndarray


def poisson_quantile(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Smallest k with P(K ≤ k) ≥ u for K ~ Poisson(λ), element-wise (inverse CDF by summing terms).

    Only the customers whose uniform lies above the CDF so far are carried to the next term, so the
    cost is ~(1 + λ) operations per customer.
    """
    u = np.minimum(u, U_CAP)
    k = np.zeros(u.size, np.int64)
    term = np.exp(-lam)
    idx = np.flatnonzero(u > term)
    term, cdf, lam_i, u_i = term[idx], term[idx].copy(), lam[idx], u[idx]
    j = 0
    while idx.size and j < MAX_NEEDS:
        j += 1
        k[idx] = j
        term *= lam_i / j
        cdf += term
        more = u_i > cdf
        idx, term, cdf, lam_i, u_i = idx[more], term[more], cdf[more], lam_i[more], u_i[more]
    return k


class CustomerModel(mesa.Model):
    """Customers of one arm of one replication.

    Args:
        customers: the customer-base settings.
        experience: experience-to-loyalty settings.
        channel_shares: share of contacts per channel code (sums to 1).
        streams: the replication's named streams.
        market: who can still become a customer (default: an unlimited market).
        discount_rate_annual: for cohort lifetime values.
    """

    def __init__(self, customers: CustomerConfig, experience: ExperienceConfig, channel_shares: np.ndarray,
                 streams: Streams, market: MarketConfig | None = None, discount_rate_annual: float = 0.10) -> None:
        super().__init__(rng=streams.rng(Stream.MESA))
        self.cfg, self.exp, self.streams = customers, experience, streams
        self.market = market or MarketConfig()
        self.channel_cdf = np.cumsum(channel_shares) / np.sum(channel_shares)
        self.month = 0  # our own clock (Mesa's counters change across versions)
        self.last_metrics: dict[str, float] = {}
        size = self.market.size
        self.pop = Population(customers, streams, int(GROWTH * customers.initial) + 1 if size is None else size)
        self.pop.ensure(customers.initial if size is None else size)
        self.pop.join(np.arange(customers.initial), 0, keep_tenure=True)
        self.network = None
        if size is not None and self.market.network == "random":
            self.network = acquisition.random_network(size, self.market.mean_degree, streams.rng(Stream.NETWORK))
        self.s_ref = experience.satisfaction_ref if experience.satisfaction_ref is not None else customers.satisfaction_initial_mean
        self.ledger = CohortLedger(discount_rate_annual)
        self.churn_multiplier = 1.0  # set by the pipeline when an investment assumes a retention effect

    # Backwards-compatible views used by tests and the pipeline.
    @property
    def n_ids(self) -> int:
        """Customer ids given out so far (rows exist only for those who can still matter)."""
        return self.pop.next_id

    @property
    def active_count(self) -> int:
        return int(self.pop.active.sum())

    def close(self) -> None:
        """Free the state arrays: Mesa 3.3 keeps models alive, so a finished run must free its memory."""
        self.pop.free()
        self.network = None

    # ---- the month ---------------------------------------------------------------------
    def contact_rates(self) -> np.ndarray:
        """Contacts per month wanted by each row's customer (active or not)."""
        p = self.pop
        rate = self.cfg.contact_rate_per_month * p.contact_multiplier[p.segment]
        k = self.cfg.contact_satisfaction_sensitivity
        if k > 0:
            rate = rate * np.minimum(np.exp(k * (self.s_ref - p.satisfaction)), CONTACT_RATE_CAP)
        return rate

    def propose_contacts(self) -> ContactRequests:
        """Needs of the customers active now: a Poisson count each (keyed quantile), a channel each (keyed)."""
        month, p = self.month + 1, self.pop
        rows = np.flatnonzero(p.active)
        ids = p.id[rows]
        lam = self.contact_rates()[rows] if rows.size else np.zeros(0)
        counts = poisson_quantile(self.streams.keyed(Stream.CONTACT_COUNT, ids, month), lam)
        who = np.repeat(ids, counts)
        first = np.cumsum(counts) - counts  # position of each customer's need 0
        need = np.arange(who.size, dtype=np.int64) - np.repeat(first, counts)
        keys = need_key(who, need)
        channel_u = self.streams.keyed(Stream.CHANNEL, keys, month)
        channel = np.searchsorted(self.channel_cdf, channel_u, side="right").astype(np.int8)
        return ContactRequests(who, channel, keys)

    def absorb(self, ids: np.ndarray, episode_score: np.ndarray, unresolved_ids: np.ndarray) -> None:
        """Move each contacting customer's satisfaction toward this month's episode (memory fades with tenure)."""
        p = self.pop
        rows = p.rows(ids)
        w = self.exp.memory_weight / (1.0 + p.tenure_months[rows] / self.exp.memory_tenure_scale_months)
        p.satisfaction[rows] += w * (episode_score - p.satisfaction[rows])
        p.contacted[rows] = True
        p.unresolved[p.rows(unresolved_ids)] = True

    def step(self) -> None:
        """Close the month; its metrics are left in ``last_metrics``."""
        self.month += 1
        m, e, c, p = self.month, self.exp, self.cfg, self.pop
        p.compact()  # last month's churners leave the arrays: memory follows the customers who exist
        ids = p.id
        act = p.active.copy()
        quiet = act & ~p.contacted
        p.satisfaction[quiet] += e.drift_to_baseline * (p.own_level[quiet] - p.satisfaction[quiet])

        hazard = logit(p.churn_propensity)  # in place from here: a month at millions of customers keeps few temporaries
        hazard += e.churn_beta * (self.s_ref - p.satisfaction)
        hazard += e.unresolved_churn_gamma * p.unresolved
        expit(hazard, out=hazard)
        hazard *= self.churn_multiplier
        churn = act & (self.streams.keyed(Stream.CHURN, ids, m) < hazard)
        p.active[churn] = False
        act = p.active.copy()

        happy = np.clip((p.satisfaction - self.s_ref) / max(1e-9, 1.0 - self.s_ref), 0.0, 1.0)
        upsell = act & (self.streams.keyed(Stream.UPSELL, ids, m) < c.upsell_rate_per_month * happy)
        p.extra_spend_usd[upsell] += c.upsell_usd_per_month
        del happy
        spend = p.spend_usd()
        revenue = float(spend[act].sum())

        ltr = likelihood_to_recommend(p.satisfaction, e.nps_noise_sd * ndtri(self.streams.keyed(Stream.NPS, ids, m)))
        promoters, detractors = act & (ltr >= 9), act & (ltr <= 6)
        nps_value = nps(ltr[act])
        del ltr
        rho = e.referral_rate_per_promoter_month * e.referral_conversion * p.referral_propensity
        pos, neg = np.where(promoters, rho, 0.0), np.where(detractors, e.negative_wom_multiplier * rho, 0.0)

        metrics = {
            "active_customers": float(act.sum()), "churned": float(churn.sum()),
            "revenue_usd": revenue, "gross_margin_usd": revenue * c.gross_margin,
            "upsell_revenue_usd": float(p.extra_spend_usd[act].sum()), "upsells": float(upsell.sum()),
            "referred_revenue_usd": float((spend - p.extra_spend_usd)[act & p.referred].sum()),
            "nps": nps_value, "promoters_share": float(promoters.sum() / max(1, act.sum())),
            "detractors_share": float(detractors.sum() / max(1, act.sum())),
            "satisfaction_mean": float(p.satisfaction[act].mean()) if act.any() else float("nan"),
            "contacted_customers": float(p.contacted.sum()),
        }
        metrics.update(self.ledger.record(m, p.joined_month, p.cohort_size, act, spend * c.gross_margin, hazard))
        if len(p.segments) > 1:
            for code, sg in enumerate(p.segments):
                in_seg = p.segment == code
                metrics[f"active_customers@segment={sg.name}"] = float((act & in_seg).sum())
                metrics[f"churned@segment={sg.name}"] = float((churn & in_seg).sum())
                metrics[f"revenue_usd@segment={sg.name}"] = float(spend[act & in_seg].sum())

        p.tenure_months[act] += 1
        p.contacted[:] = False
        p.unresolved[:] = False
        self._acquire(m, pos, neg, metrics)
        self.last_metrics = metrics

    def _acquire(self, m: int, pos: np.ndarray, neg: np.ndarray, metrics: dict) -> None:
        p = self.pop
        ids = p.id
        if self.market.size is None:
            got = acquisition.unlimited(pos, neg, self.streams.keyed(Stream.REFERRAL, ids, m),
                                        self.streams.keyed(Stream.WOM, ids, m),
                                        int(self.streams.rng(Stream.ACQUISITION, m).poisson(self.cfg.acquisition_per_month)))
            first = p.n
            p.ensure(p.next_id + got.marketing + got.referred)
            new = np.arange(first, p.n)
            p.join(new, m, referred=np.arange(new.size) >= got.marketing)
        else:
            got = acquisition.finite(ids, ~p.ever, pos, neg, self.streams.keyed(Stream.ADOPTION, ids, m),
                                     self.market.marketing_p_per_month, self.market.size, self.network,
                                     self.market.mean_degree)
            p.join(got.ids_marketing, m, referred=False)
            p.join(got.ids_referred, m, referred=True)
        metrics.update(acquired=float(got.marketing + got.referred), referred=float(got.referred),
                       deterred=float(got.deterred))
