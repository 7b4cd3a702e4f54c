"""Command-line options shared by several ``sim`` commands."""

from __future__ import annotations

import typer

# Options shared by the commands that simulate.
REPS = typer.Option(None, "--reps", min=1, help="replications (default: the file's)")
SEED = typer.Option(None, "--seed", min=0, help="root seed (default: the file's)")
OUT_DIR = typer.Option(None, "--out", help="results folder (default results/<run_id>)")
WORKERS = typer.Option(None, "--workers", min=1, help="worker processes (default: CPUs)")
OVERWRITE = typer.Option(False, "--overwrite", help="replace an existing results folder")
QUIET = typer.Option(False, "--quiet", help="no progress bar")
