"""Shift plans: breaks, shrinkage and adherence give the intended agents per interval, and the DES follows them."""

from __future__ import annotations

import numpy as np
import pytest

from sim.des import CentreSpec, ChannelSpec, ContactBatch, GroupSpec, interval_kpis, simulate_centre
from sim.run.specs import centre_spec
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.schedule import ScheduleConfig, floor_by_interval, paid_heads_by_hour
from tests.helpers import SCENARIOS, write

PLAN = {
    "shrinkage": 0.0, "adherence": 1.0,
    "shifts": [
        # early shift, weekdays: a 15-minute break for everyone at 10:05, lunch staggered over 12:00-13:00
        {"start": "08:00", "length_h": 8.5, "headcount": 4, "weekdays": ["mon", "tue", "wed", "thu", "fri"],
         "breaks": [{"start": "10:05", "length_min": 15}, {"start": "12:00", "end": "13:00", "length_min": 30}]},
        # late shift every day, 12:00-22:00, a 30-minute break staggered over 17:00-18:00
        {"start": "12:00", "length_h": 10, "headcount": 2, "breaks": [{"start": "17:00", "end": "18:00", "length_min": 30}]},
        # a night shift on Fridays that runs into Saturday
        {"start": "22:00", "length_h": 8, "headcount": 1, "weekdays": ["fri"]},
    ],
}


def intended_monday() -> list[int]:
    """Agents per 15-minute interval on a Monday, by hand."""
    q = [0] * 96
    for i in range(32, 66):  # 08:00-16:30
        q[i] += 4
    q[40] -= 3  # 10:00-10:15: 10 of 15 minutes away -> 4 - 4 x 10/15 = 1.33 -> 1
    q[41] -= 1  # 10:15-10:30: 5 of 15 minutes away -> 4 - 1.33 = 2.67 -> 3
    for i in range(48, 52):  # 12:00-13:00: half the heads at lunch at any minute
        q[i] -= 2
    for i in range(48, 88):  # 12:00-22:00
        q[i] += 2
    for i in range(68, 72):  # 17:00-18:00: one of two away
        q[i] -= 1
    return q


def test_a_shift_plan_with_breaks_gives_the_intended_agents_per_15_minutes():
    weekly = np.asarray(floor_by_interval(ScheduleConfig(**PLAN), 15, shrinkage=0.3), int).reshape(7, 96)
    assert weekly[0].tolist() == intended_monday()  # the plan's own shrinkage 0 wins over costs.shrinkage
    assert (weekly[1:4] == weekly[0]).all() and (weekly[4, :88] == weekly[0, :88]).all()
    saturday = [0] * 96
    for i in range(48, 88):
        saturday[i] = 2 - (68 <= i < 72)
    for i in range(0, 24):  # Friday's night shift until 06:00
        saturday[i] = 1
    assert weekly[5].tolist() == saturday
    assert weekly[4, 88:].tolist() == [1] * 8  # Friday 22:00-24:00


def test_shrinkage_and_adherence_are_applied_then_rounded():
    plan = {**PLAN, "shrinkage": 0.1, "adherence": 0.95}
    weekly = np.asarray(floor_by_interval(ScheduleConfig(**plan), 15, 0.0), int).reshape(7, 96)
    factor = 0.9 * 0.95
    expected = [int(np.floor(x * factor + 0.5)) for x in intended_monday()]
    # the breaks' fractional heads are rounded once, after all factors: 10:00 is 1.33 x f, not 1 x f
    expected[40], expected[41] = int(np.floor(4 / 3 * factor + 0.5)), int(np.floor(8 / 3 * factor + 0.5))
    assert weekly[0].tolist() == expected
    hourly = np.asarray(floor_by_interval(ScheduleConfig(**plan), 60, 0.0), int).reshape(7, 24)
    assert hourly[0, 9] == 3 and hourly[0, 12] == 3 and hourly[0, 13] == round((4 + 2) * factor) == 5  # lunch at 12


def test_the_simulated_floor_follows_the_plan_interval_by_interval():
    """No contacts: the agents' time on the floor is exactly the plan, 15 minutes at a time."""
    weekly = floor_by_interval(ScheduleConfig(**PLAN), 15, 0.0)
    spec = CentreSpec((ChannelSpec(20.0, (1.0,), open_by_interval=(True,) * 672),),
                      (GroupSpec("plan", (0,), (0,) * 24, agents_by_interval=weekly),), interval_min=15)
    rec = simulate_centre(ContactBatch.empty(), spec, 7)
    staffed = interval_kpis(rec, spec, 7, 15)["staffed_s"]
    assert np.allclose(staffed, np.asarray(weekly).reshape(7, 96).sum(axis=0) * 900.0)


