"""The JSON Schema of scenario files (``sim schema``) against every shipped file, with ``jsonschema``.

Oracles: the jsonschema library's Draft 2020-12 validator (the standard editors use), the shipped
scenarios (which the loader accepts, so the schema must too) and small files the loader refuses.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from sim.cli import main
from sim.scenario.schema import editor_schema
from tests.helpers import ROOT, SCENARIOS, write

SHIPPED = sorted(SCENARIOS.glob("*.yaml"))
SCHEMA_FILE = ROOT / "docs" / "scenario.schema.json"
LINE = "# yaml-language-server: $schema=../docs/scenario.schema.json"


@pytest.fixture(scope="module")
def validator():
    schema = editor_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_shipped_scenario_validates(validator, path):
    errors = [f"{list(e.path)}: {e.message[:200]}" for e in validator.iter_errors(yaml.safe_load(path.read_text()))]
    assert not errors, errors


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_files_name_the_schema_for_editors(path):
    first = path.read_text().splitlines()[0]
    assert first == LINE
    assert (path.parent / first.split("$schema=")[1]).resolve() == SCHEMA_FILE.resolve()


def test_the_committed_schema_is_the_generated_one(capsys):
    assert json.loads(SCHEMA_FILE.read_text()) == editor_schema(), "run: sim schema --out docs/scenario.schema.json"
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == editor_schema()


def test_every_setting_has_a_description():
    missing = []

    def walk(node, where):
        if isinstance(node, dict):
            for key, sub in node.get("properties", {}).items():
                if "description" not in sub:
                    missing.append(f"{where}.{key}")
            for key, sub in node.items():
                walk(sub, f"{where}/{key}")
        elif isinstance(node, list):
            for sub in node:
                walk(sub, where)

    walk(editor_schema(), "")
    assert not missing, missing


@pytest.mark.parametrize("text, message", [
    ("extends: baseline.yaml\ncustomer: {initial: 5}\n", "'customer' was unexpected"),  # a typo in an extends file
    ("extends: baseline.yaml\ncustomers: {initial: -5}\n", "not valid"),
    ("name: x\n", "'customers' is a required property"),  # a complete file must be complete
    ("extends: b.yaml\ninvestment:\n  levers:\n    - {type: trainin}\n", "not valid"),
    ("extends: b.yaml\nexperience: {churn_beta: {prior: no_such_prior}}\n", "not valid"),
])
def test_what_the_loader_refuses_the_schema_flags(validator, text, message):
    assert any(message in e.message for e in validator.iter_errors(yaml.safe_load(text)))


def test_uncertain_settings_and_partial_sections_are_accepted(validator):
    ok = ("extends: b.yaml\nexperience: {churn_beta: {prior: churn_beta}}\nchannels: {phone: {aht_mean_s: 300}}\n"
          "investment:\n  levers:\n    - {type: training, fcr_gain: {dist: pert, low: 0, mode: 0.05, high: 0.1}}\n")
    assert not list(validator.iter_errors(yaml.safe_load(ok)))


def test_sim_diff_lists_what_differs_in_the_merged_view(tmp_path: Path, capsys):
    a = write(tmp_path / "a.yaml", f"extends: {SCENARIOS / 'training.yaml'}\n")
    b = write(tmp_path / "b.yaml", f"extends: {SCENARIOS / 'training.yaml'}\ncustomers: {{initial: 1000}}\n"
              "investment:\n  levers:\n    - {type: training, fcr_gain: 0.2}\n")
    assert main(["diff", str(a), str(b)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "customers.initial" in out and "60000" in out and "1000" in out
    assert "fcr_gain" in out and "pert(low=0" in out and "0.2" in out
    assert "different worlds" in out
    assert main(["diff", str(a), str(a)]) == 0 and "same scenario" in capsys.readouterr().out
