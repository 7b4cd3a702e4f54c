"""Shadowed settings: a sweep, a break-even search or a what-if over a setting that a more specific
one overrides is warned about; the notebook's default sweep varies only settings that matter.

Oracles: the scenario's own structure (every reason listed in containment_by_reason; every segment
with its own churn) and the model's behaviour (varying a shadowed setting leaves the NPV unchanged).
"""

from __future__ import annotations

import ast
import warnings

import pytest

from sim.appraisal.what_if import what_if
from sim.scenario import load_scenario, parse_path
from sim.scenario.shadowing import ShadowedSetting, shadowed_by
from sim.sweep.design import parse_params
from sim.sweep.models import BusinessCaseModel
from tests.helpers import ROOT, SCENARIOS, write


def test_the_issue_examples_are_shadowed_in_the_shipped_scenarios():
    bot = load_scenario(SCENARIOS / "chatbot.yaml")
    assert "containment_by_reason" in shadowed_by(bot, parse_path("investment.levers[0].bot.containment"))
    assert "every segment" in shadowed_by(bot, parse_path("customers.monthly_churn"))
    assert shadowed_by(bot, parse_path("investment.levers[0].bot.containment_by_reason.simple")) is None
    assert shadowed_by(bot, parse_path("experience.churn_beta")) is None


def test_a_partly_listed_bot_is_not_shadowed(tmp_path):
    sc = write(tmp_path / "b.yaml", f"extends: {SCENARIOS / 'chatbot.yaml'}\ninvestment:\n  levers:\n    - type: chatbot\n"
               "      channel: chat\n      bot: {containment: 0.3, containment_by_reason: {simple: 0.5}}\n")
    assert shadowed_by(load_scenario(sc), parse_path("investment.levers[0].bot.containment")) is None


def test_the_sweep_warns_before_it_runs():
    model = BusinessCaseModel(SCENARIOS / "chatbot.yaml")
    with pytest.warns(ShadowedSetting, match="bot.containment has no effect"):
        model.check(parse_params(["investment.levers[0].bot.containment=0.1:0.6"]))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ShadowedSetting)
        model.check(parse_params(["investment.levers[0].bot.containment_by_reason.simple=0.3:0.8"]))


def test_the_sensitivity_notebook_defaults_vary_settings_that_matter():
    source = (ROOT / "notebooks" / "03_sensitivity.py").read_text()
    tree = ast.parse(source)
    values = {t.id: ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
              for t in node.targets if isinstance(t, ast.Name) and t.id in ("SCENARIO", "PARAMS")}
    sc = load_scenario(ROOT / "notebooks" / values["SCENARIO"])
    for p in parse_params(values["PARAMS"]):
        assert shadowed_by(sc, parse_path(p.path)) is None, p.path


def test_what_if_warns_about_a_shadowed_setting_and_shows_it_changes_nothing(tmp_path):
    from tests.conftest import SMALL_WORLD

    world = write(tmp_path / "small.yaml", SMALL_WORLD.format(base=SCENARIOS / "baseline.yaml", horizon=2))
    inv = write(tmp_path / "t.yaml", "extends: small.yaml\ninvestment:\n  name: t\n  levers:\n    - {type: training, ramp_months: 0}\n")
    with pytest.warns(ShadowedSetting, match="customers.monthly_churn"):
        low = what_if(world, inv, {"customers.monthly_churn": 0.01}, replications=1, workers=1)
    with pytest.warns(ShadowedSetting):
        high = what_if(world, inv, {"customers.monthly_churn": 0.05}, replications=1, workers=1)
    assert low.options["npv_mean_usd"].tolist() == high.options["npv_mean_usd"].tolist()
    better = what_if(world, inv, {"investment.levers[0].fcr_gain": 0.3}, replications=1, workers=1)
    worse = what_if(world, inv, {"investment.levers[0].fcr_gain": 0.0}, replications=1, workers=1)
    npv = [d.options.set_index("option").loc["t", "npv_mean_usd"] for d in (better, worse)]
    assert npv[0] > npv[1]  # the same customers (CRN): more first-contact resolution, more value
