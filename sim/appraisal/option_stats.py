"""Named statistics of each option over paired replications: the rows of the decision table.

Every statistic says what it is. *Mean* values carry a 90 % t confidence interval (the uncertainty
of the expected value: :data:`CI_LABEL`); *medians* and other percentiles of replications describe
the spread of outcomes (:data:`BAND_LABEL`), taken by the inverted empirical CDF, so a percentile
is always one replication's own value and "never" (``inf``) counts as the longest payback. Payback
statistics and probabilities use the sustained payback (docs/kpis.md, "Per run").
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.special import stdtrit  # Student's t quantile, without importing scipy.stats (start-up)

from sim.appraisal.finance import irr, monthly_rate
from sim.types import Arm

LEVEL = 0.90
CI_LABEL = "90 % CI of the mean"
BAND_LABEL = "5–95 % of replications"
HORIZONS = (12, 18, 24, 36)

#: the columns of ``decision.csv`` and what each one is.
GLOSSARY = {
    "option": "the baseline (keep the current operation) or an investment",
    "rank": "1 = recommended: highest mean risk-adjusted NPV",
    "npv_mean_usd": "mean NPV vs the baseline of the same replication (risk-adjusted)",
    "npv_mean_ci_low_usd / _high_usd": CI_LABEL,
    "npv_median_usd": "median NPV over replications (risk-adjusted)",
    "npv_p05_usd / npv_p95_usd": f"NPV band: {BAND_LABEL}",
    "npv_unadjusted_mean_usd / _median_usd": "NPV before the risk adjustment of finance:",
    "benefits_pv_usd": "mean present value of the (risk-adjusted) benefit lines",
    "cost_pv_usd": "mean present value of the (risk-adjusted) investment cost",
    "cost_undiscounted_usd": "mean undiscounted total of the (risk-adjusted) investment cost",
    "roi": "ROI of the expected present values: mean NPV / mean PV cost",
    "irr_annual": "annual IRR of the mean monthly cash flow, where unique (irr_note says why not)",
    "payback_first_median_months": "median first payback (first time the cumulative cash flow is back to >= 0)",
    "payback_median_months": "median sustained payback (stays >= 0 to the horizon); inf = never",
    "payback_p05_months / _p95_months": f"sustained payback band: {BAND_LABEL}",
    "payback_p90_months": "90th percentile of the sustained payback: '90 % sure by'",
    "discounted_payback_median_months": "median sustained payback of the discounted cash flow",
    "p_redip": "share of replications whose cumulative cash flow fell below 0 again after the first payback",
    "p_npv_positive": "share of replications with NPV > 0",
    "p_payback_within_horizon": "share of replications with sustained payback within the horizon",
    "p_payback_within_<N>m": "share of replications with sustained payback within N months",
    "p_best": "share of replications in which the option has the highest NPV of all options (baseline = 0; ties shared)",
    "customers_kept_mean": "mean customers kept (churn avoided) vs the baseline over the horizon",
    "customers_kept_ci_low / _high": CI_LABEL,
}


def quantile(x, q: float) -> float:
    """A percentile of replications by the inverted empirical CDF (one replication's value; NaN ignored)."""
    x = np.asarray(x, float)
    x = x[~np.isnan(x)]
    return float(np.quantile(x, q, method="inverted_cdf")) if x.size else math.nan


def mean_ci(x, level: float = LEVEL) -> tuple[float, float, float]:
    """Mean and its t confidence interval; NaN bounds with fewer than 2 finite values."""
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return math.nan, math.nan, math.nan
    if x.size < 2:
        return float(x.mean()), math.nan, math.nan
    half = stdtrit(x.size - 1, 0.5 + level / 2) * x.std(ddof=1) / math.sqrt(x.size)
    return float(x.mean()), float(x.mean() - half), float(x.mean() + half)


def net_benefits(runs: pd.DataFrame) -> pd.DataFrame:
    """NPV per replication (rows) and option (columns, baseline first = 0), paired by replication."""
    arm = runs["arm"].astype(str)
    reps = np.sort(runs["replication"].unique())
    alts = [a for a in pd.unique(arm) if a != Arm.BASELINE.value]
    nb = pd.DataFrame({Arm.BASELINE.value: 0.0}, index=pd.Index(reps, name="replication"))
    if alts:
        wide = runs.assign(arm=arm).pivot(index="replication", columns="arm", values="npv_usd").reindex(reps)
        for a in alts:
            nb[a] = wide[a].to_numpy(float)
    return nb


def p_best(nb: pd.DataFrame) -> pd.Series:
    """Share of replications in which each option has the highest NPV (ties share the credit)."""
    v = nb.to_numpy(float)
    top = np.nanmax(v, axis=1, keepdims=True)
    scale = 1e-9 * np.maximum(1.0, np.abs(top))
    win = np.abs(v - top) <= scale
    credit = win / win.sum(axis=1, keepdims=True)
    return pd.Series(credit.mean(axis=0), index=nb.columns)


def mean_cash_flows(monthly: pd.DataFrame, discount_rate_annual: float) -> pd.DataFrame:
    """Mean over replications, per option and month, of the incremental cash flow and its lines.

    Columns: ``option``, ``month``, each ``benefit_<line>_usd``, ``investment_cost_usd`` (risk-adjusted),
    ``net_usd``, ``cumulative_usd``, ``discounted_net_usd``, ``cumulative_discounted_usd``.
    """
    keep = monthly["metric"].astype(str)
    m = monthly[keep.str.startswith("benefit_") | keep.isin(["risk_adjusted_investment_cost_usd", "incremental_cash_flow_usd"])]
    if m.empty:
        return pd.DataFrame(columns=["option", "month", "investment_cost_usd", "net_usd", "cumulative_usd"])
    wide = (m.assign(option=m["arm"].astype(str)).pivot_table(index=["option", "month"], columns="metric", values="value",
                                                              aggfunc="mean", observed=True).reset_index())
    wide.columns.name = None
    wide = wide.rename(columns={"risk_adjusted_investment_cost_usd": "investment_cost_usd", "incremental_cash_flow_usd": "net_usd"})
    order = list(dict.fromkeys(monthly["arm"].astype(str)))
    wide["option"] = pd.Categorical(wide["option"], categories=order)
    wide = wide.sort_values(["option", "month"], ignore_index=True)
    wide["option"] = wide["option"].astype(str)
    r = monthly_rate(discount_rate_annual)
    wide["cumulative_usd"] = wide.groupby("option")["net_usd"].cumsum()
    wide["discounted_net_usd"] = wide["net_usd"] * (1.0 + r) ** -wide["month"].astype(float)
    wide["cumulative_discounted_usd"] = wide.groupby("option")["discounted_net_usd"].cumsum()
    lines = sorted(c for c in wide.columns if c.startswith("benefit_"))
    return wide[["option", "month", *lines, "investment_cost_usd", "net_usd", "cumulative_usd", "discounted_net_usd",
                 "cumulative_discounted_usd"]]


def _cost_totals(monthly: pd.DataFrame) -> pd.Series:
    m = monthly[monthly["metric"].astype(str) == "risk_adjusted_investment_cost_usd"]
    return m.assign(arm=m["arm"].astype(str)).groupby(["arm", "replication"])["value"].sum()


def _baseline_row(n: int) -> dict:
    nan = math.nan
    return {"option": Arm.BASELINE.value, "is_baseline": True, "replications": n, "npv_mean_usd": 0.0,
            "npv_mean_ci_low_usd": 0.0, "npv_mean_ci_high_usd": 0.0, "npv_median_usd": 0.0, "npv_p05_usd": 0.0,
            "npv_p95_usd": 0.0, "npv_unadjusted_mean_usd": 0.0, "npv_unadjusted_median_usd": 0.0, "benefits_pv_usd": 0.0,
            "cost_pv_usd": 0.0, "cost_undiscounted_usd": 0.0, "roi": nan, "irr_annual": nan, "irr_note": "no investment",
            "payback_first_median_months": nan, "payback_median_months": nan, "payback_p05_months": nan,
            "payback_p95_months": nan, "payback_p90_months": nan, "discounted_payback_median_months": nan, "p_redip": 0.0,
            "p_npv_positive": 0.0, "p_payback_within_horizon": nan, "customers_kept_mean": 0.0, "customers_kept_ci_low": 0.0,
            "customers_kept_ci_high": 0.0}


def _option_row(g: pd.DataFrame, flows: pd.DataFrame, costs: pd.Series, horizon: int, rate_annual: float) -> dict:
    npv = g["npv_usd"].to_numpy(float)
    pb = g["sustained_payback_months"].to_numpy(float) if "sustained_payback_months" in g else g["payback_months"].to_numpy(float)
    m, lo, hi = mean_ci(npv)
    k_m, k_lo, k_hi = mean_ci(-g["churned_saved"].to_numpy(float)) if "churned_saved" in g else (math.nan,) * 3
    cost_pv = float(g["pv_investment_cost_usd"].mean()) if "pv_investment_cost_usd" in g else math.nan
    unadj = g["npv_unadjusted_usd"].to_numpy(float) if "npv_unadjusted_usd" in g else np.full(len(g), math.nan)
    flow = flows["net_usd"].to_numpy(float) if not flows.empty else np.array([])
    i = irr(flow) if flow.size else None
    row = {"option": str(g["arm"].iloc[0]), "is_baseline": False, "replications": len(g),
           "npv_mean_usd": m, "npv_mean_ci_low_usd": lo, "npv_mean_ci_high_usd": hi,
           "npv_median_usd": quantile(npv, 0.5), "npv_p05_usd": quantile(npv, 0.05), "npv_p95_usd": quantile(npv, 0.95),
           "npv_unadjusted_mean_usd": float(np.nanmean(unadj)) if np.isfinite(unadj).any() else math.nan,
           "npv_unadjusted_median_usd": quantile(unadj, 0.5),
           "benefits_pv_usd": m + cost_pv, "cost_pv_usd": cost_pv,
           "cost_undiscounted_usd": float(costs.mean()) if len(costs) else math.nan,
           "roi": m / cost_pv if cost_pv > 0 else math.nan,
           "irr_annual": i.annual if i is not None else math.nan, "irr_note": i.reason if i is not None else "no cash flow",
           "payback_first_median_months": quantile(g["payback_months"], 0.5),
           "payback_median_months": quantile(pb, 0.5), "payback_p05_months": quantile(pb, 0.05),
           "payback_p95_months": quantile(pb, 0.95), "payback_p90_months": quantile(pb, 0.90),
           "discounted_payback_median_months": quantile(g["discounted_payback_months"], 0.5),
           "p_redip": float(g["payback_redips"].astype(bool).mean()) if "payback_redips" in g else math.nan,
           "p_npv_positive": float((npv > 0).mean()), "p_payback_within_horizon": float((pb <= horizon).mean()),
           "customers_kept_mean": k_m, "customers_kept_ci_low": k_lo, "customers_kept_ci_high": k_hi}
    row.update({f"p_payback_within_{h}m": float((pb <= h).mean()) for h in HORIZONS if h <= horizon})
    if len(g) < 2:  # one replication: no band (never a band of width zero)
        row.update({k: math.nan for k in ("npv_p05_usd", "npv_p95_usd", "payback_p05_months", "payback_p95_months",
                                          "payback_p90_months")})
    return row


def option_table(runs: pd.DataFrame, monthly: pd.DataFrame, horizon_months: int,
                 discount_rate_annual: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The options ranked by mean NPV (baseline first among equals), and the paired NPV table."""
    nb = net_benefits(runs)
    flows = mean_cash_flows(monthly, discount_rate_annual)
    costs = _cost_totals(monthly)
    arm = runs["arm"].astype(str)
    rows = [_baseline_row(len(nb))]
    for name in nb.columns[1:]:
        g = runs[arm == name]
        rows.append(_option_row(g, flows[flows["option"] == name], costs.get(name, pd.Series(dtype=float)),
                                horizon_months, discount_rate_annual))
    table = pd.DataFrame(rows)
    for h in HORIZONS:
        if h <= horizon_months:
            table.loc[table["is_baseline"], f"p_payback_within_{h}m"] = math.nan
    table["p_best"] = table["option"].map(p_best(nb))
    table["run_order"] = np.arange(len(table))  # the run's order of arms (baseline 0): colours follow it
    table = table.sort_values(["npv_mean_usd", "is_baseline"], ascending=[False, False], kind="stable", ignore_index=True)
    table.insert(1, "rank", np.arange(1, len(table) + 1))
    return table, nb