SCHEDULED = """\
extends: {base}
interval_min: 15
channels:
  phone:
    agents_by_hour: null
    schedule:
      shrinkage: 0.0
      adherence: 1.0
      shifts:
        - {{start: "07:00", length_h: 8, headcount: 3, breaks: [{{start: "11:00", end: "13:00", length_min: 30}}]}}
        - {{start: "15:00", length_h: 8, headcount: 2}}
"""


def test_a_scheduled_channel_runs_in_the_pipeline_and_costs_its_paid_hours(tmp_path):
    path = write(tmp_path / "s.yaml", SCHEDULED.format(base=SCENARIOS / "baseline.yaml"))
    sc = load_scenario(path)
    spec = centre_spec(sc, None, 3)
    phone = spec.groups[0]
    assert phone.agents_by_interval is not None and len(phone.agents_by_interval) == 7 * 96
    assert phone.agents_by_interval[7 * 4] == 3 and phone.agents_by_interval[11 * 4] == 2  # 3 - 3 x 30/120
    assert spec.interval_min == 15 and spec.first_weekday == (2 * 30) % 7
    paid = sum(paid_heads_by_hour(sc.channels.phone.schedule))
    assert paid == pytest.approx(3 * 8 + 2 * 8)
    # labour cost: the paid shift hours (breaks and shrinkage are paid time), not floor hours grossed up
    none = sc.channels.phone.model_copy(update={"schedule": None, "agents_by_hour": (0,) * 24})
    without = sc.model_copy(update={"channels": sc.channels.model_copy(update={"phone": none})})
    c = sc.costs
    fte = 40 * sc.days_per_month / (c.paid_hours_per_year / 12)
    per_fte = c.agent_salary_usd_per_year * c.load_factor / 12 + c.tooling_usd_per_agent_month
    assert sc.labor_cost_usd_per_month() - without.labor_cost_usd_per_month() == pytest.approx(fte * per_fte)
    from sim.run.month_loop import run_arm

    small = sc.model_copy(update={"horizon_months": 1, "customers": sc.customers.model_copy(update={"initial": 3000})})
    run = run_arm(small, None, 0, 3)
    iv = run.intervals
    phone_iv = iv["channel_code"] == 0
    assert iv["interval_start_min"][phone_iv].size == 96
    assert iv["offered"][phone_iv & (iv["interval_start_min"] < 7 * 60)].sum() == 0  # closed before 07:00


@pytest.mark.parametrize("body, where, message", [
    ("    schedule:\n      shifts:\n        - {start: '08:00', length_h: 8, headcount: 2, breaks: [{start: '17:00', length_min: 30}]}\n",
     "channels.phone.schedule.shifts[0].breaks[0]", "outside the shift"),
    ("    schedule:\n      shifts:\n        - {start: '08:00', length_h: 8, headcount: 2,\n"
     "           breaks: [{start: '10:00', end: '10:15', length_min: 30}]}\n",
     "channels.phone.schedule.shifts[0].breaks[0].length_min", "do not fit the window"),
    ("    schedule:\n      shifts:\n        - {start: '8h', length_h: 8, headcount: 2}\n",
     "channels.phone.schedule.shifts[0].start", "String should match pattern"),
    ("    agents_by_hour: null\n", "channels.phone.agents_by_hour", "give either agents_by_hour or a schedule"),
    ("    aht_profile_s: [300, 300, 300]\n", "channels.phone.aht_profile_s", "at least 24 items"),
    ("    aht_profile_s: [" + ", ".join(["300"] * 30) + "]\n", "channels.phone.aht_profile_s", "needs 24, 48 or 96 values"),
])
def test_schedule_and_profile_errors_name_file_line_and_setting(tmp_path, body, where, message):
    path = write(tmp_path / "s.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}\nchannels:\n  phone:\n{body}")
    with pytest.raises(ScenarioError) as e:
        load_scenario(path)
    text = str(e.value)
    assert f"{path}:" in text and where in text and message in text, text
    assert int(text.split(f"{path}:")[1].split(":")[0]) >= 4
