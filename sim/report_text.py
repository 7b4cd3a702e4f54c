"""Terminal tables for ``sim compare`` (rich): the ranked comparison and the TEI annual table."""

from __future__ import annotations

import math

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def money(x: float) -> str:
    if not math.isfinite(x):
        return "n/a"
    sign, a = ("-" if x < 0 else ""), abs(x)
    if a >= 1e6:
        return f"{sign}${a / 1e6:.2f}M"
    return f"{sign}${a / 1e3:.1f}k" if a >= 1e3 else f"{sign}${a:.0f}"


def months(x: float) -> str:
    return "never" if math.isinf(x) else ("n/a" if math.isnan(x) else f"{x:.1f}")


def count(x: float) -> str:
    return f"{x:,.0f}"


def interval(lo: float, hi: float, fmt) -> str:
    if math.isnan(lo) or math.isnan(hi):
        return "(no CI)"
    return f"[{fmt(lo)}, {fmt(hi)}]"


def measures_table(title: str, arms, rows: dict[str, list[str]]) -> Table:
    """Measures as rows, alternatives as columns: readable at 80 columns."""
    t = Table(title=title)
    t.add_column("measure")
    for arm in arms:
        t.add_column(escape(str(arm)), justify="right")
    for name, cells in rows.items():
        t.add_row(escape(name), *map(escape, cells))
    return t


def print_comparison(console: Console, result) -> None:
    exp, ranked = result.run.experiment, result.ranked
    w = exp.world
    rows = {
        "NPV": [f"{money(r.npv_usd_median)} {interval(r.npv_usd_p05, r.npv_usd_p95, money)}" for r in ranked.itertuples()],
        "payback, months": [f"{months(r.payback_months_median)} {interval(r.payback_months_p05, r.payback_months_p95, months)}"
                            for r in ranked.itertuples()],
        **{f"P(payback ≤ {h} m)": [f"{getattr(r, f'p_payback_within_{h}m'):.0%}" for r in ranked.itertuples()]
           for h in (12, 18, 24, 36)},
        "P(NPV > 0)": [f"{r.p_npv_positive:.0%}" for r in ranked.itertuples()],
        "P(best of these)": [f"{r.p_best:.0%}" for r in ranked.itertuples()],
        "mean NPV vs baseline [90% CI]": [f"{money(r.npv_usd_mean)} {interval(r.npv_usd_mean_ci_low, r.npv_usd_mean_ci_high, money)}"
                                          for r in ranked.itertuples()],
        "customers kept [90% CI]": [f"{r.customers_kept_mean:,.0f} {interval(r.customers_kept_ci_low, r.customers_kept_ci_high, count)}"
                                    for r in ranked.itertuples()],
        "ROI (PV)": [f"{r.roi_median:.0%}" if math.isfinite(r.roi_median) else "n/a" for r in ranked.itertuples()],
    }
    console.print(measures_table(f"Investments ranked by median NPV: {w.horizon_months}-month horizon, "
                                 f"{w.discount_rate_annual:.0%}/yr, {exp.replications} paired replications; "
                                 "median [5th–95th percentile]", ranked["arm"], rows))

    best = str(ranked["arm"].iloc[0])
    tei = result.tei_best
    a = Table(title=f"Business case of {escape(best)} by year (mean of replications; year 0 = t0)")
    a.add_column("line")
    for y in tei["year"]:
        a.add_column(f"year {int(y)}", justify="right")
    for col, label in (("retained_margin_usd", "retained gross margin"), ("referral_margin_usd", "referral margin"),
                       ("upsell_margin_usd", "upsell margin"), ("cost_to_serve_usd", "cost to serve (savings +)"),
                       ("total_benefits_usd", "total benefits"), ("investment_cost_usd", "investment costs"),
                       ("net_usd", "net cash flow"), ("cumulative_net_usd", "cumulative"), ("pv_net_usd", "present value of net")):
        a.add_row(label, *[money(v) for v in tei[col]])
    console.print(a)
    if math.isfinite(result.crn_factor):
        console.print(f"common random numbers: the paired NPV estimate of {escape(best)} has "
                      f"{result.crn_factor:,.0f}x less variance than independent runs would")
