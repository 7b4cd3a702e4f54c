"""One replication of one arm: the month loop that couples customers (ABM) and the centre (DES).

This is the only module that knows both halves. They talk through plain data: contact requests
(ids, channels, world-draw indices) go to the DES; one record per contact leg comes back, is
scored by :mod:`sim.experience`, and per-customer episodes go back to the customer model. Churn
and acquisition change next month's contact volume, which changes waits: the feedback loop.
Deferrable work (e-mail, social) still waiting at month end is carried into the next month.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from sim.abm import CustomerModel
from sim.des import Bot, ContactBatch, ContactRecords, draw_contacts, interval_kpis, simulate_centre
from sim.experience import ces_responses, contact_scores, csat_responses, effort_units, episodes
from sim.investments import Investment
from sim.operations import CHANNELS, centre_spec, demand_specs, reason_specs, variable_cost_usd
from sim.scenario import Scenario
from sim.streams import Stream, Streams
from sim.types import Arm

CHANNEL_METRICS = ("offered", "service_level", "asa_s", "abandon_rate", "p_wait", "aht_s", "occupancy", "backlog",
                   "bot_sessions", "contained", "bot_dead_ends", "transferred", "followups", "callbacks")


@dataclass
class ArmRun:
    """Everything one (arm, replication) produced: flat monthly metrics and interval rows."""

    arm: str
    replication: int
    monthly: dict[str, np.ndarray]  # metric -> values for months 0..horizon (month 0 = t0)
    intervals: dict[str, np.ndarray]  # column -> values, one row per (month, channel, interval)
    unstable_months: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Experience:
    """What the month's contacts did to customers."""

    score: np.ndarray  # per record (NaN for backlog still waiting)
    effort: np.ndarray
    ids: np.ndarray  # customers with an episode this month
    episode: np.ndarray
    unresolved_ids: np.ndarray


def score_month(sc: Scenario, batch: ContactBatch, rec: ContactRecords, expected_wait_s: np.ndarray) -> Experience:
    """Score every contact leg the customers lived through and summarise per customer."""
    e = sc.experience
    lived = ~rec.backlog
    by_bot = np.isin(rec.bot, (Bot.CONTAINED, Bot.FALSE_CONTAINED))
    wait = np.where(rec.offered & ~rec.callback, np.nan_to_num(rec.wait_s), 0.0)
    effort = rec.attempt.astype(float) + rec.transferred + rec.context_lost
    score = contact_scores(wait, expected_wait_s[rec.channel.astype(np.intp)], rec.answered | by_bot, rec.resolved,
                           e.neutral_score, e.wait_weight, e.resolution_weight, e.loss_aversion,
                           effort=effort, effort_weight=e.effort_weight,
                           dead_end=rec.bot == Bot.DEAD_END, dead_end_weight=e.dead_end_weight)
    ids, episode, _ = episodes(rec.customer_id[lived], rec.arrival_s[lived], score[lived], e.peak_end_weights)
    resolved_issue = np.zeros(len(batch), bool)
    np.logical_or.at(resolved_issue, rec.issue, rec.resolved)
    pending = np.zeros(len(batch), bool)
    pending[rec.issue[rec.backlog]] = True
    unresolved = np.unique(batch.customer_id[~resolved_issue & ~pending])
    return Experience(np.where(lived, score, np.nan), effort, ids, episode, unresolved)


def carry_backlog(batch: ContactBatch, rec: ContactRecords, days: int) -> ContactBatch:
    """Deferrable contacts still waiting at month end, re-timed to wait on into next month."""
    rows = rec.issue[rec.backlog]
    carried = batch.take(rows)
    return dataclasses.replace(carried, arrival_s=rec.arrival_s[rec.backlog] - days * 86_400.0,
                               carried=np.ones(rows.size, bool))


