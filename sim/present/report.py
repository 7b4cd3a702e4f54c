"""The one-page business case: a self-contained HTML file (images embedded, no network).

Headline sentence, the charts of :mod:`sim.present.charts`, the TEI-style annual table, the assumptions
register (every lever setting of every investment, with its note or the scenario file as source)
and a validation panel comparing the baseline's KPIs with the FACTS.md bands. Rebuilt from a
results folder by tested code, so it can never drift from the model.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from sim.appraisal.compare import HORIZONS, comparison, tei_summary
from sim.present import charts as plots
from sim.present.report_uncertainty import load_uncertainty, tornado_figure, uncertainty_section
from sim.present.text import instability_text, money, months
from sim.scenario import Problem, ScenarioError

#: (label, metric or callable, low, high, FACTS reference): the validation panel's bands.
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


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def load_results(results_dir: str | Path) -> dict:
    """The tables of a complete results folder; a sweep, an interrupted run or another folder is refused."""
    from sim.run.folders import folder_kind, folder_status, read_manifest

    d = Path(results_dir)
    if not d.is_dir():
        raise ScenarioError([Problem(str(d), 0, "", "no such folder" if not d.exists() else "not a folder")])
    manifest = read_manifest(d)
    kind = folder_kind(manifest)
    if kind == "sweep":
        raise ScenarioError([Problem(str(d), 0, "", "is a sweep folder, not run results: use sim sweep status or sim sensitivity")])
    if kind != "results":
        raise ScenarioError([Problem(str(d), 0, "", "not a results folder (no manifest.json of sim run); run `sim run` first")])
    status = folder_status(manifest)
    if status != "complete":
        gone = " (the process that wrote it is gone)" if status == "interrupted" and manifest.get("status") == "running" else ""
        raise ScenarioError([Problem(str(d / "manifest.json"), 0, "status", f"the run is '{status}'{gone}, not complete: "
                                     "run it again (with --overwrite to replace this folder)")])
    need = ["runs.parquet", "monthly.parquet", "intervals.parquet"]
    missing = [n for n in need if not (d / n).is_file()]
    if missing:
        raise ScenarioError([Problem(str(d), 0, "", f"not a complete results folder (missing {', '.join(missing)})")])
    out = {"manifest": manifest, "dir": d}
    for name in ("runs", "monthly", "intervals"):
        out[name] = pd.read_parquet(d / f"{name}.parquet")
    out["tei"] = pd.read_parquet(d / "tei.parquet") if (d / "tei.parquet").is_file() else pd.DataFrame()
    return out


def charts(res: dict) -> dict[str, object]:
    """Every chart of the report as a matplotlib figure, keyed by file stem."""
    m, runs, iv = res["manifest"], res["runs"], res["intervals"]
    horizon = m["scenario"]["horizon_months"]
    note = f" ({horizon} months, {m['scenario']['discount_rate_annual']:.0%}/yr)"
    ranked = comparison(runs)
    figs = {}

    def fig(name, fn, *args, size=(7, 4), **kw):
        f, ax = plt.subplots(figsize=size)
        fn(*args, ax=ax, **kw)
        figs[name] = f

    if not ranked.empty:
        best = str(ranked["arm"].iloc[0])
        fig("cash_flow_fan", plots.cash_flow_fan, res["monthly"], best, discount_note=note)
        fig("payback_curves", plots.payback_curves, runs, horizon)
        fig("npv_bars", plots.npv_bars, runs, size=(7, 1.5 + 0.5 * len(ranked)))
        fig("npv_waterfall", plots.npv_waterfall, runs, best)
    channels = [c for c in ("phone", "chat", "email", "social") if c in set(iv.get("channel", []))]
    for ch in channels[:2]:
        fig(f"service_level_{ch}", plots.service_by_interval, iv, ch, "service_level")
    fig("staffing_heatmap", plots.staffing_heatmap, iv, "baseline", m["scenario"]["days_per_month"], size=(9, 2.5))
    for metric in ("active_customers", "churned", "nps", "csat"):
        fig(f"customers_{metric}", plots.customer_trajectory, res["monthly"], metric)
    fig("ltv_by_cohort", plots.ltv_by_cohort, res["monthly"], "baseline", size=(9, 3.5))
    return figs


def all_figures(res: dict, unc: dict, best: str | None) -> dict[str, object]:
    """The report's charts plus the tornado of the best option from its priors (when there are priors)."""
    figures = charts(res)
    if best and (tornado := tornado_figure(unc, best)) is not None:
        figures["tornado_priors"] = tornado
    if not unc["voi"].empty and (unc["voi"]["rank"] > 0).any():
        fig, ax = plt.subplots(figsize=(7, 1.5 + 0.45 * min(8, int((unc["voi"]["rank"] > 0).sum()))))
        plots.evppi_bars(unc["voi"], ax=ax)
        figures["evppi"] = fig
    return figures


