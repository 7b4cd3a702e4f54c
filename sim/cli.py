"""The ``sim`` command line: thin commands that each call one library function.

``main(argv)`` returns the exit code instead of exiting, so tests run it in-process.
Exit codes: 0 ok, 1 internal error, 2 bad input (scenario file, option, results folder).
"""

from __future__ import annotations

import json
import logging
import math
import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from sim.loader import ScenarioError, load_scenario
from sim.report_text import interval as _ci
from sim.report_text import measures_table
from sim.report_text import money as _money
from sim.report_text import months as _months
from sim.scenario import Scenario

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="When does investing in customer service pay back? Simulate, compare, decide.")
out = Console()
err = Console(stderr=True)

# Options shared by the commands that simulate.
REPS = typer.Option(None, "--reps", min=1, help="replications (default: the file's)")
SEED = typer.Option(None, "--seed", min=0, help="root seed (default: the file's)")
OUT_DIR = typer.Option(None, "--out", help="results folder (default results/<run_id>)")
WORKERS = typer.Option(None, "--workers", min=1, help="worker processes (default: CPUs)")
OVERWRITE = typer.Option(False, "--overwrite", help="replace an existing results folder")
QUIET = typer.Option(False, "--quiet", help="no progress bar")


@app.command()
def run(
    scenarios: list[Path] = typer.Argument(..., help="scenario files: a baseline and/or investments extending it"),
    reps: Optional[int] = REPS,
    seed: Optional[int] = SEED,
    out_dir: Optional[Path] = OUT_DIR,
    workers: Optional[int] = WORKERS,
    overwrite: bool = OVERWRITE,
    quiet: bool = QUIET,
) -> None:
    """Simulate the baseline and each investment; write results and print payback with CIs."""
    from sim.runner import run_scenarios

    with _progress(quiet) as (on_start, on_done):
        result = run_scenarios([str(p) for p in scenarios], reps, seed, out_dir, workers, overwrite,
                               on_start=on_start, on_done=on_done)
    _print_run(result)


