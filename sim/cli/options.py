"""Command-line options shared by several ``sim`` commands.

Every number has bounds and must be finite (``nan`` and ``inf`` are refused with exit code 2),
so no command starts work on a value it would fail on later.
"""

from __future__ import annotations

import math

import typer

MAX_REPLICATIONS = 100_000
MAX_SEED = 2**63 - 1
MAX_WORKERS = 1_024


def finite(value: float | None) -> float | None:
    """Option callback: refuse ``nan`` and ``inf`` (click's min/max let NaN through)."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter("must be a finite number")
    return value


# Options shared by the commands that simulate.


def _replications(value: str | None) -> int | str | None:
    """``--reps N`` (a whole number >= 1) or ``--reps auto`` (add replications until the choice is settled)."""
    if value is None or value == "auto":
        return value
    try:
        n = int(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is neither a whole number nor 'auto'") from None
    if not 1 <= n <= MAX_REPLICATIONS:
        raise typer.BadParameter(f"{n} is outside 1..{MAX_REPLICATIONS:,}")
    return n


def _scheduler(value: str | None) -> str | None:
    """``--scheduler``: checked before anything runs (a malformed or unreachable address: exit code 2)."""
    if value is None or not value.strip():
        return None
    from sim.run.executors import check_scheduler

    return check_scheduler(value)


REPS = typer.Option(None, "--reps", callback=_replications, metavar="N|auto",
                    help="replications (default: the file's); 'auto' adds them until the best option is clear "
                         "(20 to 200, paired-difference rule)")
SEED = typer.Option(None, "--seed", min=0, max=MAX_SEED, help="root seed (default: the file's)")
OUT_DIR = typer.Option(None, "--out", help="results folder (default results/<run_id>)")
WORKERS = typer.Option(None, "--workers", min=1, max=MAX_WORKERS,
                       help="worker processes (default: CPUs); with --scheduler local, the LocalCluster's workers")
SCHEDULER = typer.Option(None, "--scheduler", envvar="DASK_SCHEDULER_ADDRESS", callback=_scheduler, metavar="ADDRESS|local",
                         help="run on Dask: a scheduler address (tcp://host:8786), or 'local' for a LocalCluster on this "
                              "machine; same results as without it; needs Dask (pip install distributed)")
OVERWRITE = typer.Option(False, "--overwrite", help="replace a results folder sim wrote (only its own files are deleted)")
OVERWRITE_FILE = typer.Option(False, "--overwrite", help="replace an existing output file (never one of the command's inputs)")
QUIET = typer.Option(False, "--quiet", help="no progress bar")
