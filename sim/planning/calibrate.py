"""Fit a scenario to a centre's own contact log (see :mod:`sim.planning.contact_log` for the columns).

Per channel: the hourly arrival profile and weekday weights; handle time's sample mean and CV, with the
Kolmogorov–Smirnov distances of a lognormal (maximum likelihood on the logs) and an exponential
fit, so the report shows which shape the data have; patience
by the standard estimator for censored data, total time waited / abandons (the exponential MLE:
answered contacts are censored at their wait), with a Kaplan–Meier view; contact reasons' shares
and handle-time factors. Over all channels: the day-level over-dispersion (CV of daily volume
beyond weekday effects and Poisson noise) and, with customer ids, the share of repeat contacts.
The result is written as a scenario that extends a base file, each value commented with its
sample size and fit quality.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim.planning.scenario_file import relative_extends, write_scenario_file
from sim.run.folders import check_out_file
from sim.scenario import Problem, ScenarioError, load_scenario, source_files

REPEAT_WINDOW_DAYS = 7
KM_POINTS_S = (30, 60, 120, 300, 600)
MIN_CV = 0.01  # the smallest handle-time CV a scenario accepts is above 0
#: which log column a fitted setting comes from (for problems of the generated scenario)
COLUMN_OF = {"aht_mean_s": "handle_s", "aht_cv": "handle_s", "patience_mean_s": "wait_s", "hourly_profile": "timestamp",
             "weekday_weights": "timestamp", "contact_rate_per_month": "timestamp", "channel_mix": "channel",
             "day_volume_cv": "timestamp", "reasons": "reason"}


def _sig(x: float, digits: int = 4) -> float:
    """``x`` to ``digits`` significant digits (a tiny share stays above 0, unlike round(x, 4))."""
    return float(f"{float(x):.{digits}g}")


@dataclass
class ChannelFit:
    channel: str
    contacts: int
    first_contacts: int
    hourly_profile: list[float]
    weekday_weights: list[float]
    answered: int
    aht_mean_s: float
    aht_cv: float
    ks_lognormal: float
    ks_exponential: float
    abandons: int
    patience_mean_s: float | None
    km_survival: dict[int, float] = field(default_factory=dict)


@dataclass
class Calibration:
    source: str
    contacts: int
    days: float
    day_volume_cv: float
    repeat_share: float | None
    channels: dict[str, ChannelFit]
    reasons: list[dict]


def kaplan_meier(wait_s: np.ndarray, abandoned: np.ndarray, at_s=KM_POINTS_S) -> dict[int, float]:
    """P(patience > t): abandons are events, answered contacts are censored at their wait."""
    order = np.argsort(wait_s, kind="stable")
    t, event = wait_s[order], abandoned[order]
    at_risk = t.size - np.arange(t.size)
    factors = np.where(event, 1.0 - 1.0 / at_risk, 1.0)
    surv = np.cumprod(factors)
    return {int(x): float(surv[np.searchsorted(t, x, side="right") - 1]) if (t <= x).any() else 1.0 for x in at_s}


def _first_contacts(log: pd.DataFrame) -> np.ndarray:
    """True where the customer had no contact in the previous REPEAT_WINDOW_DAYS days."""
    if "customer_id" not in log or (log["customer_id"] == "").all():
        return np.ones(len(log), bool)
    prev = log.groupby("customer_id")["timestamp"].shift(1)
    return ~((log["timestamp"] - prev) <= pd.Timedelta(days=REPEAT_WINDOW_DAYS)).to_numpy()


def fit_log(log: pd.DataFrame, source: str = "") -> Calibration:
    """Fit every quantity the log can tell (see the module docstring)."""
    t0 = log["timestamp"].min().normalize()
    days = max(1.0, math.ceil((log["timestamp"].max() - t0).total_seconds() / 86_400))
    day_index = ((log["timestamp"] - t0).dt.total_seconds() // 86_400).astype(int).to_numpy()
    weekday = log["timestamp"].dt.day_of_week.to_numpy()
    hour = log["timestamp"].dt.hour.to_numpy()
    first = _first_contacts(log)

    daily = np.bincount(day_index, minlength=int(days)).astype(float)
    day_weekday = (t0.weekday() + np.arange(int(days))) % 7
    per_weekday = np.array([daily[day_weekday == w].mean() if (day_weekday == w).any() else np.nan for w in range(7)])
    expected = per_weekday[day_weekday]
    ok = expected > 0
    ratio = daily[ok] / expected[ok]
    day_cv = math.sqrt(max(0.0, ratio.var(ddof=1) - 1.0 / daily[ok].mean())) if ok.sum() > 2 else 0.0

    channels = {}
    for ch, g in log.groupby("channel", sort=True):
        idx = g.index.to_numpy()
        hours = np.bincount(hour[idx], minlength=24).astype(float)
        counts_w = np.bincount(weekday[idx], minlength=7).astype(float)
        n_days_w = np.bincount(day_weekday, minlength=7).astype(float)
        per_day = np.divide(counts_w, n_days_w, out=np.zeros(7), where=n_days_w > 0)
        week = per_day / per_day[per_day > 0].mean() if (per_day > 0).any() else np.ones(7)
        ans = g["answered"].to_numpy()
        handle = g.loc[ans, "handle_s"].to_numpy()
        handle = handle[handle > 0]
        if handle.size >= 2:
            logs = np.log(handle)
            mu, sigma = logs.mean(), logs.std(ddof=1)
            # Mean and CV from the sample (unbiased whatever the shape: a lognormal fit's mean
            # exp(mu + sigma^2/2) overstates exponential data by ~28 %); the fits judge the shape.
            aht, cv = float(handle.mean()), float(handle.std(ddof=1) / handle.mean())
            from scipy import stats  # only here: importing scipy.stats costs ~0.5 s of start-up

            ks_ln = float(stats.kstest(handle, "lognorm", args=(sigma, 0, math.exp(mu))).statistic)
            ks_exp = float(stats.kstest(handle, "expon", args=(0, handle.mean())).statistic)
        else:
            aht, cv, ks_ln, ks_exp = (float(handle.mean()) if handle.size else math.nan), 1.0, math.nan, math.nan
        wait = g["wait_s"].to_numpy()
        abandons = int((~ans).sum())
        patience = float(wait.sum() / abandons) if abandons else None
        channels[ch] = ChannelFit(
            channel=ch, contacts=len(g), first_contacts=int(first[idx].sum()),
            hourly_profile=[round(float(x), 1) for x in hours / max(1.0, hours.sum()) * 1000],
            weekday_weights=[round(float(x), 3) for x in week], answered=int(ans.sum()),
            aht_mean_s=aht, aht_cv=cv, ks_lognormal=ks_ln, ks_exponential=ks_exp, abandons=abandons,
            patience_mean_s=patience, km_survival=kaplan_meier(wait, ~ans) if abandons else {})

    reasons = []
    if "reason" in log and (log["reason"] != "").any():
        answered = log[log["answered"]]
        channel_mean = answered.groupby("channel")["handle_s"].transform("mean")
        factor = (answered["handle_s"] / channel_mean).groupby(answered["reason"]).mean()
        share = log["reason"].value_counts(normalize=True)
        for name in share.index:
            h = answered.loc[answered["reason"] == name, "handle_s"]
            cv = float(h.std() / h.mean()) if len(h) > 1 and h.mean() > 0 else None
            reasons.append({"name": str(name), "share": _sig(share[name]),
                            "aht_factor": _sig(factor.get(name, 1.0)),
                            "aht_cv": max(_sig(cv), MIN_CV) if cv is not None and math.isfinite(cv) else None,
                            "n": int((log["reason"] == name).sum())})
    repeat = float(1 - first.mean()) if "customer_id" in log and (log["customer_id"] != "").any() else None
    return Calibration(source, len(log), days, day_cv, repeat, channels, reasons)


def scenario_yaml(cal: Calibration, base: str | Path, out_path: str | Path, customers: int | None = None) -> str:
    """A scenario extending ``base`` with everything fitted, each value commented with its evidence."""
    base_sc = load_scenario(base)
    configured = {c.value for c in base_sc.channels.configured()}
    missing = sorted(set(cal.channels) - configured)
    if missing:
        raise ScenarioError([Problem(str(base), 0, "channels", f"the log has {', '.join(missing)}, which the base scenario "
                                     "does not configure: add it to the base (agents, targets) first")])
    n_customers = customers or base_sc.customers.initial
    first = sum(f.first_contacts for f in cal.channels.values())
    rate = first / cal.days * base_sc.days_per_month / n_customers
    rel_base = relative_extends(base, out_path)
    lines = [f"# Calibrated by `sim calibrate` from {cal.source}: {cal.contacts:,} contacts over {cal.days:.0f} days.",
             "# Staffing, targets, prices and customer behaviour not in the log come from the base scenario.",
             f"extends: {rel_base}", f"name: {Path(out_path).stem}",
             f"day_volume_cv: {cal.day_volume_cv:.3f}   # CV of daily volume beyond weekday effects and Poisson noise, {cal.days:.0f} days",
             "customers:",
             f"  contact_rate_per_month: {rate:.6g}   # {first:,} first contacts (no contact in the previous "
             f"{REPEAT_WINDOW_DAYS} days) / {cal.days:.0f} days x {base_sc.days_per_month} / {n_customers:,} customers",
             "  channel_mix: {" + ", ".join(f"{c}: {cal.channels[c].first_contacts / max(1, first):.4f}" if c in cal.channels
                                           else f"{c}: 0" for c in sorted(configured)) + "}",
             "channels:"]
    for ch, f in cal.channels.items():
        lines += [f"  {ch}:",
                  f"    hourly_profile: {f.hourly_profile}   # {f.contacts:,} contacts",
                  f"    weekday_weights: {f.weekday_weights}",
                  f"    aht_mean_s: {f.aht_mean_s:.6g}   # sample mean of {f.answered:,} answered; KS lognormal {f.ks_lognormal:.3f}, "
                  f"exponential {f.ks_exponential:.3f}",
                  f"    aht_cv: {max(f.aht_cv, MIN_CV):.4g}" + ("   # all handle times equal: the smallest CV allowed" if f.aht_cv < MIN_CV else "")]
        if base_sc.channels.configured()[next(c for c in base_sc.channels.configured() if c.value == ch)].patience_mean_s is not None:
            if f.patience_mean_s is not None:
                lines.append(f"    patience_mean_s: {f.patience_mean_s:.6g}   # total wait / abandons = censored MLE; "
                             f"{f.abandons:,} abandons of {f.contacts:,}; Kaplan-Meier P(patience > 60 s) = "
                             f"{f.km_survival.get(60, float('nan')):.3f}")
            else:
                lines.append("    # patience: no abandonment in the log, the base value is kept")
    if cal.reasons:
        lines.append("reasons:   # shares and handle-time factors from the log; outcomes (fcr, transfers) from the base")
        base_reasons = {r.name: r for r in base_sc.reasons}
        for r in cal.reasons:
            extra = {k: getattr(base_reasons[r["name"]], k) for k in ("fcr", "transfer_probability", "distribution")
                     if r["name"] in base_reasons and getattr(base_reasons[r["name"]], k) is not None}
            body = {k: r[k] for k in ("name", "share", "aht_factor", "aht_cv") if r[k] is not None} | extra
            lines.append(f"  - {yaml.safe_dump(body, default_flow_style=True, sort_keys=False, width=10_000).strip()}   # n = {r['n']:,}")
    if cal.repeat_share is not None:
        lines.append(f"# {cal.repeat_share:.1%} of contacts came from a customer who had contacted us in the previous "
                     f"{REPEAT_WINDOW_DAYS} days (repeats); the model generates repeats itself from unresolved issues.")
    return "\n".join(lines) + "\n"


def rows_text(lines) -> str:
    """File lines as ranges: ``rows 2-51`` or ``rows 2, 5, 9-12 (and 30 more)``."""
    lines = sorted(int(x) for x in lines)
    spans: list[str] = []
    i = 0
    while i < len(lines):
        j = i
        while j + 1 < len(lines) and lines[j + 1] == lines[j] + 1:
            j += 1
        spans.append(f"{lines[i]}" if i == j else f"{lines[i]}-{lines[j]}")
        i = j + 1
    shown = ", ".join(spans[:4]) + (f" (and {len(spans) - 4} more ranges)" if len(spans) > 4 else "")
    return ("row " if len(lines) == 1 else "rows ") + shown


def check_fit(cal: Calibration, log: pd.DataFrame, source: str, base: str | Path) -> None:
    """Refuse, naming the column and rows, what a log cannot give: a handle time, a patience, a channel the base lacks."""
    configured = load_scenario(base).channels.configured()
    live = {ch.value for ch, cfg in configured.items() if cfg.patience_mean_s is not None}
    for ch, f in cal.channels.items():
        mine = log[log["channel"] == ch]
        if ch not in {c.value for c in configured}:
            raise ScenarioError([Problem(source, int(mine["line"].min()), "channel", f"{ch} contacts ({rows_text(mine['line'])}), "
                                         f"but the base scenario {base} does not configure {ch}: add it there (agents, "
                                         "targets) first, or pass another --base; nothing was written")])
        if not math.isfinite(f.aht_mean_s):
            zero = int((mine["answered"] & ~(mine["handle_s"] > 0)).sum())
            raise ScenarioError([Problem(source, int(mine["line"].min()), "handle_s", f"no {ch} contact was answered with a "
                                         f"handle time above 0 ({rows_text(mine['line'])}: {f.abandons:,} abandoned, {zero:,} "
                                         "with 0 s), so its handle time cannot be estimated; nothing was written")])
        if ch in live and f.abandons and not (f.patience_mean_s or 0) > 0:
            raise ScenarioError([Problem(source, int(mine["line"].min()), "wait_s", f"{f.abandons:,} {ch} contacts abandoned "
                                         f"after waiting 0 s in total ({rows_text(mine.loc[~mine['answered'], 'line'])}), so "
                                         "patience cannot be estimated; nothing was written")])


def explain(e: ScenarioError, log: pd.DataFrame, source: str) -> ScenarioError:
    """Problems of the generated scenario as problems of the log: its column and rows."""
    problems = []
    for p in e.problems:
        parts = p.path.replace("[", ".").split(".")
        key = next((k for k in reversed(parts) if k in COLUMN_OF), "")
        rows = log
        if parts[0] == "channels" and len(parts) > 1:
            rows = log[log["channel"] == parts[1]]
        hint = "; pass --customers (active customers) if the rate is off" if key == "contact_rate_per_month" else ""
        problems.append(Problem(source, int(rows["line"].min()) if len(rows) else 0, COLUMN_OF.get(key, ""),
                                f"these contacts ({rows_text(rows['line'])}) give {p.path} a value the scenario refuses: "
                                f"{p.message}{hint}; nothing was written"))
    return ScenarioError(problems)


def calibrate(log_path: str | Path, out: str | Path, base: str | Path = "scenarios/baseline.yaml",
              customers: int | None = None, overwrite: bool = False) -> Calibration:
    """Read a log, fit it, write the scenario; refuses first what it would refuse later.

    The output file is checked before the log is read (no existing file without ``overwrite``,
    never the log or a base file); the scenario is validated before it is written, and a problem
    in it is reported as a problem of the log (column and rows).
    """
    from sim.planning.contact_log import read_log

    inputs = [Path(log_path), *source_files(base)]
    check_out_file(out, inputs, overwrite)
    load_scenario(base)  # a bad base is reported before the log is read
    log = read_log(log_path)
    cal = fit_log(log, str(log_path))
    check_fit(cal, log, str(log_path), base)
    text = scenario_yaml(cal, base, out, customers)
    write_scenario_file(text, out, inputs, overwrite, explain=lambda e: explain(e, log, str(log_path)))
    return cal
