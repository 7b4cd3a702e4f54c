"""Erlang C (M/M/n) and Erlang A (M/M/n+M) steady-state formulas.

Independent oracles for the discrete-event simulation, and the first guess of staffing plans.
Erlang A is solved as its birth–death chain (truncated where the stationary mass is < 1e-16); the
answered-only ASA and the service level ("offered" definition, docs/kpis.md) follow a tagged arrival
through its queue positions, which is exact for exponential patience and FCFS.

All times are in seconds; rates per second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg import expm
from scipy.special import gammaln


@dataclass(frozen=True)
class QueueKPIs:
    """Steady-state KPIs of one queue, with docs/kpis.md meanings."""

    p_wait: float  # share of offered arrivals that wait > 0
    p_abandon: float  # share of offered arrivals that abandon
    asa_s: float  # mean wait of answered arrivals
    service_level: float  # answered within threshold / offered
    occupancy: float  # mean busy agents / agents


def _check(arrival_rate_per_s: float, aht_s: float, agents: int) -> None:
    if arrival_rate_per_s <= 0 or aht_s <= 0:
        raise ValueError("arrival rate and AHT must be positive")
    if agents < 1 or int(agents) != agents:
        raise ValueError(f"agents must be a positive integer, got {agents}")


def erlang_c(arrival_rate_per_s: float, aht_s: float, agents: int, sl_threshold_s: float) -> QueueKPIs:
    """Erlang C: infinite patience. Unstable (load >= agents) gives P(wait)=1, SL=0, ASA=inf."""
    _check(arrival_rate_per_s, aht_s, agents)
    n = int(agents)
    a = arrival_rate_per_s * aht_s
    if a >= n:
        return QueueKPIs(1.0, 0.0, math.inf, 0.0, 1.0)
    k = np.arange(n)
    log_terms = k * math.log(a) - gammaln(k + 1)
    log_last = n * math.log(a) - gammaln(n + 1) + math.log(n / (n - a))
    m = max(log_terms.max(), log_last)
    p_wait = math.exp(log_last - m) / (np.exp(log_terms - m).sum() + math.exp(log_last - m))
    drain_rate = n / aht_s - arrival_rate_per_s
    return QueueKPIs(
        p_wait=p_wait,
        p_abandon=0.0,
        asa_s=p_wait / drain_rate,
        service_level=1.0 - p_wait * math.exp(-drain_rate * sl_threshold_s),
        occupancy=a / n,
    )


def erlang_a(
    arrival_rate_per_s: float, aht_s: float, patience_mean_s: float, agents: int, sl_threshold_s: float
) -> QueueKPIs:
    """Erlang A (Palm's M/M/n+M): exponential patience with the given mean; stable at any load."""
    _check(arrival_rate_per_s, aht_s, agents)
    if not math.isfinite(patience_mean_s):
        return erlang_c(arrival_rate_per_s, aht_s, agents, sl_threshold_s)
    if patience_mean_s <= 0:
        raise ValueError("mean patience must be positive")
    lam, mu, theta, n = arrival_rate_per_s, 1.0 / aht_s, 1.0 / patience_mean_s, int(agents)

    # Stationary distribution of the number in system, in logs, truncated where negligible.
    log_pi = [0.0]
    k = 0
    while True:
        k += 1
        death = mu * min(k, n) + theta * max(k - n, 0)
        log_pi.append(log_pi[-1] + math.log(lam / death))
        if k > n and (log_pi[-1] < max(log_pi) - 37.0 or k > n + 200_000):
            break
    lp = np.array(log_pi)
    pi = np.exp(lp - lp.max())
    pi /= pi.sum()
    states = np.arange(pi.size)

    p_wait = float(pi[n:].sum())
    queue_len = float((pi * np.maximum(states - n, 0)).sum())
    p_abandon = theta * queue_len / lam
    busy = float((pi * np.minimum(states, n)).sum())

    # A tagged arrival that finds k >= n in system joins at queue position j = k - n + 1.
    j_max = pi.size - n
    j = np.arange(1, j_max + 1)
    advance = n * mu + (j - 1) * theta  # rate at which position j moves up
    leave = advance + theta
    p_step = advance / leave
    served_from = np.cumprod(p_step)  # P(served | position j)
    mean_wait_served = np.empty(j_max)  # E[W 1{served} | position j]
    acc = 0.0
    for idx in range(j_max):
        prev_served = served_from[idx - 1] if idx else 1.0
        acc = p_step[idx] * (prev_served / leave[idx] + acc)
        mean_wait_served[idx] = acc
    pj = pi[n:]
    p_answered = float(pi[:n].sum() + (pj * served_from).sum())
    asa = float((pj * mean_wait_served).sum()) / p_answered

    # P(served within t) for queued arrivals: a pure-death chain over positions, absorbed at "served".
    size = min(j_max, 400)
    q = np.zeros((size + 1, size + 1))  # state 0 = served, states 1..size = positions
    for pos in range(1, size + 1):
        q[pos, pos] = -leave[pos - 1]
        q[pos, pos - 1] = advance[pos - 1]
    start = np.zeros(size + 1)
    start[1:] = pj[:size]
    served_by_t = float((start @ expm(q * sl_threshold_s))[0])
    return QueueKPIs(
        p_wait=p_wait,
        p_abandon=p_abandon,
        asa_s=asa,
        service_level=float(pi[:n].sum()) + served_by_t,
        occupancy=busy / n,
    )
