"""The ``sim`` commands: each parses its options and calls exactly one library function.

Library imports sit inside the commands, so ``sim --help`` and ``sim validate`` start quickly.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from sim.cli import documents as document_cmds
from sim.cli import replay as replay_cmds
from sim.cli import sweep as sweep_cmds
from sim.cli.console import err, headless_charts, out, print_unstable, progress
from sim.cli.options import MAX_REPLICATIONS, OUT_DIR, OVERWRITE, OVERWRITE_FILE, QUIET, REPS, SCHEDULER, SEED, WORKERS, finite
from sim.present.text import print_fit_report, print_run, print_staffing, print_uncertainty
from sim.scenario import ScenarioError, load_scenario

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="When does investing in customer service pay back? Simulate, compare, decide.")


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            out.print(f"sim {version('sim')}")
        except PackageNotFoundError:
            out.print("sim (not installed; running from the source tree)")
        raise typer.Exit()


@app.callback()
def _options(version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                          help="print the version of sim and exit")) -> None:
    """When does investing in customer service pay back? Simulate, compare, decide."""


@app.command()
def run(
    scenarios: list[Path] = typer.Argument(..., help="scenario files: a baseline and/or investments extending it"),
    reps: Optional[str] = REPS,
    seed: Optional[int] = SEED,
    out_dir: Optional[Path] = OUT_DIR,
    workers: Optional[int] = WORKERS,
    scheduler: Optional[str] = SCHEDULER,
    overwrite: bool = OVERWRITE,
    quiet: bool = QUIET,
) -> None:
    """Simulate the baseline and each investment; write results and print payback with CIs."""
    from sim.appraisal.jobs import run_scenarios

    with progress(quiet) as (on_start, on_done):
        result = run_scenarios([str(p) for p in scenarios], reps, seed, out_dir, workers, overwrite,
                               on_start=on_start, on_done=on_done, scheduler=scheduler)
    print_run(out, result)
    print_uncertainty(out, result)
    print_unstable(result)
    out.print(f"results: [bold]{escape(str(result.out_dir))}[/] (manifest.json, runs/monthly/intervals.parquet)")


@app.command()
def compare(
    scenarios: list[Path] = typer.Argument(..., help="the baseline file, then investment files extending it"),
    reps: Optional[str] = REPS,
    seed: Optional[int] = SEED,
    out_dir: Optional[Path] = OUT_DIR,
    workers: Optional[int] = WORKERS,
    scheduler: Optional[str] = SCHEDULER,
    overwrite: bool = OVERWRITE,
    quiet: bool = QUIET,
) -> None:
    """Rank investments: NPV and payback intervals, P(payback ≤ 12/18/24/36 m), P(best), paired differences."""
    from sim.appraisal.jobs import compare_scenarios
    from sim.present.text import print_comparison

    with progress(quiet) as (on_start, on_done):
        result = compare_scenarios([str(p) for p in scenarios], reps, seed, out_dir, workers, overwrite,
                                   on_start=on_start, on_done=on_done, scheduler=scheduler)
    print_comparison(out, result)
    print_uncertainty(out, result.run)
    print_unstable(result.run)
    out.print(f"results: [bold]{escape(str(result.run.out_dir))}[/] (comparison.csv, tei.parquet, runs/monthly/intervals.parquet)")


@app.command(name="breakeven")
def breakeven_cmd(
    scenario: Path = typer.Argument(..., help="a scenario file with an investment"),
    param: str = typer.Option(..., "--param", help="setting to vary, e.g. investment.levers[0].churn_reduction"),
    low: float = typer.Option(..., "--low", callback=finite, help="lower end of the search bracket"),
    high: float = typer.Option(..., "--high", callback=finite, help="upper end of the search bracket"),
    target: int = typer.Option(12, "--target", min=1, max=240, help="payback horizon to reach, months"),
    reps: Optional[int] = typer.Option(None, "--reps", min=1, max=MAX_REPLICATIONS, help="paired replications per evaluation"),
    seed: Optional[int] = SEED,
    workers: Optional[int] = WORKERS,
    scheduler: Optional[str] = SCHEDULER,
) -> None:
    """Find the value of one setting at which the median payback equals --target months."""
    from sim.appraisal.breakeven import breakeven

    def show(x: float, cum: float) -> None:
        err.print(f"  {param} = {x:.5g}: median cumulative cash flow at month {target} = {cum:,.0f} USD")

    result = breakeven(scenario, param, low, high, target, reps, seed, workers, on_eval=show, scheduler=scheduler)
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
    customers: Optional[int] = typer.Option(None, "--customers", min=1, max=50_000_000, help="active customers (default: the base's)"),
    overwrite: bool = OVERWRITE_FILE,
) -> None:
    """Fit arrival profiles, handle times, patience and reasons to your own contact log; write a scenario."""
    from sim.planning.calibrate import calibrate

    cal = calibrate(log, out_file, base, customers, overwrite)
    print_fit_report(out, cal)
    if cal.repeat_share is not None:
        out.print(f"repeat contacts (same customer within 7 days): {cal.repeat_share:.1%}")
    out.print(f"scenario written: [bold]{escape(str(out_file))}[/] (validated)")


@app.command(name="contact-log")
def contact_log_cmd(
    scenario: Path = typer.Argument(..., help="scenario whose baseline to simulate"),
    out_file: Path = typer.Option(..., "--out", help="CSV file to write"),
    months: int = typer.Option(1, "--months", min=1, max=24, help="months of contacts to simulate"),
    seed: Optional[int] = SEED,
    overwrite: bool = OVERWRITE_FILE,
) -> None:
    """Write a synthetic contact log simulated by this project's DES (for trying calibrate)."""
    from sim.planning.contact_log import write_log

    n = write_log(scenario, out_file, months, seed, overwrite)
    out.print(f"{n:,} contacts written to [bold]{escape(str(out_file))}[/]")


