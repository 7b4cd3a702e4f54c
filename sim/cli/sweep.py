"""``sim sweep`` and ``sim sensitivity``: thin commands over :mod:`sim.sweep`."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from sim.cli.console import err, out, progress
from sim.cli.options import MAX_REPLICATIONS, QUIET, SCHEDULER, SEED, WORKERS, finite
from sim.scenario import Problem, ScenarioError


class Design(str, Enum):
    """Designs of experiments (``sim.sweep.design.DESIGNS``)."""

    grid = "grid"
    lhs = "lhs"
    sobol = "sobol"
    morris = "morris"


def sweep(
    scenario: Path = typer.Argument(..., help="scenario file, or the word 'status' followed by a sweep folder"),
    folder: Optional[Path] = typer.Argument(None, help="with 'status': the sweep folder"),
    param: list[str] = typer.Option([], "--param", help="path=low:high, e.g. customers.monthly_churn=0.01:0.03 (repeat); "
                                    "default: the scenario's sweep.params"),
    design: Optional[Design] = typer.Option(None, "--design", case_sensitive=False,
                                            help="design of experiments (default: sweep.design, else lhs)"),
    n: Optional[int] = typer.Option(None, "--n", min=1, max=1_000_000, help="grid levels / LHS points / Sobol and Morris base size (default 16)"),
    reps: Optional[int] = typer.Option(None, "--reps", min=1, max=MAX_REPLICATIONS,
                                       help="replications per point (default: sweep.replications, else 1)"),
    seed: Optional[int] = SEED,
    workers: Optional[int] = WORKERS,
    scheduler: Optional[str] = SCHEDULER,
    timeout: Optional[float] = typer.Option(None, "--timeout", min=0.1, max=1e6, callback=finite,
                                            help="time limit of one run in seconds (stopped, retried once)"),
    out_dir: Optional[Path] = typer.Option(None, "--out", help="sweep folder (default results/sweep-<scenario>)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="print the number of runs and an estimate of the time, and stop"),
    overwrite: bool = typer.Option(False, "--overwrite", help="start afresh in a sweep folder sim wrote (only its own files are deleted)"),
    quiet: bool = QUIET,
) -> None:
    """Run a parameter sweep (resumable: re-run the same command to finish it); `sim sweep status DIR`."""
    from sim.sweep import sweep as run_sweep
    from sim.sweep import sweep_status
    from sim.sweep.design import Param, parse_params
    from sim.sweep.models import BusinessCaseModel
    from sim.sweep.runner import default_workers

    if str(scenario) == "status":
        if folder is None:
            raise ScenarioError([Problem("sweep status", 0, "", "give the sweep folder: sim sweep status DIR")])
        if param or design or n or reps or seed is not None or out_dir or dry_run or overwrite or timeout or scheduler:
            raise ScenarioError([Problem("sweep status", 0, "", "takes only the sweep folder (sim sweep status DIR)")])
        st = sweep_status(folder)
        out.print(f"{escape(str(folder))}: {st['status']}, {st['done']:,} of {st['runs']:,} runs done, "
                  f"{st['failures']} failed ({st['design']} design)")
        return
    if folder is not None:
        raise ScenarioError([Problem(str(folder), 0, "", "unexpected argument: sim sweep takes one scenario file "
                                     "(or: sim sweep status DIR)")])
    model = BusinessCaseModel(scenario)
    block = model.scenario.sweep
    if not param and block is not None:  # already checked when the file was loaded
        params = [Param(path, low, high) for path, (low, high) in block.params.items()]
    else:
        params = parse_params(param)
    design = design.value if design is not None else (block.design if block else "lhs")
    n = n or (block.n if block else 16)
    reps = reps or (block.replications if block else 1)
    timeout = timeout or (block.timeout_s if block else None)
    root = seed if seed is not None else model.scenario.seed
    target = out_dir or Path("results") / f"sweep-{scenario.stem}"
    if dry_run:
        info = run_sweep(model, params, design, n, reps, root, target, workers or default_workers(), dry_run=True, overwrite=overwrite)
        out.print(f"{info['runs']:,} runs ({info['points']:,} points × {reps} replications; {info['done']:,} already done in "
                  f"{escape(str(target))}); ≈ {info['seconds_per_run']:.2g} s per run ({info['estimate_source']}) → "
                  f"about {_duration(info['estimate_s'])} on {info['workers']} workers if they scale perfectly")
        return

    with progress(quiet) as (on_start, on_done):
        table = run_sweep(model, params, design, n, reps, root, target, workers or default_workers(),
                          on_start=on_start, on_done=lambda k: [on_done(None) for _ in range(k)], scheduler=scheduler, timeout_s=timeout,
                          overwrite=overwrite)
    out.print(f"{len(table):,} runs in [bold]{escape(str(target))}[/] (sweep.parquet, failures.parquet, manifest.json)")
    failed = json.loads((target / "manifest.json").read_text())["failures"]
    if failed:

        err.print(f"[yellow]warning:[/] {failed} runs failed twice and are recorded in {escape(str(target / 'failures.parquet'))} "
                  "(error and traceback per run)")


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


def sensitivity(
    folder: Path = typer.Argument(..., help="a sweep folder"),
    outcome: str = typer.Option("npv_usd", "--outcome", help="npv_usd, payback_months, monthly_churn, …"),
    discover: Optional[str] = typer.Option(None, "--discover", help="scenario discovery for a condition, e.g. 'payback_months<=12'"),
    threshold: float = typer.Option(0.8, "--threshold", min=0.05, max=1.0, callback=finite,
                                    help="PRIM: least share of cases inside the box"),
) -> None:
    """Sobol (S1, ST with CIs) or Morris indices of a sweep, a tornado table, and scenario discovery (PRIM)."""
    from sim.sweep.discovery import cases
    from sim.sweep.sensitivity import check_outcome, indices, load_sweep, tornado_table

    manifest, table, params = load_sweep(folder)
    check_outcome(table, outcome)  # every option is checked before anything is computed
    if discover:
        cases(table, discover)
    t = Table(title=f"Sensitivity of {outcome} ({manifest['design']} design, {len(table):,} runs)")
    if manifest["design"] in ("sobol", "morris"):
        idx = indices(manifest, table, params, outcome)
        for c in idx.columns:
            t.add_column(c, justify="left" if c == "parameter" else "right")
        for row in idx.itertuples(index=False):
            t.add_row(*[escape(str(v)) if isinstance(v, str) else f"{v:.3f}" for v in row])
        out.print(t)
    tor = tornado_table(table, params, outcome)
    out.print(f"Tornado: mean {outcome} with each input in the lowest vs highest quarter of its range")
    out.print(escape(tor.to_string(index=False, float_format=lambda v: f"{v:,.4g}")))
    if discover:
        _print_discovery(folder, discover, threshold)


def _print_discovery(folder: Path, condition: str, threshold: float) -> None:
    from sim.sweep.discovery import discover

    d = discover(folder, condition, threshold)
    out.print(f"\n[bold]{escape(condition)}[/] holds in {d.share:.0%} of runs. Share meeting it by quarter of each input's range:")
    out.print(escape(d.by_quarter.to_string(index=False, float_format=lambda v: f"{v:.0%}")))
    if d.box is not None:
        out.print(f"PRIM box (coverage {d.coverage:.0%} of the cases, density {d.density:.0%} inside the box):")
        out.print(escape(d.box.to_string(index=False)) if len(d.box) else "  no input needs restricting")
    if d.note:
        out.print(f"[yellow]{escape(d.note)}[/]")
