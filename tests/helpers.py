"""Helpers shared by tests."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
