"""Charts of the decision itself: every option, the current operation included, in its own colour.

Drawn from the decision (:mod:`sim.appraisal.decision`) and its mean cash flows, so the numbers
on the charts are the numbers in the verdict, the tables and the spreadsheet.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from sim.present.style import MoneyFormatter, option_styles

NO_UNCERTAINTY = "no uncertainty estimate (1 replication)"


def styles_of(options: pd.DataFrame) -> dict[str, dict]:
    """Each option's style, in the run's order of arms (the same in every chart of the run)."""
    order = options.sort_values("run_order")["option"] if "run_order" in options else options["option"]
    return option_styles([str(o) for o in order])


def npv_options(options: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Mean NPV of every option (baseline = 0) with its 90 % CI of the mean and the 5–95 % band, ranked."""
    ax = ax if ax is not None else plt.subplots(figsize=(7, 4))[1]
    st = styles_of(options)
    o = options.iloc[::-1].reset_index(drop=True)  # rank 1 on top
    y = np.arange(len(o))
    ax.barh(y, o["npv_mean_usd"], color=[st[str(n)]["color"] for n in o["option"]], alpha=0.85)
    single = False
    for yi, r in o.iterrows():
        if r["is_baseline"]:
            ax.plot([0], [yi], marker="o", color=st[str(r["option"])]["color"], ms=7)
            continue
        if math.isfinite(r["npv_p05_usd"]):
            ax.plot([r["npv_p05_usd"], r["npv_p95_usd"]], [yi, yi], color="grey", lw=1.2, zorder=3)
        if math.isfinite(r["npv_mean_ci_low_usd"]):
            ax.errorbar(r["npv_mean_usd"], yi, xerr=[[r["npv_mean_usd"] - r["npv_mean_ci_low_usd"]],
                                                     [r["npv_mean_ci_high_usd"] - r["npv_mean_usd"]]],
                        fmt="none", color="black", capsize=4, zorder=4)
        else:
            single = True
    if single:
        ax.text(0.02, 0.02, NO_UNCERTAINTY, transform=ax.transAxes, fontsize=8)
    names = [("keep the current operation" if r.is_baseline else str(r.option)) + f" · P(best) {r.p_best:.0%}" for r in o.itertuples()]
    ax.set_yticks(y, names)
    ax.axvline(0, color="black", lw=0.8)
    ax.xaxis.set_major_formatter(MoneyFormatter())
    ax.set(xlabel="NPV vs the current operation (USD): mean; black = 90 % CI of the mean, grey = 5–95 % of replications",
           title="Every option, ranked by expected NPV")
    return ax


def cash_flow_options(flows: pd.DataFrame, options: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Mean cumulative incremental cash flow of every option (undiscounted), each option's median payback marked."""
    ax = ax if ax is not None else plt.subplots(figsize=(7, 4))[1]
    if flows.empty:
        ax.text(0.5, 0.5, "no data: no investment", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    st = styles_of(options)
    months = np.sort(flows["month"].unique())
    base = st.get("baseline")
    if base:
        ax.plot(months, np.zeros(months.size), color=base["color"], lw=base["lw"], label="keep the current operation")
    for r in options[~options["is_baseline"].astype(bool)].itertuples():
        f = flows[flows["option"] == r.option]
        s = st[str(r.option)]
        ax.plot(f["month"], f["cumulative_usd"], color=s["color"], ls=s["ls"], lw=s["lw"], marker=s["marker"],
                markevery=max(1, len(f) // 8), ms=4, label=str(r.option))
        if math.isfinite(r.payback_median_months) and r.payback_median_months > 0:
            ax.plot([r.payback_median_months], [0], marker="v", color=s["color"], ms=10, ls="none", zorder=5)
    ax.plot([], [], marker="v", color="black", ls="none", label="median payback (sustained)")
    ax.axhline(0, color="black", lw=0.8)
    ax.yaxis.set_major_formatter(MoneyFormatter())
    ax.set(xlabel="month", ylabel="cumulative cash flow vs baseline (USD, undiscounted, mean)",
           title="Cumulative cash flow of every option")
    ax.legend(fontsize=8)
    return ax
