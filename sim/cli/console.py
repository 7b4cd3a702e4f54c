"""What every command shares on the terminal: the two consoles, the progress bar, warnings, charts
written as files.

Results go to stdout (``out``); progress, warnings and errors to stderr (``err``), so output can
be piped.
"""

from __future__ import annotations

from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
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
    """Warn when simulated months ended with live contacts unserved (demand above capacity)."""
    from sim.present.text import instability_text

    text = instability_text(result.tables.runs)
    if text:
        err.print(f"[yellow]warning:[/] {escape(text)}")


def headless_charts() -> None:
    """Charts from the command line are files: never open a window."""
    import matplotlib

    matplotlib.use("Agg")


def print_warnings() -> None:
    """Show library warnings meant for the user (a shadowed setting…) as one yellow line on stderr."""
    import warnings

    from sim.scenario.shadowing import ShadowedSetting

    previous = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, ShadowedSetting):
            err.print(f"[yellow]warning:[/] {escape(str(message))}")
        else:
            previous(message, category, filename, lineno, file, line)

    warnings.showwarning = show
