"""The decision (docs/kpis.md, "The decision"): one appraisal summary per option, and the verdict.

Options are the baseline ("keep the current operation") *and* every alternative. Over the paired
replications (the same customers in every option), each option gets named statistics
(:mod:`sim.appraisal.option_stats`): mean NPV with its 90 % confidence interval, median NPV with
the 5–95 % band of replications, risk-adjusted and unadjusted, ROI and IRR of the expected cash
flow, first, sustained and discounted payback, P(NPV > 0), P(payback ≤ horizon) on the sustained
payback, P(best) over all options, customers kept, cost in present value and undiscounted.

The verdict recommends the option with the highest expected (mean) risk-adjusted NPV; the
baseline's is 0, so "keep the current operation" wins whenever no alternative is expected to make
money: a loss is never recommended. When the paired 90 % interval of the difference between the
top two includes 0, the verdict says the evidence cannot separate them.

Computed once, when a run is written (``decision.csv``: the ranked table; ``decision.json``: the
verdict, the labels and the table), and read back by the terminal, the report, the notebooks, the
spreadsheet and the charts, so every surface shows the same numbers.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.appraisal.formats import band, money, month_of
from sim.appraisal.option_stats import BAND_LABEL, CI_LABEL, LEVEL, mean_cash_flows, mean_ci, option_table
from sim.types import Arm

KEEP = "keep the current operation"
FILES = ("decision.csv", "decision.json")


@dataclass(frozen=True)
class Decision:
    """The ranked options (baseline included) and the verdict, as every surface shows them."""

    options: pd.DataFrame  # one row per option, rank 1 first (columns: GLOSSARY of option_stats)
    verdict: dict  # kind, recommended, runner_up, sentence, separated, difference_*, caveat, learn_first
    horizon_months: int
    discount_rate_annual: float
    replications: int
    labels: dict = field(default_factory=lambda: {"band": BAND_LABEL, "ci": CI_LABEL})

    @property
    def recommended(self) -> pd.Series:
        return self.options.iloc[0]

    @property
    def keep(self) -> bool:
        return self.verdict["kind"] == "keep"


def _payback_clause(row: pd.Series, horizon: int) -> str:
    med, p90, p = row["payback_median_months"], row["payback_p90_months"], row["p_payback_within_horizon"]
    if not math.isfinite(med):
        return f"it does not pay back within {horizon} months in most replications (P(payback ≤ {horizon} months) {p:.0%})"
    sure = f"90 % sure by {month_of(p90)}" if math.isfinite(p90) else f"{p:.0%} sure within the {horizon}-month horizon"
    return f"pays back by {month_of(med)} (median), {sure}"


def _verdict(options: pd.DataFrame, nb: pd.DataFrame, horizon: int, about: dict, voi: pd.DataFrame | None) -> dict:
    top = options.iloc[0]
    alts = options[~options["is_baseline"]]
    v: dict = {"recommended": str(top["option"]), "kind": "keep" if top["is_baseline"] else "invest",
               "runner_up": None, "separated": True, "difference_mean_usd": math.nan, "difference_ci_low_usd": math.nan,
               "difference_ci_high_usd": math.nan, "caveat": "", "learn_first": ""}
    if alts.empty:
        v["sentence"] = "Nothing to decide: only the current operation was simulated; add investment files."
        return v
    second = options.iloc[1]
    v["runner_up"] = str(second["option"])
    d_mean, d_lo, d_hi = mean_ci(nb[v["recommended"]] - nb[v["runner_up"]])
    separated = math.isfinite(d_lo) and d_lo > 0
    v.update(separated=separated, difference_mean_usd=d_mean, difference_ci_low_usd=d_lo, difference_ci_high_usd=d_hi)
    ci = f"{CI_LABEL} {band(top['npv_mean_ci_low_usd'], top['npv_mean_ci_high_usd'])}"
    if top["is_baseline"]:
        best = alts.iloc[0]
        lead = (f"None of these pays back within {horizon} months: " if (alts["p_payback_within_horizon"] < 0.5).all()
                else "No alternative is expected to make money: ")
        text = (f"{lead}{KEEP}; closest is {best['option']} at {money(best['npv_mean_usd'])} expected NPV "
                f"({CI_LABEL} {band(best['npv_mean_ci_low_usd'], best['npv_mean_ci_high_usd'])}).")
        if not separated and math.isfinite(d_lo):
            text += f" The evidence cannot rule out that {best['option']} breaks even."
    else:
        text = (f"Invest in {top['option']}: expected NPV {money(top['npv_mean_usd'])} ({ci}) over {horizon} months; "
                f"{_payback_clause(top, horizon)}; P(best) {top['p_best']:.0%}.")
        if not separated and math.isfinite(d_lo):
            rival = KEEP if second["is_baseline"] else str(second["option"])
            text += (f" The evidence cannot separate it from {rival}: the difference is {money(d_mean)} "
                     f"({CI_LABEL} {band(d_lo, d_hi)}).")
    if not math.isfinite(d_lo):
        text += " One replication: no uncertainty estimate; add replications to tell the options apart."
    elif not separated and voi is not None and not voi.empty and (voi["rank"] > 0).any():
        first = voi[voi["rank"] > 0].iloc[0]
        v["learn_first"] = f"{first['parameter']} (worth up to {money(float(first['evppi_usd']))})"
        text += f" Learn {v['learn_first']} first, or add replications."
    elif not separated:
        text += " Add replications (--reps auto) to settle it."
    if about.get(v["recommended"], {}).get("assumed"):
        v["caveat"] = "Includes an assumed churn effect (a retention lever), not a modelled one."
    v["sentence"] = text
    return v


def decide(runs: pd.DataFrame, monthly: pd.DataFrame, horizon_months: int, discount_rate_annual: float,
           about: dict[str, dict] | None = None, voi: pd.DataFrame | None = None) -> Decision:
    """The ranked options and the verdict of a run's tables.

    Args:
        runs, monthly: ``runs.parquet`` and ``monthly.parquet`` of a run.
        horizon_months, discount_rate_annual: the appraisal's horizon and rate.
        about: per option, ``description`` and ``assumed`` (an assumed effect such as a retention lever).
        voi: ``voi.csv`` (EVPI and ranked EVPPI), to say what to learn first when the top two are close.
    """
    about = about or {}
    options, nb = option_table(runs, monthly, horizon_months, discount_rate_annual)
    options["description"] = [about.get(o, {}).get("description", "") or ("no investment" if o == Arm.BASELINE.value else "")
                              for o in options["option"]]
    reps = int(runs["replication"].nunique())
    return Decision(options, _verdict(options, nb, horizon_months, about, voi), horizon_months, discount_rate_annual, reps)


def about_options(investments) -> dict[str, dict]:
    """``about`` for :func:`decide` from investments (models or the manifest's dicts)."""
    out = {}
    for inv in investments:
        d = inv if isinstance(inv, dict) else inv.model_dump(mode="json")
        out[d["name"]] = {"description": d.get("description", ""),
                          "assumed": any(lv.get("type") == "retention" for lv in d.get("levers", []))}
    return out


def _jsonable(x):
    if isinstance(x, (float, np.floating)):
        return None if math.isnan(x) else (("inf" if x > 0 else "-inf") if math.isinf(x) else float(x))
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.bool_):
        return bool(x)
    return x


