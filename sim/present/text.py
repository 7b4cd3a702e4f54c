"""Terminal tables for ``sim compare`` (rich): the ranked comparison and the TEI annual table."""

from __future__ import annotations

import math

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def money(x: float) -> str:
    if not math.isfinite(x):
        return "n/a"
    sign, a = ("-" if x < 0 else ""), abs(x)
    if a >= 1e6:
        return f"{sign}${a / 1e6:.2f}M"
    return f"{sign}${a / 1e3:.1f}k" if a >= 1e3 else f"{sign}${a:.0f}"


def months(x: float) -> str:
    return "never" if math.isinf(x) else ("n/a" if math.isnan(x) else f"{x:.1f}")


def count(x: float) -> str:
    return f"{x:,.0f}"


def interval(lo: float, hi: float, fmt) -> str:
    if math.isnan(lo) or math.isnan(hi):
        return "(no CI)"
    return f"[{fmt(lo)}, {fmt(hi)}]"


def measures_table(title: str, arms, rows: dict[str, list[str]]) -> Table:
    """Measures as rows, alternatives as columns: readable at 80 columns."""
    t = Table(title=title)
    t.add_column("measure")
    for arm in arms:
        t.add_column(escape(str(arm)), justify="right")
    for name, cells in rows.items():
        t.add_row(escape(name), *map(escape, cells))
    return t


def harvest_label(exp, arm: str) -> str:
    """How an option harvests its efficiency: 'service', or 'cost (-N agent-h/day)' with the hours re-planned away."""
    inv = next((i for i in exp.investments if i.name == str(arm)), None)
    if inv is None or inv.harvest == "service":
        return "service"
    hours = sum(sum(c) for c in (inv.harvest_cut or {}).values())
    if not hours:
        return "cost (no whole agent-hour freed)"
    return f"cost (−{hours} agent-h/day from month {inv.harvest_window()[0]})"


def print_comparison(console: Console, result) -> None:
    exp, ranked = result.run.experiment, result.ranked
    w = exp.world
    rows = {
        "NPV": [f"{money(r.npv_usd_median)} {interval(r.npv_usd_p05, r.npv_usd_p95, money)}" for r in ranked.itertuples()],
        "payback, months": [f"{months(r.payback_months_median)} {interval(r.payback_months_p05, r.payback_months_p95, months)}"
                            for r in ranked.itertuples()],
        **{f"P(payback ≤ {h} m)": [f"{getattr(r, f'p_payback_within_{h}m'):.0%}" for r in ranked.itertuples()]
           for h in (12, 18, 24, 36)},
        "P(NPV > 0)": [f"{r.p_npv_positive:.0%}" for r in ranked.itertuples()],
        "P(best of these)": [f"{r.p_best:.0%}" for r in ranked.itertuples()],
        "mean NPV vs baseline [90% CI]": [f"{money(r.npv_usd_mean)} {interval(r.npv_usd_mean_ci_low, r.npv_usd_mean_ci_high, money)}"
                                          for r in ranked.itertuples()],
        "customers kept [90% CI]": [f"{r.customers_kept_mean:,.0f} {interval(r.customers_kept_ci_low, r.customers_kept_ci_high, count)}"
                                    for r in ranked.itertuples()],
        "ROI (PV)": [f"{r.roi_median:.0%}" if math.isfinite(r.roi_median) else "n/a" for r in ranked.itertuples()],
        "efficiency harvested as": [harvest_label(exp, r.arm) for r in ranked.itertuples()],
    }
    console.print(measures_table(f"Investments ranked by median NPV: {w.horizon_months}-month horizon, "
                                 f"{w.discount_rate_annual:.0%}/yr, {exp.replications} paired replications; "
                                 "median [5th–95th percentile]", ranked["arm"], rows))

    best = str(ranked["arm"].iloc[0])
    tei = result.tei_best
    a = Table(title=f"Business case of {escape(best)} by year (mean of replications; year 0 = t0)")
    a.add_column("line")
    for y in tei["year"]:
        a.add_column(f"year {int(y)}", justify="right")
    for col, label in (("retained_margin_usd", "retained gross margin"), ("referral_margin_usd", "referral margin"),
                       ("upsell_margin_usd", "upsell margin"), ("cost_to_serve_usd", "cost to serve (savings +)"),
                       ("labour_saving_usd", "labour saving (harvest: cost)"), ("total_benefits_usd", "total benefits"),
                       ("investment_cost_usd", "investment costs"), ("net_usd", "net cash flow"),
                       ("cumulative_net_usd", "cumulative"), ("pv_net_usd", "present value of net")):
        if col in tei:
            a.add_row(label, *[money(v) for v in tei[col]])
    console.print(a)
    if math.isfinite(result.crn_factor):
        console.print(f"common random numbers: the paired NPV estimate of {escape(best)} has "
                      f"{result.crn_factor:,.0f}x less variance than independent runs would")


