"""Command-line options shared by several ``sim`` commands."""

from __future__ import annotations

import typer

# Options shared by the commands that simulate.


def _replications(value: str | None) -> int | str | None:
    """``--reps N`` (a whole number >= 1) or ``--reps auto`` (add replications until the choice is settled)."""
    if value is None or value == "auto":
        return value
    try:
        n = int(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is neither a whole number nor 'auto'") from None
    if n < 1:
        raise typer.BadParameter(f"{n} is below 1")
    return n


REPS = typer.Option(None, "--reps", callback=_replications, metavar="N|auto",
                    help="replications (default: the file's); 'auto' adds them until the best option is clear "
                         "(20 to 200, paired-difference rule)")
SEED = typer.Option(None, "--seed", min=0, help="root seed (default: the file's)")
OUT_DIR = typer.Option(None, "--out", help="results folder (default results/<run_id>)")
WORKERS = typer.Option(None, "--workers", min=1, help="worker processes (default: CPUs)")
OVERWRITE = typer.Option(False, "--overwrite", help="replace an existing results folder")
QUIET = typer.Option(False, "--quiet", help="no progress bar")
