"""The report's "How sure are we?" section: where the spread comes from and what to learn first.

Reads what ``sim run`` / ``sim compare`` wrote beside the tables (:mod:`sim.appraisal.uncertainty`):
``variance_share.csv``, ``voi.csv`` (EVPI, then each assumption's EVPPI, ranked) and
``tornado.csv`` (NPV with one assumption at its prior's 5th and 95th percentile).
"""

from __future__ import annotations

import html
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from sim.present import charts as plots
from sim.present.text import money


def load_uncertainty(results_dir: Path) -> dict[str, pd.DataFrame]:
    """The uncertainty tables of a results folder (empty frames for a folder written before them)."""
    out = {}
    for name in ("voi", "variance_share", "tornado"):
        p = Path(results_dir) / f"{name}.csv"
        try:
            out[name] = pd.read_csv(p) if p.is_file() else pd.DataFrame()
        except pd.errors.EmptyDataError:  # an empty table written without a header
            out[name] = pd.DataFrame()
    return out


def tornado_figure(unc: dict[str, pd.DataFrame], arm: str):
    """NPV of ``arm`` with one assumption at a time at its prior's 5th / 95th percentile, or None."""
    t = unc["tornado"]
    if t.empty or arm not in set(t["arm"].astype(str)):
        return None
    t = t[t["arm"].astype(str) == arm]
    effects = pd.DataFrame({"parameter": t["parameter"], "low": t["npv_at_low_usd"], "high": t["npv_at_high_usd"],
                            "base": t["npv_mean_usd"]})
    fig, ax = plt.subplots(figsize=(7, 1.2 + 0.45 * len(effects)))
    plots.tornado(effects, ax=ax, outcome=f"NPV of {arm} (USD), assumption at its prior's 5th / 95th percentile")
    return fig


def uncertainty_section(unc: dict[str, pd.DataFrame], replications: int, notes: list[str] = ()) -> str:
    """HTML: variance shares per investment, EVPI and the assumptions worth resolving first."""
    var, voi = unc["variance_share"], unc["voi"]
    if var.empty and voi.empty:
        return "<p class='note'>No uncertainty summary in this folder (written by an older version).</p>"
    parts = [f"<p class='warn'>{html.escape(n)}</p>" for n in notes]
    if not var.empty and var["assumptions_share"].notna().any():
        rows = "".join(f"<tr><td>{html.escape(str(r.arm))}</td><td>{money(r.npv_sd_usd)}</td><td>{r.assumptions_share:.0%}</td>"
                       f"<td>{r.noise_share:.0%}</td></tr>" for r in var.itertuples())
        parts.append("<table><tr><th>investment</th><th>NPV standard deviation</th><th>from the assumptions</th>"
                     f"<th>from simulation noise</th></tr>{rows}</table>")
    elif not notes:
        parts.append("<p>No uncertain assumptions: the bands above show simulation noise only. Give the settings that "
                     "decide the case as distributions (README, “How sure are we?”) to cover them.</p>")
    ranked = voi[voi["rank"] > 0] if not voi.empty else voi
    if not ranked.empty:
        evpi = float(voi.loc[voi["rank"] == 0, "evppi_usd"].iloc[0])
        items = "".join(f"<li>{html.escape(str(s))}</li>" for s in ranked.head(3)["sentence"])
        parts.append(f"<p>Resolving every assumption before deciding would be worth up to <b>{money(evpi)}</b> (EVPI). "
                     f"What to learn first:</p><ol>{items}</ol>")
    return "".join(parts)


def finding_html(unc: dict[str, pd.DataFrame], replications: int, notes: list[str] = ()) -> str:
    """The value-of-information finding in two sentences, for page 1 (details in the appendix).

    ``notes``: the run's uncertainty notes (the manifest's ``uncertainty_notes``), e.g. too few
    replications to say which assumption matters.
    """
    var, voi = unc["variance_share"], unc["voi"]
    ranked = voi[voi["rank"] > 0] if not voi.empty else voi
    parts = []
    too_few = [n for n in notes if n.startswith("only ")]
    if too_few and ranked.empty:
        parts.append(html.escape(too_few[0][0].upper() + too_few[0][1:]) + ".")
    elif not ranked.empty:
        evpi = float(voi.loc[voi["rank"] == 0, "evppi_usd"].iloc[0])
        parts.append(f"Resolving every assumption before deciding would be worth up to <b>{money(evpi)}</b> (EVPI). "
                     f"{html.escape(str(ranked.iloc[0]['sentence']))}")
    elif not var.empty and var["assumptions_share"].notna().any() and (var["assumptions_share"] > 0).any():
        parts.append("The assumptions move the NPV, but no single one is worth resolving before deciding.")
    else:
        parts.append("No uncertain assumptions: the intervals show simulation noise only (give the settings that decide "
                     "the case as distributions to cover them).")
    if replications < 50 and not ranked.empty:
        parts.append(f"<span class='note'>({replications} replications: rough; use --reps 50 or more.)</span>")
    return "<p id='voi'>" + " ".join(parts) + "</p>"
