"""The three contact sets of the DES benchmark: one Erlang-A queue, the shipped baseline's month, a
large centre. Each builder returns (batch, spec, days) for our DES; the references in
``des_vs_simpy.py`` serve the same contacts. Also used to profile the DES.
"""

from __future__ import annotations

import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sim.des import CentreSpec, ChannelSpec, ContactBatch, GroupSpec, QueueSpec, draw_contacts  # noqa: E402
from sim.des.contacts import MAX_FOLLOWUPS, U  # noqa: E402
from sim.des.spec import centre_from_queues  # noqa: E402

SCENARIO = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scenarios", "baseline.yaml")


def one_queue(days: int = 10, seed: int = 2026):
    """Poisson 100/h, exponential handle time 5 min and patience 3 min, 10 agents all day."""
    rng = np.random.default_rng(seed)
    horizon = days * 86_400.0
    n = rng.poisson(100 / 3600 * horizon)
    arrival = np.sort(rng.random(n) * horizon)
    patience, work = rng.exponential(180.0, n), rng.exponential(300.0, n)
    batch = ContactBatch.simple(np.arange(n), np.zeros(n, np.int8), arrival, patience, work, rng.random(n))
    return batch, centre_from_queues([QueueSpec((10,) * 24, 20.0, 0.8)]), days


def baseline_month(replication: int = 0, month: int = 1):
    """Month ``month`` of the shipped baseline, drawn as ``sim.run.month_loop`` does.

    Returns (batch, spec, days, draw CPU seconds): the customer model's proposals and the
    pipeline's own ``draw_contacts``, timed together.
    """
    from sim.abm import CustomerModel
    from sim.levers import month_effects
    from sim.run.month_loop import prevent, shift_channels
    from sim.run.specs import CHANNELS, centre_spec, demand_specs, reason_specs
    from sim.scenario import load_scenario
    from sim.streams import Streams

    sc = load_scenario(SCENARIO)
    streams = Streams(2026, replication)
    shares = sc.customers.channel_mix.shares()
    channel_shares = np.array([shares.get(ch, 0.0) for ch in CHANNELS])
    model = CustomerModel(sc.customers, sc.experience, channel_shares, streams, sc.market, sc.discount_rate_annual)
    fx = month_effects(None, month, sc.labor_rates(), sc.days_per_month)
    t = time.process_time()
    req = model.propose_contacts()
    channel = shift_channels(streams, month, req.channel, req.need_key, fx)
    wanted = draw_contacts(streams, month, req.customer_id, channel, req.need_key, demand_specs(sc),
                           sc.days_per_month, reason_specs(sc), sc.day_volume_cv)
    draw_s = time.process_time() - t
    batch = prevent(sc, streams, month, wanted, fx)[0]
    model.close()
    return batch, centre_spec(sc, fx, month), sc.days_per_month, draw_s


#: Share of a day's contacts per hour (a weekday curve: quiet nights, a late-morning peak).
DAY_CURVE = np.array([0.4, 0.3, 0.2, 0.2, 0.3, 0.6, 1.5, 3.5, 6.0, 7.5, 8.0, 7.8, 7.2, 7.0, 7.2, 7.0, 6.6, 6.0, 5.0,
                      4.2, 3.4, 2.5, 1.5, 0.9])
DAY_CURVE = DAY_CURVE / DAY_CURVE.sum()


def large_centre(days: int = 2, per_month: float = 1.8e6, aht_s: float = 720.0, patience_s: float = 180.0,
                 seed: int = 7):
    """About 1.8M contacts a month (``per_month / 30`` a day) on one voice queue, AHT 12 min; hourly
    staffing at 8 % above the offered load plus 2 (about 1,100 agents at the peak); ``days`` days."""
    rng = np.random.default_rng(seed)
    rate_per_h = per_month / 30 * DAY_CURVE
    agents = tuple(int(math.ceil(r * aht_s / 3600 * 1.08)) + 2 for r in rate_per_h)
    hour = np.repeat(np.arange(24 * days), rng.poisson(np.tile(rate_per_h, days)))
    n = hour.size
    arrival = np.sort(hour * 3600.0 + rng.random(n) * 3600.0)
    batch = ContactBatch(customer_id=np.arange(n), channel=np.zeros(n, np.int8), reason=np.zeros(n, np.int16),
                         arrival_s=arrival, patience_s=rng.exponential(patience_s, n), work_s=rng.exponential(aht_s, n),
                         u=rng.random((n, MAX_FOLLOWUPS + 1, len(U))), e=rng.exponential(1.0, (n, MAX_FOLLOWUPS + 1, 2)),
                         carried=np.zeros(n, bool), potential_index=np.arange(n))
    spec = CentreSpec((ChannelSpec(20.0, (0.75,), patience_mean_s=patience_s),), (GroupSpec("voice", (0,), agents),))
    return batch, spec, days
