"""The business case as a spreadsheet for finance teams (``sim spreadsheet``; pandas + openpyxl).

Sheets: **Decision** (the verdict, then every option ranked, with named statistics), **TEI by year**
(each alternative's benefit lines, costs, net, cumulative and present value by year),
**Monthly cash flows** (mean per option and month, undiscounted and discounted), **Assumptions**
and **Priors** (the register of :mod:`sim.present.assumptions`) and **Glossary**. Money, percent
and month columns carry number formats; a payback that never happens reads "never". Every number
comes from the decision written beside the run, so it matches the terminal and the report.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from sim.appraisal.compare import tei_summary
from sim.appraisal.decision import Decision, cash_flows, load_decision
from sim.appraisal.option_stats import GLOSSARY
from sim.present.assumptions import register

MONEY = '"$"#,##0;[Red]-"$"#,##0'
PERCENT = "0%"
MONTHS = "0.0"

#: decision.csv column -> (spreadsheet header, number format)
DECISION_COLUMNS = {
    "rank": ("rank", "0"), "option": ("option", None), "description": ("description", None),
    "npv_mean_usd": ("NPV mean (USD)", MONEY), "npv_mean_ci_low_usd": ("NPV mean: 90 % CI low", MONEY),
    "npv_mean_ci_high_usd": ("NPV mean: 90 % CI high", MONEY), "npv_median_usd": ("NPV median", MONEY),
    "npv_p05_usd": ("NPV 5th percentile", MONEY), "npv_p95_usd": ("NPV 95th percentile", MONEY),
    "npv_unadjusted_mean_usd": ("NPV unadjusted, mean", MONEY), "benefits_pv_usd": ("benefits PV, mean", MONEY),
    "cost_pv_usd": ("cost PV, mean", MONEY), "cost_undiscounted_usd": ("cost undiscounted, mean", MONEY),
    "roi": ("ROI (expected PVs)", PERCENT), "irr_annual": ("IRR per year (expected cash flow)", PERCENT),
    "payback_median_months": ("payback median, months (sustained)", MONTHS),
    "payback_p05_months": ("payback 5th percentile", MONTHS), "payback_p95_months": ("payback 95th percentile", MONTHS),
    "payback_p90_months": ("payback 90th percentile (90 % sure by)", MONTHS),
    "payback_first_median_months": ("first payback median", MONTHS),
    "discounted_payback_median_months": ("discounted payback median", MONTHS), "p_redip": ("P(re-dip)", PERCENT),
    "p_payback_within_horizon": ("P(payback within horizon)", PERCENT), "p_npv_positive": ("P(NPV > 0)", PERCENT),
    "p_best": ("P(best)", PERCENT), "customers_kept_mean": ("customers kept, mean", "#,##0"),
    "customers_kept_ci_low": ("customers kept: 90 % CI low", "#,##0"),
    "customers_kept_ci_high": ("customers kept: 90 % CI high", "#,##0"), "irr_note": ("IRR note", None),
}


def _cell_value(v):
    if isinstance(v, float):
        if math.isnan(v):
            return None
        if math.isinf(v):
            return "never" if v > 0 else "-inf"
    return v


def _write(ws, frame: pd.DataFrame, start_row: int, formats: dict[str, str | None]) -> None:
    """Header in bold at ``start_row``, then the rows, each column with its number format."""
    for j, col in enumerate(frame.columns, start=1):
        c = ws.cell(row=start_row, column=j, value=str(col))
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(j)].width = max(ws.column_dimensions[get_column_letter(j)].width or 0,
                                                                min(40, max(10, len(str(col)) * 0.9)))
    for i, row in enumerate(frame.itertuples(index=False), start=start_row + 1):
        for j, (col, v) in enumerate(zip(frame.columns, row), start=1):
            c = ws.cell(row=i, column=j, value=_cell_value(v))
            fmt = formats.get(col)
            if fmt and not isinstance(c.value, str):
                c.number_format = fmt
            if isinstance(c.value, str) and c.value == "never":
                c.alignment = Alignment(horizontal="right")


def _decision_sheet(wb, decision: Decision) -> None:
    ws = wb.create_sheet("Decision")
    ws["A1"] = decision.verdict["sentence"]
    ws["A1"].font = Font(bold=True, size=12)
    if decision.verdict.get("caveat"):
        ws["A2"] = decision.verdict["caveat"]
    ws["A3"] = (f"{decision.horizon_months}-month horizon, {decision.discount_rate_annual:.0%}/yr, {decision.replications} paired "
                f"replications; NPVs risk-adjusted; payback is the sustained one; mean: {decision.labels['ci']}; percentiles: "
                f"{decision.labels['band']}; P(best) over all options, the current operation included.")
    cols = [c for c in DECISION_COLUMNS if c in decision.options]
    table = decision.options[cols].rename(columns={c: DECISION_COLUMNS[c][0] for c in cols})
    _write(ws, table, 5, {DECISION_COLUMNS[c][0]: DECISION_COLUMNS[c][1] for c in cols})
    ws.freeze_panes = "C6"
    ws.column_dimensions["B"].width = 18


def _tei_sheet(wb, tei: pd.DataFrame, decision: Decision) -> None:
    ws = wb.create_sheet("TEI by year")
    ws["A1"] = "Annual business case of each alternative (mean of replications; year 0 = t0; risk-adjusted; USD)"
    ws["A1"].font = Font(bold=True)
    row = 3
    for name in decision.options.loc[~decision.options["is_baseline"].astype(bool), "option"]:
        if tei.empty or name not in set(tei["arm"].astype(str)):
            continue
        t = tei_summary(tei, str(name)).set_index("year")
        lines = t.T
        lines.columns = [f"year {int(y)}" for y in lines.columns]
        lines["total"] = lines.sum(axis=1)
        lines.loc["cumulative_net_usd", "total"] = float("nan")
        lines.insert(0, str(name), [i.removesuffix("_usd").replace("_", " ") for i in lines.index])
        _write(ws, lines.reset_index(drop=True), row, {c: MONEY for c in lines.columns[1:]})
        row += len(lines) + 3
    ws.column_dimensions["A"].width = 28


def _header(column: str) -> str:
    """``benefit_cost_to_serve_usd`` -> ``cost to serve benefit (USD)``."""
    words = column.removeprefix("benefit_").removesuffix("_usd").replace("_", " ")
    return f"{words}{' benefit' if column.startswith('benefit_') else ''} (USD)"


def write_spreadsheet(results_dir: str | Path, out: str | Path | None = None, overwrite: bool = False) -> Path:
    """Write ``<results>/business_case.xlsx`` (or ``out``); returns its path.

    An existing file is replaced only with ``overwrite``, and never one of the folder's tables or
    the scenario files of the run.
    """
    from openpyxl import Workbook

    from sim.present.report import load_results
    from sim.run.folders import write_file

    res = load_results(results_dir)
    path = Path(out) if out is not None else res["dir"] / "business_case.xlsx"
    inputs = [p for p in res["dir"].iterdir() if p.name != path.name] + list(res["manifest"].get("scenario_files", []))
    decision = load_decision(res["dir"])
    wb = Workbook()
    wb.remove(wb.active)
    _decision_sheet(wb, decision)
    _tei_sheet(wb, res["tei"], decision)
    flows = cash_flows(res["monthly"], decision.discount_rate_annual)
    flows = flows.rename(columns={c: _header(c) for c in flows.columns if c.endswith("_usd")})
    ws = wb.create_sheet("Monthly cash flows")
    ws["A1"] = "Mean incremental cash flow per option and month (USD; month 0 = t0; investment cost risk-adjusted)"
    _write(ws, flows, 3, {c: MONEY for c in flows.columns if c.endswith("(USD)")})
    ws.freeze_panes = "C4"
    settings, priors, note = register(res["manifest"], res["dir"])
    ws = wb.create_sheet("Assumptions")
    ws["A1"] = note or "What differs from the baseline: every setting written in the scenario files, with its comment or note"
    _write(ws, settings, 3, {})
    ws = wb.create_sheet("Priors")
    ws["A1"] = "Every uncertain assumption: distribution, 5-95 % range, source"
    _write(ws, priors, 3, {"low_5pct": "0.000", "high_95pct": "0.000"})
    ws = wb.create_sheet("Glossary")
    _write(ws, pd.DataFrame(list(GLOSSARY.items()), columns=["column", "meaning"]), 1, {})
    ws.column_dimensions["B"].width = 100
    buf = io.BytesIO()
    wb.save(buf)
    return write_file(path, buf.getvalue(), inputs, overwrite)
