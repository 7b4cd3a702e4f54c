"""Property (hypothesis): a mutated shipped scenario either fails validation clearly or runs to finite results.

Each example takes a shipped scenario (merged, every default written out, shrunk to a small world
of a few months), changes one thing — a value's type, sign or magnitude, NaN or infinity, a deleted
key or list item, an unknown key, a list one item longer or shorter — and writes it as YAML.
Oracle: ``sim validate`` exits 2 and every message reads ``file:line: setting: …``, or it exits 0
and one replication of every arm runs to finite money, customers and KPIs (no ±inf anywhere; NaN
only where a KPI is undefined). ``SIM_MUTANTS=2000`` runs a longer search.
"""

from __future__ import annotations

import copy
import math
import os
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.appraisal.jobs import run_scenarios
from sim.cli import main
from sim.scenario import load_scenario
from tests.helpers import SCENARIOS

EXAMPLES = int(os.environ.get("SIM_MUTANTS", "40"))
MULTIPLIERS = (0, 1e-300, 1e-6, 0.5, 2, 10, 1e6, 1e300, -1)
ODD_VALUES = ("text", True, False, None, [1, 2], {"a": 1}, float("nan"), float("inf"), float("-inf"), 10**30)


def shrink(data: dict) -> dict:
    """A small, fast world with the same structure: 1,500 customers, as few months as the levers need."""
    d = copy.deepcopy(data)
    d.pop("extends", None)
    d.pop("sweep", None)
    levers = (d.get("investment") or {}).get("levers", [])
    months = [m for lv in levers for m in (lv.get("start_month"), lv.get("end_month")) if isinstance(m, int)]
    d.update(horizon_months=max([1, *months]), replications=1)
    c = d["customers"]
    c["initial"] = 1_500
    c["acquisition_per_month"] = 0 if (d.get("market") or {}).get("size") else 30
    return d


def bases() -> list[tuple[str, dict]]:
    out = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        out.append((path.stem, shrink(load_scenario(path).model_dump(mode="json"))))
    finite = copy.deepcopy(dict(out)["baseline"])
    finite["market"] = {"size": 5_000, "marketing_p_per_month": 0.01, "network": "random", "mean_degree": 10.0}
    out.append(("finite_market", shrink(finite)))
    return out


BASES = bases()


def places(node, path=()) -> list[tuple]:
    """Every path into the data: mappings, lists and the values in them."""
    out = [path] if path else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += places(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += places(v, path + (i,))
    return out


def get(node, path):
    for p in path:
        node = node[p]
    return node


@st.composite
def mutants(draw) -> tuple[str, dict, str]:
    name, base = draw(st.sampled_from(BASES))
    data = copy.deepcopy(base)
    path = draw(st.sampled_from(places(data)))
    parent, key, value = get(data, path[:-1]), path[-1], get(data, path)
    op = draw(st.sampled_from(("type", "sign", "magnitude", "delete", "unknown", "length")))
    if op == "type":
        parent[key] = draw(st.sampled_from(ODD_VALUES))
    elif op == "sign" and isinstance(value, (int, float)) and not isinstance(value, bool):
        parent[key] = -value if value else -1
    elif op == "magnitude" and isinstance(value, (int, float)) and not isinstance(value, bool):
        x = value * draw(st.sampled_from(MULTIPLIERS)) if value else draw(st.sampled_from(MULTIPLIERS))
        parent[key] = int(x) if isinstance(value, int) and math.isfinite(x) and abs(x) < 1e18 and x == int(x) else x
    elif op == "unknown" and isinstance(value, dict):
        value["bogus_setting"] = 1
    elif op == "length" and isinstance(value, list) and value:
        value.append(copy.deepcopy(value[-1])) if draw(st.booleans()) else value.pop()
    else:  # delete (and any op that does not apply to this value)
        del parent[key]
        op = "delete"
    return name, data, f"{op} {'.'.join(map(str, path))}"


def finite_results(path: Path, out: Path) -> None:
    run = run_scenarios([path], replications=1, out=out, workers=1)
    runs, monthly = run.tables.runs, run.tables.monthly
    for col in ("active_customers_end", "churned_total", "acquired_total", "gross_margin_usd_total", "service_cost_usd_total",
                "investment_cost_usd_total"):
        assert np.isfinite(runs[col]).all(), col
    alts = runs[runs["arm"] != "baseline"]
    if len(alts):
        assert np.isfinite(alts["npv_usd"]).all()
        assert (~np.isnan(alts["payback_months"])).all()  # a month, or inf = never
    assert not np.isinf(monthly["value"]).any(), monthly[np.isinf(monthly["value"])].head()
    money = monthly[monthly["metric"].isin(["revenue_usd", "gross_margin_usd", "service_cost_usd", "active_customers"])]
    assert np.isfinite(money["value"]).all()


@settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 40,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(mutant=mutants())
def test_a_mutant_fails_validation_clearly_or_runs_to_finite_results(mutant, tmp_path_factory, capsys):
    name, data, what = mutant
    d = tmp_path_factory.mktemp("mutant")
    path = d / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    code = main(["validate", str(path)])
    err = capsys.readouterr().err
    if code == 2:
        lines = [ln for ln in err.splitlines() if ln.strip()]
        assert lines and all(re.match(rf"error: {re.escape(str(path))}:[1-9]\d*: \S+: ", ln) for ln in lines), (what, err)
        return
    assert code == 0, (what, err)
    finite_results(path, d / "out")


@pytest.mark.parametrize("name", [n for n, _ in BASES])
def test_every_shrunk_base_is_valid(name, tmp_path):
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(dict(BASES)[name], sort_keys=False))
    load_scenario(path)
