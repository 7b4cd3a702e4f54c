"""The shipped example log was simulated with opening hours: calibrating and staffing it staffs no closed hour."""

from __future__ import annotations

import pandas as pd

from sim.cli import main
from sim.planning.staffing import plan_staffing
from sim.scenario import load_scenario
from sim.types import Channel
from tests.helpers import ROOT, SCENARIOS

LOG = ROOT / "examples" / "contact_log.csv"


def open_hours(channel: str) -> set[int]:
    """Hours the source scenario (scenarios/small_shop.yaml) has agents on the channel."""
    cfg = load_scenario(SCENARIOS / "small_shop.yaml").channels.configured()[Channel(channel)]
    return {h for h, a in enumerate(cfg.agents_by_hour) if a > 0}


def test_the_example_log_has_no_contact_in_closed_hours():
    log = pd.read_csv(LOG, parse_dates=["timestamp"])
    for channel in ("phone", "chat"):
        hours = set(log.loc[log["channel"] == channel, "timestamp"].dt.hour)
        assert hours and hours <= open_hours(channel), channel


def test_calibrate_then_staffing_staffs_no_closed_hour(tmp_path, capsys):
    out = tmp_path / "mine.yaml"
    assert main(["calibrate", str(LOG), "--out", str(out), "--base", str(SCENARIOS / "small_shop.yaml")]) == 0
    capsys.readouterr()
    result = plan_staffing(out, "phone: 80/20, chat: 80/60", replications=4, workers=1, max_rounds=6)
    for ch, plan in result.plan.items():
        staffed = {h for h, a in enumerate(plan) if a > 0}
        assert staffed and staffed <= open_hours(ch.value), (ch, plan)
