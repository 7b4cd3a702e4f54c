"""One replication of one arm: the month loop that couples customers (ABM) and the centre (DES).

This is the only module that knows both halves. They talk through plain data: contact requests
(ids, channels, need keys that key every draw about a contact) go to the DES; one record per contact leg comes back, is
scored by :mod:`sim.experience`, and per-customer episodes go back to the customer model. Churn
and acquisition change next month's contact volume, which changes waits: the feedback loop.
Deferrable work (e-mail, social) still waiting at month end is carried into the next month.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtri

from sim.abm import CustomerModel
from sim.des import Bot, ContactBatch, ContactRecords, draw_contacts, interval_kpis, simulate_centre
from sim.experience import ces_responses, contact_scores, csat_responses, effort_units, episodes
from sim.levers import MonthEffects, investment_costs_usd, month_effects
from sim.run.psa import draw_inputs
from sim.run.specs import CHANNELS, centre_spec, demand_specs, labor_cost, lever_variable_cost_usd, reason_specs, variable_cost_usd
from sim.scenario import Investment, Scenario
from sim.streams import Stream, Streams
from sim.types import Arm

CHANNEL_METRICS = ("offered", "service_level", "asa_s", "abandon_rate", "p_wait", "aht_s", "occupancy", "backlog",
                   "bot_sessions", "contained", "bot_dead_ends", "transferred", "followups", "callbacks", "unserved",
                   "closed_contacts")


@dataclass
class ArmRun:
    """Everything one (arm, replication) produced: flat monthly metrics and interval rows."""

    arm: str
    replication: int
    monthly: dict[str, np.ndarray]  # metric -> values for months 0..horizon (month 0 = t0)
    intervals: dict[str, np.ndarray]  # column -> values, one row per (month, channel, interval)
    unstable_months: list[int] = field(default_factory=list)
    inputs: dict[str, float] = field(default_factory=dict)  # drawn value of each uncertain setting (PSA)


@dataclass(frozen=True)
class Experience:
    """What the month's contacts did to customers."""

    score: np.ndarray  # per record (NaN for backlog still waiting)
    effort: np.ndarray
    ids: np.ndarray  # customers with an episode this month
    episode: np.ndarray
    unresolved_ids: np.ndarray
    credits: int = 0  # service-recovery credits granted


