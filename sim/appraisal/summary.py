"""What a decision-maker reads first: per-investment medians with confidence intervals.

The confidence interval of a median is distribution-free (order statistics of the replications,
binomial coverage), so it stays valid for skewed outcomes and for payback = inf ("never").
With too few replications for the requested coverage the interval is reported as NaN,
"no uncertainty estimate" — never as a band of width zero.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.special import bdtr  # binomial CDF, without importing scipy.stats (start-up)

from sim.types import Arm


def median_ci(values, level: float = 0.90) -> tuple[float, float, float]:
    """(median, lower, upper): the order statistics X(k), X(n−k+1) covering the median ≥ ``level``.

    Example:
        >>> median_ci([5, 1, 4, 2, 3, 6, 8, 7])
        (4.5, 2.0, 7.0)
    """
    x = np.sort(np.asarray(values, dtype=float))
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return math.nan, math.nan, math.nan
    med = float(np.median(x))
    best = None
    for k in range(1, n // 2 + 1):  # coverage of [X(k), X(n-k+1)] = 1 - 2 P(Bin(n, 1/2) <= k-1)
        if 1.0 - 2.0 * bdtr(k - 1, n, 0.5) >= level:
            best = k
        else:
            break
    if best is None:
        return med, math.nan, math.nan
    return med, float(x[best - 1]), float(x[n - best])


def investment_summary(runs: pd.DataFrame, horizon_months: int, level: float = 0.90) -> pd.DataFrame:
    """One row per investment: NPV and (sustained) payback medians with CIs of the median.

    The terminal, the report and the spreadsheet show :mod:`sim.appraisal.decision` instead; this
    table stays for library callers (``RunOutput.investments``).
    """
    rows = []
    alts = runs[runs["arm"] != Arm.BASELINE.value]
    for arm, g in alts.groupby("arm", observed=True, sort=False):
        npv_m, npv_lo, npv_hi = median_ci(g["npv_usd"], level)
        pb = g["sustained_payback_months"] if "sustained_payback_months" in g else g["payback_months"]
        pb_m, pb_lo, pb_hi = median_ci(pb, level)
        rows.append({
            "arm": arm,
            "replications": len(g),
            "npv_usd_median": npv_m, "npv_usd_ci_low": npv_lo, "npv_usd_ci_high": npv_hi,
            "payback_months_median": pb_m, "payback_months_ci_low": pb_lo, "payback_months_ci_high": pb_hi,
            "p_payback_within_horizon": float((pb <= horizon_months).mean()),
            "p_npv_positive": float((g["npv_usd"] > 0).mean()),
            "roi_median": float(np.nanmedian(g["roi"])) if g["roi"].notna().any() else math.nan,
            "churned_saved_median": float(np.median(-g["churned_saved"])),
            "investment_cost_usd_total_median": float(np.median(g["investment_cost_usd_total"])),
        })
    return pd.DataFrame(rows)


def operations_summary(runs: pd.DataFrame) -> pd.DataFrame:
    """Mean service and customer KPIs per arm over replications and months."""
    cols = [c for c in runs.columns if c.endswith("_mean") or c in ("nps_end", "active_customers_end")]
    return runs.groupby("arm", observed=True, sort=False)[cols].mean().reset_index()
