"""The command line: a typer app of thin commands, each calling one library function.

:mod:`~sim.cli.app` holds the commands (:mod:`~sim.cli.sweep` the sweep and sensitivity ones),
:mod:`~sim.cli.options` the options they share, :mod:`~sim.cli.console` the terminal helpers, and
:mod:`~sim.cli.main` the entry point that maps errors to exit codes.
"""

import os

# sim uses cores through worker processes (replications, sweep runs), never through BLAS threads:
# one BLAS thread per process avoids oversubscribing the cores, and the idle BLAS threads that
# numpy and scipy start at import cost ~0.2 s of CPU per process. Set before numpy is imported;
# a value the user has set wins.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from sim.cli.main import main  # noqa: E402

__all__ = ["main"]
