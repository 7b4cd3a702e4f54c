"""Charts of what moves the answer: one-at-a-time tornado, value of information (EVPPI), Sobol or
Morris indices of a sweep, and the scenario-discovery map. Re-exported by :mod:`sim.present.charts`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from sim.present.style import MoneyFormatter
from sim.present.style import new_axes as _ax
from sim.present.style import no_data as _empty

USD = MoneyFormatter()


def tornado(effects: pd.DataFrame, ax: Axes | None = None, outcome: str = "NPV (USD)") -> Axes:
    """One-at-a-time sensitivity: columns ``parameter``, ``low``, ``high`` (outcome at each end), ``base``."""
    ax = _ax(ax)
    if effects.empty:
        return _empty(ax, "sensitivity results")
    e = effects.assign(span=(effects["high"] - effects["low"]).abs()).sort_values("span")
    base = float(e["base"].iloc[0])
    y = np.arange(len(e))
    ax.barh(y, e["low"] - base, left=base, color=sns.color_palette()[3], label="parameter low")
    ax.barh(y, e["high"] - base, left=base, color=sns.color_palette()[2], label="parameter high")
    ax.axvline(base, color="black", lw=0.8)
    ax.set_yticks(y, e["parameter"])
    if "usd" in outcome.lower() or "npv" in outcome.lower():
        ax.xaxis.set_major_formatter(USD)
    ax.set(xlabel=outcome, title="What moves the result most")
    ax.legend(fontsize=8)
    return ax


def evppi_bars(voi: pd.DataFrame, ax: Axes | None = None, top: int = 8) -> Axes:
    """Expected value of partial perfect information per assumption, largest first, against the EVPI.

    ``voi`` as written to ``voi.csv``: the EVPI in the row of rank 0, then one row per assumption.
    """
    ax = _ax(ax)
    rows = voi[voi["rank"] > 0].head(top) if not voi.empty else voi
    if rows.empty:
        return _empty(ax, "uncertain assumptions")
    evpi = float(voi.loc[voi["rank"] == 0, "evppi_usd"].iloc[0])
    y = np.arange(len(rows))[::-1]
    ax.barh(y, rows["evppi_usd"], color=sns.color_palette()[0])
    ax.axvline(evpi, color="black", lw=0.8, ls="--", label=f"EVPI (all assumptions): ${evpi:,.0f}")
    ax.set_yticks(y, rows["parameter"])
    ax.xaxis.set_major_formatter(USD)
    ax.set(xlabel="value of knowing it exactly before deciding (USD)", title="What to learn first (EVPPI)")
    ax.legend(fontsize=8)
    return ax


def sensitivity_indices(idx: pd.DataFrame, ax: Axes | None = None, outcome: str = "NPV") -> Axes:
    """Sobol first-order (S1) and total (ST) indices with their confidence intervals, or Morris mu*."""
    ax = _ax(ax)
    if idx.empty:
        return _empty(ax, "sensitivity indices")
    y = np.arange(len(idx))
    if "S1" in idx:
        ax.barh(y + 0.2, idx["ST"], 0.4, xerr=idx["ST_conf"], color=sns.color_palette()[0], label="total (ST)", capsize=2)
        ax.barh(y - 0.2, idx["S1"], 0.4, xerr=idx["S1_conf"], color=sns.color_palette()[1], label="first order (S1)", capsize=2)
        ax.set(xlabel="share of the variance of " + outcome, xlim=(min(0.0, float((idx["S1"] - idx["S1_conf"]).min())), None))
    else:
        ax.barh(y, idx["mu_star"], xerr=idx["mu_star_conf"], color=sns.color_palette()[0], label="Morris mu*", capsize=2)
        ax.set(xlabel=f"mean absolute elementary effect on {outcome}")
    ax.set_yticks(y, idx["parameter"])
    ax.set_title("Which inputs drive the result")
    ax.legend(fontsize=8)
    return ax


def discovery_map(table: pd.DataFrame, x: str, y: str, cases: np.ndarray, box: pd.DataFrame | None = None,
                  ax: Axes | None = None, condition: str = "target met") -> Axes:
    """Runs over two inputs, marked by whether they meet the condition, with the PRIM box if found."""
    ax = _ax(ax)
    if table.empty:
        return _empty(ax, "sweep runs")
    met, other = sns.color_palette()[2], sns.color_palette()[7]
    ax.scatter(table[x], table[y], color=[met if c else other for c in np.asarray(cases, bool)], s=12)
    ax.scatter([], [], color=met, label=condition)
    ax.scatter([], [], color=other, label="not met")
    if box is not None and len(box):
        lim = box.set_index("parameter")
        x0, x1 = lim.loc[x, ["low", "high"]] if x in lim.index else (table[x].min(), table[x].max())
        y0, y1 = lim.loc[y, ["low", "high"]] if y in lim.index else (table[y].min(), table[y].max())
        ax.add_patch(plt.Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, lw=2, ls="--", label="PRIM box"))
    ax.set(xlabel=x, ylabel=y, title=f"Where {condition}")
    ax.legend(fontsize=8)
    return ax
