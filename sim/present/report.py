"""The business case as one self-contained HTML file (images embedded, no network), decision first.

Page 1 (printed on one A4 or Letter page) is the decision: the verdict in one sentence, KPI tiles,
the ranked table of every option (the current operation included) and the value-of-information
finding (:mod:`sim.present.report_decision`, :mod:`sim.present.report_uncertainty`). The rest is
an appendix: how sure we are in detail, the charts, the annual business case, the assumptions
register (every setting written in the scenario files with its YAML comment, and every prior) and
the validation panel against practitioners' target bands (:mod:`sim.present.report_appendix`). Every figure
comes from the decision written beside the run (:mod:`sim.appraisal.decision`).
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from sim.appraisal.decision import Decision, cash_flows, load_decision
from sim.present import charts as plots
from sim.present import charts_decision
from sim.present.report_appendix import BANDS, assumptions, harvests, tei_table, validation  # noqa: F401 (BANDS re-exported)
from sim.present.report_decision import CSS as DECISION_CSS
from sim.present.report_decision import decision_html, subject
from sim.present.report_uncertainty import finding_html, load_uncertainty, tornado_figure, uncertainty_section
from sim.present.text import instability_text
from sim.scenario import Problem, ScenarioError


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


def charts(res: dict, decision: Decision | None = None) -> dict[str, object]:
    """Every chart of the report as a matplotlib figure, keyed by file stem: the decision's first."""
    m, runs, iv = res["manifest"], res["runs"], res["intervals"]
    horizon = m["scenario"]["horizon_months"]
    decision = decision if decision is not None else load_decision(res["dir"])
    focus = subject(decision)
    figs = {}

    def fig(name, fn, *args, size=(7, 4), **kw):
        f, ax = plt.subplots(figsize=size)
        fn(*args, ax=ax, **kw)
        figs[name] = f

    if focus is not None:
        best = str(focus["option"])
        fig("npv_options", charts_decision.npv_options, decision.options, size=(8, 1.5 + 0.34 * len(decision.options)))
        fig("cash_flow_options", charts_decision.cash_flow_options, cash_flows(res["monthly"], m["scenario"]["discount_rate_annual"]),
            decision.options)
        fig("payback_curves", plots.payback_curves, runs, horizon)
        fig("npv_waterfall", plots.npv_waterfall, runs, best)
        fig("cash_flow_fan", plots.cash_flow_fan, res["monthly"], best, payback=float(focus["payback_median_months"]))
    channels = [c for c in ("phone", "chat", "email", "social") if c in set(iv.get("channel", []))]
    for ch in channels[:2]:
        fig(f"service_level_{ch}", plots.service_by_interval, iv, ch, "service_level")
    fig("staffing_heatmap", plots.staffing_heatmap, iv, "baseline", m["scenario"]["days_per_month"], size=(9, 2.5))
    for metric in ("active_customers", "churned", "nps", "csat"):
        fig(f"customers_{metric}", plots.customer_trajectory, res["monthly"], metric)
    fig("ltv_by_cohort", plots.ltv_by_cohort, res["monthly"], "baseline", size=(9, 3.5))
    return figs


def all_figures(res: dict, unc: dict, best: str | None, decision: Decision | None = None) -> dict[str, object]:
    """The report's charts plus the tornado of the best option from its priors (when there are priors)."""
    figures = charts(res, decision)
    if best and (tornado := tornado_figure(unc, best)) is not None:
        figures["tornado_priors"] = tornado
    if not unc["voi"].empty and (unc["voi"]["rank"] > 0).any():
        fig, ax = plt.subplots(figsize=(7, 1.5 + 0.45 * min(8, int((unc["voi"]["rank"] > 0).sum()))))
        plots.evppi_bars(unc["voi"], ax=ax)
        figures["evppi"] = fig
    return figures


CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:1.5em auto;color:#222;line-height:1.3}
h1{font-size:1.45em;margin:.2em 0}h2{font-size:1.15em;margin:.8em 0 .3em}h3{font-size:1.02em}
table{border-collapse:collapse;margin:.6em 0;font-size:.88em}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:right;vertical-align:top}
td:first-child,th:first-child{text-align:left}table.register td{text-align:left}.grid{display:flex;flex-wrap:wrap;gap:1em}
figure{margin:0}.grid img{max-width:540px}.warn{color:#a15c00}.meta{color:#555;font-size:.85em;margin:.2em 0}
tr.below td,tr.above td{background:#fff4e5}.note{color:#666;font-size:.82em}
table.ranked td:nth-child(2),table.ranked th:nth-child(2){text-align:left}
.glance img{max-width:100%;max-height:95mm}
@page{margin:10mm}
@media print{body{max-width:none;margin:0;font-size:8.5pt}.page1{break-after:page}.appendix h2{break-after:avoid}
figure,tr,.tile{break-inside:avoid}.grid img{max-width:88mm}.verdict{font-size:1.1em}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


def page(res: dict, decision: Decision, unc: dict, images: str, glance: str = "") -> str:
    """The report's HTML: page 1 the decision, then the appendix."""
    m = res["manifest"]
    s = m["scenario"]
    focus = subject(decision)
    note = instability_text(res["runs"])
    unstable = f"<p class='warn'><b>Unstable months:</b> {html.escape(note)}</p>" if note else ""
    tei = tei_table(res, str(focus["option"])) if focus is not None else ""
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Business case: {html.escape(s['name'])}</title>
<style>{CSS}{DECISION_CSS}</style></head><body data-broken-images="unknown">
<main class="page1" id="page1">
<h1>Business case — {html.escape(s['name'])}</h1>
<p class="meta">{len(decision.options)} options over {s['horizon_months']} months, discounted at {s['discount_rate_annual']:.0%}/yr
(annual effective); {m['replications']} paired replications (run {html.escape(m['run_id'])}, seed {m['root_seed']}).</p>
{decision_html(decision, style=False)}{unstable}
<h2>How sure are we?</h2>{finding_html(unc, m['replications'], m.get('uncertainty_notes', []))}
{glance}
</main>
<section class="appendix" id="appendix">
<h2>Appendix</h2>
<h3>How sure are we: where the spread comes from and what to learn first</h3>
{uncertainty_section(unc, m['replications'], m.get('uncertainty_notes', []))}
<h3>Charts</h3><div class="grid">{images}</div>
<h3>Annual business case{' of ' + html.escape(str(focus['option'])) if focus is not None else ''} (mean of replications;
year 0 = t0; risk-adjusted)</h3>{tei}
<h3>How each option harvests its efficiency</h3>{harvests(res) or "<p>No investment.</p>"}
<h3>Assumptions register</h3>{assumptions(res)}
<h3>Validation against practitioner bands</h3>{validation(res)}
</section>
<script>window.addEventListener('load',()=>{{const b=[...document.images].filter(i=>!(i.complete&&i.naturalWidth>0)).length;
document.body.dataset.brokenImages=String(b);document.body.dataset.images=String(document.images.length);}});</script>
</body></html>"""


def build_report(results_dir: str | Path, out: str | Path | None = None, overwrite: bool = False) -> Path:
    """Write the HTML business case for a results folder (decision on page 1); returns its path.

    An existing file is replaced only with ``overwrite``, and never one of the folder's tables or
    the scenario files of the run.
    """
    from sim.run.folders import check_out_file
    from sim.run.store import atomic_write_bytes

    res = load_results(results_dir)
    path = Path(out) if out is not None else res["dir"] / "report.html"
    inputs = [p for p in res["dir"].iterdir() if p.name != "report.html"] + list(res["manifest"].get("scenario_files", []))
    check_out_file(path, inputs, overwrite)
    decision = load_decision(res["dir"])
    focus = subject(decision)
    unc = load_uncertainty(res["dir"])
    figures = all_figures(res, unc, str(focus["option"]) if focus is not None else None, decision)
    first = figures.pop("npv_options", None)
    glance = f"<figure class='glance'><img alt='npv_options' src='{_png(first)}'></figure>" if first is not None else ""
    images = "".join(f"<figure><img alt='{name}' src='{_png(f)}'></figure>" for name, f in figures.items())
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, page(res, decision, unc, images, glance).encode())
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
    decision = load_decision(res["dir"])
    focus = subject(decision)
    best = str(focus["option"]) if focus is not None else None
    for name, fig in all_figures(res, load_uncertainty(res["dir"]), best, decision).items():
        for ext in ("png", "svg"):
            p = folder / f"{name}.{ext}"
            fig.savefig(p, dpi=110, bbox_inches="tight")
            written.append(p)
        plt.close(fig)
    return written