def instability_text(runs) -> str | None:
    """One sentence on simulated months that ended with live contacts unserved (None if there were none)."""
    if "unstable_months" not in runs or not runs["unstable_months"].sum():
        return None
    per_arm = runs.groupby("arm", observed=True, sort=False)["unstable_months"].sum()
    arms = ", ".join(f"{arm}: {int(n)}" for arm, n in per_arm.items() if n)
    return (f"{int(per_arm.sum())} simulated months ended with live contacts still unserved 2 days after month end "
            f"(demand above capacity; by arm: {arms}). Their KPIs are not steady-state figures: unserved contacts "
            "are counted in unserved_<channel> (monthly.parquet), not as abandons.")


def print_run(out: Console, result) -> None:
    """The operations table and the business case of ``sim run``."""
    exp = result.experiment
    w = exp.world
    ops = Table(title=f"Operations and customers: means over {exp.replications} replications × {w.horizon_months} months")
    ops.add_column("KPI")
    for arm in result.operations["arm"]:
        ops.add_column(escape(str(arm)), justify="right")
    for c in (c for c in result.operations.columns if c != "arm"):
        values = result.operations[c]
        if c.startswith("unserved") and not values.any():
            continue
        cells = [f"{v:.1%}" if c.startswith(("service_level", "abandon_rate", "occupancy", "monthly_churn"))
                 else (f"{v:,.0f}" if abs(v) >= 100 else f"{v:.2f}") for v in values]
        ops.add_row(c.removesuffix("_mean").replace("_", " "), *cells)
    out.print(ops)

    inv = result.investments
    if inv.empty:
        out.print("No investment to appraise: pass investment files (e.g. scenarios/more_agents.yaml) beside the baseline.")
    else:
        inv = inv.sort_values("npv_usd_median", ascending=False)
        rows = {
            "NPV": [f"{money(r.npv_usd_median)} {interval(r.npv_usd_ci_low, r.npv_usd_ci_high, money)}" for r in inv.itertuples()],
            "payback, months": [f"{months(r.payback_months_median)} {interval(r.payback_months_ci_low, r.payback_months_ci_high, months)}"
                                for r in inv.itertuples()],
            f"P(payback ≤ {w.horizon_months} months)": [f"{r.p_payback_within_horizon:.0%}" for r in inv.itertuples()],
            "P(NPV > 0)": [f"{r.p_npv_positive:.0%}" for r in inv.itertuples()],
            "ROI (PV)": [f"{r.roi_median:.0%}" if math.isfinite(r.roi_median) else "n/a" for r in inv.itertuples()],
            "investment cost": [money(r.investment_cost_usd_total_median) for r in inv.itertuples()],
            "customers kept (churn avoided)": [f"{r.churned_saved_median:,.0f}" for r in inv.itertuples()],
            "efficiency harvested as": [harvest_label(exp, r.arm) for r in inv.itertuples()],
        }
        out.print(measures_table(f"Business case vs baseline: {w.horizon_months}-month horizon, {w.discount_rate_annual:.0%}/yr "
                                 f"discount, {exp.replications} paired replications; median [90% CI of the median]",
                                 inv["arm"], rows))
        if inv["npv_usd_ci_low"].isna().any():
            out.print("no CI: too few replications for a 90 % interval of the median (needs at least 5); use --reps")


