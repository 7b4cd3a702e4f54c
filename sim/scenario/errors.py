"""Problems in scenario files and settings, each with the file, the line and the setting path.

Every bad input the program meets ends as a :class:`ScenarioError` listing its problems; the
command line prints them one per line and exits with code 2.
"""

from __future__ import annotations

from dataclasses import dataclass

Loc = tuple  # path of keys / list indices into the scenario data


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ScenarioError(Exception):
    """One or more problems in scenario files; ``str()`` lists them one per line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


def dotted(path: Loc) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
