"""The ``sim`` console script: run the typer app, turn every bad input into exit code 2.

``main(argv)`` returns the exit code instead of exiting, so tests run it in-process.
Exit codes: 0 ok, 1 internal error, 2 bad input (scenario file, option, results folder), 130 interrupted.
"""

from __future__ import annotations

import logging
import os
import signal
import sys

from rich.markup import escape

from sim.cli.app import app
from sim.cli.console import err, print_warnings
from sim.scenario import ScenarioError


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``sim`` console script; returns the exit code."""
    logging.basicConfig(level=os.environ.get("SIM_LOG", "WARNING"), format="%(levelname)s %(name)s: %(message)s")
    previous = signal.signal(signal.SIGTERM, _terminate) if _main_thread() else None
    print_warnings()
    try:
        app(args=argv, prog_name="sim")  # standalone: option errors print usage and exit 2
        return 0
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except ScenarioError as e:
        for p in e.problems:
            err.print(f"[red]error:[/] {escape(str(p))}", highlight=False, soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        err.print("interrupted: the results folder's manifest says status 'failed'")
        return 130
    except Exception as e:  # an internal error: short message, traceback on request
        if os.environ.get("SIM_DEBUG"):
            raise
        err.print(f"[red]internal error:[/] {escape(f'{type(e).__name__}: {e}')}\n(set SIM_DEBUG=1 to see the traceback)")
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _terminate(signum, frame) -> None:
    """SIGTERM behaves like Ctrl-C, so a killed run still marks its manifest as failed."""
    raise KeyboardInterrupt


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


if __name__ == "__main__":
    sys.exit(main())
