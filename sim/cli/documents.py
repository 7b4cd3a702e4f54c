"""``sim spreadsheet`` and ``sim diff``: thin commands over :mod:`sim.present.spreadsheet` and :mod:`sim.scenario.diff`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from sim.cli.console import headless_charts, out
from sim.cli.options import OVERWRITE_FILE


def spreadsheet(
    results: Path = typer.Argument(..., help="a results folder written by sim run / sim compare"),
    out_file: Optional[Path] = typer.Option(None, "--out", help="Excel file to write (default <results>/business_case.xlsx)"),
    overwrite: bool = OVERWRITE_FILE,
) -> None:
    """Write the business case as an Excel workbook: ranked options, TEI by year, monthly cash flows, assumptions."""
    headless_charts()
    from sim.present.spreadsheet import write_spreadsheet

    out.print(f"spreadsheet: [bold]{escape(str(write_spreadsheet(results, out_file, overwrite)))}[/]")


def _show(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


def diff(
    a: Path = typer.Argument(..., help="first scenario file"),
    b: Path = typer.Argument(..., help="second scenario file"),
) -> None:
    """What differs between two scenario files, each merged with the files it extends and its defaults."""
    from sim.scenario.diff import diff_scenarios

    diffs, same_world = diff_scenarios(a, b)
    if not diffs:
        out.print(f"{escape(str(a))} and {escape(str(b))} describe the same scenario (after extends: and defaults)")
        return
    t = Table(title=f"{len(diffs)} settings differ (merged view: extends: and defaults applied)", title_justify="left",
              expand=True)
    t.add_column("setting", overflow="fold", ratio=3)
    t.add_column(escape(str(a)), overflow="fold", ratio=2)
    t.add_column(escape(str(b)), overflow="fold", ratio=2)
    for d in diffs:
        t.add_row(escape(d.path), escape(_show(d.a)), escape(_show(d.b)))
    out.print(t)
    out.print("same world: they can be compared in one run" if same_world else
              "different worlds: sim run / sim compare will not pair them (only the investment may differ)")
