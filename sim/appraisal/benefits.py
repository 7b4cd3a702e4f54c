"""The business case of one investment run against the baseline run of the same replication.

Benefit lines are kept apart (TEI style): retained gross margin, margin from referred customers,
upsell margin, cost to serve (the variable service cost per contact and bot session; negative =
the investment costs more to run) and labour saving (the paid agent-hours a ``harvest: cost``
investment re-plans away, in loaded salary and tooling; 0 with ``harvest: service``). Each line can be
risk-adjusted (a haircut that always moves it against the investment); investment costs can be
risk-adjusted up. The annual table sums months 1–12, 13–24, … with t = 0 as year 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.appraisal.finance import appraise, discount_factors, monthly_rate
from sim.scenario import FinanceConfig

LINES = ("retained_margin", "referral_margin", "upsell_margin", "cost_to_serve", "labour_saving")


def benefit_lines(base: dict[str, np.ndarray], alt: dict[str, np.ndarray], gross_margin: float) -> dict[str, np.ndarray]:
    """Monthly incremental benefit lines (index 0 = t0), before risk adjustment."""
    def parts(m: dict[str, np.ndarray]):
        rev, ups, ref = (np.nan_to_num(m[k]) for k in ("revenue_usd", "upsell_revenue_usd", "referred_revenue_usd"))
        labor = np.nan_to_num(m["labor_cost_usd"]) if "labor_cost_usd" in m else np.zeros_like(rev)
        variable = np.nan_to_num(m["service_cost_usd"]) - labor
        return (rev - ups - ref) * gross_margin, ref * gross_margin, ups * gross_margin, -variable, -labor

    b, a = parts(base), parts(alt)
    return {line: a[i] - b[i] for i, line in enumerate(LINES)}


def risk_adjust(lines: dict[str, np.ndarray], costs: np.ndarray, fin: FinanceConfig) -> tuple[dict[str, np.ndarray], np.ndarray]:
    adjusted = {k: v - fin.haircut(k) * np.abs(v) for k, v in lines.items()}
    return adjusted, costs * (1.0 + fin.cost_risk)


def appraise_lines(lines: dict[str, np.ndarray], costs: np.ndarray, annual_rate: float):
    return appraise(sum(lines.values()), costs, annual_rate)


def annual_table(lines: dict[str, np.ndarray], costs: np.ndarray, annual_rate: float) -> pd.DataFrame:
    """Year 0 (t = 0) and each year of the horizon: nominal lines, costs, net, cumulative, PV of net."""
    horizon = costs.size - 1
    year = np.r_[0, (np.arange(1, horizon + 1) - 1) // 12 + 1]
    df = pd.DataFrame({**{f"{k}_usd": v for k, v in lines.items()}, "investment_cost_usd": costs, "year": year})
    df["total_benefits_usd"] = df[[f"{k}_usd" for k in lines]].sum(axis=1)
    df["net_usd"] = df["total_benefits_usd"] - df["investment_cost_usd"]
    df["pv_net_usd"] = df["net_usd"] * discount_factors(horizon + 1, monthly_rate(annual_rate))
    out = df.groupby("year").sum()
    out["cumulative_net_usd"] = out["net_usd"].cumsum()
    return out.reset_index()
