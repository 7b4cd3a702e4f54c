"""The decision as HTML: the verdict sentence, KPI tiles and the ranked table of every option.

Page 1 of the report, and what notebook 02 displays; built from the decision written beside the
run (:mod:`sim.appraisal.decision`), with the same number formats as the terminal
(:mod:`sim.appraisal.formats`), so the figures are the same wherever they are read.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from sim.appraisal.decision import KEEP, Decision
from sim.appraisal.formats import band, money, month_of, months, pct

CSS = """.verdict{font-size:1.2em;background:#f3f6fa;padding:.7em 1em;border-left:5px solid #3b6ea5;margin:.6em 0}
.verdict.keep{border-left-color:#a15c00;background:#fbf5ec}
.tiles{display:grid;grid-template-columns:repeat(4,1fr);gap:.5em;margin:.6em 0}
.tile{border:1px solid #d5dbe3;border-radius:6px;padding:.45em .6em;background:#fff}
.tile .k{font-size:.78em;color:#555}.tile .v{font-size:1.35em;font-weight:600;margin:.1em 0}.tile .s{font-size:.75em;color:#666}
table.ranked{font-size:.82em;width:100%}table.ranked td,table.ranked th{padding:.25em .4em}
table.ranked tr.top td{background:#eef5ee;font-weight:600}table.ranked small{font-weight:400;color:#555}
"""


def _e(x) -> str:
    return html.escape(str(x))


def subject(decision: Decision) -> pd.Series | None:
    """The option the tiles describe: the recommended one, or the closest alternative when keeping."""
    alts = decision.options[~decision.options["is_baseline"].astype(bool)]
    if alts.empty:
        return None
    return decision.recommended if not decision.keep else alts.iloc[0]


def verdict_html(decision: Decision) -> str:
    v = decision.verdict
    caveat = f" <span class='warn'>{_e(v['caveat'])}</span>" if v.get("caveat") else ""
    return f"<p class='verdict{' keep' if decision.keep else ''}' id='verdict'>{_e(v['sentence'])}{caveat}</p>"


def _tile(key: str, value: str, sub: str = "") -> str:
    return f"<div class='tile'><div class='k'>{_e(key)}</div><div class='v'>{_e(value)}</div><div class='s'>{_e(sub)}</div></div>"


def _payback_sub(r: pd.Series, horizon: int) -> str:
    if not math.isfinite(r["payback_median_months"]):
        return f"not within {horizon} months in most replications (sustained payback)"
    sure = f"90 % sure by {month_of(r['payback_p90_months'])}" if math.isfinite(r["payback_p90_months"]) else \
        f"{pct(r['p_payback_within_horizon'])} sure within {horizon} months"
    return f"median sustained payback {months(r['payback_median_months'])} months; {sure}"


def tiles_html(decision: Decision) -> str:
    """Eight tiles: the verdict, then the expected NPV, payback, probabilities, cost, return and customers."""
    r = subject(decision)
    h = decision.horizon_months
    head = _tile("Verdict", "Keep the current operation" if decision.keep else f"Invest in {decision.verdict['recommended']}",
                 f"highest expected NPV of {len(decision.options)} options")
    if r is None:
        return f"<div class='tiles' id='tiles'>{head}</div>"
    who = "" if not decision.keep else f"closest alternative: {r['option']}; "
    keep_best = decision.options.loc[decision.options["is_baseline"].astype(bool), "p_best"].iloc[0]
    ci = f"{decision.labels['ci']}: {band(r['npv_mean_ci_low_usd'], r['npv_mean_ci_high_usd'])}"
    tiles = [
        head,
        _tile("Expected NPV (mean)", money(r["npv_mean_usd"]), f"{who}{ci}"),
        _tile("Pays back by", month_of(r["payback_median_months"]), _payback_sub(r, h)),
        _tile(f"P(payback ≤ {h} months)", pct(r["p_payback_within_horizon"]), f"P(NPV > 0) {pct(r['p_npv_positive'])}"),
        _tile("P(best)", pct(r["p_best"]), f"keep the current operation: {pct(keep_best)}"),
        _tile("Investment cost (PV)", money(r["cost_pv_usd"]), f"undiscounted {money(r['cost_undiscounted_usd'])}; risk-adjusted"),
        _tile("ROI / IRR", pct(r["roi"]), f"IRR {pct(r['irr_annual'])}/yr" if math.isfinite(r["irr_annual"]) else "IRR not unique: see the table"),
        _tile("Customers kept (mean)", f"{r['customers_kept_mean']:,.0f}",
              f"{decision.labels['ci']}: {band(r['customers_kept_ci_low'], r['customers_kept_ci_high'], lambda x: f'{x:,.0f}')}"),
    ]
    return f"<div class='tiles' id='tiles'>{''.join(tiles)}</div>"


def _two(a: str, b: str) -> str:
    return f"{_e(a)}<br><small>{_e(b)}</small>"


def ranked_table_html(decision: Decision) -> str:
    """Every option, ranked by expected NPV: the TEI-style comparison in one table."""
    h = decision.horizon_months
    head = ["#", "option", "NPV mean<br><small>90 % CI of the mean</small>", "NPV median<br><small>5–95 % of replications</small>",
            "NPV unadjusted<br><small>mean</small>", "ROI", "IRR/yr", "payback, months<br><small>median [5–95 %]</small>",
            "first / discounted<br><small>payback, median</small>", f"P(payback<br>≤ {h} m)", "P(NPV&gt;0)", "P(best)",
            "cost PV<br><small>undiscounted</small>", "customers kept<br><small>mean</small>"]
    rows = []
    for r in decision.options.itertuples():
        cls = " class='top'" if r.rank == 1 else ""
        if r.is_baseline:
            rows.append(f"<tr{cls}><td>{r.rank}</td><td>{_e(KEEP)}<br><small>baseline</small></td><td>$0</td><td>$0</td><td>$0</td>"
                        f"<td>–</td><td>–</td><td>–</td><td>–</td><td>–</td><td>–</td><td>{pct(r.p_best)}</td><td>$0</td><td>0</td></tr>")
            continue
        irr = pct(r.irr_annual) if math.isfinite(r.irr_annual) else f"<span title='{_e(r.irr_note)}'>n/a</span>"
        cells = [str(r.rank), _two(r.option, r.description or ""), _two(money(r.npv_mean_usd), band(r.npv_mean_ci_low_usd, r.npv_mean_ci_high_usd)),
                 _two(money(r.npv_median_usd), band(r.npv_p05_usd, r.npv_p95_usd)), _e(money(r.npv_unadjusted_mean_usd)),
                 _e(pct(r.roi)), irr,
                 _two(months(r.payback_median_months), band(r.payback_p05_months, r.payback_p95_months, months)),
                 _e(f"{months(r.payback_first_median_months)} / {months(r.discounted_payback_median_months)}"),
                 _e(pct(r.p_payback_within_horizon)), _e(pct(r.p_npv_positive)), _e(pct(r.p_best)),
                 _two(money(r.cost_pv_usd), money(r.cost_undiscounted_usd)), _e(f"{r.customers_kept_mean:,.0f}")]
        rows.append(f"<tr{cls}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    note = (f"<p class='note'>{decision.replications} paired replications; NPVs risk-adjusted (finance: haircuts and cost "
            f"uplift) unless marked unadjusted; {decision.discount_rate_annual:.0%}/yr; payback is the sustained one "
            "(the cumulative cash flow stays at or above 0 to the horizon); P(best) is over every option, the current "
            "operation included; ROI and IRR of the expected cash flow.</p>")
    return ("<table class='ranked' id='ranked'><tr>" + "".join(f"<th>{c}</th>" for c in head) + "</tr>" + "".join(rows)
            + "</table>" + note)


def decision_html(decision: Decision, style: bool = True) -> str:
    """Verdict, tiles and ranked table (with their style unless ``style=False``): a notebook block or page 1 of the report."""
    css = f"<style>{CSS}</style>" if style else ""
    return f"{css}{verdict_html(decision)}{tiles_html(decision)}{ranked_table_html(decision)}"
