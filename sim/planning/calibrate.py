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
from scipy import stats

from sim.scenario import Problem, ScenarioError, load_scenario

REPEAT_WINDOW_DAYS = 7
KM_POINTS_S = (30, 60, 120, 300, 600)


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
            reasons.append({"name": str(name), "share": round(float(share[name]), 4),
                            "aht_factor": round(float(factor.get(name, 1.0)), 3),
                            "aht_cv": round(float(h.std() / h.mean()), 3) if len(h) > 1 and h.mean() > 0 else None,
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
    rel_base = Path(base).resolve()
    try:
        rel_base = rel_base.relative_to(Path(out_path).resolve().parent)
    except ValueError:
        pass
    lines = [f"# Calibrated by `sim calibrate` from {cal.source}: {cal.contacts:,} contacts over {cal.days:.0f} days.",
             "# Staffing, targets, prices and customer behaviour not in the log come from the base scenario.",
             f"extends: {rel_base}", f"name: {Path(out_path).stem}",
             f"day_volume_cv: {cal.day_volume_cv:.3f}   # CV of daily volume beyond weekday effects and Poisson noise, {cal.days:.0f} days",
             "customers:",
             f"  contact_rate_per_month: {rate:.4f}   # {first:,} first contacts (no contact in the previous "
             f"{REPEAT_WINDOW_DAYS} days) / {cal.days:.0f} days x {base_sc.days_per_month} / {n_customers:,} customers",
             "  channel_mix: {" + ", ".join(f"{c}: {cal.channels[c].first_contacts / max(1, first):.4f}" if c in cal.channels
                                           else f"{c}: 0" for c in sorted(configured)) + "}",
             "channels:"]
    for ch, f in cal.channels.items():
        lines += [f"  {ch}:",
                  f"    hourly_profile: {f.hourly_profile}   # {f.contacts:,} contacts",
                  f"    weekday_weights: {f.weekday_weights}",
                  f"    aht_mean_s: {f.aht_mean_s:.1f}   # sample mean of {f.answered:,} answered; KS lognormal {f.ks_lognormal:.3f}, "
                  f"exponential {f.ks_exponential:.3f}",
                  f"    aht_cv: {f.aht_cv:.3f}"]
        if base_sc.channels.configured()[next(c for c in base_sc.channels.configured() if c.value == ch)].patience_mean_s is not None:
            if f.patience_mean_s is not None:
                lines.append(f"    patience_mean_s: {f.patience_mean_s:.1f}   # total wait / abandons = censored MLE; "
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


def calibrate(log_path: str | Path, out: str | Path, base: str | Path = "scenarios/baseline.yaml",
              customers: int | None = None, overwrite: bool = False) -> Calibration:
    """Read a log, fit it, write the scenario (atomically; never over an existing file unless asked), check it loads."""
    from sim.planning.contact_log import read_log
    from sim.run.store import atomic_write_bytes

    out = Path(out)
    if out.exists() and not overwrite:
        raise ScenarioError([Problem(str(out), 0, "--out", "exists; choose another file or pass --overwrite")])
    cal = fit_log(read_log(log_path), str(log_path))
    text = scenario_yaml(cal, base, out, customers)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(out, text.encode())
    load_scenario(out)  # the written file must be a valid scenario
    return cal
