"""Terminal tables for ``sim compare`` (rich): the ranked comparison and the TEI annual table."""

from __future__ import annotations

import math

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sim.appraisal.formats import money, months  # noqa: F401 (the formats every surface shares; re-exported)


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


def print_harvests(console: Console, exp) -> None:
    """One line: how each investment harvests its efficiency (service, or cost with the hours re-planned away)."""
    if exp.investments:
        console.print("efficiency harvested as: " + "; ".join(f"{escape(inv.name)}: {harvest_label(exp, inv.name)}"
                                                             for inv in exp.investments))


def print_comparison(console: Console, result) -> None:
    from sim.appraisal.decision import load_decision
    from sim.present.decision_text import print_decision

    ranked = result.ranked
    print_decision(console, load_decision(result.run.out_dir))
    print_harvests(console, result.run.experiment)
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
    ops_frame = result.operations
    arms = list(ops_frame["arm"])
    for start in range(0, len(arms), 4):  # at most four arms a table: readable at 80 columns
        part = ops_frame.iloc[start:start + 4]
        more = f" ({start + 1}-{min(start + 4, len(arms))} of {len(arms)} arms)" if len(arms) > 4 else ""
        ops = Table(title=f"Operations and customers: means over {exp.replications} replications × {w.horizon_months} months{more}")
        ops.add_column("KPI", overflow="fold")
        for arm in part["arm"]:
            ops.add_column(escape(str(arm)), justify="right", overflow="fold")
        for c in (c for c in part.columns if c != "arm"):
            values = part[c]
            if c.startswith("unserved") and not ops_frame[c].any():
                continue
            cells = [f"{v:.1%}" if c.startswith(("service_level", "abandon_rate", "occupancy", "monthly_churn"))
                     else (f"{v:,.0f}" if abs(v) >= 100 else f"{v:.2f}") for v in values]
            ops.add_row(c.removesuffix("_mean").replace("_", " "), *cells)
        out.print(ops)

    if result.investments.empty:
        out.print("No investment to appraise: pass investment files (e.g. scenarios/more_agents.yaml) beside the baseline.")
    else:
        from sim.appraisal.decision import load_decision
        from sim.present.decision_text import print_decision

        print_decision(out, load_decision(result.out_dir))
        print_harvests(out, exp)


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
