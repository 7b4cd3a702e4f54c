"""Docs stay true: every scenario setting is named in the README, every monthly metric in docs/kpis.md."""

from __future__ import annotations

import typing

from pydantic import BaseModel

from sim.scenario import LEVER_TYPES, Scenario
from tests.helpers import ROOT


def settings(model: type[BaseModel]) -> set[str]:
    names = set()
    for name, field in model.model_fields.items():
        names.add(name)
        for arg in [field.annotation, *typing.get_args(field.annotation)]:
            for inner in [arg, *typing.get_args(arg)]:
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    names |= settings(inner)
    return names


def test_every_setting_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    names = settings(Scenario) | set().union(*(settings(t) for t in LEVER_TYPES.values()))
    missing = sorted(n for n in names if f"`{n}`" not in readme and f".{n}`" not in readme and f".{n}," not in readme and f"`{n}." not in readme)
    assert not missing, f"settings missing from README.md: {missing}"


def test_every_monthly_metric_is_defined(small_world):
    from sim.run.month_loop import run_arm
    from sim.scenario import load_scenario

    kpis = (ROOT / "docs" / "kpis.md").read_text()
    run = run_arm(load_scenario(small_world), None, 0, 1)
    for metric in run.monthly:
        base = metric.split("@")[0]
        if "@" in metric:
            base = f"{base}@{metric.split('@')[1].split('=')[0]}="
        generic = base.rsplit("_", 1)[0] + "_" if base.endswith(("_phone", "_chat")) else base
        assert base in kpis or generic in kpis or base.rsplit("_", 1)[0] in kpis, f"{metric} is not in docs/kpis.md"
