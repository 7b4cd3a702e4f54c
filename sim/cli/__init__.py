"""The command line: a typer app of thin commands, each calling one library function.

:mod:`~sim.cli.app` holds the commands (:mod:`~sim.cli.sweep` the sweep and sensitivity ones),
:mod:`~sim.cli.options` the options they share, :mod:`~sim.cli.console` the terminal helpers, and
:mod:`~sim.cli.main` the entry point that maps errors to exit codes.
"""

from sim.cli.main import main

__all__ = ["main"]
