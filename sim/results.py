"""Result tables, paired finance, manifest and atomic writes (DESIGN.md "Results layout").

``results/<run_id>/`` holds ``manifest.json`` and the Parquet tables ``runs``, ``monthly`` and
``intervals`` (``failures`` once sweeps exist). Every file is written to a temporary name and
renamed into place, so a reader never sees half a file and a crash never corrupts an older one.
The manifest's ``status`` says whether the run completed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from sim.business_case import annual_table, appraise_lines, benefit_lines, risk_adjust
from sim.experiment import Experiment
from sim.finance import monthly_rate, npv
from sim.operations import CHANNELS
from sim.pipeline import ArmRun
from sim.types import Arm

GLOSSARY = {
    "npv_usd": "net present value of the incremental cash flow vs the baseline, same replication",
    "roi": "(PV benefits - PV investment costs) / PV investment costs",
    "payback_months": "first month the cumulative incremental cash flow is back to >= 0 (interpolated); inf = never",
    "discounted_payback_months": "payback of the discounted incremental cash flow",
    "irr_annual": "annual effective IRR where unique (one sign change); NaN otherwise",
    "incremental_cash_flow_usd": "sum of the (risk-adjusted) benefit lines - (risk-adjusted) investment cost, vs the same replication's baseline",
    "benefit_<line>_usd": "retained_margin, referral_margin, upsell_margin, cost_to_serve: incremental, risk-adjusted",
}
PACKAGES = ("sim", "numpy", "scipy", "pandas", "pyarrow", "simpy", "mesa", "pydantic")


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
        m = run.monthly
        row.update({
            "active_customers_end": m["active_customers"][-1],
            "churned_total": np.nansum(m["churned"][1:]),
            "acquired_total": np.nansum(m["acquired"][1:]),
            "monthly_churn_mean": float(np.nanmean(m["churned"][1:] / m["active_customers"][:-1])),
            "gross_margin_usd_total": np.nansum(m["gross_margin_usd"]),
            "service_cost_usd_total": np.nansum(m["service_cost_usd"]),
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
                       irr_note=a.irr_note,
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


# ---- writing -----------------------------------------------------------------------------
def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def atomic_write_parquet(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    df.to_parquet(tmp, index=False)
    os.replace(tmp, path)


@lru_cache(maxsize=1)
def _git_sha() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).resolve().parent)
        return out.stdout.strip() or None if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


@lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def new_run_id(exp: Experiment) -> str:
    digest = hashlib.sha256(f"{exp.world.world_hash()}{exp.arms}{exp.root_seed}{exp.replications}".encode()).hexdigest()[:8]
    return f"{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}-{digest}"


def manifest(exp: Experiment, run_id: str, status: str, started: str, ended: str | None = None, **extra) -> dict:
    return {
        "run_id": run_id,
        "status": status,
        "started": started,
        "ended": ended,
        "root_seed": exp.root_seed,
        "replications": exp.replications,
        "arms": exp.arms,
        "scenario_files": list(exp.sources),
        "world_hash": exp.world.world_hash(),
        "scenario": exp.world.model_dump(mode="json"),
        "investments": [inv.model_dump(mode="json") for inv in exp.investments],
        "versions": dict(_versions()),
        "git_sha": _git_sha(),
        "glossary": GLOSSARY,
        **extra,
    }


def write_manifest(out_dir: Path, data: dict) -> None:
    atomic_write_bytes(out_dir / "manifest.json", (json.dumps(data, indent=2, default=str) + "\n").encode())


def write_tables(out_dir: Path, tables: Tables) -> None:
    atomic_write_parquet(tables.runs, out_dir / "runs.parquet")
    atomic_write_parquet(tables.monthly, out_dir / "monthly.parquet")
    atomic_write_parquet(tables.intervals, out_dir / "intervals.parquet")
    atomic_write_parquet(tables.tei, out_dir / "tei.parquet")


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
