"""The decision on the terminal: the verdict sentence, then the ranked options (readable at 80 columns).

Every number comes from the decision written beside the run (:mod:`sim.appraisal.decision`); the
interval labels are the decision's own (:data:`~sim.appraisal.option_stats.CI_LABEL`,
:data:`~sim.appraisal.option_stats.BAND_LABEL`), the same as in the report and the spreadsheet.
"""

from __future__ import annotations

import math

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sim.appraisal.decision import Decision
from sim.appraisal.formats import band, money, months, pct


def _table(title: str, columns: list[str], first_width: int = 0) -> Table:
    t = Table(title=title, title_justify="left", show_lines=True, pad_edge=False)
    for i, c in enumerate(columns):
        if i == 0:
            t.add_column(c, justify="left", no_wrap=True, min_width=first_width)
        else:
            t.add_column(c, justify="right", overflow="fold")
    return t


def ranked_rows(decision: Decision) -> list[list[str]]:
    """The ranked table's cells: option, mean NPV with its CI, median NPV with its band, payback, probabilities."""
    rows = []
    for r in decision.options.itertuples():
        name = f"{r.rank} {r.option}"
        if r.is_baseline:
            rows.append([name, "$0", "-", "-", "-", "-", pct(r.p_best)])
            continue
        rows.append([name, f"{money(r.npv_mean_usd)}\n{band(r.npv_mean_ci_low_usd, r.npv_mean_ci_high_usd)}",
                     f"{money(r.npv_median_usd)}\n{band(r.npv_p05_usd, r.npv_p95_usd)}",
                     f"{months(r.payback_median_months)}\n{band(r.payback_p05_months, r.payback_p95_months, months)}",
                     pct(r.p_payback_within_horizon), pct(r.p_npv_positive), pct(r.p_best)])
    return rows


def detail_rows(decision: Decision) -> list[list[str]]:
    """Cost, ROI, IRR, the other paybacks and customers kept of each alternative."""
    rows = []
    for r in decision.options[~decision.options["is_baseline"].astype(bool)].itertuples():
        irr = pct(r.irr_annual) if math.isfinite(r.irr_annual) else "n/a*"
        rows.append([str(r.option), f"{money(r.cost_pv_usd)}\n{money(r.cost_undiscounted_usd)}", pct(r.roi), irr,
                     f"{months(r.payback_first_median_months)}\n{months(r.discounted_payback_median_months)}",
                     pct(r.p_redip), f"{r.customers_kept_mean:,.0f}\n{band(r.customers_kept_ci_low, r.customers_kept_ci_high, _count)}"])
    return rows


def _count(x: float) -> str:
    return f"{x:,.0f}"


def print_decision(console: Console, decision: Decision, details: bool = True) -> None:
    """Verdict first, then the ranked options and (``details``) their costs, ROI, IRR and paybacks."""
    v, h = decision.verdict, decision.horizon_months
    console.print(f"[bold]{escape(v['sentence'])}[/]")
    if v.get("caveat"):
        console.print(f"[yellow]{escape(v['caveat'])}[/]")
    width = max(len(str(o)) for o in decision.options["option"]) + 2
    t = _table(f"Options ranked by expected NPV ({h} months, {decision.discount_rate_annual:.0%}/yr, "
               f"{decision.replications} paired replications, risk-adjusted)",
               ["# option", "NPV mean\n[90 % CI]", "NPV median\n[5–95 %]", "payback, months\nmedian [5–95 %]",
                f"P(pay\n≤{h}m)", "P(NPV\n>0)", "P\n(best)"], width)
    for row in ranked_rows(decision):
        t.add_row(*map(escape, row))
    console.print(t)
    console.print(f"NPV mean: {decision.labels['ci']}; median and payback: {decision.labels['band']}; payback is the "
                  "sustained one (stays paid back to the horizon); P(best) over all options, the baseline (keep the current "
                  "operation) included.",
                  style="dim")
    if details and len(decision.options) > 1:
        d = _table("Cost, return and payback detail (means; payback medians)",
                   ["option", "cost PV\nundiscounted", "ROI", "IRR/yr", "payback first\ndiscounted", "re-dips",
                    "customers kept\n[90 % CI]"], width - 2)
        for row in detail_rows(decision):
            d.add_row(*map(escape, row))
        console.print(d)
        notes: dict[str, list[str]] = {}
        for r in decision.options.itertuples():
            if not r.is_baseline and r.irr_note:
                notes.setdefault(str(r.irr_note), []).append(str(r.option))
        for note, names in notes.items():
            console.print(f"* IRR n/a for {escape(', '.join(names))}: {escape(note)}", style="dim")
