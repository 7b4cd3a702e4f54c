"""When to stop adding replications (``--reps auto``): a sequential rule on paired NPVs.

The rule (FACTS §8: "stop when the confidence interval of the best-minus-runner-up difference
excludes zero, with a cap"), made safe for looking repeatedly and for more than two options:

1. Replications are examined only at the looks of :func:`look_schedule`: ``min_reps``, then
   doubling, then ``max_reps`` (10, 20, 40, 80, 160, 200 by default). Run replications in batches
   up to :func:`next_reps`.
2. At a look with n replications, the *best* option is the one with the highest mean NPV. For every
   other option d, the paired differences best − d over the same replications (common random
   numbers make them far less noisy than either NPV) give a two-sided t confidence interval at level
   1 − alpha / (n_looks · (n_options − 1)) (Bonferroni over looks and comparisons).
3. The choice is *settled* when every interval lies above 0 (the best beats each alternative), or,
   when ``indifference_usd`` > 0, every interval lies above −indifference_usd (the leader is at
   most that much worse than any other option: the leaders are practically tied, either will do).
4. Stop when settled or at ``max_reps``; at the cap the choice is reported as not settled.

By the union bound, the chance of declaring a choice settled when the top two options are in fact
equal is at most alpha (for approximately normal differences). It is simpler and more conservative
than the KN procedure (Kim & Nelson 2001), which FACTS §8 names as the fuller alternative.
"""

from __future__ import annotations

import math
from typing import Any, Optional, Sequence

import numpy as np


def look_schedule(min_reps: int = 10, max_reps: int = 200) -> tuple[int, ...]:
    """Replication counts at which the rule looks: min_reps, doubling, capped by max_reps."""
    if not 2 <= min_reps <= max_reps:
        raise ValueError(f"need 2 <= min_reps <= max_reps, got min_reps={min_reps}, max_reps={max_reps}")
    looks = [min_reps]
    while looks[-1] * 2 < max_reps:
        looks.append(looks[-1] * 2)
    if looks[-1] != max_reps:
        looks.append(max_reps)
    return tuple(looks)


def next_reps(n_done: int, min_reps: int = 10, max_reps: int = 200) -> int:
    """Total replications to reach before the next look (``max_reps`` once past every look)."""
    return next((n for n in look_schedule(min_reps, max_reps) if n > n_done), max_reps)


def _usd(x: float) -> str:
    return f"-${-x:,.0f}" if x < 0 else f"${x:,.0f}"


def _npv_table(npv_by_option: Any, option_names: Optional[Sequence[str]]) -> tuple[np.ndarray, list[str]]:
    names = list(getattr(npv_by_option, "columns", [])) if option_names is None else list(option_names)
    npv = np.asarray(npv_by_option, dtype=float)
    if npv.ndim != 2 or npv.shape[1] < 2:
        raise ValueError(f"npv_by_option must be (n_replications, n_options >= 2), got shape {npv.shape}")
    if not np.all(np.isfinite(npv)):
        raise ValueError("npv_by_option must be finite")
    names = [str(n) for n in names] if names else [f"option {j}" for j in range(npv.shape[1])]
    if len(names) != npv.shape[1]:
        raise ValueError(f"{len(names)} option names for {npv.shape[1]} options")
    return npv, names


def choice_settled(npv_by_option: Any, alpha: float = 0.05, min_reps: int = 10, max_reps: int = 200,
                   indifference_usd: float = 0.0, option_names: Optional[Sequence[str]] = None) -> tuple[bool, str]:
    """Whether the replications so far settle which option is best (module docstring).

    Args:
        npv_by_option: (n_replications, n_options) NPV in USD per replication, paired by row
            (baseline included, as zeros when NPVs are incremental). A DataFrame's columns name the options.
        alpha: overall error rate of declaring a winner that is not better (0 < alpha < 1).
        min_reps: first look; no decision before it.
        max_reps: cap; sets the number of looks.
        indifference_usd: NPV difference too small to matter (0 = always insist on a strict winner).
        option_names: names for the reasons (default: the DataFrame's columns, else "option j").

    Returns:
        (settled, reason): the reason names the leader, the closest rival and the interval, in USD.
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    if indifference_usd < 0:
        raise ValueError("indifference_usd must be >= 0")
    n_looks = len(look_schedule(min_reps, max_reps))
    npv, names = _npv_table(npv_by_option, option_names)
    n, k = npv.shape
    if n < min_reps:
        return False, f"only {n} replications: no decision before {min_reps}"
    from scipy.special import stdtrit

    level = alpha / (n_looks * (k - 1))
    best = int(np.argmax(npv.mean(axis=0)))
    diffs = npv[:, [best]] - np.delete(npv, best, axis=1)
    rivals = [names[j] for j in range(k) if j != best]
    mean_diff = diffs.mean(axis=0)
    half = stdtrit(n - 1, 1.0 - level / 2.0) * diffs.std(axis=0, ddof=1) / math.sqrt(n)
    lower, upper = mean_diff - half, mean_diff + half
    worst = int(np.argmin(lower))
    runner = int(np.argmin(mean_diff))
    pct = f"{100 * (1 - alpha):g} % family-wise"
    if np.all(lower > 0.0):
        return True, (f"settled after {n} replications: {names[best]!r} beats every other option; closest is "
                      f"{rivals[worst]!r}, by {_usd(mean_diff[worst])} (interval {_usd(lower[worst])} to {_usd(upper[worst])}, {pct})")
    if indifference_usd > 0 and np.all(lower > -indifference_usd):
        return True, (f"settled after {n} replications: {names[best]!r} is at most {_usd(indifference_usd)} worse than any "
                      f"other option; closest is {rivals[runner]!r} (difference {_usd(mean_diff[runner])}, interval "
                      f"{_usd(lower[runner])} to {_usd(upper[runner])}, {pct}), so either is a sound choice")
    if half[worst] == 0.0 and mean_diff[worst] == 0.0:
        return False, f"after {n} replications {names[best]!r} and {rivals[worst]!r} give identical NPVs in every replication: a tie"
    return False, (f"not settled after {n} replications: {names[best]!r} leads {rivals[worst]!r} by "
                   f"{_usd(mean_diff[worst])}, but the interval {_usd(lower[worst])} to {_usd(upper[worst])} ({pct}) includes 0")


def should_stop(npv_by_option: Any, alpha: float = 0.05, min_reps: int = 10, max_reps: int = 200,
                indifference_usd: float = 0.0, option_names: Optional[Sequence[str]] = None) -> tuple[bool, str]:
    """Whether ``--reps auto`` stops now: the choice is settled, or the cap is reached.

    Returns:
        (stop, reason); at the cap the reason says the choice is not settled and why.
    """
    settled, reason = choice_settled(npv_by_option, alpha, min_reps, max_reps, indifference_usd, option_names)
    n = np.shape(npv_by_option)[0]
    if settled or n < max_reps:
        return settled, reason
    return True, f"cap of {max_reps} replications reached; {reason}"
