"""From what a customer lived through to how they feel: pure functions on arrays.

Forms and defaults, with sources, are documented in ``docs/odd.md``:

* contact score in [0, 1]: a neutral level, plus the wait against the channel's expectation and the
  resolution, each a *gain* when better than expected and a *loss* weighted ``loss_aversion`` times
  (≈2, Anderson & Sullivan 1993; Tversky & Kahneman 1992) when worse; abandoning is an unresolved
  contact that also waited;
* a month's episode for one customer: peak-end weighting 0.5·mean + 0.3·worst + 0.2·last
  (Kahneman et al. 1993; Verhoef et al. 2004);
* effort (repeat contacts, transfers, retelling the story, bot dead ends) is a loss: reducing
  effort matters more for loyalty than delight (CEB/Gartner; FACTS #32); empathy and proactive
  outreach are gains;
* CSAT 1–5 = round(1 + 4·score + noise) and CES 1–7 = round(7 − 1.5·effort + noise) for the
  surveyed subset; likelihood to recommend 0–10 = round(10·satisfaction + noise), promoters ≥ 9,
  detractors ≤ 6 (FACTS #27).
"""

from __future__ import annotations

import numpy as np

#: The worst wait shortfall counted, in multiples of the expected wait (beyond it, no further harm).
MAX_SHORTFALL = 3.0


def contact_scores(
    wait_s: np.ndarray,
    expected_wait_s: np.ndarray,
    answered: np.ndarray,
    resolved: np.ndarray,
    neutral: float,
    wait_weight: float,
    resolution_weight: float,
    loss_aversion: float,
    effort: np.ndarray | float = 0.0,
    effort_weight: float = 0.0,
    empathy: np.ndarray | float = 0.0,
    dead_end: np.ndarray | bool = False,
    dead_end_weight: float = 0.0,
    proactive: np.ndarray | bool = False,
    proactive_bonus: float = 0.0,
) -> np.ndarray:
    """Experience score of each contact, clipped to [0, 1].

    Args:
        wait_s, expected_wait_s: the wait and what the customer expected on that channel.
        answered, resolved: outcome of the contact.
        neutral, wait_weight, resolution_weight, loss_aversion: see module docstring.
        effort: effort units beyond a single smooth contact (repeat contact for the same issue,
            each transfer, retelling the story after a context-less handoff: 1 each); a loss.
        empathy: agent empathy gain (0 for none), added for answered contacts.
        dead_end: a bot that neither solved nor let the customer reach a human (a loss).
        proactive: we contacted the customer first (a gain).

    Example:
        >>> import numpy as np
        >>> contact_scores(np.array([0.0, 120.0]), np.array([60.0, 60.0]), np.array([True, True]),
        ...                np.array([True, False]), 0.7, 0.1, 0.15, 2.0).round(3).tolist()
        [0.95, 0.2]
    """
    gap = 1.0 - np.asarray(wait_s, float) / np.asarray(expected_wait_s, float)  # > 0: quicker than expected
    gap = np.clip(gap, -MAX_SHORTFALL, 1.0)
    wait_term = np.where(gap >= 0, wait_weight * gap, loss_aversion * wait_weight * gap)
    ok = np.asarray(resolved, bool) & np.asarray(answered, bool)
    resolution_term = np.where(ok, resolution_weight, -loss_aversion * resolution_weight)
    score = neutral + wait_term + resolution_term
    score = score - loss_aversion * effort_weight * np.asarray(effort, float)
    score = score + np.where(np.asarray(answered, bool), empathy, 0.0)
    score = score - loss_aversion * dead_end_weight * np.asarray(dead_end, float)
    score = score + proactive_bonus * np.asarray(proactive, float)
    return np.clip(score, 0.0, 1.0)


def effort_units(wait_s: np.ndarray, expected_wait_s: np.ndarray, answered: np.ndarray,
                 effort: np.ndarray | float = 0.0) -> np.ndarray:
    """Customer effort of a contact: the wait in multiples of the expectation (capped at 3), plus
    one for abandoning, plus the extra effort units (repeats, transfers, retold story)."""
    waited = np.clip(np.asarray(wait_s, float) / np.asarray(expected_wait_s, float), 0.0, MAX_SHORTFALL)
    return waited + (~np.asarray(answered, bool)).astype(float) + np.asarray(effort, float)


def ces_responses(effort: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """CES answers on 1 (very difficult) … 7 (very easy): 7 − 1.5 × effort units, plus noise."""
    return np.clip(np.rint(7.0 - 1.5 * effort + noise), 1, 7)


def episodes(customer_id: np.ndarray, arrival_s: np.ndarray, score: np.ndarray, weights=(0.5, 0.3, 0.2)):
    """Peak-end episode per customer over one month's contacts.

    Returns:
        (ids, episode score, contacts per id), ids sorted ascending.
    """
    if customer_id.size == 0:
        return np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64)
    order = np.lexsort((arrival_s, customer_id))
    cid, sc = customer_id[order], score[order]
    ids, start, counts = np.unique(cid, return_index=True, return_counts=True)
    mean = np.add.reduceat(sc, start) / counts
    worst = np.minimum.reduceat(sc, start)
    last = sc[start + counts - 1]
    w_mean, w_worst, w_last = weights
    return ids, w_mean * mean + w_worst * worst + w_last * last, counts


def repeat_flags(customer_id: np.ndarray, arrival_s: np.ndarray, resolved: np.ndarray) -> np.ndarray:
    """True for a contact whose customer had an unresolved contact earlier in the month (a repeat)."""
    if customer_id.size == 0:
        return np.zeros(0, bool)
    order = np.lexsort((arrival_s, customer_id))
    cid, unresolved = customer_id[order], ~np.asarray(resolved, bool)[order]
    before = np.cumsum(unresolved) - unresolved  # unresolved contacts before this one, all customers
    start = np.r_[0, np.flatnonzero(cid[1:] != cid[:-1]) + 1]
    group_offset = np.repeat(before[start], np.diff(np.r_[start, cid.size]))
    out = np.empty(cid.size, bool)
    out[order] = (before - group_offset) > 0
    return out


def csat_responses(score: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """CSAT answers 1–5 from scores and standard-normal noise already scaled by its sd."""
    return np.clip(np.rint(1.0 + 4.0 * score + noise), 1, 5)


def likelihood_to_recommend(satisfaction: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """0–10 answers to "how likely are you to recommend us?"."""
    return np.clip(np.rint(10.0 * satisfaction + noise), 0, 10)


def nps(ltr: np.ndarray) -> float:
    """%promoters − %detractors on −100..100 (NaN for nobody)."""
    if ltr.size == 0:
        return float("nan")
    return 100.0 * (float(np.mean(ltr >= 9)) - float(np.mean(ltr <= 6)))
