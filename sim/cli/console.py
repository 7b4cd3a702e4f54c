"""What every command shares on the terminal: the two consoles, the progress bar, warnings, charts
written as files.

Results go to stdout (``out``); progress, warnings and errors to stderr (``err``), so output can
be piped.
"""

from __future__ import annotations

from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

out = Console(emoji=False)  # ":100:" in "file:100: setting" is not an emoji
err = Console(stderr=True, emoji=False)


@contextmanager
def progress(quiet: bool):
    """A rich progress bar with ETA on stderr; yields the (on_start, on_done) callbacks."""
    progress = Progress(TextColumn("[bold]simulating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TextColumn("eta"), TimeRemainingColumn(), console=err, disable=quiet, transient=True)
    task = None

    def on_start(n: int) -> None:
        nonlocal task
        task = progress.add_task("runs", total=n)

    with progress:
        yield on_start, lambda _: progress.advance(task)


def print_unstable(result) -> None:
    unstable = int(result.tables.runs["unstable_months"].sum())
    if unstable:
        err.print(f"[yellow]warning:[/] {unstable} simulated months ended with contacts still queued 2 days after "
                  "month end (demand above capacity): see unserved_at_close in monthly.parquet")


def headless_charts() -> None:
    """Charts from the command line are files: never open a window."""
    import matplotlib

    matplotlib.use("Agg")
