"""Charts for strategists and leadership (seaborn/matplotlib). Each is ``f(data, ax=None) -> Axes``.

Honest by construction: uncertainty is always drawn (bands across replications), and with a single
replication the chart says "no uncertainty estimate" instead of drawing a band of width zero.
Inputs are the results tables (``monthly``, ``runs``, ``intervals``) as written by ``sim run``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

NO_UNCERTAINTY = "no uncertainty estimate (1 replication)"
USD = FuncFormatter(lambda x, _: f"-${-x / 1e3:,.0f}k" if x < 0 else f"${x / 1e3:,.0f}k")


def _ax(ax: Axes | None) -> Axes:
    return ax if ax is not None else plt.subplots(figsize=(7, 4))[1]


def _empty(ax: Axes, what: str) -> Axes:
    ax.text(0.5, 0.5, f"no data: {what}", ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    return ax


def _series(monthly: pd.DataFrame, metric: str, arm: str | None = None) -> pd.DataFrame:
    """Wide table month × replication of one metric (one arm)."""
    m = monthly[monthly["metric"] == metric]
    if arm is not None:
        m = m[m["arm"].astype(str) == arm]
    return m.pivot_table(index="month", columns="replication", values="value", observed=True)


def _band(ax: Axes, wide: pd.DataFrame, color, label: str, bands=((0.05, 0.95, 0.15), (0.25, 0.75, 0.3))) -> None:
    median = wide.median(axis=1)
    ax.plot(median.index, median.values, color=color, lw=2, label=label)
    if wide.shape[1] > 1:
        for lo, hi, alpha in bands:
            ax.fill_between(wide.index, wide.quantile(lo, axis=1), wide.quantile(hi, axis=1), color=color, alpha=alpha, lw=0)
    return median


def cash_flow_fan(monthly: pd.DataFrame, arm: str, ax: Axes | None = None, discount_note: str = "") -> Axes:
    """Cumulative incremental cash flow of one investment: median, 50 % and 90 % bands, payback marked."""
    ax = _ax(ax)
    wide = _series(monthly, "cumulative_cash_flow_usd", arm)
    if wide.empty:
        return _empty(ax, f"cumulative cash flow of {arm}")
    median = _band(ax, wide, sns.color_palette()[0], f"{arm}: median")
    ax.axhline(0, color="black", lw=0.8)
    crossing = np.flatnonzero((median.values[:-1] < 0) & (median.values[1:] >= 0))
    if crossing.size:
        i = crossing[0]
        x = median.index[i] + (-median.values[i]) / (median.values[i + 1] - median.values[i])
        ax.axvline(x, color="grey", ls="--", lw=1)
        ax.annotate(f"median payback {x:.1f} months", (x, 0), xytext=(5, 10), textcoords="offset points")
    if wide.shape[1] == 1:
        ax.text(0.02, 0.95, NO_UNCERTAINTY, transform=ax.transAxes, va="top", fontsize=8)
    else:
        ax.text(0.02, 0.95, "bands: 50 % and 90 % of replications", transform=ax.transAxes, va="top", fontsize=8)
    ax.yaxis.set_major_formatter(USD)
    ax.set(xlabel="month", ylabel="cumulative incremental cash flow (USD)",
           title=f"Cumulative cash flow vs baseline: {arm}{discount_note}")
    ax.legend(loc="lower right")
    return ax


def payback_curves(runs: pd.DataFrame, horizon_months: int, ax: Axes | None = None) -> Axes:
    """P(payback ≤ month) per investment (the share of replications that have paid back)."""
    ax = _ax(ax)
    alts = runs[runs["arm"].astype(str) != "baseline"]
    if alts.empty:
        return _empty(ax, "no investment")
    months = np.arange(horizon_months + 1)
    for arm, g in alts.groupby(alts["arm"].astype(str), sort=False):
        pb = g["payback_months"].to_numpy()
        ax.step(months, [(pb <= m).mean() for m in months], where="post", label=f"{arm} (n={len(pb)})")
    ax.set(xlabel="month", ylabel="P(paid back by month)", ylim=(-0.02, 1.02), title="Probability of payback by month")
    ax.legend(fontsize=8)
    return ax


def npv_bars(runs: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Median NPV per investment with the 5–95 % range of replications and P(NPV > 0)."""
    ax = _ax(ax)
    alts = runs[runs["arm"].astype(str) != "baseline"]
    if alts.empty:
        return _empty(ax, "no investment")
    g = alts.groupby(alts["arm"].astype(str), sort=False)["npv_usd"]
    stats = pd.DataFrame({"median": g.median(), "lo": g.quantile(0.05), "hi": g.quantile(0.95),
                          "p": g.apply(lambda s: (s > 0).mean()), "n": g.size()}).sort_values("median")
    y = np.arange(len(stats))
    colors = [sns.color_palette()[2] if m > 0 else sns.color_palette()[3] for m in stats["median"]]
    ax.barh(y, stats["median"], color=colors)
    ranged = stats["n"] > 1
    ax.errorbar(stats["median"][ranged], y[ranged.to_numpy()], xerr=[(stats["median"] - stats["lo"])[ranged],
                (stats["hi"] - stats["median"])[ranged]], fmt="none", color="black", capsize=3)
    for yi, (name, row) in zip(y, stats.iterrows()):
        label = f"P(NPV>0) {row['p']:.0%}" + ("" if row["n"] > 1 else f"; {NO_UNCERTAINTY}")
        ax.annotate(label, (0, yi), xytext=(4, 8), textcoords="offset points", fontsize=8)
    ax.set_yticks(y, stats.index)
    ax.axvline(0, color="black", lw=0.8)
    ax.xaxis.set_major_formatter(USD)
    ax.set(xlabel="NPV vs baseline (USD): median, bars = 5–95 % of replications", title="Net present value by investment")
    return ax