@app.command(name="staffing")
def staffing_cmd(
    scenario: Path = typer.Argument(..., help="scenario to staff"),
    target: str = typer.Option(..., "--target", help='service-level targets, e.g. "phone: 80/20, chat: 90/60"'),
    reps: int = typer.Option(20, "--reps", min=2, max=10_000, help="replications of the simulated check"),
    seed: Optional[int] = SEED,
    workers: Optional[int] = WORKERS,
    scheduler: Optional[str] = SCHEDULER,
    write_investment: Optional[Path] = typer.Option(None, "--write-investment",
                                                    help="write the plan's extra agents as an investment file for sim compare"),
    overwrite: bool = OVERWRITE_FILE,
) -> None:
    """Fewest agents per channel and hour meeting the targets: Erlang first guess, simulation to confirm."""
    from sim.planning.staffing import plan_staffing

    result = plan_staffing(scenario, target, reps, seed, workers, write_investment=write_investment, overwrite=overwrite,
                           scheduler=scheduler)
    print_staffing(out, result, load_scenario(scenario).channels.configured(), reps)
    if result.investment_file is not None:
        out.print(f"investment written: [bold]{escape(str(write_investment))}[/] "
                  f"(compare it: sim compare {escape(str(scenario))} {escape(str(write_investment))})")


@app.command()
def report(
    results: Path = typer.Argument(..., help="a results folder written by sim run / sim compare"),
    out_file: Optional[Path] = typer.Option(None, "--out", help="HTML file (default <results>/report.html)"),
    overwrite: bool = OVERWRITE_FILE,
) -> None:
    """Write the one-page HTML business case (charts embedded, no network needed)."""
    headless_charts()
    from sim.present.report import build_report

    out.print(f"report: [bold]{escape(str(build_report(results, out_file, overwrite)))}[/]")


@app.command()
def plot(results: Path = typer.Argument(..., help="a results folder written by sim run / sim compare"),
         overwrite: bool = typer.Option(False, "--overwrite", help="replace the charts already in <results>/charts/")) -> None:
    """Write every chart as PNG and SVG into <results>/charts/."""
    headless_charts()
    from sim.present.report import write_charts

    files = write_charts(results, overwrite)
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
def schema(out_file: Optional[Path] = typer.Option(None, "--out", help="write to this file instead of stdout"),
           overwrite: bool = OVERWRITE_FILE) -> None:
    """Print the JSON Schema of scenario files, complete or extends:-ing another (for editor completion and checks)."""
    from sim.run.folders import write_file
    from sim.scenario.schema import editor_schema

    text = json.dumps(editor_schema(), indent=2, ensure_ascii=False) + "\n"
    if out_file is None:
        sys.stdout.write(text)
    else:
        write_file(out_file, text.encode(), overwrite=overwrite)
        out.print(f"schema written to {escape(str(out_file))}")


app.command()(sweep_cmds.sweep)
app.command()(sweep_cmds.sensitivity)
app.command()(replay_cmds.replay)
app.command()(document_cmds.spreadsheet)
app.command()(document_cmds.diff)
