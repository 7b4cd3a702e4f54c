"""``sim sweep`` and ``sim sensitivity``: thin commands over :mod:`sim.sweep`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sim.cli_options import QUIET, SEED, WORKERS
from sim.loader import Problem, ScenarioError

out = Console()


def sweep(
    scenario: Path = typer.Argument(..., help="scenario file, or the word 'status' followed by a sweep folder"),
    folder: Optional[Path] = typer.Argument(None, help="with 'status': the sweep folder"),
    param: list[str] = typer.Option([], "--param", help="path=low:high, e.g. customers.monthly_churn=0.01:0.03 (repeat)"),
    design: str = typer.Option("lhs", "--design", help="grid | lhs | sobol | morris"),
    n: int = typer.Option(16, "--n", min=1, help="grid levels / LHS points / Sobol and Morris base size"),
    reps: int = typer.Option(1, "--reps", min=1),
    seed: Optional[int] = SEED,
    workers: Optional[int] = WORKERS,
    out_dir: Optional[Path] = typer.Option(None, "--out", help="sweep folder (default results/sweep-<scenario>)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="print the number of runs and stop"),
    quiet: bool = QUIET,
) -> None:
    """Run a parameter sweep (resumable: re-run the same command to finish it); `sim sweep status DIR`."""
    from sim.sweep import sweep as run_sweep
    from sim.sweep import sweep_status
    from sim.sweep.design import parse_params
    from sim.sweep.models import BusinessCaseModel
    from sim.sweep.runner import default_workers

    if str(scenario) == "status":
        if folder is None:
            raise ScenarioError([Problem("sweep status", 0, "", "give the sweep folder: sim sweep status DIR")])
        st = sweep_status(folder)
        out.print(f"{escape(str(folder))}: {st['status']}, {st['done']:,} of {st['runs']:,} runs done, "
                  f"{st['failures']} failed ({st['design']} design)")
        return
    model = BusinessCaseModel(scenario)
    params = parse_params(param)
    root = seed if seed is not None else model.scenario.seed
    target = out_dir or Path("results") / f"sweep-{scenario.stem}"
    if dry_run:
        info = run_sweep(model, params, design, n, reps, root, target, dry_run=True)
        out.print(f"{info['runs']:,} runs ({info['done']:,} already done in {escape(str(target))})")
        return
    from sim.cli import _progress

    with _progress(quiet) as (on_start, on_done):
        table = run_sweep(model, params, design, n, reps, root, target, workers or default_workers(),
                          on_start=on_start, on_done=lambda k: [on_done(None) for _ in range(k)])
    out.print(f"{len(table):,} runs in [bold]{escape(str(target))}[/] (sweep.parquet, failures.parquet, manifest.json)")


def sensitivity(
    folder: Path = typer.Argument(..., help="a sweep folder"),
    outcome: str = typer.Option("npv_usd", "--outcome", help="npv_usd, payback_months, monthly_churn, …"),
) -> None:
    """Sobol (S1, ST with CIs) or Morris indices of a sweep, and a tornado table."""
    from sim.sweep.sensitivity import indices, load_sweep, tornado_table

    manifest, table, params = load_sweep(folder)
    t = Table(title=f"Sensitivity of {outcome} ({manifest['design']} design, {len(table):,} runs)")
    if manifest["design"] in ("sobol", "morris"):
        idx = indices(manifest, table, params, outcome)
        for c in idx.columns:
            t.add_column(c, justify="left" if c == "parameter" else "right")
        for row in idx.itertuples(index=False):
            t.add_row(*[escape(str(v)) if isinstance(v, str) else f"{v:.3f}" for v in row])
        out.print(t)
    tor = tornado_table(table, params, outcome)
    out.print(tor.to_string(index=False))