@contextmanager
def _progress(quiet: bool):
    """A rich progress bar with ETA on stderr; yields the (on_start, on_done) callbacks."""
    progress = Progress(TextColumn("[bold]simulating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TextColumn("eta"), TimeRemainingColumn(), console=err, disable=quiet, transient=True)
    task = None

    def on_start(n: int) -> None:
        nonlocal task
        task = progress.add_task("runs", total=n)

    with progress:
        yield on_start, lambda _: progress.advance(task)


def _print_run(result) -> None:
    exp = result.experiment
    w = exp.world
    ops = Table(title=f"Operations and customers: means over {exp.replications} replications × {w.horizon_months} months")
    ops.add_column("KPI")
    for arm in result.operations["arm"]:
        ops.add_column(escape(str(arm)), justify="right")
    for c in (c for c in result.operations.columns if c != "arm"):
        values = result.operations[c]
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
            "NPV": [f"{_money(r.npv_usd_median)} {_ci(r.npv_usd_ci_low, r.npv_usd_ci_high, _money)}" for r in inv.itertuples()],
            "payback, months": [f"{_months(r.payback_months_median)} {_ci(r.payback_months_ci_low, r.payback_months_ci_high, _months)}"
                                for r in inv.itertuples()],
            f"P(payback ≤ {w.horizon_months} months)": [f"{r.p_payback_within_horizon:.0%}" for r in inv.itertuples()],
            "P(NPV > 0)": [f"{r.p_npv_positive:.0%}" for r in inv.itertuples()],
            "ROI (PV)": [f"{r.roi_median:.0%}" if math.isfinite(r.roi_median) else "n/a" for r in inv.itertuples()],
            "investment cost": [_money(r.investment_cost_usd_total_median) for r in inv.itertuples()],
            "customers kept (churn avoided)": [f"{r.churned_saved_median:,.0f}" for r in inv.itertuples()],
        }
        out.print(measures_table(f"Business case vs baseline: {w.horizon_months}-month horizon, {w.discount_rate_annual:.0%}/yr "
                                 f"discount, {exp.replications} paired replications; median [90% CI of the median]",
                                 inv["arm"], rows))
        if inv["npv_usd_ci_low"].isna().any():
            out.print("no CI: too few replications for a 90 % interval of the median (needs at least 5); use --reps")
    _print_unstable(result)
    out.print(f"results: [bold]{escape(str(result.out_dir))}[/] (manifest.json, runs/monthly/intervals.parquet)")


def _print_unstable(result) -> None:
    unstable = int(result.tables.runs["unstable_months"].sum())
    if unstable:
        err.print(f"[yellow]warning:[/] {unstable} simulated months ended with contacts still queued 2 days after "
                  "month end (demand above capacity): see unserved_at_close in monthly.parquet")


@app.command()
def compare(
    scenarios: list[Path] = typer.Argument(..., help="the baseline file, then investment files extending it"),
    reps: Optional[int] = REPS,
    seed: Optional[int] = SEED,
    out_dir: Optional[Path] = OUT_DIR,
    workers: Optional[int] = WORKERS,
    overwrite: bool = OVERWRITE,
    quiet: bool = QUIET,
) -> None:
    """Rank investments: NPV and payback intervals, P(payback ≤ 12/18/24/36 m), P(best), paired differences."""
    from sim.report_text import print_comparison
    from sim.runner import compare_scenarios

    with _progress(quiet) as (on_start, on_done):
        result = compare_scenarios([str(p) for p in scenarios], reps, seed, out_dir, workers, overwrite,
                                   on_start=on_start, on_done=on_done)
    print_comparison(out, result)
    _print_unstable(result.run)
    out.print(f"results: [bold]{escape(str(result.run.out_dir))}[/] (comparison.csv, tei.parquet, runs/monthly/intervals.parquet)")


@app.command(name="breakeven")
def breakeven_cmd(
    scenario: Path = typer.Argument(..., help="a scenario file with an investment"),
    param: str = typer.Option(..., "--param", help="setting to vary, e.g. investment.levers[0].churn_reduction"),
    low: float = typer.Option(..., "--low", help="lower end of the search bracket"),
    high: float = typer.Option(..., "--high", help="upper end of the search bracket"),
    target: int = typer.Option(12, "--target", min=1, help="payback horizon to reach, months"),
    reps: Optional[int] = typer.Option(None, "--reps", min=1, help="paired replications per evaluation"),
    seed: Optional[int] = typer.Option(None, "--seed", min=0),
    workers: Optional[int] = typer.Option(None, "--workers", min=1),
) -> None:
    """Find the value of one setting at which the median payback equals --target months."""
    from sim.breakeven import breakeven

    def show(x: float, cum: float) -> None:
        err.print(f"  {param} = {x:.5g}: median cumulative cash flow at month {target} = {cum:,.0f} USD")

    result = breakeven(scenario, param, low, high, target, reps, seed, workers, on_eval=show)
    if math.isnan(result.value):
        out.print(f"[yellow]{escape(result.message)}[/]")
    else:
        out.print(f"[bold]break-even:[/] {escape(result.message)} (median payback at that value: "
                  f"{result.median_payback_months:.1f} months; {result.evaluations} evaluations)")


@app.command(name="calibrate")
def calibrate_cmd(
    log: Path = typer.Argument(..., help="contact log CSV (columns: timestamp, channel, wait_s, handle_s, outcome[, reason, customer_id])"),
    out_file: Path = typer.Option(..., "--out", help="scenario file to write"),
    base: Path = typer.Option(Path("scenarios/baseline.yaml"), "--base", help="scenario that supplies what a log cannot tell"),
    customers: Optional[int] = typer.Option(None, "--customers", min=1, help="active customers (default: the base's)"),
    overwrite: bool = typer.Option(False, "--overwrite", help="replace an existing --out file"),
) -> None:
    """Fit arrival profiles, handle times, patience and reasons to your own contact log; write a scenario."""
    from sim.calibrate import calibrate

    cal = calibrate(log, out_file, base, customers, overwrite)
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
    if cal.repeat_share is not None:
        out.print(f"repeat contacts (same customer within 7 days): {cal.repeat_share:.1%}")
    out.print(f"scenario written: [bold]{escape(str(out_file))}[/] (validated)")


@app.command(name="contact-log")
def contact_log_cmd(
    scenario: Path = typer.Argument(..., help="scenario whose baseline to simulate"),
    out_file: Path = typer.Option(..., "--out", help="CSV file to write"),
    months: int = typer.Option(1, "--months", min=1, max=24),
    seed: Optional[int] = typer.Option(None, "--seed", min=0),
    overwrite: bool = typer.Option(False, "--overwrite"),
) -> None:
    """Write a synthetic contact log simulated by this project's DES (for trying calibrate)."""
    from sim.contact_log import write_log

    n = write_log(scenario, out_file, months, seed, overwrite)
    out.print(f"{n:,} contacts written to [bold]{escape(str(out_file))}[/]")


@app.command(name="staffing")
def staffing_cmd(
    scenario: Path = typer.Argument(..., help="scenario to staff"),
    target: str = typer.Option(..., "--target", help='service-level targets, e.g. "phone: 80/20, chat: 90/60"'),
    reps: int = typer.Option(20, "--reps", min=2, help="replications of the simulated check"),
    seed: Optional[int] = typer.Option(None, "--seed", min=0),
    workers: Optional[int] = typer.Option(None, "--workers", min=1),
    write_investment: Optional[Path] = typer.Option(None, "--write-investment",
                                                    help="write the plan's extra agents as an investment file for sim compare"),
) -> None:
    """Fewest agents per channel and hour meeting the targets: Erlang first guess, simulation to confirm."""
    from sim.results import atomic_write_bytes
    from sim.staffing import plan_investment_yaml, plan_staffing

    result = plan_staffing(scenario, target, reps, seed, workers)
    current = load_scenario(scenario).channels.configured()
    t = Table(title=f"Staffing plan (agents on the floor by hour of day), confirmed by {reps} simulated months")
    t.add_column("channel / hour")
    hours = [h for h in range(24) if any(p[h] or current[c].agents_by_hour[h] for c, p in result.plan.items())]
    for h in hours:
        t.add_column(f"{h:02d}", justify="right")
    for ch, plan in result.plan.items():
        t.add_row(f"{ch.value} today", *[str(current[ch].agents_by_hour[h]) for h in hours])
        t.add_row(f"{ch.value} Erlang", *[str(result.first_guess[ch][h]) for h in hours])
        t.add_row(f"[bold]{ch.value} plan[/]", *[str(plan[h]) for h in hours])
    out.print(t)
    for ch, (sl, secs) in result.targets.items():
        out.print(f"{ch.value}: target {sl:.0%} within {secs:g} s; simulated {result.service_level[ch]:.1%}, "
                  f"met in {result.met_share[ch]:.0%} of replications")
    out.print(f"labour and tooling: {_money(result.cost_usd_per_month)}/month with the plan vs "
              f"{_money(result.current_cost_usd_per_month)}/month today ({result.rounds} simulation rounds)")
    if write_investment is not None:
        atomic_write_bytes(write_investment, plan_investment_yaml(scenario, result).encode())
        load_scenario(write_investment)
        out.print(f"investment written: [bold]{escape(str(write_investment))}[/] "
                  f"(compare it: sim compare {escape(str(scenario))} {escape(str(write_investment))})")


@app.command()
def report(
    results: Path = typer.Argument(..., help="a results folder written by sim run / sim compare"),
    out_file: Optional[Path] = typer.Option(None, "--out", help="HTML file (default <results>/report.html)"),
) -> None:
    """Write the one-page HTML business case (charts embedded, no network needed)."""
    _headless_charts()
    from sim.report import build_report

    out.print(f"report: [bold]{escape(str(build_report(results, out_file)))}[/]")


@app.command()
def plot(results: Path = typer.Argument(..., help="a results folder written by sim run / sim compare")) -> None:
    """Write every chart as PNG and SVG into <results>/charts/."""
    _headless_charts()
    from sim.report import write_charts

    files = write_charts(results)
    out.print(f"{len(files)} chart files in [bold]{escape(str(Path(results) / 'charts'))}[/]")


@app.command()
def validate(scenarios: list[Path] = typer.Argument(..., help="scenario files to check")) -> None:
    """Check scenario files; list every problem as file:line: setting: message."""
    problems = []
    for p in scenarios:
        try:
            sc = load_scenario(p)
            what = f"investment '{sc.investment.name}'" if sc.investment else "baseline (no investment)"
            out.print(f"[green]ok[/] {escape(f'{p}: {sc.name} — {what}, {sc.horizon_months} months, world {sc.world_hash()}')}")
        except ScenarioError as e:
            problems.extend(e.problems)
    if problems:
        raise ScenarioError(problems)


@app.command()
def schema(out_file: Optional[Path] = typer.Option(None, "--out", help="write to this file instead of stdout")) -> None:
    """Print the JSON Schema of scenario files (for editor completion and checks)."""
    text = json.dumps(Scenario.model_json_schema(), indent=2) + "\n"
    if out_file is None:
        sys.stdout.write(text)
    else:
        out_file.write_text(text, encoding="utf-8")
        out.print(f"schema written to {out_file}")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``sim`` console script; returns the exit code."""
    logging.basicConfig(level=os.environ.get("SIM_LOG", "WARNING"), format="%(levelname)s %(name)s: %(message)s")
    previous = signal.signal(signal.SIGTERM, _terminate) if _main_thread() else None
    try:
        app(args=argv, prog_name="sim")  # standalone: option errors print usage and exit 2
        return 0
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except ScenarioError as e:
        for p in e.problems:
            err.print(f"[red]error:[/] {escape(str(p))}", highlight=False, soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        err.print("interrupted: the results folder's manifest says status 'failed'")
        return 130
    except Exception as e:  # an internal error: short message, traceback on request
        if os.environ.get("SIM_DEBUG"):
            raise
        err.print(f"[red]internal error:[/] {escape(f'{type(e).__name__}: {e}')}\n(set SIM_DEBUG=1 to see the traceback)")
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _headless_charts() -> None:
    """Charts from the command line are files: never open a window."""
    import matplotlib

    matplotlib.use("Agg")


def _terminate(signum, frame) -> None:
    """SIGTERM behaves like Ctrl-C, so a killed run still marks its manifest as failed."""
    raise KeyboardInterrupt


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


if __name__ == "__main__":
    sys.exit(main())
