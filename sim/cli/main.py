"""The ``sim`` console script: run the typer app, turn every bad input into exit code 2.

``main(argv)`` returns the exit code instead of exiting, so tests run it in-process.
Exit codes: 0 ok, 1 internal error or a run that failed on every attempt, 2 bad input (scenario file, option, output path, results folder,
contact log; or a file the system refused to write), 130 interrupted (Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import errno
import logging
import os
import signal
import sys

from rich.markup import escape

from sim.cli.app import app
from sim.cli.console import err, print_warnings
from sim.run.executors import RunFailed
from sim.run.folders import Interrupted
from sim.scenario import ScenarioError

#: errors of the file system that a user can fix (a path, a permission, a full disk): exit code 2
USER_ERRNOS = {errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EROFS, errno.ENOENT, errno.ENOTDIR, errno.EISDIR,
               errno.EEXIST, errno.ENAMETOOLONG, errno.ELOOP, errno.EDQUOT, errno.EFBIG}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``sim`` console script; returns the exit code."""
    logging.basicConfig(level=os.environ.get("SIM_LOG", "WARNING"), format="%(levelname)s %(name)s: %(message)s")
    previous = signal.signal(signal.SIGTERM, _terminate) if _main_thread() else None
    print_warnings()
    try:
        app(args=argv, prog_name="sim")  # standalone: option errors print usage and exit 2
        return 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if code == 130:  # typer turned a Ctrl-C outside the long-running parts into exit code 130
            err.print("interrupted: stopped; nothing was left half-written")
        return code
    except ScenarioError as e:
        for p in e.problems:
            err.print(f"[red]error:[/] {escape(str(p))}", highlight=False, soft_wrap=True)
        return 2
    except Interrupted as e:
        err.print(f"interrupted: {escape(str(e))}", highlight=False, soft_wrap=True)
        return 130
    except RunFailed as e:  # a worker died on every attempt: which run, and what to try
        err.print(f"[red]error:[/] {escape(str(e))}", highlight=False, soft_wrap=True)
        return 1
    except KeyboardInterrupt:
        err.print("interrupted: stopped; nothing was left half-written")
        return 130
    except Exception as e:  # an internal error: short message, traceback on request
        if os.environ.get("SIM_DEBUG"):
            raise
        if isinstance(e, OSError) and e.errno in USER_ERRNOS:
            where = f"{e.filename}: " if e.filename else ""
            err.print(f"[red]error:[/] {escape(where + (e.strerror or str(e)))}", highlight=False, soft_wrap=True)
            return 2
        err.print(f"[red]internal error:[/] {escape(f'{type(e).__name__}: {e}')}\n(set SIM_DEBUG=1 to see the traceback)")
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _terminate(signum, frame) -> None:
    """SIGTERM behaves like Ctrl-C: workers are stopped, the manifest says 'interrupted', the message is printed."""
    raise KeyboardInterrupt


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


if __name__ == "__main__":
    sys.exit(main())
