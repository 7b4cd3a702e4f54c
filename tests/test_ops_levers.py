"""The operations levers (workforce management, skills-based routing, an omnichannel platform):
direction of effect on the same customers (common random numbers), and what they cost."""

from __future__ import annotations

import re

import numpy as np
import pytest
from pydantic import TypeAdapter

from sim.levers import investment_costs_usd, month_effects
from sim.run.erlang_plan import fit_week
from sim.run.month_loop import run_arm
from sim.run.specs import _weekly, centre_spec, labor_cost
from sim.scenario import Investment, ScenarioError, load_scenario
from sim.scenario.investment import Lever
from sim.types import Channel
from tests.helpers import SCENARIOS, write

REPS = 3


def investment(**lever) -> Investment:
    return Investment(name=lever["type"], levers=(TypeAdapter(Lever).validate_python(lever),))


def means(sc, inv, keys):
    out = {k: [] for k in keys}
    for r in range(REPS):
        m = run_arm(sc, inv, r, 11).monthly
        for k in keys:
            out[k].append(np.nanmean(m[k][1:]))
    return {k: float(np.mean(v)) for k, v in out.items()}


@pytest.fixture
def world(small_world):
    return load_scenario(small_world).model_copy(update={"horizon_months": 2, "uncertain": {}})


def test_wfm_raises_service_at_the_same_paid_hours(world):
    keys = ("service_level_phone", "abandon_rate_phone", "paid_agent_hours", "labor_cost_usd")
    base = means(world, None, keys)
    wfm = means(world, investment(type="wfm", ramp_months=0), keys)
    assert wfm["service_level_phone"] > base["service_level_phone"] + 0.01
    assert wfm["abandon_rate_phone"] < base["abandon_rate_phone"]
    assert wfm["paid_agent_hours"] == base["paid_agent_hours"] and wfm["labor_cost_usd"] == base["labor_cost_usd"]


def test_wfm_adherence_scales_the_floor_and_the_fit_keeps_agent_hours_and_opening(world):
    inv = investment(type="wfm", ramp_months=0, adherence_before=0.8, adherence_after=0.96, fit_schedule=False)
    fx = month_effects(inv, 1, world.labor_rates(), world.days_per_month)
    group = next(g for g in centre_spec(world, fx).groups if g.name == "phone")
    today = _weekly(world, world.channels.phone)
    assert np.sum(group.agents_by_interval) == pytest.approx(today.sum() * 0.96 / 0.8, rel=0.02)
    fitted = fit_week(world, Channel.PHONE, today)
    assert fitted.sum() == today.sum() and ((fitted > 0) == (today > 0)).all()
    # the fit moves agents towards the busy hours: the Monday 10:00 peak gets at least what it had
    assert fitted[10] >= today[10] and not np.array_equal(fitted, today)


def test_routing_resolves_more_at_first_contact_and_handles_faster(world):
    keys = ("fcr", "aht_s_phone", "service_level_phone")
    base = means(world, None, keys)
    routed = means(world, investment(type="routing", ramp_months=0), keys)
    assert routed["fcr"] > base["fcr"] + 0.005
    assert routed["aht_s_phone"] < base["aht_s_phone"]
    assert routed["service_level_phone"] >= base["service_level_phone"]


def test_omnichannel_shifts_calls_to_chat_and_nobody_retells(world):
    keys = ("offered_phone", "offered_chat", "contacts_wanted")
    base = means(world, None, keys)
    omni = means(world, investment(type="omnichannel", shift_share=0.2, ramp_months=0), keys)
    assert omni["offered_phone"] < 0.9 * base["offered_phone"]
    assert omni["offered_chat"] > 1.1 * base["offered_chat"]
    assert omni["contacts_wanted"] == pytest.approx(base["contacts_wanted"], rel=0.02)  # same needs, other channel
    fx = month_effects(investment(type="omnichannel"), 1, world.labor_rates(), world.days_per_month)
    assert fx.context_everywhere and fx.handle_multiplier[Channel.PHONE] < 1


@pytest.mark.parametrize("lever, per_seat, channels", [
    ({"type": "wfm", "cost_per_seat_month_usd": 25, "one_off_usd": 1000}, 25, (Channel.PHONE, Channel.CHAT)),
    ({"type": "routing", "cost_per_seat_month_usd": 10, "one_off_usd": 1000}, 10, (Channel.PHONE, Channel.CHAT)),
    ({"type": "omnichannel", "cost_per_seat_month_usd": 110, "one_off_usd": 1000}, 110, tuple(Channel)),
])
def test_seat_licences_per_head_serving_the_channels_every_month(world, lever, per_seat, channels):
    rates = world.labor_rates()
    costs = investment_costs_usd(investment(**lever), 6, rates, world.days_per_month)
    seats = rates.heads_serving(channels)
    assert seats > 0
    assert costs[0] == pytest.approx(1000)  # t0: the one-off only
    assert costs[1:].tolist() == pytest.approx([seats * per_seat] * 6)


def test_a_cut_of_a_shift_plan_pays_its_paid_hours_in_proportion(tmp_path, small_world):
    path = write(tmp_path / "shifts.yaml", """\
extends: small.yaml
interval_min: 30
channels:
  phone:
    agents_by_hour: null
    schedule:
      shifts:
        - {start: "07:00", length_h: 8, headcount: 4}
        - {start: "14:00", length_h: 9, headcount: 4}
""")
    sc = load_scenario(path)
    inv = Investment(name="x", harvest="cost", harvest_from_month=1, levers=investment(type="crm").levers,
                     harvest_cut={Channel.PHONE: tuple([0] * 10 + [1] * 4 + [0] * 10)})
    fx = month_effects(inv, 1, sc.labor_rates(), sc.days_per_month)
    usd, hours = labor_cost(sc, fx)
    usd0, hours0 = labor_cost(sc)
    assert usd0 == pytest.approx(sc.labor_cost_usd_per_month())
    assert 0 < hours0 - hours < hours0 * 0.2 and usd < usd0
    group = next(g for g in centre_spec(sc, fx).groups if g.name == "phone")
    floor = np.asarray(group.agents_by_interval).reshape(7, 48)
    today = _weekly(sc, sc.channels.phone).reshape(7, 48)
    assert (today[:, 20:28] - floor[:, 20:28] == 1).all() and (floor[:, :20] == today[:, :20]).all()


@pytest.mark.parametrize("lever, message", [
    ("{type: wfm, adherence_before: 0.9, adherence_after: 0.8}", "adherence_after (0.8) is below adherence_before"),
    ("{type: routing, best_match_before: 0.8, best_match_after: 0.7}", "best_match_after (0.7) is below best_match_before"),
    ("{type: omnichannel, shift_from: chat, shift_to: chat}", "must differ"),
    ("{type: omnichannel, shift_from: phone, shift_to: social}", "social is not configured"),
])
def test_bad_operations_levers_are_refused_with_their_line(tmp_path, small_world, lever, message):
    path = write(tmp_path / "bad.yaml", f"extends: small.yaml\ninvestment:\n  name: bad\n  levers:\n    - {lever}\n")
    with pytest.raises(ScenarioError, match=re.escape(message)) as err:
        load_scenario(path)
    assert err.value.problems[0].line == 5


@pytest.mark.parametrize("name", ["wfm", "routing", "omnichannel"])
def test_shipped_operations_scenarios_load_with_their_sources(name):
    sc = load_scenario(SCENARIOS / f"{name}.yaml")
    lever = sc.investment.levers[0]
    assert lever.type == name and lever.note and sc.investment.uncertain
