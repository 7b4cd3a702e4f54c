"""Scenario files that sim writes for the user (``sim calibrate``, ``sim staffing --write-investment``).

They are portable (``extends:`` relative to the written file, so the pair can move together), they
are validated *before* they replace anything, and they never overwrite an existing file without
``--overwrite`` nor one of the command's inputs (:func:`sim.run.folders.check_out_file`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from sim.run.folders import check_out_file
from sim.scenario import ScenarioError, load_scenario


def relative_extends(base: str | Path, out: str | Path) -> str:
    """``base`` as an ``extends:`` path relative to the folder of ``out`` (absolute only across drives)."""
    base_abs, folder = Path(base).resolve(), Path(out).resolve().parent
    try:
        return Path(os.path.relpath(base_abs, folder)).as_posix()
    except ValueError:  # Windows: another drive
        return base_abs.as_posix()


def write_scenario_file(text: str, out: str | Path, inputs: Iterable[str | Path], overwrite: bool,
                        explain: Callable[[ScenarioError], ScenarioError] | None = None) -> Path:
    """Write ``text`` to ``out`` only if it is a valid scenario there; on failure nothing is written.

    The text is checked as a hidden file beside ``out`` (so relative ``extends:`` resolve as they
    will), then renamed into place. ``explain`` turns the problems of the generated file into
    problems of the command's own inputs (the generated file is not the user's mistake).
    """
    out = check_out_file(out, inputs, overwrite)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        try:
            load_scenario(tmp)
        except ScenarioError as e:
            raise (explain(e) if explain else e) from None
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
