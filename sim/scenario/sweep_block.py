"""The optional ``sweep:`` block of a scenario file: the parameter sweep researchers run on it."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field

from sim.scenario.centre import _Frozen
from sim.scenario.errors import ScenarioError
from sim.scenario.paths import parse_path, with_value


class SweepConfig(_Frozen):
    """Defaults for ``sim sweep`` on this file; command-line options override them."""

    design: Literal["grid", "lhs", "sobol", "morris"] = "lhs"
    n: int = Field(16, ge=1, le=1_000_000, description="grid levels / LHS points / Sobol and Morris base size")
    replications: int = Field(1, ge=1, le=10_000)
    timeout_s: Optional[float] = Field(None, gt=0, le=1e6, description="time limit of one run (stopped, retried once, then recorded)")
    params: dict[str, tuple[float, float]] = Field(min_length=1, description="setting path -> [low, high]")


def sweep_issues(scenario) -> list[tuple[tuple, str]]:
    """Each parameter must name a numeric setting of this scenario and a range the scenario accepts."""
    issues: list[tuple[tuple, str]] = []
    if scenario.sweep is None:
        return issues
    base = scenario.model_copy(update={"sweep": None})
    for path, (low, high) in scenario.sweep.params.items():
        where = ("sweep", "params", path)
        if not low < high:
            issues.append((where, f"low ({low:g}) must be below high ({high:g})"))
            continue
        try:
            for value in (low, high):
                with_value(base, parse_path(path), value, "sweep")
        except ScenarioError as e:
            issues.append((where, "; ".join(p.message for p in e.problems)))
    return issues