def run_arm(scenario: Scenario, investment: Investment | None, replication: int, root_seed: int) -> ArmRun:
    """Simulate ``scenario.horizon_months`` months of one arm of one replication.

    The baseline arm is ``investment=None``. Same (scenario, replication, root_seed) ⇒ the same
    customers with the same needs in every arm (common random numbers).
    """
    sc, streams = scenario, Streams(root_seed, replication)
    shares = sc.customers.channel_mix.shares()
    channel_shares = np.array([shares.get(ch, 0.0) for ch in CHANNELS])
    if channel_shares.sum() == 0:
        channel_shares[0] = 1.0
    model = CustomerModel(sc.customers, sc.experience, channel_shares, streams, sc.market, sc.discount_rate_annual)
    demand, reasons, exp = demand_specs(sc), reason_specs(sc), sc.experience
    configured = sc.channels.configured()
    expected = np.array([configured[ch].expected_wait_s if ch in configured else 1.0 for ch in CHANNELS])
    horizon, days = sc.horizon_months, sc.days_per_month
    labor = sc.labor_cost_usd_per_month()
    invest_cost = (investment.costs_usd(horizon, sc.labor_rates(), days) if investment is not None
                   else np.zeros(horizon + 1))

    monthly: dict[str, np.ndarray] = {}

    def put(name: str, month: int, value: float) -> None:
        monthly.setdefault(name, np.full(horizon + 1, np.nan))[month] = value

    for name in ("service_cost_usd", "revenue_usd", "gross_margin_usd"):
        put(name, 0, 0.0)
    put("active_customers", 0, float(model.active_count))
    interval_parts: list[dict[str, np.ndarray]] = []
    unstable: list[int] = []
    carry = ContactBatch.empty()

    for month in range(1, horizon + 1):
        req = model.propose_contacts()
        fresh = draw_contacts(streams, month, req.customer_id, req.channel, req.potential_index, demand, days,
                              reasons, sc.day_volume_cv)
        batch = ContactBatch.concat(carry, fresh) if len(carry) else fresh
        spec = centre_spec(sc, investment, month)
        rec = simulate_centre(batch, spec, days)
        xp = score_month(sc, batch, rec, expected)
        model.absorb(xp.ids, xp.episode, xp.unresolved_ids)
        model.step()
        for name, value in model.last_metrics.items():
            put(name, month, value)

        lived = ~rec.backlog
        size = int(batch.potential_index.max()) + 1 if len(batch) else 0
        pidx = batch.potential_index[rec.issue]
        responds = lived & (streams.rng(Stream.SURVEY, month).random(size)[pidx] < exp.survey_response_rate)
        noise = streams.rng(Stream.SURVEY, month, 1).standard_normal(size)[pidx]
        csat = csat_responses(xp.score[responds], exp.csat_noise_sd * noise[responds])
        ces_noise = streams.rng(Stream.SURVEY, month, 2).standard_normal(size)[pidx]
        ces = ces_responses(effort_units(np.where(rec.offered, np.nan_to_num(rec.wait_s), 0.0)[responds],
                                         expected[rec.channel.astype(np.intp)][responds], rec.answered[responds]
                                         | ~rec.offered[responds], xp.effort[responds]), exp.ces_noise_sd * ces_noise[responds])
        first = (rec.attempt == 0) & ~rec.carried
        put("csat", month, float(csat.mean()) if csat.size else np.nan)
        put("csat_responses", month, float(csat.size))
        put("ces", month, float(ces.mean()) if ces.size else np.nan)
        put("contacts", month, float(len(fresh)))
        put("fcr", month, float((rec.resolved & first).sum() / len(fresh)) if len(fresh) else np.nan)
        put("repeat_contacts", month, float((rec.attempt > 0).sum()))
        put("experience_mean", month, float(np.nanmean(xp.score)) if lived.any() else np.nan)
        put("service_cost_usd", month, labor + variable_cost_usd(rec, spec))
        put("unserved_at_close", month, float(rec.unserved_at_close.sum()))
        if rec.unserved_at_close.any():
            unstable.append(month)

        month_kpis = interval_kpis(rec, spec, days, 1440)
        for code, chan in enumerate(CHANNELS):
            if chan in configured:
                for k in CHANNEL_METRICS:
                    put(f"{k}_{chan.value}", month, float(month_kpis[k][code]))
        part = interval_kpis(rec, spec, days, sc.interval_min)
        keep = np.isin(part["channel_code"], [CHANNELS.index(ch) for ch in configured])
        part = {k: v[keep] for k, v in part.items()}
        part["month"] = np.full(part["offered"].size, month)
        interval_parts.append(part)
        carry = carry_backlog(batch, rec, days)

    model.close()
    for t in range(horizon + 1):
        put("investment_cost_usd", t, float(invest_cost[t]))
    intervals = {k: np.concatenate([p[k] for p in interval_parts]) for k in interval_parts[0]} if interval_parts else {}
    arm = investment.name if investment is not None else Arm.BASELINE.value
    return ArmRun(arm, replication, monthly, intervals, unstable)
