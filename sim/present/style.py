"""One look for every chart: a colour per option, money and percent axes, readable labels.

- :func:`option_styles`: each option keeps its colour (and line style and marker, so coincident
  lines stay distinguishable) in every chart: the baseline grey, the alternatives in the order of
  the run's arms.
- :class:`MoneyFormatter`: ``$2.5k``, ``-$7.5k``, ``$1.2M`` with as many decimals as the ticks need
  to differ and to be exact; :func:`percent_axis` for probabilities and service levels.
- :data:`LABELS`: the words and units of every metric a chart shows.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import Formatter, PercentFormatter

BASELINE_COLOR = "#7f7f7f"
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf",
           "#393b79", "#637939", "#8c6d31"]
LINESTYLES = ["-", "--", "-.", ":"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
GAIN, LOSS = "#2ca02c", "#d62728"

LABELS = {
    "active_customers": "active customers",
    "churned": "customers lost in the month",
    "acquired": "customers acquired in the month",
    "nps": "NPS (-100 to 100)",
    "csat": "CSAT (1-5)",
    "service_level": "service level (% answered within the threshold)",
    "abandon_rate": "abandonment (% of offered)",
    "occupancy": "occupancy (% of staffed time)",
    "asa_s": "mean wait of answered contacts (s)",
    "npv_usd": "NPV vs baseline (USD)",
    "payback_months": "first payback (months)",
    "sustained_payback_months": "payback (months)",
    "monthly_churn": "monthly churn",
}
PERCENT_METRICS = {"service_level", "abandon_rate", "occupancy", "monthly_churn", "p_wait", "fcr"}


def label(metric: str) -> str:
    """Words and unit for a metric name (the name with spaces when there is no entry)."""
    return LABELS.get(metric, metric.replace("_", " "))


def options_of(frame: pd.DataFrame, column: str = "arm") -> list[str]:
    """The options of a results table in the run's order (the categorical's categories), baseline first."""
    s = frame[column]
    names = [str(c) for c in s.cat.categories] if isinstance(s.dtype, pd.CategoricalDtype) else [str(a) for a in pd.unique(s)]
    return sorted(names, key=lambda n: n != "baseline")


def option_styles(options: list[str]) -> dict[str, dict]:
    """Colour, line style, marker and line width of each option (the same in every chart of a run)."""
    out, k = {}, 0
    for name in options:
        if name == "baseline":
            out[name] = {"color": BASELINE_COLOR, "ls": "-", "marker": "o", "lw": 2.6}
            continue
        out[name] = {"color": PALETTE[k % len(PALETTE)], "ls": LINESTYLES[k % len(LINESTYLES)],
                     "marker": MARKERS[k % len(MARKERS)], "lw": max(1.2, 2.4 - 0.3 * k)}
        k += 1
    return out


def _decimals(scaled: np.ndarray) -> int:
    for dec in range(0, 4):
        rounded = np.round(scaled, dec)
        labels = {f"{v:.{dec}f}" for v in scaled}
        if len(labels) == len(set(np.round(scaled, 6))) and np.allclose(rounded, scaled, atol=1e-6 * max(1.0, np.abs(scaled).max())):
            return dec
    return 3


def money_labels(values) -> list[str]:
    """Tick labels for money: one unit (none, k, M) for all ticks; decimals where they are needed.

    Example:
        >>> money_labels([-7500, -5000, -2500, 0])
        ['-$7.5k', '-$5.0k', '-$2.5k', '$0']
        >>> money_labels([0, 400_000, 800_000, 1_200_000])
        ['$0', '$0.4M', '$0.8M', '$1.2M']
    """
    v = np.asarray([x for x in values], float)
    finite = v[np.isfinite(v)]
    if finite.size == 0:
        return ["" for _ in values]
    big = float(np.abs(finite).max())
    scale, unit = (1e6, "M") if big >= 1e6 else ((1e3, "k") if big >= 1e3 else (1.0, ""))
    scaled = v / scale
    dec = _decimals(scaled[np.isfinite(scaled)])
    out = []
    for s in scaled:
        if not math.isfinite(s):
            out.append("")
            continue
        if s == 0:
            out.append("$0")
            continue
        text = f"{abs(s):,.{dec}f}"
        neg = s < 0 and float(text.replace(",", "")) != 0
        out.append(f"{'-' if neg else ''}${text}{unit}")
    return out


class MoneyFormatter(Formatter):
    """Matplotlib formatter for USD axes (see :func:`money_labels`)."""

    def format_ticks(self, values):
        return money_labels(values)

    def __call__(self, x, pos=None):
        locs = list(getattr(self, "locs", []) or [])
        if pos is not None and locs and 0 <= pos < len(locs):
            return money_labels(locs)[pos]
        return money_labels([x])[0]


def money_axis(axis) -> None:
    axis.set_major_formatter(MoneyFormatter())


def percent_axis(axis, decimals: int = 0) -> None:
    axis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=decimals))


def new_axes(ax: Axes | None) -> Axes:
    """``ax``, or the axes of a new 7 × 4 inch figure."""
    return ax if ax is not None else plt.subplots(figsize=(7, 4))[1]


def no_data(ax: Axes, what: str) -> Axes:
    """An empty chart that says what is missing, instead of an empty frame."""
    ax.text(0.5, 0.5, f"no data: {what}", ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    return ax