def print_fit_report(out: Console, cal) -> None:
    """The fit report of ``sim calibrate``."""
    t = Table(title=f"Fit report: {cal.contacts:,} contacts over {cal.days:.0f} days; day-level volume CV {cal.day_volume_cv:.3f}")
    for c in ("channel", "contacts", "AHT s", "AHT CV", "KS lognormal / exponential", "abandons",
              "patience s (censored MLE)", "P(patience > 60 s), KM"):
        t.add_column(c, justify="left" if c == "channel" else "right")
    for f in cal.channels.values():
        t.add_row(f.channel, f"{f.contacts:,}", f"{f.aht_mean_s:,.1f}", f"{f.aht_cv:.2f}",
                  f"{f.ks_lognormal:.3f} / {f.ks_exponential:.3f}", f"{f.abandons:,}",
                  "n/a" if f.patience_mean_s is None else f"{f.patience_mean_s:,.1f}",
                  f"{f.km_survival[60]:.3f}" if 60 in f.km_survival else "n/a")
    out.print(t)


def print_staffing(out: Console, result, current, reps: int) -> None:
    """The plan of ``sim staffing``: today, the Erlang guess and the confirmed plan per hour."""
    t = Table(title=f"Staffing plan (agents on the floor by hour of day), confirmed by {reps} simulated months")
    t.add_column("channel / hour")
    today = result.today or {c: current[c].agents_by_hour for c in result.plan}
    hours = [h for h in range(24) if any(p[h] or today[c][h] for c, p in result.plan.items())]
    for h in hours:
        t.add_column(f"{h:02d}", justify="right")
    for ch, plan in result.plan.items():
        t.add_row(f"{ch.value} today", *[str(today[ch][h]) for h in hours])
        t.add_row(f"{ch.value} Erlang", *[str(result.first_guess[ch][h]) for h in hours])
        t.add_row(f"[bold]{ch.value} plan[/]", *[str(plan[h]) for h in hours])
    out.print(t)
    for ch, (sl, secs) in result.targets.items():
        out.print(f"{ch.value}: target {sl:.0%} within {secs:g} s; simulated {result.service_level[ch]:.1%}, "
                  f"met in {result.met_share[ch]:.0%} of replications")
    out.print(f"labour and tooling: {money(result.cost_usd_per_month)}/month with the plan vs "
              f"{money(result.current_cost_usd_per_month)}/month today ({result.rounds} simulation rounds)")


def print_uncertainty(console: Console, run, top: int = 3) -> None:
    """How sure we are: where the spread comes from, EVPI and the assumptions worth learning first."""
    unc = run.uncertainty
    console.print("[bold]How sure are we?[/]")
    for note in unc.notes:
        console.print(f"  note: {escape(note)}")
    if run.replications_note:
        console.print(f"  replications: {escape(run.replications_note)}")
    for r in unc.variance.itertuples():
        if math.isfinite(r.assumptions_share):
            console.print(f"  {escape(str(r.arm))}: NPV sd {money(r.npv_sd_usd)}; {r.assumptions_share:.0%} of its variance from the "
                          f"assumptions, {r.noise_share:.0%} from simulation noise "
                          + ("(add data or a pilot)" if r.assumptions_share >= 0.5 else "(add replications)"))
    if len(unc.options) > 1 and unc.replications > 1:
        console.print(f"  expected value of perfect information (all assumptions and noise): {money(unc.evpi_usd)}")
        for r in unc.evppi.head(top).itertuples():
            console.print(f"  {r.rank}. {escape(r.sentence)}")