def score_month(sc: Scenario, batch: ContactBatch, rec: ContactRecords, expected_wait_s: np.ndarray,
                fx: MonthEffects | None = None, recovery_u: np.ndarray | None = None,
                side: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> Experience:
    """Score every contact leg the customers lived through and summarise per customer.

    ``fx`` brings the investment's effects on experience (agent empathy, no retold stories with a
    CRM, service-recovery credits granted when ``recovery_u`` < the grant share); ``side`` adds
    (customer ids, times, scores) of needs met without a contact (self-service, proactive notice).
    """
    e, fx = sc.experience, fx or MonthEffects()
    lived = ~rec.backlog
    by_bot = np.isin(rec.bot, (Bot.CONTAINED, Bot.FALSE_CONTAINED))
    wait = np.where(rec.offered & ~rec.callback, np.nan_to_num(rec.wait_s), 0.0)
    retold = 0.0 if fx.context_everywhere else rec.transferred + rec.context_lost
    effort = rec.attempt.astype(float) + retold
    ch_expect = expected_wait_s[rec.channel.astype(np.intp)]
    score = contact_scores(wait, ch_expect, rec.answered | by_bot, rec.resolved,
                           e.neutral_score, e.wait_weight, e.resolution_weight, e.loss_aversion,
                           effort=effort, effort_weight=e.effort_weight, empathy=e.empathy_weight * fx.empathy,
                           dead_end=rec.bot == Bot.DEAD_END, dead_end_weight=e.dead_end_weight)
    credited = np.zeros(len(rec), bool)
    if fx.recovery_grant_share > 0 and recovery_u is not None:
        poor = rec.answered & (~rec.resolved | (wait > 2 * ch_expect))
        credited = poor & (recovery_u < fx.recovery_grant_share)
        score = np.clip(score + credited * fx.recovery_score_uplift, 0.0, 1.0)
    ids_all, t_all, s_all = rec.customer_id[lived], rec.arrival_s[lived], score[lived]
    if side is not None:
        ids_all, t_all, s_all = (np.concatenate([a, b]) for a, b in zip((ids_all, t_all, s_all), side))
    ids, episode, _ = episodes(ids_all, t_all, s_all, e.peak_end_weights)
    resolved_issue = np.zeros(len(batch), bool)
    np.logical_or.at(resolved_issue, rec.issue, rec.resolved)
    pending = np.zeros(len(batch), bool)
    pending[rec.issue[rec.backlog]] = True
    unresolved = np.unique(batch.customer_id[~resolved_issue & ~pending])
    return Experience(np.where(lived, score, np.nan), effort, ids, episode, unresolved, int(credited.sum()))


def prevent(sc: Scenario, streams: Streams, month: int, fresh: ContactBatch, fx: MonthEffects):
    """Needs met before they become contacts: self-service deflection and proactive outreach.

    Returns the contacts that still reach us, and (ids, times, scores) of those that do not.
    """
    empty = (np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    if not len(fresh) or (fx.deflection == 0 and not fx.prevention_by_reason):
        return fresh, empty, 0, 0
    deflected = streams.keyed(Stream.DEFLECT, fresh.potential_index, month) < fx.deflection
    names = [r.name for r in sc.reasons] or ["general"]
    share = np.array([fx.prevention_by_reason.get(n, 0.0) for n in names])[fresh.reason.astype(np.intp)]
    prevented = ~deflected & (streams.keyed(Stream.PREVENT, fresh.potential_index, month) < share)
    gone = deflected | prevented
    score = np.where(deflected, fx.self_service_score, sc.experience.neutral_score + fx.proactive_bonus_score)
    side = (fresh.customer_id[gone], fresh.arrival_s[gone], score[gone])
    return fresh.take(np.flatnonzero(~gone)), side, int(deflected.sum()), int(prevented.sum())


def survey_keys(batch: ContactBatch, rec: ContactRecords) -> np.ndarray:
    """Draw key of each record's issue for this month's recovery and survey draws: its need key, with
    the top bit set for backlog carried from an earlier month (so it never shares a fresh need's draws)."""
    key = batch.potential_index[rec.issue].astype(np.uint64)
    key |= batch.carried[rec.issue].astype(np.uint64) << np.uint64(63)
    return key.view(np.int64)


def carry_backlog(batch: ContactBatch, rec: ContactRecords, days: int) -> ContactBatch:
    """Deferrable contacts (and messages left while a channel was closed) still waiting at month end,
    re-timed to wait on into next month."""
    rows = rec.issue[rec.backlog]
    carried = batch.take(rows)
    joined = np.where(np.isnan(rec.queued_s), rec.arrival_s, rec.queued_s)  # a message waits from the opening
    return dataclasses.replace(carried, arrival_s=joined[rec.backlog] - days * 86_400.0,
                               carried=np.ones(rows.size, bool))


def shift_channels(streams: Streams, month: int, channel: np.ndarray, potential_index: np.ndarray,
                   fx: MonthEffects) -> np.ndarray:
    """Channel codes after the month's channel shift (omnichannel): a share of one channel's contacts
    move to another, chosen by a uniform keyed by the need (the same contacts in every arm)."""
    if not fx.channel_shift or not channel.size:
        return channel
    u = streams.keyed(Stream.SHIFT, potential_index, month)
    out = channel.copy()
    for src, dst, share in fx.channel_shift:
        out[(channel == CHANNELS.index(src)) & (u < share)] = CHANNELS.index(dst)
    return out


def run_arm_records(scenario: Scenario, replication: int, root_seed: int):
    """Yield (month, contact records) of the baseline arm: what a centre's ACD log would show."""
    records: list = []
    run_arm(scenario, None, replication, root_seed, keep_records=records)
    yield from records


def run_arm(scenario: Scenario, investment: Investment | None, replication: int, root_seed: int,
            keep_records: list | None = None) -> ArmRun:
    """Simulate ``scenario.horizon_months`` months of one arm of one replication.

    The baseline arm is ``investment=None``. Same (scenario, replication, root_seed) ⇒ the same
    customers with the same needs, and the same values of uncertain world settings, in every arm
    (common random numbers). An investment with ``harvest: cost`` needs its re-planned schedule
    (``harvest_cut``): :func:`sim.run.harvest.plan_harvest`, which building an experiment does.
    """
    if investment is not None and investment.harvest == "cost" and investment.harvest_cut is None:
        raise ValueError(f"investment {investment.name!r} has harvest: cost but no re-planned schedule (harvest_cut): "
                         "plan it first with sim.run.harvest.plan_harvest (build_experiment does)")
    scenario, investment, inputs = draw_inputs(scenario, investment, replication, root_seed)
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
    rates = sc.labor_rates()
    invest_cost = investment_costs_usd(investment, horizon, rates, days) if investment is not None else np.zeros(horizon + 1)

    monthly: dict[str, np.ndarray] = {}

    def put(name: str, month: int, value: float) -> None:
        monthly.setdefault(name, np.full(horizon + 1, np.nan))[month] = value

    for name in ("service_cost_usd", "labor_cost_usd", "variable_service_cost_usd", "revenue_usd", "gross_margin_usd"):
        put(name, 0, 0.0)
    put("active_customers", 0, float(model.active_count))
    interval_parts: list[dict[str, np.ndarray]] = []
    unstable: list[int] = []
    carry = ContactBatch.empty()

    for month in range(1, horizon + 1):
        fx = month_effects(investment, month, rates, days)
        req = model.propose_contacts()
        channel = shift_channels(streams, month, req.channel, req.need_key, fx)
        wanted = draw_contacts(streams, month, req.customer_id, channel, req.need_key, demand, days,
                               reasons, sc.day_volume_cv)
        fresh, side, deflected, prevented = prevent(sc, streams, month, wanted, fx)
        batch = ContactBatch.concat(carry, fresh) if len(carry) else fresh
        n_wanted, n_fresh = len(wanted), len(fresh)
        del req, channel, wanted, fresh, carry  # peak memory: only this month's batch is kept
        spec = centre_spec(sc, fx, month)
        rec = simulate_centre(batch, spec, days)
        if keep_records is not None:
            keep_records.append((month, rec))
        key = survey_keys(batch, rec)
        recovery_u = streams.keyed(Stream.RECOVERY, key, month)
        xp = score_month(sc, batch, rec, expected, fx, recovery_u, side)
        model.absorb(xp.ids, xp.episode, xp.unresolved_ids)

        lived = ~rec.backlog
        survey_u = streams.keyed(Stream.SURVEY, key, month, slots=3)
        responds = lived & (survey_u[:, 0] < exp.survey_response_rate)
        noise = ndtri(survey_u[:, 1])
        csat = csat_responses(xp.score[responds], exp.csat_noise_sd * noise[responds])
        ces_noise = ndtri(survey_u[:, 2])
        ces = ces_responses(effort_units(np.where(rec.offered, np.nan_to_num(rec.wait_s), 0.0)[responds],
                                         expected[rec.channel.astype(np.intp)][responds], rec.answered[responds]
                                         | ~rec.offered[responds], xp.effort[responds]), exp.ces_noise_sd * ces_noise[responds])
        first = (rec.attempt == 0) & ~rec.carried
        put("csat", month, float(csat.mean()) if csat.size else np.nan)
        put("csat_responses", month, float(csat.size))
        put("ces", month, float(ces.mean()) if ces.size else np.nan)
        put("contacts", month, float(n_fresh))
        put("contacts_wanted", month, float(n_wanted))
        put("fcr", month, float((rec.resolved & first).sum() / n_fresh) if n_fresh else np.nan)
        put("repeat_contacts", month, float((rec.attempt > 0).sum()))
        put("experience_mean", month, float(np.nanmean(xp.score)) if lived.any() else np.nan)
        labor, paid_hours = labor_cost(sc, fx)
        variable = variable_cost_usd(rec, spec)
        put("labor_cost_usd", month, labor)
        put("paid_agent_hours", month, paid_hours)
        put("variable_service_cost_usd", month, variable)
        put("service_cost_usd", month, labor + variable)
        lever_costs = lever_variable_cost_usd(rec, spec, fx)
        lever_costs["recovery_credits_usd"] = xp.credits * fx.recovery_credit_usd
        lever_costs["proactive_messages_usd"] = prevented * fx.proactive_cost_per_prevented_usd
        for name, value in lever_costs.items():
            put(f"investment_variable_{name}", month, value)
        invest_cost[month] += sum(lever_costs.values())
        put("deflected", month, float(deflected))
        put("prevented", month, float(prevented))
        put("recovery_credits", month, float(xp.credits))
        put("unserved_at_close", month, float(rec.unserved_at_close.sum()))
        if (rec.unserved_at_close & rec.offered).any():  # still queued when the run ended: demand above capacity
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
        del batch, rec, xp, part, month_kpis, key, recovery_u, survey_u, lived, responds, noise, ces_noise, first
        # The customers' month closes once the month's contacts are summarised and freed (peak memory:
        # the close's arrays over every customer never sit beside the month's batch and records). Its
        # draws are keyed by customer, so closing later changes no number.
        model.churn_multiplier = fx.churn_multiplier
        model.step()
        for name, value in model.last_metrics.items():
            put(name, month, value)

    model.close()
    for t in range(horizon + 1):
        put("investment_cost_usd", t, float(invest_cost[t]))
    intervals = {k: np.concatenate([p[k] for p in interval_parts]) for k in interval_parts[0]} if interval_parts else {}
    arm = investment.name if investment is not None else Arm.BASELINE.value
    return ArmRun(arm, replication, monthly, intervals, unstable, inputs)
