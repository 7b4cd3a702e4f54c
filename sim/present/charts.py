"""Charts for strategists and leadership (seaborn/matplotlib). Each is ``f(data, ax=None) -> Axes``.

Honest by construction: uncertainty is always drawn (bands across replications), and with a single
replication the chart says "no uncertainty estimate" instead of drawing a band of width zero.
Inputs are the results tables (``monthly``, ``runs``, ``intervals``) as written by ``sim run``.
Every option keeps one colour and line style in every chart (:mod:`sim.present.style`); money and
percent axes are formatted; payback marks and probabilities use the sustained payback. The charts
of the decision itself (every option's NPV and cash flow) are in :mod:`sim.present.charts_decision`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from sim.appraisal.option_stats import mean_ci, quantile

# What moves the answer (sweeps and priors) is drawn in its own module; re-exported here for callers of charts.*
from sim.present.charts_sensitivity import discovery_map, evppi_bars, sensitivity_indices, tornado  # noqa: F401
from sim.present.style import GAIN, LOSS, PERCENT_METRICS, MoneyFormatter, option_styles, options_of, percent_axis
from sim.present.style import label as metric_label
from sim.present.style import new_axes as _ax
from sim.present.style import no_data as _empty

NO_UNCERTAINTY = "no uncertainty estimate (1 replication)"
USD = MoneyFormatter()




def _series(monthly: pd.DataFrame, metric: str, arm: str | None = None) -> pd.DataFrame:
    """Wide table month × replication of one metric (one arm)."""
    m = monthly[monthly["metric"] == metric]
    if arm is not None:
        m = m[m["arm"].astype(str) == arm]
    return m.pivot_table(index="month", columns="replication", values="value", observed=True)


def _band(ax: Axes, wide: pd.DataFrame, color, label: str, bands=((0.05, 0.95, 0.15), (0.25, 0.75, 0.3)),
          style: dict | None = None) -> None:
    median = wide.median(axis=1)
    st = style or {}
    ax.plot(median.index, median.values, color=color, lw=st.get("lw", 2), ls=st.get("ls", "-"), label=label)
    if wide.shape[1] > 1:
        for lo, hi, alpha in bands:
            ax.fill_between(wide.index, wide.quantile(lo, axis=1), wide.quantile(hi, axis=1), color=color, alpha=alpha, lw=0)
    return median


def cash_flow_fan(monthly: pd.DataFrame, arm: str, ax: Axes | None = None, discount_note: str = "",
                  payback: float | None = None) -> Axes:
    """Cumulative incremental cash flow of one investment (undiscounted): median, 50 % and 90 % bands.

    ``payback`` (the decision's median sustained payback) is marked; without it, the point after which
    the median curve stays at or above zero. ``discount_note`` is kept for callers; the cash is undiscounted.
    """
    ax = _ax(ax)
    wide = _series(monthly, "cumulative_cash_flow_usd", arm)
    if wide.empty:
        return _empty(ax, f"cumulative cash flow of {arm}")
    st = option_styles(options_of(monthly)).get(arm, {"color": sns.color_palette()[0]})
    median = _band(ax, wide, st["color"], f"{arm}: median")
    ax.axhline(0, color="black", lw=0.8)
    if payback is None:
        values = median.values
        below = np.flatnonzero(values < 0)
        if below.size and below[-1] < values.size - 1:
            i = below[-1]
            payback = median.index[i] + (-values[i]) / (values[i + 1] - values[i])
    if payback is not None and np.isfinite(payback) and payback > 0:
        ax.axvline(payback, color="grey", ls="--", lw=1)
        ax.annotate(f"median payback {payback:.1f} months", (payback, 0), xytext=(5, 10), textcoords="offset points")
    if wide.shape[1] == 1:
        ax.text(0.02, 0.95, NO_UNCERTAINTY, transform=ax.transAxes, va="top", fontsize=8)
    else:
        ax.text(0.02, 0.95, "bands: 50 % and 90 % of replications", transform=ax.transAxes, va="top", fontsize=8)
    ax.yaxis.set_major_formatter(USD)
    ax.set(xlabel="month", ylabel="cumulative incremental cash flow (USD, undiscounted)",
           title=f"Cumulative cash flow vs baseline: {arm} (undiscounted)")
    ax.legend(loc="lower right")
    return ax


def payback_curves(runs: pd.DataFrame, horizon_months: int, ax: Axes | None = None) -> Axes:
    """P(paid back for good by month) per investment: the share of replications whose sustained payback is reached."""
    ax = _ax(ax)
    alts = runs[runs["arm"].astype(str) != "baseline"]
    if alts.empty:
        return _empty(ax, "no investment")
    styles = option_styles(options_of(runs))
    col = "sustained_payback_months" if "sustained_payback_months" in alts else "payback_months"
    months = np.arange(horizon_months + 1)
    for arm, g in alts.groupby(alts["arm"].astype(str), sort=False):
        pb, st = g[col].to_numpy(), styles[arm]
        ax.step(months, [(pb <= m).mean() for m in months], where="post", label=f"{arm} (n={len(pb)})", color=st["color"],
                ls=st["ls"], lw=st["lw"], marker=st["marker"], markevery=max(1, horizon_months // 6), ms=4)
    ax.set(xlabel="month", ylabel="P(paid back for good by month)", ylim=(-0.02, 1.02),
           title="Probability of payback by month (sustained payback)")
    percent_axis(ax.yaxis)
    ax.legend(fontsize=8)
    return ax


def npv_bars(runs: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Mean NPV per investment with its 90 % CI of the mean (black) and the 5–95 % band of replications (grey)."""
    ax = _ax(ax)
    alts = runs[runs["arm"].astype(str) != "baseline"]
    if alts.empty:
        return _empty(ax, "no investment")
    styles = option_styles(options_of(runs))
    rows = []
    for arm, g in alts.groupby(alts["arm"].astype(str), sort=False):
        v = g["npv_usd"].to_numpy(float)
        m, lo, hi = mean_ci(v)
        rows.append({"arm": arm, "mean": m, "lo": lo, "hi": hi, "p05": quantile(v, 0.05), "p95": quantile(v, 0.95),
                     "p": float((v > 0).mean()), "n": len(v)})
    stats = pd.DataFrame(rows).sort_values("mean", kind="stable").reset_index(drop=True)
    y = np.arange(len(stats))
    ax.barh(y, stats["mean"], color=[styles[a]["color"] for a in stats["arm"]], alpha=0.85)
    for yi, r in stats.iterrows():
        if r["n"] > 1:
            ax.plot([r["p05"], r["p95"]], [yi, yi], color="grey", lw=1, zorder=3)
            ax.errorbar(r["mean"], yi, xerr=[[r["mean"] - r["lo"]], [r["hi"] - r["mean"]]], fmt="none", color="black", capsize=4,
                        zorder=4)
    if (stats["n"] <= 1).any():
        ax.text(0.02, 0.02, NO_UNCERTAINTY, transform=ax.transAxes, fontsize=8)
    ax.set_yticks(y, [f"{r.arm}\nP(NPV>0) {r.p:.0%}" for r in stats.itertuples()])
    ax.axvline(0, color="black", lw=0.8)
    ax.xaxis.set_major_formatter(USD)
    ax.set(xlabel="NPV vs baseline (USD): mean; black = 90 % CI of the mean, grey = 5–95 % of replications",
           title="Expected net present value by investment (0 = keep the current operation)")
    return ax


def npv_waterfall(runs: pd.DataFrame, arm: str, ax: Axes | None = None) -> Axes:
    """From the PV of each benefit line, less the PV of costs, to the NPV (means over replications: they add up)."""
    ax = _ax(ax)
    g = runs[runs["arm"].astype(str) == arm]
    cols = [c for c in g.columns if c.startswith("pv_benefit_")]
    if g.empty or not cols:
        return _empty(ax, f"business case of {arm}")
    steps = [(c.removeprefix("pv_benefit_").removesuffix("_usd").replace("_", " "), float(g[c].mean())) for c in cols]
    steps.append(("investment costs", -float(g["pv_investment_cost_usd"].mean())))
    start = 0.0
    for i, (name, value) in enumerate(steps):
        ax.bar(i, value, bottom=start, color=GAIN if value >= 0 else LOSS)
        start += value
    ax.bar(len(steps), start, color=option_styles(options_of(runs)).get(arm, {"color": sns.color_palette()[0]})["color"])
    ax.set_xticks(range(len(steps) + 1), [s[0] for s in steps] + ["NPV"], rotation=30, ha="right")
    ax.axhline(0, color="black", lw=0.8)
    ax.yaxis.set_major_formatter(USD)
    ax.set(ylabel="present value (USD, mean of replications)", title=f"Where the NPV of {arm} comes from")
    return ax


def service_by_interval(intervals: pd.DataFrame, channel: str, kpi: str = "service_level", ax: Axes | None = None) -> Axes:
    """A service KPI by interval of the day per arm (pooled over months; band over replications)."""
    ax = _ax(ax)
    d = intervals[intervals["channel"] == channel]
    if d.empty:
        return _empty(ax, f"{channel} intervals")
    num, den = {"service_level": ("answered_within_sl", "offered"), "abandon_rate": ("abandoned", "offered"),
                "asa_s": ("wait_answered_s_sum", "answered"), "occupancy": ("busy_s", "staffed_s")}[kpi]
    styles = option_styles(options_of(intervals))
    for arm, g in d.groupby(d["arm"].astype(str), sort=False):
        per = g.groupby(["replication", "interval_start_min"])[[num, den]].sum()
        wide = (per[num] / per[den].where(per[den] > 0)).unstack("replication")
        wide.index = wide.index / 60.0
        _band(ax, wide, styles[arm]["color"], arm, bands=((0.05, 0.95, 0.15),), style=styles[arm])
    ax.set(xlabel="hour of day", ylabel=metric_label(kpi), title=f"{channel}: {metric_label(kpi).split(' (')[0]} by interval of the day",
           xlim=(0, 24))
    if kpi in PERCENT_METRICS:
        percent_axis(ax.yaxis)
    ax.legend(fontsize=8)
    return ax


def staffing_heatmap(intervals: pd.DataFrame, arm: str = "baseline", days_per_month: int = 30, ax: Axes | None = None) -> Axes:
    """Agents on the floor by channel and interval of the day (from staffed time), month 1."""
    ax = _ax(ax)
    d = intervals[(intervals["arm"].astype(str) == arm) & (intervals["month"] == intervals["month"].min())]
    d = d[d["replication"] == d["replication"].min()] if not d.empty else d
    if d.empty:
        return _empty(ax, f"staffing of {arm}")
    length = float(d["interval_start_min"].drop_duplicates().sort_values().diff().dropna().min() or 60) * 60
    table = d.pivot_table(index="channel", columns="interval_start_min", values="staffed_s", aggfunc="sum") / (length * days_per_month)
    table.columns = [f"{int(c) // 60:02d}:{int(c) % 60:02d}" for c in table.columns]
    sns.heatmap(table, ax=ax, cmap="Blues", cbar_kws={"label": "agent slots on the floor"})
    ax.set(xlabel="interval of the day", ylabel="channel", title=f"Staffing by interval ({arm})")
    return ax


def customer_trajectory(monthly: pd.DataFrame, metric: str = "active_customers", ax: Axes | None = None) -> Axes:
    """A customer metric per arm over months: median and 90 % band over replications."""
    ax = _ax(ax)
    m = monthly[(monthly["metric"] == metric) & (monthly["month"] > 0)]
    if m.empty:
        return _empty(ax, metric)
    single = m["replication"].nunique() == 1
    styles = option_styles(options_of(monthly))
    for arm in m["arm"].astype(str).unique():
        _band(ax, _series(m, metric, arm), styles[arm]["color"], arm, bands=((0.05, 0.95, 0.15),), style=styles[arm])
    if single:
        ax.text(0.02, 0.95, NO_UNCERTAINTY, transform=ax.transAxes, va="top", fontsize=8)
    ax.set(xlabel="month", ylabel=metric_label(metric), title=f"{metric_label(metric).split(' (')[0].capitalize()} by month (median of replications)")
    if metric in PERCENT_METRICS:
        percent_axis(ax.yaxis)
    ax.legend(fontsize=8)
    return ax


def ltv_by_cohort(monthly: pd.DataFrame, arm: str = "baseline", ax: Axes | None = None) -> Axes:
    """Realised and expected lifetime value per customer of each cohort, at the last month."""
    ax = _ax(ax)
    m = monthly[(monthly["arm"].astype(str) == arm) & monthly["metric"].str.startswith("ltv_")]
    if m.empty:
        return _empty(ax, f"cohort LTV of {arm}")
    last = m[m["month"] == m["month"].max()]
    parts = last["metric"].str.extract(r"ltv_(?P<kind>\w+)_usd@cohort=(?P<cohort>\d+)")
    d = pd.concat([last.reset_index(drop=True), parts.reset_index(drop=True)], axis=1).dropna(subset=["cohort"])
    d["cohort"] = d["cohort"].astype(int)
    sns.barplot(d, x="cohort", y="value", hue="kind", ax=ax, errorbar=("pi", 90) if d["replication"].nunique() > 1 else None)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _: f"${x:,.0f}"))
    ax.set(xlabel="cohort (month joined; 0 = initial base)", ylabel="LTV per customer (USD, discounted)",
           title=f"Lifetime value by cohort ({arm})")
    every = max(1, len(ax.get_xticks()) // 12)
    for i, label in enumerate(ax.get_xticklabels()):
        label.set_visible(i % every == 0)
    return ax


