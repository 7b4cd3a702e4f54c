"""Word of mouth and acquisition: promoters refer, detractors deter, marketing brings the rest.

A promoter i exerts referral pressure ρ_i = referral_rate × conversion × propensity_i new
customers a month (Kumar, Petersen & Leone 2007); a detractor deters ν·ρ_i (negative word of mouth
spreads more often, ν = 1.5 placeholder; Anderson 1998).

* Unlimited market (``market.size: null``): referred ~ Bernoulli(ρ_i) per promoter, deterred ~
  Bernoulli(ν ρ_i) per detractor, marketing ~ Poisson(acquisition_per_month) less the deterred.
* Finite market of M people: a prospect j adopts this month with probability
  [1 − (1 − p)·exp(−pos_j)]·exp(−neg_j) (Goldenberg, Libai & Muller 2001), where on a fully mixed
  population pos_j = Σ_promoters ρ_i / M (the discrete Bass model with q = ρ) and on a network
  pos_j = Σ_{promoter neighbours} ρ_i / mean_degree; neg_j likewise for detractors with ν.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse


@dataclass(frozen=True)
class Adoption:
    """This month's new customers (ids already decided in a finite market) and the counts."""

    marketing: int
    referred: int
    deterred: int
    ids_marketing: np.ndarray | None = None
    ids_referred: np.ndarray | None = None


def random_network(n: int, mean_degree: float, rng: np.random.Generator) -> sparse.csr_matrix:
    """An Erdős–Rényi-style undirected graph with the given mean degree, as a 0/1 CSR matrix."""
    m = int(round(n * mean_degree / 2))
    i, j = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = i != j
    i, j = i[keep], j[keep]
    graph = sparse.csr_matrix((np.ones(2 * i.size, np.float32), (np.r_[i, j], np.r_[j, i])), shape=(n, n))
    graph.data[:] = 1.0  # duplicate edges count once
    return graph


def unlimited(pressure_pos: np.ndarray, pressure_neg: np.ndarray, u_ref: np.ndarray, u_wom: np.ndarray,
              marketing_draw: int) -> Adoption:
    """Unlimited market: per-customer Bernoulli referrals and deterrals (pressures already per customer)."""
    referred = int((u_ref < pressure_pos).sum())
    deterred = int((u_wom < pressure_neg).sum())
    return Adoption(marketing=max(0, marketing_draw - deterred), referred=referred, deterred=min(deterred, marketing_draw))


def finite(ids: np.ndarray, prospect: np.ndarray, pressure_pos: np.ndarray, pressure_neg: np.ndarray, u: np.ndarray,
           p_marketing: float, size: int, network: sparse.csr_matrix | None, mean_degree: float) -> Adoption:
    """Finite market: adoption decision for every prospect (arrays over the population's rows, whose
    customer ids are ``ids``; the network is over ids). Returns the adopters' rows."""
    if network is None:
        pos = float(pressure_pos.sum()) / size
        neg = float(pressure_neg.sum()) / size
    else:
        by_id = np.zeros((size, 2))
        by_id[ids, 0], by_id[ids, 1] = pressure_pos, pressure_neg
        spread = (network @ by_id)[ids] / mean_degree
        pos, neg = spread[:, 0], spread[:, 1]
    keep = np.exp(-neg)
    p_market = p_marketing * keep
    p_total = (1.0 - (1.0 - p_marketing) * np.exp(-pos)) * keep
    by_marketing = prospect & (u < p_market)
    by_referral = prospect & ~by_marketing & (u < p_total)
    deterred = prospect & (u >= p_total) & (u < p_total / keep)
    return Adoption(int(by_marketing.sum()), int(by_referral.sum()), int(deterred.sum()),
                    np.flatnonzero(by_marketing), np.flatnonzero(by_referral))
