"""The result tables of a run: every investment paired with the baseline of its replication.

For each (arm, replication): the outcomes row of ``runs.parquet`` (customers, service, and for an
investment the appraisal: NPV, ROI, payback, IRR, benefit lines in present value), the long
``monthly.parquet`` series (the incremental cash flow and its benefit lines included), the
``intervals.parquet`` KPIs and the annual TEI table. Built once, at the end, from flat rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.appraisal.benefits import annual_table, appraise_lines, benefit_lines, risk_adjust
from sim.appraisal.finance import monthly_rate, npv
from sim.run.experiment import Experiment
from sim.run.month_loop import ArmRun
from sim.run.psa import INPUT_PREFIX
from sim.run.specs import CHANNELS
from sim.run.store import atomic_write_parquet
from sim.types import Arm

GLOSSARY = {
    "npv_usd": "net present value of the incremental cash flow vs the baseline, same replication",
    "roi": "(PV benefits - PV investment costs) / PV investment costs",
    "payback_months": "first payback: first time the cumulative incremental cash flow is back to >= 0 (interpolated); inf = never",
    "sustained_payback_months": "sustained payback: the time after which the cumulative incremental cash flow stays >= 0 "
                                "to the horizon (interpolated); inf = ends below 0. Decisions and P(payback) use it",
    "payback_redips": "the cumulative incremental cash flow fell below 0 again after its first payback",
    "discounted_payback_months": "sustained payback of the discounted incremental cash flow",
    "irr_annual": "annual effective IRR where unique (one sign change, or Norstrom's criterion); NaN otherwise, irr_note says why",
    "npv_unadjusted_usd": "NPV before the risk adjustment of finance: (benefit haircuts, cost uplift)",
    "incremental_cash_flow_usd": "sum of the (risk-adjusted) benefit lines - (risk-adjusted) investment cost, vs the same replication's baseline",
    "benefit_<line>_usd": "retained_margin, referral_margin, upsell_margin, cost_to_serve (variable service cost), "
                          "labour_saving (paid agent-hours re-planned away by harvest: cost): incremental, risk-adjusted",
}


@dataclass(frozen=True)
class Tables:
    runs: pd.DataFrame
    monthly: pd.DataFrame
    intervals: pd.DataFrame
    tei: pd.DataFrame  # annual business-case lines per arm and replication


def build_tables(exp: Experiment, runs: list[ArmRun]) -> Tables:
    """Pair every investment run with the baseline of its replication and build the tables."""
    by_key = {(r.arm, r.replication): r for r in runs}
    run_rows, monthly_parts, interval_parts, tei_parts = [], [], [], []
    w = exp.world
    for run in runs:
        metrics = dict(run.monthly)
        row = {"arm": run.arm, "replication": run.replication, "root_seed": exp.root_seed,
               "world_hash": exp.world.world_hash(), "unstable_months": len(run.unstable_months)}
        row.update({f"{INPUT_PREFIX}{name}": value for name, value in run.inputs.items()})
        m = run.monthly
        row.update({
            "active_customers_end": m["active_customers"][-1],
            "churned_total": np.nansum(m["churned"][1:]),
            "acquired_total": np.nansum(m["acquired"][1:]),
            "monthly_churn_mean": float(np.nanmean(m["churned"][1:] / m["active_customers"][:-1])),
            "gross_margin_usd_total": np.nansum(m["gross_margin_usd"]),
            "service_cost_usd_total": np.nansum(m["service_cost_usd"]),
            "labor_cost_usd_total": np.nansum(m["labor_cost_usd"]) if "labor_cost_usd" in m else np.nan,
            "paid_agent_hours_total": np.nansum(m["paid_agent_hours"]) if "paid_agent_hours" in m else np.nan,
            "investment_cost_usd_total": np.nansum(m["investment_cost_usd"]),
            "csat_mean": float(np.nanmean(m["csat"][1:])),
            "nps_end": m["nps"][-1],
        })
        for ch in CHANNELS:
            for k in ("service_level", "asa_s", "abandon_rate", "occupancy", "unserved"):
                key = f"{k}_{ch.value}"
                if key in m:
                    row[f"{key}_mean"] = float(np.nanmean(m[key][1:]))
        if run.arm != Arm.BASELINE.value:
            base = by_key[(Arm.BASELINE.value, run.replication)]
            raw = benefit_lines(base.monthly, run.monthly, w.customers.gross_margin)
            lines, costs = risk_adjust(raw, run.monthly["investment_cost_usd"], w.finance)
            flow = sum(lines.values()) - costs
            metrics.update({f"benefit_{k}_usd": v for k, v in lines.items()})
            metrics.update(incremental_cash_flow_usd=flow, cumulative_cash_flow_usd=np.cumsum(flow),
                           risk_adjusted_investment_cost_usd=costs)
            a = appraise_lines(lines, costs, w.discount_rate_annual)
            rate = monthly_rate(w.discount_rate_annual)
            row.update({f"pv_benefit_{k}_usd": npv(rate, v) for k, v in lines.items()})
            row["pv_investment_cost_usd"] = npv(rate, costs)
            table = annual_table(lines, costs, w.discount_rate_annual)
            table.insert(0, "replication", run.replication)
            table.insert(0, "arm", run.arm)
            tei_parts.append(table)
            row.update(npv_usd=a.npv_usd, roi=a.roi, payback_months=a.payback_months,
                       discounted_payback_months=a.discounted_payback_months, irr_annual=a.irr_annual,
                       irr_note=a.irr_note, sustained_payback_months=a.sustained_payback_months,
                       payback_redips=a.payback_redips,
                       npv_unadjusted_usd=appraise_lines(raw, run.monthly["investment_cost_usd"], w.discount_rate_annual).npv_usd,
                       churned_saved=row["churned_total"] - np.nansum(base.monthly["churned"][1:]))
        run_rows.append(row)
        months = np.arange(exp.world.horizon_months + 1)
        for name, values in metrics.items():
            monthly_parts.append(pd.DataFrame({"arm": run.arm, "replication": run.replication,
                                               "month": months, "metric": name, "value": values}))
        if run.intervals:
            part = pd.DataFrame(run.intervals)
            part.insert(0, "replication", run.replication)
            part.insert(0, "arm", run.arm)
            interval_parts.append(part)
    runs_df = pd.DataFrame(run_rows)
    monthly = pd.concat(monthly_parts, ignore_index=True).dropna(subset=["value"])
    intervals = pd.concat(interval_parts, ignore_index=True) if interval_parts else pd.DataFrame()
    if not intervals.empty:
        intervals.insert(3, "channel", intervals.pop("channel_code").map(lambda c: CHANNELS[c].value))
        month = intervals.pop("month")
        intervals.insert(2, "month", month)
    tei = pd.concat(tei_parts, ignore_index=True) if tei_parts else pd.DataFrame(columns=["arm", "replication", "year"])
    for df in (runs_df, monthly, intervals, tei):
        if "arm" in df:
            df["arm"] = pd.Categorical(df["arm"], categories=exp.arms)
    return Tables(runs_df, monthly, intervals, tei)


def write_tables(out_dir: Path, tables: Tables) -> None:
    atomic_write_parquet(tables.runs, out_dir / "runs.parquet")
    atomic_write_parquet(tables.monthly, out_dir / "monthly.parquet")
    atomic_write_parquet(tables.intervals, out_dir / "intervals.parquet")
    atomic_write_parquet(tables.tei, out_dir / "tei.parquet")
