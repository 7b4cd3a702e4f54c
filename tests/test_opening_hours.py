"""Opening hours: nothing is offered to a closed queue; closed contacts retry, switch or leave a message."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.des import CentreSpec, ChannelSpec, GroupSpec, interval_kpis, simulate_centre
from sim.des.calendar import Calendar
from sim.des.spec import Closed
from sim.run.month_loop import run_arm_records
from sim.run.specs import centre_spec
from sim.scenario import ScenarioError, load_scenario
from tests.des_helpers import poisson_batch
from tests.helpers import SCENARIOS, write

DAY = 86_400.0
DAYTIME = (0,) * 8 + (4,) * 12 + (0,) * 4  # agents 08:00-20:00


def rng(seed: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(14,))))


def joined_open(spec: CentreSpec, rec) -> np.ndarray:
    """Per leg: did it join its channel's queue while the channel was open?"""
    cal = Calendar(spec)
    return np.array([cal.is_open(int(c), float(t)) for c, t in zip(rec.channel, rec.queued_s)], bool)


def test_demo_baseline_offers_nothing_to_a_closed_queue():
    """scenarios/baseline.yaml: phone and chat close at night; follow-ups that fall there wait for the opening."""
    sc = load_scenario(SCENARIOS / "baseline.yaml").model_copy(update={"horizon_months": 2})
    for month, rec in run_arm_records(sc, 0, sc.seed):
        spec = centre_spec(sc, None, month)
        live = rec.offered & np.isin(rec.channel, (0, 1))
        assert joined_open(spec, rec)[live].all()
        hour = (rec.queued_s[live] % DAY // 3600).astype(int)
        assert set(np.unique(hour[rec.channel[live] == 0])) <= set(range(7, 23))  # phone 07-22
        assert set(np.unique(hour[rec.channel[live] == 1])) <= set(range(8, 23))  # chat 08-22
        assert rec.met_closed.sum() > 50  # follow-ups did fall into the night ...
        assert rec.offered[rec.met_closed].mean() > 0.95  # ... and were offered after the opening
        k = interval_kpis(rec, spec, sc.days_per_month, 60)
        closed_hours = (k["channel_code"] == 0) & (k["interval_start_min"] < 7 * 60)
        assert k["offered"][closed_hours].sum() == 0 and k["closed_contacts"][closed_hours].sum() > 0


def test_abandons_are_customers_who_gave_up_while_waiting():
    sc = load_scenario(SCENARIOS / "baseline.yaml").model_copy(update={"horizon_months": 1})
    (_, rec), = list(run_arm_records(sc, 1, sc.seed))
    ab = rec.abandoned
    assert ab.any()
    assert (rec.offered[ab] & ~np.isnan(rec.queued_s[ab]) & (rec.wait_s[ab] > 0)).all()
    assert not (ab & rec.unserved_at_close).any() and not rec.answered[ab].any()


def test_retry_joins_after_the_opening_with_the_stated_delay():
    """Arrivals round the clock, agents 08-20: night arrivals come back at 08:00 + Exp(mean 1800 s)."""
    ch = ChannelSpec(20.0, (1.0,), patience_mean_s=600.0, closed=Closed.RETRY, closed_retry_delay_mean_s=1800.0)
    spec = CentreSpec((ch,), (GroupSpec("day", (0,), DAYTIME),))
    batch = poisson_batch(rng(1), 30, 10, 300, 600.0)
    batch = batch.__class__(**{**batch.__dict__, "reopen_e": rng(2).standard_exponential((len(batch), 3))})
    rec = simulate_centre(batch, spec, 10)
    assert joined_open(spec, rec)[rec.offered].all()
    night = rec.met_closed
    assert night.mean() == pytest.approx(12 / 24, abs=0.03)  # half the day is closed
    assert rec.offered[night].all()
    delay = (rec.queued_s[night] % DAY) - 8 * 3600
    assert delay.mean() == pytest.approx(1800, rel=0.08)  # ≈ 3,600 contacts: se ≈ 1.7 %


def test_stated_opening_hours_per_weekday_and_the_morning_rush():
    """Open Mon-Sat 09:00-17:00 (Sunday closed) though agents work 08-20: nothing offered outside."""
    open_week = []
    for day in range(7):
        open_week += [day < 6 and 9 <= h < 17 for h in range(24)]
    ch = ChannelSpec(20.0, (1.0,), patience_mean_s=600.0, open_by_interval=tuple(open_week))
    spec = CentreSpec((ch,), (GroupSpec("day", (0,), DAYTIME),))
    rec = simulate_centre(poisson_batch(rng(3), 20, 14, 300, 600.0), spec, 14)
    hour = rec.queued_s[rec.offered] % DAY // 3600
    weekday = (rec.queued_s[rec.offered] // DAY).astype(int) % 7
    assert ((hour >= 9) & (hour < 17)).all() and (weekday != 6).all()
    k = interval_kpis(rec, spec, 14, 60)
    assert k["offered"][9] > 1.5 * k["offered"][12]  # the night's contacts arrive after the opening


def test_switch_sends_night_callers_to_an_open_channel():
    phone = ChannelSpec(20.0, (1.0,), patience_mean_s=600.0, closed=Closed.SWITCH, closed_switch_to=1)
    chat = ChannelSpec(60.0, (1.0,), patience_mean_s=600.0)
    spec = CentreSpec((phone, chat), (GroupSpec("phone", (0,), DAYTIME), GroupSpec("chat", (1,), (2,) * 24)))
    rec = simulate_centre(poisson_batch(rng(4), 10, 7, 300, 600.0), spec, 7)
    sw = rec.switched
    assert sw.sum() == rec.met_closed.sum() > 100
    assert (rec.channel[sw] == 1).all() and (rec.channel_tried[sw] == 0).all() and rec.offered[sw].all()
    assert joined_open(spec, rec)[rec.offered].all()
    k = interval_kpis(rec, spec, 7, 1440)
    assert k["switched"][0] == sw.sum() and k["closed_contacts"][0] == sw.sum()


def test_messages_are_worked_after_the_opening_and_never_abandoned():
    ch = ChannelSpec(20.0, (1.0,), patience_mean_s=300.0, closed=Closed.MESSAGE)
    spec = CentreSpec((ch,), (GroupSpec("day", (0,), DAYTIME),))
    rec = simulate_centre(poisson_batch(rng(5), 15, 10, 300, 300.0), spec, 10)
    msg = rec.message
    assert msg.sum() == rec.met_closed.sum() > 100
    assert not rec.abandoned[msg].any() and rec.answered[msg].mean() > 0.95
    assert (rec.queued_s[msg] % DAY == 8 * 3600).all()  # waiting from the opening
    assert joined_open(spec, rec)[rec.offered].all()


def test_follow_ups_come_back_in_opening_hours():
    ch = ChannelSpec(20.0, (0.3,), patience_mean_s=600.0, repeat_probability=1.0, repeat_delay_mean_s=DAY / 3)
    spec = CentreSpec((ch,), (GroupSpec("day", (0,), DAYTIME),))
    batch = poisson_batch(rng(6), (0,) * 8 + (15,) * 12 + (0,) * 4, 10, 300, 600.0)
    rec = simulate_centre(batch, spec, 10)
    follow = rec.attempt > 0
    assert follow.sum() > 500 and rec.met_closed[follow].mean() > 0.2
    assert joined_open(spec, rec)[rec.offered].all()


def test_a_channel_without_any_agent_stays_open():
    """No schedule to derive hours from: the old behaviour (contacts queue and abandon)."""
    spec = CentreSpec((ChannelSpec(20.0, (1.0,)),), ())
    rec = simulate_centre(poisson_batch(rng(7), 5, 1, 300, 60.0), spec, 1)
    assert rec.offered.all() and rec.abandoned.all() and not rec.met_closed.any()


@pytest.mark.parametrize("body, where, message", [
    ("channels:\n  phone:\n    closed: switch\n", "channels.phone.closed_switch_to", "needs another configured channel"),
    ("channels:\n  phone:\n    closed_switch_to: chat\n", "channels.phone.closed_switch_to", "only used with closed: switch"),
    ("channels:\n  email:\n    open_hours: [8, 18]\n", "channels.email.open_hours", "an inbox that always accepts"),
    ("channels:\n  phone:\n    open_hours: [22, 7]\n", "channels.phone.open_hours", "close after opening"),
    ("channels:\n  phone:\n    open_hours: [7.25, 22]\n", "channels.phone.open_hours", "not on the 60-minute grid"),
    ("channels:\n  phone:\n    open_hours: {mon: [8, 18], tue: null}\n", "", ""),
    ("channels:\n  phone:\n    open_hours: {sun: null}\n", "channels.phone.open_hours", "never open"),
    ("channels:\n  phone:\n    closed: maybe\n", "channels.phone.closed", "Input should be 'retry', 'switch' or 'message'"),
])
def test_opening_settings_are_checked_with_file_and_line(tmp_path, body, where, message):
    path = write(tmp_path / "s.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}\n{body}")
    if not where:
        sc = load_scenario(path)
        assert sc.channels.phone.open_hours["mon"] == (8, 18)
        return
    with pytest.raises(ScenarioError) as e:
        load_scenario(path)
    text = str(e.value)
    assert f"{path}:" in text and where in text and message in text, text
    line = int(text.split(f"{path}:")[1].split(":")[0])
    assert line >= 3  # points into the channel's section, not at the top of the file


def test_open_hours_in_a_scenario_reach_the_centre(tmp_path):
    path = write(tmp_path / "s.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}\ninterval_min: 30\n"
                 "channels:\n  phone:\n    open_hours: {default: [7.5, 22], sun: null}\n    closed: message\n")
    sc = load_scenario(path)
    spec = centre_spec(sc, None, month=1)
    cal = Calendar(spec)
    assert cal.step_s == 1800 and spec.channels[0].closed == Closed.MESSAGE
    assert not cal.is_open(0, 7 * 3600) and cal.is_open(0, 7.5 * 3600) and not cal.is_open(0, 6 * DAY + 12 * 3600)
    assert cal.next_open(0, 6 * DAY + 12 * 3600) == 7 * DAY + 7.5 * 3600  # Sunday noon -> Monday 07:30
    assert math.isinf(Calendar(CentreSpec((ChannelSpec(20.0, (1.0,), open_by_interval=(False,) * 168),), ())).next_open(0, 0.0))
