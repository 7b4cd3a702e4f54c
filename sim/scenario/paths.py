"""Setting paths: ``investment.levers[0].churn_reduction`` names one numeric setting of a scenario.

Sweeps, break-even analysis and the sweep block use them to vary one setting: the copy is
validated again, so a value the scenario would refuse is refused here with the path named.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ValidationError

from sim.scenario.errors import Problem, ScenarioError, dotted

PATH_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")
PATH = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[\d+\])*")


def parse_path(path: str) -> tuple:
    """``investment.levers[0].churn_reduction`` -> ("investment", "levers", 0, "churn_reduction")."""
    if not PATH.fullmatch(path):
        raise ScenarioError([Problem("--param", 0, path, "not a setting path like investment.levers[0].churn_reduction")])
    return tuple(m.group(1) if m.group(1) else int(m.group(2)) for m in PATH_PART.finditer(path))


def with_value(sc: BaseModel, path: tuple, value: float, source: str) -> BaseModel:
    """A validated copy of the scenario ``sc`` with the setting at ``path`` set to ``value``."""
    return with_values(sc, {path: value}, source)


def with_values(sc: BaseModel, values: dict[tuple, float], source: str) -> BaseModel:
    """A validated copy of ``sc`` (a scenario or an investment) with several settings replaced.

    A setting given a value here is no longer uncertain: its entry in the ``uncertain`` block
    (if any) is dropped, so a sweep or a drawn replication uses exactly this value.

    Raises:
        ScenarioError: a path that names no numeric setting, or a value the model refuses.
    """
    data = sc.model_dump(mode="json")
    for path, value in values.items():
        _set(data, path, value, source)
        data.get("uncertain", {}).pop(dotted(path), None)
        if path[0] == "investment" and isinstance(data.get("investment"), dict):
            data["investment"].get("uncertain", {}).pop(dotted(path[1:]), None)
    try:
        return type(sc).model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        path = next(iter(values)) if len(values) == 1 else tuple(first["loc"])
        shown = f"{values[path]:g} is not allowed" if path in values else "not allowed"
        raise ScenarioError([Problem(source, 0, dotted(path), f"{shown}: {first['msg']}")]) from None


def _set(data: dict, path: tuple, value: float, source: str) -> None:
    node = data
    for i, part in enumerate(path[:-1]):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            raise ScenarioError([Problem(source, 0, dotted(path[: i + 1]), "no such setting in this scenario")]) from None
    last = path[-1]
    fits = (isinstance(node, dict) and last in node) or (isinstance(node, list) and isinstance(last, int) and 0 <= last < len(node))
    if not fits:
        raise ScenarioError([Problem(source, 0, dotted(path), "no such setting in this scenario")])
    if not isinstance(node[last], (int, float)) or isinstance(node[last], bool):
        raise ScenarioError([Problem(source, 0, dotted(path), f"is {node[last]!r}, not a number: only numeric settings can vary")])
    if isinstance(node[last], int):
        value = round(value)  # a count (agents, customers…) swept over a range takes whole values
    node[last] = value
