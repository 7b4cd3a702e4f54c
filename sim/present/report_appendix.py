"""The report's appendix: the annual business case, the assumptions register and the validation panel."""

from __future__ import annotations

import html
import math

import pandas as pd

from sim.appraisal.compare import tei_summary
from sim.appraisal.formats import money
from sim.present.assumptions import register

#: (label, metric, low, high, FACTS reference): the validation panel's bands.
BANDS = [
    ("phone service level (80/20 convention; FACTS #4 asks 95/30)", "service_level_phone_mean", 0.80, 1.0, "#4"),
    ("phone abandonment", "abandon_rate_phone_mean", 0.0, 0.05, "#5"),
    ("chat ASA, s", "asa_s_chat_mean", 0.0, 60.0, "#2"),
    ("e-mail answered within 24 h", "service_level_email_mean", 0.95, 1.0, "#3"),
    ("phone occupancy", "occupancy_phone_mean", 0.70, 0.85, "#12"),
    ("CSAT (1–5)", "csat_mean", 4.3, 5.0, "#25"),
    ("relationship NPS", "nps_end", 30.0, 60.0, "#29"),
    ("monthly churn", "monthly_churn_mean", 0.0, 0.03, "scenario"),
]

TEI_LINES = [("retained_margin_usd", "retained gross margin"), ("referral_margin_usd", "referral margin"),
             ("upsell_margin_usd", "upsell margin"), ("cost_to_serve_usd", "cost to serve (savings +)"),
             ("labour_saving_usd", "labour saving (harvest: cost)"), ("total_benefits_usd", "total benefits"),
             ("investment_cost_usd", "investment costs"), ("net_usd", "net"),
             ("cumulative_net_usd", "cumulative"), ("pv_net_usd", "present value of net")]


def _e(x) -> str:
    return html.escape(str(x))


def validation(res: dict) -> str:
    base = res["runs"][res["runs"]["arm"].astype(str) == "baseline"]
    rows = []
    for label, col, lo, hi, ref in BANDS:
        if col not in base:
            continue
        v = float(base[col].mean())
        status = "within" if lo <= v <= hi else ("below" if v < lo else "above")
        fmt = (lambda x: f"{x:.1%}") if hi <= 1.0 and col != "csat_mean" else (lambda x: f"{x:,.1f}")
        rows.append(f"<tr class='{status}'><td>{_e(label)}</td><td>{fmt(v)}</td><td>{fmt(lo)} – {fmt(hi)}</td>"
                    f"<td>{status}</td><td>FACTS {ref}</td></tr>")
    return ("<table><tr><th>baseline KPI</th><th>model</th><th>band</th><th></th><th>source</th></tr>" + "".join(rows)
            + "</table><p class='note'>Bands are practitioner targets, not evidence; a KPI outside its band "
              "describes the modelled business, it is not an error.</p>")


def tei_table(res: dict, arm: str) -> str:
    """The annual business case of one alternative: benefit lines, costs, net, cumulative, PV (mean of replications)."""
    if res["tei"].empty or arm not in set(res["tei"]["arm"].astype(str)):
        return ""
    t = tei_summary(res["tei"], arm)
    lines = TEI_LINES + [(c, c.removesuffix("_usd").replace("_", " ")) for c in t.columns
                         if c.endswith("_usd") and c not in dict(TEI_LINES)]
    head = "".join(f"<th>year {int(y)}</th>" for y in t["year"]) + "<th>total</th>"
    body = ""
    for c, label in lines:
        if c not in t:
            continue
        total = "" if c == "cumulative_net_usd" else money(float(t[c].sum()))
        body += f"<tr><td>{_e(label)}</td>" + "".join(f"<td>{money(v)}</td>" for v in t[c]) + f"<td>{total}</td></tr>"
    return f"<table><tr><th>{_e(arm)}</th>{head}</tr>{body}</table>"


def _table(df: pd.DataFrame, columns: list[tuple[str, str]]) -> str:
    head = "".join(f"<th>{_e(label)}</th>" for _, label in columns)
    rows = []
    for r in df.to_dict("records"):
        cells = []
        for c, _ in columns:
            v = r[c]
            cells.append(f"{v:.4g}" if isinstance(v, float) and math.isfinite(v) else _e("" if v is None else v))
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f"<table class='register'><tr>{head}</tr>{''.join(rows)}</table>"


def assumptions(res: dict) -> str:
    """What each option changes (settings written in the files, with their comments) and every prior."""
    settings, priors, note = register(res["manifest"], res["dir"])
    parts = []
    if note:
        parts.append(f"<p class='warn'>{_e(note)}</p>")
    if settings.empty:
        parts.append("<p>No investment and no setting changed: nothing differs from the baseline.</p>")
    else:
        s = settings.assign(where=settings["file"] + ":" + settings["line"].astype(str))
        parts.append("<p>What differs from the baseline: every setting written in the scenario files (defaults are not "
                     "listed), with the comment written beside it or its lever's note.</p>")
        parts.append(_table(s, [("option", "option"), ("setting", "setting"), ("value", "value"), ("comment", "comment / note"),
                                ("where", "file:line")]))
    if not priors.empty:
        p = priors.assign(where=priors["file"] + ":" + priors["line"].astype(str))
        parts.append("<p>Every prior (an assumption drawn once per replication), with its 5–95 % range and source.</p>")
        parts.append(_table(p, [("option", "option"), ("setting", "setting"), ("distribution", "distribution"),
                                ("low_5pct", "5 %"), ("high_95pct", "95 %"), ("source", "source"), ("comment", "comment"),
                                ("where", "file:line")]))
    return "".join(parts)


def harvests(res: dict) -> str:
    """Which harvest each option used: better service (staffing unchanged) or cost (staffing re-planned)."""
    plans = {p["investment"]: p for p in res["manifest"].get("harvest_plans", [])}
    rows = []
    for inv in res["manifest"]["investments"]:
        name = html.escape(inv["name"])
        if inv.get("harvest", "service") == "service":
            rows.append(f"<tr><td>{name}</td><td>service</td><td>staffing unchanged: the capacity it frees becomes "
                        "shorter waits and fewer abandons</td></tr>")
            continue
        p = plans.get(inv["name"], {})
        targets = ", ".join(f"{ch} {sl:.1%} within {s:g} s" for ch, (sl, s) in p.get("targets", {}).items())
        cut = p.get("cut") or inv.get("harvest_cut") or {}
        hours = sum(sum(c) for c in cut.values())
        where = "; ".join(f"{ch}: −{sum(c)} at " + ", ".join(f"{h:02d}h" for h, x in enumerate(c) if x) for ch, c in cut.items() if any(c))
        source = ("the baseline's achieved service levels" if p.get("targets_from") == "baseline" else "the file's targets")
        rows.append(f"<tr><td>{name}</td><td>cost</td><td>staffing re-planned to {html.escape(source)} ({html.escape(targets)}): "
                    f"{hours} agent-hours a day fewer on the floor from month {p.get('from_month', inv.get('harvest_from_month'))}"
                    f"{' (' + html.escape(where) + ')' if where else ''}; the saving is the labour-saving line</td></tr>")
    if not rows:
        return ""
    return ("<table><tr><th>option</th><th>harvest</th><th>what the efficiency becomes</th></tr>" + "".join(rows) + "</table>"
            "<p class='note'>Fair attribution: only the difference between the staffing the targets need without and with the "
            "investment (same planner) comes off today's schedule, so an over-staffed schedule is never counted as its "
            "saving (a WFM lever that fits the schedule is counted against today's schedule: the fit is what it buys). "
            "Planned at the central value of every uncertain setting.</p>")