def npv_waterfall(runs: pd.DataFrame, arm: str, ax: Axes | None = None) -> Axes:
    """From PV of each benefit line, less PV of costs, to NPV (medians over replications)."""
    ax = _ax(ax)
    g = runs[runs["arm"].astype(str) == arm]
    cols = [c for c in g.columns if c.startswith("pv_benefit_")]
    if g.empty or not cols:
        return _empty(ax, f"business case of {arm}")
    steps = [(c.removeprefix("pv_benefit_").removesuffix("_usd").replace("_", " "), float(g[c].median())) for c in cols]
    steps.append(("investment costs", -float(g["pv_investment_cost_usd"].median())))
    start = 0.0
    for i, (name, value) in enumerate(steps):
        ax.bar(i, value, bottom=start, color=sns.color_palette()[2] if value >= 0 else sns.color_palette()[3])
        start += value
    ax.bar(len(steps), start, color=sns.color_palette()[0])
    ax.set_xticks(range(len(steps) + 1), [s[0] for s in steps] + ["NPV"], rotation=30, ha="right")
    ax.axhline(0, color="black", lw=0.8)
    ax.yaxis.set_major_formatter(USD)
    ax.set(ylabel="present value (USD, median)", title=f"Where the NPV of {arm} comes from")
    return ax


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


def service_by_interval(intervals: pd.DataFrame, channel: str, kpi: str = "service_level", ax: Axes | None = None) -> Axes:
    """A service KPI by interval of the day per arm (pooled over months; band over replications)."""
    ax = _ax(ax)
    d = intervals[intervals["channel"] == channel]
    if d.empty:
        return _empty(ax, f"{channel} intervals")
    num, den = {"service_level": ("answered_within_sl", "offered"), "abandon_rate": ("abandoned", "offered"),
                "asa_s": ("wait_answered_s_sum", "answered"), "occupancy": ("busy_s", "staffed_s")}[kpi]
    for i, (arm, g) in enumerate(d.groupby(d["arm"].astype(str), sort=False)):
        per = g.groupby(["replication", "interval_start_min"])[[num, den]].sum()
        wide = (per[num] / per[den].where(per[den] > 0)).unstack("replication")
        wide.index = wide.index / 60.0
        _band(ax, wide, sns.color_palette()[i % 10], arm, bands=((0.05, 0.95, 0.15),))
    ax.set(xlabel="hour of day", ylabel=kpi.replace("_", " "), title=f"{channel}: {kpi.replace('_', ' ')} by interval",
           xlim=(0, 24))
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
    for i, arm in enumerate(m["arm"].astype(str).unique()):
        _band(ax, _series(m, metric, arm), sns.color_palette()[i % 10], arm, bands=((0.05, 0.95, 0.15),))
    if single:
        ax.text(0.02, 0.95, NO_UNCERTAINTY, transform=ax.transAxes, va="top", fontsize=8)
    ax.set(xlabel="month", ylabel=metric.replace("_", " "), title=f"{metric.replace('_', ' ')} by month")
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