def write_decision(out_dir: Path, decision: Decision) -> None:
    """``decision.csv`` (the ranked options) and ``decision.json`` (verdict, labels, options)."""
    from sim.run.store import atomic_write_bytes  # here: reading a decision must not load the simulation (Mesa)

    out_dir = Path(out_dir)
    atomic_write_bytes(out_dir / "decision.csv", decision.options.to_csv(index=False).encode())
    doc = {"verdict": {k: _jsonable(v) for k, v in decision.verdict.items()}, "labels": decision.labels,
           "horizon_months": decision.horizon_months, "discount_rate_annual": decision.discount_rate_annual,
           "replications": decision.replications, "level": LEVEL,
           "options": [{k: _jsonable(v) for k, v in r.items()} for r in decision.options.to_dict("records")]}
    atomic_write_bytes(out_dir / "decision.json", (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode())


def _from_json(x):
    return float(x) if x in ("inf", "-inf") else (math.nan if x is None else x)


def read_decision(results_dir: Path) -> Decision | None:
    """The decision written beside a run's tables, or None for a folder written before it existed."""
    p = Path(results_dir) / "decision.json"
    if not p.is_file():
        return None
    doc = json.loads(p.read_text(encoding="utf-8"))
    options = pd.DataFrame([{k: _from_json(v) for k, v in r.items()} for r in doc["options"]])
    verdict = {k: _from_json(v) for k, v in doc["verdict"].items()}
    return Decision(options, verdict, doc["horizon_months"], doc["discount_rate_annual"], doc["replications"], doc["labels"])


def write_run_decision(out_dir: Path, runs: pd.DataFrame, monthly: pd.DataFrame, world, investments,
                       evppi: pd.DataFrame | None = None) -> Decision:
    """Decide on a run just simulated and write ``decision.csv`` / ``decision.json`` beside its tables."""
    decision = decide(runs, monthly, world.horizon_months, world.discount_rate_annual, about_options(investments), evppi)
    write_decision(out_dir, decision)
    return decision


def load_decision(results_dir: Path) -> Decision:
    """The decision of a results folder: as written, or computed from its tables (older folders)."""
    d = Path(results_dir)
    written = read_decision(d)
    if written is not None:
        return written
    manifest = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
    voi = pd.read_csv(d / "voi.csv") if (d / "voi.csv").is_file() and (d / "voi.csv").stat().st_size else None
    s = manifest["scenario"]
    return decide(pd.read_parquet(d / "runs.parquet"), pd.read_parquet(d / "monthly.parquet"), s["horizon_months"],
                  s["discount_rate_annual"], about_options(manifest.get("investments", [])), voi)


def cash_flows(monthly: pd.DataFrame, discount_rate_annual: float) -> pd.DataFrame:
    """Mean monthly incremental cash flow per option (see :func:`sim.appraisal.option_stats.mean_cash_flows`)."""
    return mean_cash_flows(monthly, discount_rate_annual)
