"""One replication of one arm: the month loop that couples customers (ABM) and the centre (DES).

This is the only module that knows both halves. They talk through plain data: contact requests
(ids, channels, world-draw indices) go to the DES; one record per contact comes back, is scored
by :mod:`sim.experience`, and the per-customer episodes go back to the customer model. Churn and
acquisition change next month's contact volume, which changes waits: the feedback loop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sim.abm import CustomerModel
from sim.des import DemandSpec, QueueSpec, draw_contacts, interval_kpis, simulate_month
from sim.experience import ces_responses, contact_scores, csat_responses, effort_units, episodes, repeat_flags
from sim.investments import Investment
from sim.scenario import Scenario
from sim.streams import Stream, Streams
from sim.types import Arm, Channel

CHANNELS = list(Channel)


@dataclass
class ArmRun:
    """Everything one (arm, replication) produced: flat monthly metrics and interval rows."""

    arm: str
    replication: int
    monthly: dict[str, np.ndarray]  # metric -> values for months 0..horizon (month 0 = t0)
    intervals: dict[str, np.ndarray]  # column -> values, one row per (month, channel, interval)
    unstable_months: list[int] = field(default_factory=list)


def _demand(scenario: Scenario) -> list[DemandSpec]:
    specs = []
    for ch in CHANNELS:
        cfg = scenario.channels.configured().get(ch)
        if cfg is None:
            specs.append(DemandSpec((1.0,) * 24, 1.0, 1.0, math.inf))
        else:
            patience = math.inf if cfg.patience_mean_s is None else cfg.patience_mean_s
            specs.append(DemandSpec(tuple(cfg.hourly_profile), cfg.aht_mean_s, cfg.aht_cv, patience))
    return specs


def _queues(scenario: Scenario, investment: Investment | None, month: int) -> list[QueueSpec]:
    specs = []
    for ch in CHANNELS:
        cfg = scenario.channels.configured().get(ch)
        if cfg is None:
            specs.append(QueueSpec((0,) * 24, 1.0, 0.0))
            continue
        agents = np.asarray(cfg.agents_by_hour, dtype=np.int64)
        multiplier, fcr = 1.0, cfg.fcr
        if investment is not None:
            extra, multiplier, gain = investment.queue_effects(ch, month)
            agents = agents + extra
            fcr = min(1.0, fcr + gain)
        specs.append(QueueSpec(tuple(int(a) for a in agents), cfg.sl_threshold_s, fcr, multiplier, cfg.cost_per_contact_usd))
    return specs


def run_arm(scenario: Scenario, investment: Investment | None, replication: int, root_seed: int) -> ArmRun:
    """Simulate ``scenario.horizon_months`` months of one arm of one replication.

    The baseline arm is ``investment=None``. Same (scenario, replication, root_seed) ⇒ the same
    customers with the same needs in every arm (common random numbers).
    """
    streams = Streams(root_seed, replication)
    shares = scenario.customers.channel_mix.shares()
    channel_shares = np.array([shares.get(ch, 0.0) for ch in CHANNELS])
    if channel_shares.sum() == 0:
        channel_shares[0] = 1.0
    model = CustomerModel(scenario.customers, scenario.experience, channel_shares, streams,
                          scenario.market, scenario.discount_rate_annual)
    demand = _demand(scenario)
    exp = scenario.experience
    expected = np.array([(scenario.channels.configured().get(ch).expected_wait_s
                          if ch in scenario.channels.configured() else 1.0) for ch in CHANNELS])
    horizon, days = scenario.horizon_months, scenario.days_per_month
    labor = scenario.labor_cost_usd_per_month()
    invest_cost = (investment.costs_usd(horizon, scenario.labor_rates(), days)
                   if investment is not None else np.zeros(horizon + 1))

    monthly: dict[str, np.ndarray] = {}

    def put(name: str, month: int, value: float) -> None:
        monthly.setdefault(name, np.full(horizon + 1, np.nan))[month] = value

    for name in ("service_cost_usd", "revenue_usd", "gross_margin_usd"):
        put(name, 0, 0.0)
    put("active_customers", 0, float(model.active_count))
    interval_parts: list[dict[str, np.ndarray]] = []
    unstable: list[int] = []

    for month in range(1, horizon + 1):
        req = model.propose_contacts()
        batch = draw_contacts(streams, month, req.customer_id, req.channel, req.potential_index, demand, days)
        queues = _queues(scenario, investment, month)
        rec = simulate_month(batch, queues, days)
        ch = batch.channel.astype(np.intp)

        # A contact after an unresolved one by the same customer this month is a repeat: extra effort.
        effort = repeat_flags(batch.customer_id, batch.arrival_s, rec.resolved).astype(float)
        score = contact_scores(rec.wait_s, expected[ch], rec.answered, rec.resolved, exp.neutral_score,
                               exp.wait_weight, exp.resolution_weight, exp.loss_aversion,
                               effort=effort, effort_weight=exp.effort_weight)
        ids, episode, _ = episodes(batch.customer_id, batch.arrival_s, score, exp.peak_end_weights)
        model.absorb(ids, episode, np.unique(batch.customer_id[~rec.resolved]))
        model.step()
        for name, value in model.last_metrics.items():
            put(name, month, value)

        size = int(req.potential_index.max()) + 1 if len(batch) else 0
        responds = streams.rng(Stream.SURVEY, month).random(size)[req.potential_index] < exp.survey_response_rate
        noise = exp.csat_noise_sd * streams.rng(Stream.SURVEY, month, 1).standard_normal(size)[req.potential_index]
        answers = csat_responses(score[responds], noise[responds])
        put("csat", month, float(answers.mean()) if answers.size else np.nan)
        put("csat_responses", month, float(answers.size))
        ces_noise = exp.ces_noise_sd * streams.rng(Stream.SURVEY, month, 2).standard_normal(size)[req.potential_index]
        ces = ces_responses(effort_units(rec.wait_s, expected[ch], rec.answered, effort)[responds], ces_noise[responds])
        put("ces", month, float(ces.mean()) if ces.size else np.nan)
        put("contacts", month, float(len(batch)))
        put("fcr", month, float(rec.resolved.mean()) if len(batch) else np.nan)
        put("repeat_contacts", month, float(effort.sum()))
        put("experience_mean", month, float(score.mean()) if len(batch) else np.nan)
        variable = float(sum(np.count_nonzero(ch == code) * q.cost_per_contact_usd for code, q in enumerate(queues)))
        put("service_cost_usd", month, labor + variable)
        if rec.unserved_at_close.any():
            unstable.append(month)
        put("unserved_at_close", month, float(rec.unserved_at_close.sum()))

        month_kpis = interval_kpis(rec, queues, days, 1440)
        for code, chan in enumerate(CHANNELS):
            if chan in scenario.channels.configured():
                for k in ("offered", "service_level", "asa_s", "abandon_rate", "p_wait", "aht_s", "occupancy"):
                    put(f"{k}_{chan.value}", month, float(month_kpis[k][code]))
        part = interval_kpis(rec, queues, days, scenario.interval_min)
        part["month"] = np.full(part["offered"].size, month)
        interval_parts.append(part)

    model.close()
    for t in range(horizon + 1):
        put("investment_cost_usd", t, float(invest_cost[t]))
    intervals = {k: np.concatenate([p[k] for p in interval_parts]) for k in interval_parts[0]} if interval_parts else {}
    arm = investment.name if investment is not None else Arm.BASELINE.value
    return ArmRun(arm, replication, monthly, intervals, unstable)
