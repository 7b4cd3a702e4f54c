"""The command line as a user meets it: help for every option, --version, choices, 80 columns.

Oracles: click's own parameter records (every option and argument carries help text), the
package metadata (the version), and a terminal 80 columns wide (no line longer, nothing cut).
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
import typer
from rich.console import Console

from sim.appraisal.decision import decide
from sim.cli import main
from sim.cli.app import app
from sim.present.decision_text import print_decision
from tests.test_decision import tables


def commands():
    root = typer.main.get_command(app)
    yield "sim", root
    for name, cmd in root.commands.items():
        yield f"sim {name}", cmd


@pytest.mark.parametrize("name, cmd", list(commands()), ids=[n for n, _ in commands()])
def test_every_option_and_argument_has_help(name, cmd):
    missing = [p.name for p in cmd.params if p.name != "help" and not (getattr(p, "help", None) or "").strip()]
    assert not missing, f"{name}: {missing}"
    assert (cmd.help or "").strip(), f"{name} has no description"


def test_version(capsys):
    from importlib.metadata import version

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"sim {version('sim')}"


@pytest.mark.parametrize("argv, choices", [(["sweep", "x.yaml", "--design", "bogus"], "'grid', 'lhs', 'sobol', 'morris'"),
                                           (["replay", "x.csv", "--channel", "fax"], "'phone', 'chat'")])
def test_choices_are_enums_listed_on_a_wrong_value(argv, choices, capsys):
    assert main(argv) == 2
    err = re.sub(r"[│╭╮╰╯─]", " ", capsys.readouterr().err)  # the error box of the terminal
    assert choices in " ".join(err.split())


def test_the_ranked_options_are_readable_at_80_columns():
    names = {"knowledge_base": [-39_700.0, -41_400.0, -38_000.0], "outsourcing_evening_peak": [1_234_567.0, 9_876.0, -5_432.1],
             "crm": [100.0, 200.0, 300.0], "more_agents": [-90_400.0, -91_100.0, -89_600.0]}
    runs, monthly = tables(names, payback={k: [3.5, math.inf, 30.25] for k in names})
    console = Console(width=80, record=True)
    print_decision(console, decide(runs, monthly, 24, 0.10))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text  # nothing cut off
    for name in names:
        assert name in text  # option names are never folded
    assert "90 % CI" in text and "5–95 %" in text


def test_same_interval_labels_in_every_table():
    from sim.appraisal.option_stats import BAND_LABEL, CI_LABEL

    runs, monthly = tables({"a": [1.0, 2.0, 3.0]})
    d = decide(runs, monthly, 12, 0.1)
    assert d.labels == {"band": BAND_LABEL, "ci": CI_LABEL}
    assert CI_LABEL in d.verdict["sentence"] or d.keep
    pd.testing.assert_index_equal(d.options.columns[:3], pd.Index(["option", "rank", "is_baseline"]))
