"""Honest overload: unserved contacts are their own outcome, occupancy never exceeds 100 %, instability is said."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.des import CentreSpec, ChannelSpec, GroupSpec, QueueSpec, interval_kpis, simulate_centre, simulate_month
from sim.present.text import instability_text
from sim.run.month_loop import run_arm
from sim.scenario import load_scenario
from tests.des_helpers import poisson_batch
from tests.helpers import SCENARIOS, write


def rng(seed: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(15,))))


def test_overload_without_patience_leaves_contacts_unserved_not_abandoned():
    """Twice the work the agents can do, nobody gives up: abandon rate 0, occupancy <= 100 %, unserved counted."""
    batch = poisson_batch(rng(1), 24, 5, 600, math.inf)  # 24/h x 10 min = 4 Erlang on 2 agents
    spec = CentreSpec((ChannelSpec(20.0, (1.0,)),), (GroupSpec("g", (0,), (2,) * 24),))
    rec = simulate_centre(batch, spec, 5)
    assert not rec.abandoned.any()
    unserved = rec.unserved_at_close
    assert unserved.sum() > 600 and not rec.answered[unserved].any() and rec.offered[unserved].all()
    for minutes in (15, 60, 1440):
        k = interval_kpis(rec, spec, 5, minutes)
        assert np.nansum(k["abandon_rate"]) == 0
        assert np.nanmax(k["occupancy"]) <= 1.0 + 1e-9
        assert (k["answered"] + k["abandoned"] + k["unserved"] == k["offered"]).all()
    day = interval_kpis(rec, spec, 5, 1440)
    assert day["unserved"][0] == unserved.sum() and day["occupancy"][0] == pytest.approx(1.0, abs=0.005)
    # 5 days, 2 days working off the queue, and the contacts in hand at the close finished
    assert 2 * 7 * 86_400 <= day["staffed_s"][0] <= 2 * 7 * 86_400 + 2 * 3600


def test_occupancy_stays_within_100_percent_with_shift_drops_and_shared_agents():
    """A busy centre: staffing falls hour to hour (agents finish calls after their shift), a group shares two channels."""
    agents = tuple([2] * 6 + [9, 4, 9, 3, 8, 2] * 3)
    phone = ChannelSpec(20.0, (0.8,), patience_mean_s=400.0)
    chat = ChannelSpec(60.0, (0.8,), patience_mean_s=300.0, concurrency=2)
    groups = (GroupSpec("phone", (0,), agents), GroupSpec("chat", (1,), (1,) * 24),
              GroupSpec("both", (0, 1), (2,) * 24, proficiency=1.2))
    batch = poisson_batch(rng(2), 80, 7, 300, 400.0)
    chats = poisson_batch(rng(3), 30, 7, 600, 300.0, channel=1, first_id=10**6)
    both = batch.concat(batch, chats)
    spec = CentreSpec((phone, chat), groups)
    rec = simulate_centre(both.take(np.argsort(both.arrival_s, kind="stable")), spec, 7)
    for minutes in (15, 60):
        k = interval_kpis(rec, spec, 7, minutes)
        assert np.nanmax(k["occupancy"]) <= 1.0 + 1e-9, minutes
        assert np.nanmax(k["occupancy"]) > 0.9  # it is a busy centre


def test_the_drain_counts_its_staffed_time():
    """Busy time after month end comes with the staffed time of the agents who stayed to do it."""
    batch = poisson_batch(rng(4), 40, 2, 600, math.inf)
    rec = simulate_month(batch, [QueueSpec((3,) * 24, 20.0, 1.0)], 2)
    k = interval_kpis(rec, [QueueSpec((3,) * 24, 20.0, 1.0)], 2, 1440)
    assert k["busy_s"][0] <= k["staffed_s"][0] and k["staffed_s"][0] > 3 * 2 * 86_400


OVERLOADED = """\
extends: {base}
name: overloaded
horizon_months: 2
replications: 1
customers:
  initial: 3000
  acquisition_per_month: 60
  contact_rate_per_month: 3.0
channels:
  phone:
    patience_mean_s: null
    retrial_probability: 0
    agents_by_hour: [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]
"""


def test_an_overloaded_scenario_reports_unserved_and_is_flagged(tmp_path):
    sc = load_scenario(write(tmp_path / "o.yaml", OVERLOADED.format(base=SCENARIOS / "baseline.yaml")))
    run = run_arm(sc, None, 0, 7)
    m = run.monthly
    assert (m["abandon_rate_phone"][1:] == 0).all()
    assert (m["occupancy_phone"][1:] <= 1.0 + 1e-9).all() and (m["occupancy_phone"][1:] > 0.95).all()
    assert (m["unserved_phone"][1:] > 100).all() and run.unstable_months == [1, 2]
    iv = run.intervals
    assert np.nanmax(iv["occupancy"]) <= 1.0 + 1e-9
    import pandas as pd

    text = instability_text(pd.DataFrame({"arm": ["baseline"], "unstable_months": [len(run.unstable_months)]}))
    assert text.startswith("2 simulated months") and "unserved_<channel>" in text


def test_cli_says_when_months_were_unstable(tmp_path, capsys):
    from sim.cli import main

    path = write(tmp_path / "o.yaml", OVERLOADED.format(base=SCENARIOS / "baseline.yaml"))
    assert main(["run", str(path), "--out", str(tmp_path / "res"), "--quiet", "--workers", "1"]) == 0
    captured = capsys.readouterr()
    err = " ".join(captured.err.split())
    assert "2 simulated months ended with live contacts still unserved" in err
    assert "unserved phone" in captured.out
    from sim.present.report import build_report

    assert "Unstable months" in build_report(tmp_path / "res").read_text()
