"""Compare alternatives against the baseline: ``comparison.csv`` of ``sim compare``.

Per alternative, over paired replications: median and 5–95 % band of replications of NPV and of
the sustained payback; P(payback ≤ 12/18/24/36 months) on the sustained payback; P(NPV > 0);
P(best): the share of replications in which it has the highest NPV of all options, the baseline
(NPV 0) included; and the mean NPV vs the baseline with its 90 % CI of the mean. Ranked by mean
NPV, like the decision (:mod:`sim.appraisal.decision`, which adds the baseline as an option and
the verdict, and is what every surface shows).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.special import stdtrit  # Student's t quantile, without importing scipy.stats (start-up)

from sim.appraisal.option_stats import net_benefits, p_best
from sim.types import Arm

HORIZONS = (12, 18, 24, 36)


def _quantile(x: np.ndarray, q: float) -> float:
    return float(np.quantile(x, q, method="inverted_cdf")) if x.size else math.nan


def mean_ci(x, level: float = 0.90) -> tuple[float, float, float]:
    """Mean and t confidence interval; NaN bounds with fewer than 2 values."""
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    if x.size < 2:
        return (float(x.mean()) if x.size else math.nan), math.nan, math.nan
    half = stdtrit(x.size - 1, 0.5 + level / 2) * x.std(ddof=1) / math.sqrt(x.size)
    return float(x.mean()), float(x.mean() - half), float(x.mean() + half)


def comparison(runs: pd.DataFrame) -> pd.DataFrame:
    """The ranked comparison table (highest mean NPV first)."""
    alts = runs[runs["arm"] != Arm.BASELINE.value].copy()
    if alts.empty:
        return pd.DataFrame()
    alts["arm"] = alts["arm"].astype(str)
    best = p_best(net_benefits(runs))
    pb_col = "sustained_payback_months" if "sustained_payback_months" in alts else "payback_months"
    rows = []
    for arm, g in alts.groupby("arm", sort=False):
        npv_v, pb = g["npv_usd"].to_numpy(), g[pb_col].to_numpy()
        d_mean, d_lo, d_hi = mean_ci(g["npv_usd"])
        c_mean, c_lo, c_hi = mean_ci(-g["churned_saved"])
        row = {
            "arm": arm, "replications": len(g),
            "npv_usd_median": _quantile(npv_v, 0.5), "npv_usd_p05": _quantile(npv_v, 0.05), "npv_usd_p95": _quantile(npv_v, 0.95),
            "payback_months_median": _quantile(pb, 0.5), "payback_months_p05": _quantile(pb, 0.05),
            "payback_months_p95": _quantile(pb, 0.95),
            **{f"p_payback_within_{h}m": float((pb <= h).mean()) for h in HORIZONS},
            "p_npv_positive": float((npv_v > 0).mean()), "p_best": float(best.get(arm, 0.0)),
            "npv_usd_mean": d_mean, "npv_usd_mean_ci_low": d_lo, "npv_usd_mean_ci_high": d_hi,
            "customers_kept_mean": c_mean, "customers_kept_ci_low": c_lo, "customers_kept_ci_high": c_hi,
            "roi_median": float(np.nanmedian(g["roi"])) if g["roi"].notna().any() else math.nan,
            "pv_investment_cost_usd_median": float(np.median(g["pv_investment_cost_usd"])),
        }
        rows.append(row)
    return pd.DataFrame(rows).sort_values("npv_usd_mean", ascending=False, kind="stable", ignore_index=True)


def tei_summary(tei: pd.DataFrame, arm: str) -> pd.DataFrame:
    """Mean over replications of the annual business-case table of one alternative."""
    t = tei[tei["arm"].astype(str) == arm].drop(columns=["arm", "replication"])
    return t.groupby("year").mean().reset_index()


def crn_variance_reduction(runs: pd.DataFrame, monthly: pd.DataFrame, arm: str, annual_rate: float = 0.10) -> float:
    """Var of the NPV estimate from independent runs / var from paired runs (common random numbers).

    The independent estimate pairs replication r of the investment with replication r+1 of the
    baseline, i.e. different customers and needs; both use the same cash-flow arithmetic.
    """
    from sim.appraisal.finance import monthly_rate, npv

    m = monthly[monthly["metric"].isin(["gross_margin_usd", "service_cost_usd", "investment_cost_usd"])]
    wide = m.pivot_table(index=["arm", "replication", "month"], columns="metric", values="value", observed=True)
    reps = sorted(runs["replication"].unique())
    if len(reps) < 3:
        return math.nan
    rate = monthly_rate(annual_rate)

    def value(a: str, r: int) -> np.ndarray:
        w = wide.loc[(a, r)]
        return (w["gross_margin_usd"] - w["service_cost_usd"] - w["investment_cost_usd"]).to_numpy()

    paired = [npv(rate, value(arm, r) - value(Arm.BASELINE.value, r)) for r in reps]
    independent = [npv(rate, value(arm, r) - value(Arm.BASELINE.value, reps[(i + 1) % len(reps)])) for i, r in enumerate(reps)]
    return float(np.var(independent, ddof=1) / np.var(paired, ddof=1))