def headline(res: dict, ranked: pd.DataFrame) -> str:
    m = res["manifest"]
    s = m["scenario"]
    if ranked.empty:
        return f"{s['name']}: baseline only — add investment files to get a business case."
    r = ranked.iloc[0]
    within = max([h for h in HORIZONS if h <= s["horizon_months"]] or [HORIZONS[0]])
    kept = f"keep about {r.customers_kept_mean:,.0f} more customers" if r.customers_kept_mean > 0 else "change customer retention little"
    inv = next((i for i in m["investments"] if i["name"] == r.arm), {})
    what = inv.get("description") or r.arm
    assumed = any(lv["type"] == "retention" for lv in inv.get("levers", []))
    caveat = (" <span class='warn'>Includes an <b>assumed</b> churn effect (a retention lever), not a modelled one.</span>"
              if assumed else "")
    return (f"Do <b>{html.escape(str(r.arm))}</b> ({html.escape(what)}) to {kept} over {s['horizon_months']} months: "
            f"worth <b>{money(r.npv_usd_median)}</b> NPV (median; 5–95 %: {money(r.npv_usd_p05)} to {money(r.npv_usd_p95)}), "
            f"costing {money(r.pv_investment_cost_usd_median)} in present value; payback in "
            f"<b>{months(r.payback_months_median)}</b> months; payback within {within} months with probability "
            f"<b>{r[f'p_payback_within_{within}m']:.0%}</b>"
            f" (P(NPV&gt;0) {r.p_npv_positive:.0%}; {m['replications']} paired replications, "
            f"{s['discount_rate_annual']:.0%}/yr).{caveat}")


def assumptions(res: dict) -> str:
    rows = []
    for inv in res["manifest"]["investments"]:
        for i, lever in enumerate(inv["levers"]):
            source = lever.get("note") or ", ".join(res["manifest"]["scenario_files"])
            for key, value in lever.items():
                if key in ("type", "note"):
                    continue
                rows.append(f"<tr><td>{html.escape(inv['name'])}</td><td>{i}: {html.escape(lever['type'])}</td>"
                            f"<td>{html.escape(key)}</td><td>{html.escape(json.dumps(value))}</td><td>{html.escape(source)}</td></tr>")
    if not rows:
        return "<p>No investment: nothing differs from the baseline.</p>"
    return ("<table><tr><th>investment</th><th>lever</th><th>setting</th><th>value</th><th>source</th></tr>"
            + "".join(rows) + "</table>")


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


def validation(res: dict) -> str:
    base = res["runs"][res["runs"]["arm"].astype(str) == "baseline"]
    rows = []
    for label, col, lo, hi, ref in BANDS:
        if col not in base:
            continue
        v = float(base[col].mean())
        status = "within" if lo <= v <= hi else ("below" if v < lo else "above")
        fmt = (lambda x: f"{x:.1%}") if hi <= 1.0 and col != "csat_mean" else (lambda x: f"{x:,.1f}")
        rows.append(f"<tr class='{status}'><td>{html.escape(label)}</td><td>{fmt(v)}</td><td>{fmt(lo)} – {fmt(hi)}</td>"
                    f"<td>{status}</td><td>FACTS {ref}</td></tr>")
    return ("<table><tr><th>baseline KPI</th><th>model</th><th>band</th><th></th><th>source</th></tr>" + "".join(rows)
            + "</table><p class='note'>Bands are practitioner targets (FACTS.md), not evidence; a KPI outside its band "
              "describes the modelled business, it is not an error.</p>")


def tei_table(res: dict, arm: str) -> str:
    if res["tei"].empty:
        return ""
    t = tei_summary(res["tei"], arm)
    cols = [("retained_margin_usd", "retained gross margin"), ("referral_margin_usd", "referral margin"),
            ("upsell_margin_usd", "upsell margin"), ("cost_to_serve_usd", "cost to serve (savings +)"),
            ("labour_saving_usd", "labour saving (harvest: cost)"), ("total_benefits_usd", "total benefits"),
            ("investment_cost_usd", "investment costs"), ("net_usd", "net"),
            ("cumulative_net_usd", "cumulative"), ("pv_net_usd", "present value of net")]
    head = "".join(f"<th>year {int(y)}</th>" for y in t["year"])
    body = "".join(f"<tr><td>{label}</td>" + "".join(f"<td>{money(v)}</td>" for v in t[c]) + "</tr>" for c, label in cols if c in t)
    return f"<table><tr><th>{html.escape(arm)}</th>{head}</tr>{body}</table>"


CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}
h1{font-size:1.5em}.headline{font-size:1.15em;background:#f3f6fa;padding:1em;border-left:4px solid #3b6ea5}
table{border-collapse:collapse;margin:1em 0;font-size:.9em}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}
td:first-child,th:first-child{text-align:left}.grid{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}
.grid img{max-width:540px}.warn{color:#a15c00}
tr.below td,tr.above td{background:#fff4e5}.note{color:#666;font-size:.85em}"""


def build_report(results_dir: str | Path, out: str | Path | None = None, overwrite: bool = False) -> Path:
    """Write the one-page HTML business case for a results folder; returns its path.

    An existing file is replaced only with ``overwrite``, and never one of the folder's tables or
    the scenario files of the run.
    """
    from sim.run.folders import check_out_file
    from sim.run.store import atomic_write_bytes

    res = load_results(results_dir)
    path = Path(out) if out is not None else res["dir"] / "report.html"
    inputs = [p for p in res["dir"].iterdir() if p.name != "report.html"] + list(res["manifest"].get("scenario_files", []))
    check_out_file(path, inputs, overwrite)
    ranked = comparison(res["runs"])
    m = res["manifest"]
    best = str(ranked["arm"].iloc[0]) if not ranked.empty else None
    unc = load_uncertainty(res["dir"])
    figures = all_figures(res, unc, best)
    images = "".join(f"<figure><img alt='{name}' src='{_png(f)}'></figure>" for name, f in figures.items())
    note = instability_text(res["runs"])
    unstable = f"<p class='warn'><b>Unstable months:</b> {html.escape(note)}</p>" if note else ""
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>Business case: {html.escape(m['scenario']['name'])}</title>
<style>{CSS}</style></head><body data-broken-images="unknown">
<h1>Business case — {html.escape(m['scenario']['name'])}</h1>
<p class="headline">{headline(res, ranked)}</p>{unstable}
<p class="note">Run {html.escape(m['run_id'])}, seed {m['root_seed']}, {m['replications']} replications, horizon
{m['scenario']['horizon_months']} months, discount {m['scenario']['discount_rate_annual']:.0%}/yr (annual effective).
Every band shows the spread over replications; one replication means no uncertainty estimate.</p>
<h2>How sure are we?</h2>{uncertainty_section(unc, m['replications'], m.get('uncertainty_notes', []))}
<h2>Charts</h2><div class="grid">{images}</div>
<h2>Annual business case (mean of replications)</h2>{tei_table(res, best) if best else ""}
<h2>How each option harvests its efficiency</h2>{harvests(res) or "<p>No investment.</p>"}
<h2>Assumptions register</h2>{assumptions(res)}
<h2>Validation against practitioner bands</h2>{validation(res)}
<script>window.addEventListener('load',()=>{{const b=[...document.images].filter(i=>!(i.complete&&i.naturalWidth>0)).length;
document.body.dataset.brokenImages=String(b);document.body.dataset.images=String(document.images.length);}});</script>
</body></html>"""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, page.encode())
    return path


def write_charts(results_dir: str | Path, overwrite: bool = False) -> list[Path]:
    """PNG and SVG of every chart into ``<results>/charts/`` (existing charts are replaced only with ``overwrite``)."""
    res = load_results(results_dir)
    folder = res["dir"] / "charts"
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise ScenarioError([Problem(str(folder), 0, "", "is not a folder sim can write charts into (a file or a link)")])
    if folder.is_dir() and any(folder.iterdir()) and not overwrite:
        raise ScenarioError([Problem(str(folder), 0, "--overwrite", "holds charts already; pass --overwrite to replace them")])
    for entry in folder.iterdir() if folder.is_dir() else ():
        if entry.suffix not in (".png", ".svg") or not entry.is_file() or entry.is_symlink():
            raise ScenarioError([Problem(str(entry), 0, "", "charts/ holds a file sim did not write; move it away first")])
    folder.mkdir(exist_ok=True)
    written = []
    ranked = comparison(res["runs"])
    best = str(ranked["arm"].iloc[0]) if not ranked.empty else None
    for name, fig in all_figures(res, load_uncertainty(res["dir"]), best).items():
        for ext in ("png", "svg"):
            p = folder / f"{name}.{ext}"
            fig.savefig(p, dpi=110, bbox_inches="tight")
            written.append(p)
        plt.close(fig)
    return written
