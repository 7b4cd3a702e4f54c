"""From the scenario (and an investment) to the contact centre's monthly specs, and back to money.

Pure translation, no simulation: which channels, reasons and agent groups exist this month, what
the investment's levers change (extra agents, handle-time multiplier, FCR gain, each channel's own
schedule), and what the month's agents and contacts cost. Channel codes follow ``Channel`` order;
unconfigured channels get an inert spec that no contact uses.

A channel's own schedule (by hour, or a shift plan's floor per interval of the week) changes in
this order: the harvest's cut (agents taken off per hour, never emptying a staffed interval), a
WFM fit (the week's agent-intervals re-allocated to the arrival curve, same total, staffed
intervals only: :func:`sim.run.erlang_plan.fit_week`), a WFM adherence gain (floor agents x factor, rounded cumulatively over the week's days so
the weekly mean keeps the fraction). Labour follows the paid hours: only the cut changes them.
"""

from __future__ import annotations

import math

import numpy as np

from sim.des import BotSpec, CentreSpec, ChannelSpec, ContactRecords, DemandSpec, GroupSpec
from sim.des.arrivals import ReasonSpec
from sim.des.contacts import Bot
from sim.des.spec import Closed
from sim.levers import MonthEffects
from sim.run.erlang_plan import fit_week
from sim.scenario import Scenario
from sim.scenario.harvest import keep_open
from sim.scenario.schedule import MINUTES_PER_DAY, WEEKDAYS, floor_by_interval, open_by_interval
from sim.types import Channel

CHANNELS = list(Channel)
SECONDS_PER_DAY = 86_400.0


def demand_specs(sc: Scenario) -> list[DemandSpec]:
    out = []
    for ch in CHANNELS:
        cfg = sc.channels.configured().get(ch)
        if cfg is None:
            out.append(DemandSpec((1.0,) * 24, 1.0, 1.0, math.inf))
        else:
            patience = math.inf if cfg.patience_mean_s is None else cfg.patience_mean_s
            by_day = cfg.hourly_profile_by_weekday
            out.append(DemandSpec(tuple(cfg.hourly_profile), cfg.aht_mean_s, cfg.aht_cv, patience,
                                  tuple(cfg.weekday_weights), cfg.patience_cv,
                                  tuple(tuple(by_day.get(d, cfg.hourly_profile)) for d in WEEKDAYS) if by_day else None,
                                  cfg.aht_profile_s, cfg.aht_cv_profile))
    return out


def reason_specs(sc: Scenario) -> list[ReasonSpec]:
    return [ReasonSpec(r.share, r.aht_factor, r.distribution, r.aht_cv) for r in sc.reasons] or [ReasonSpec()]


def _channel(sc: Scenario, ch: Channel, multiplier: float, fcr_gain: float, fx: MonthEffects) -> ChannelSpec:
    cfg = sc.channels.configured().get(ch)
    if cfg is None:
        return ChannelSpec(1.0, (0.0,) * max(1, len(sc.reasons)), transfer_by_reason=(0.0,) * max(1, len(sc.reasons)))
    reasons = sc.reasons or ()
    fcr = tuple(min(1.0, (cfg.fcr if r.fcr is None else r.fcr) + fcr_gain) for r in reasons) or (min(1.0, cfg.fcr + fcr_gain),)
    transfer = tuple(cfg.transfer_probability if r.transfer_probability is None else r.transfer_probability
                     for r in reasons) or (cfg.transfer_probability,)
    bot = None
    b = fx.bots.get(ch, cfg.bot)
    if b is not None:
        if fx.context_everywhere:
            b = b.model_copy(update={"context_handoff": True})
        names = [r.name for r in reasons] or ["general"]
        bot = BotSpec(tuple(b.containment_by_reason.get(n, b.containment) for n in names), b.false_containment_share,
                      b.opt_out_share, b.session_s, b.context_handoff, b.no_context_handle_increase,
                      b.recontact_delay_days * SECONDS_PER_DAY)
    callback = cfg.callback
    opening = None if cfg.open_hours is None else open_by_interval(cfg.open_hours, sc.interval_min)
    return ChannelSpec(
        sl_threshold_s=cfg.sl_threshold_s, fcr_by_reason=fcr, realtime=not ch.deferrable,
        patience_mean_s=math.inf if cfg.patience_mean_s is None else cfg.patience_mean_s, patience_cv=cfg.patience_cv,
        handle_multiplier=multiplier, transfer_by_reason=transfer, concurrency=cfg.concurrency,
        concurrency_inflation=cfg.concurrency_handle_inflation, silent_abandon_share=cfg.silent_abandon_share,
        silent_detect_s=cfg.silent_detect_s,
        callback_offer_wait_s=callback.offer_when_wait_s if callback else math.inf,
        callback_accept=callback.accept_probability if callback else 0.0, aht_estimate_s=cfg.aht_mean_s,
        retrial_probability=cfg.retrial_probability, retrial_delay_mean_s=cfg.retrial_delay_mean_s,
        repeat_probability=cfg.repeat_probability, repeat_delay_mean_s=cfg.repeat_delay_mean_days * SECONDS_PER_DAY,
        bot=bot, cost_per_contact_usd=cfg.cost_per_contact_usd,
        bot_cost_per_session_usd=cfg.bot.cost_per_session_usd if cfg.bot and ch not in fx.bots else 0.0,
        open_by_interval=opening, closed=Closed[cfg.closed.upper()], closed_retry_delay_mean_s=cfg.closed_retry_delay_mean_s,
        closed_switch_to=None if cfg.closed_switch_to is None else CHANNELS.index(cfg.closed_switch_to),
    )


def _group(sc: Scenario, name: str, channels: tuple[int, ...], cfg, **kw) -> GroupSpec:
    """A scheduled group: by hour, or by interval of the week from its shift plan."""
    if cfg.schedule is None:
        return GroupSpec(name, channels, tuple(cfg.agents_by_hour), **kw)
    weekly = floor_by_interval(cfg.schedule, sc.interval_min, sc.costs.shrinkage)
    hourly = np.asarray(weekly, float).reshape(7, 24, -1).mean(axis=(0, 2))  # informative only: the DES reads weekly
    return GroupSpec(name, channels, tuple(int(x) for x in np.floor(hourly + 0.5)), agents_by_interval=weekly, **kw)


def _weekly(sc: Scenario, cfg) -> np.ndarray:
    """A channel's own agents on the floor per interval of the week (Monday first)."""
    if cfg.schedule is not None:
        return np.asarray(floor_by_interval(cfg.schedule, sc.interval_min, sc.costs.shrinkage), int)
    per_day = MINUTES_PER_DAY // sc.interval_min
    return np.tile(np.asarray(cfg.agents_by_hour, int)[np.arange(per_day) * sc.interval_min // 60], 7)


def _hour_of_slot(sc: Scenario) -> np.ndarray:
    per_day = MINUTES_PER_DAY // sc.interval_min
    return np.tile(np.arange(per_day) * sc.interval_min // 60, 7)


def _spread_round(x: np.ndarray) -> np.ndarray:
    """Whole agents whose mean over the week's days, slot by slot, is ``x``'s (cumulative rounding)."""
    days = x.reshape(7, -1)
    r = np.floor(np.cumsum(days, axis=0) + 0.5 + 1e-9)
    return np.diff(r, axis=0, prepend=0).astype(int).ravel()


def own_floor(sc: Scenario, ch: Channel, fx: MonthEffects) -> np.ndarray | None:
    """The channel's own floor per interval of the week after the month's schedule effects (None: unchanged)."""
    cfg = sc.channels.configured()[ch]
    cut, fit, scale = fx.staff_cut.get(ch), ch in fx.fit_schedule, fx.floor_scale.get(ch, 1.0)
    if cut is None and not fit and scale == 1.0:
        return None
    weekly, hour = _weekly(sc, cfg), _hour_of_slot(sc)
    if cut is not None:
        weekly = keep_open(weekly, np.asarray(cut)[hour])
    if fit:
        weekly = fit_week(sc, ch, weekly)
    if scale != 1.0:
        weekly = _spread_round(weekly * scale)
    return weekly


def labor_cost(sc: Scenario, fx: MonthEffects | None = None) -> tuple[float, float]:
    """(labour and tooling in USD, paid agent-hours) of the month: the scheduled floor hours grossed up for
    shrinkage; a harvest's cut removes its paid hours (a shift plan: its paid hours in proportion to the floor)."""
    rates, days = sc.labor_rates(), sc.days_per_month
    floor_per_day = 0.0
    for name, chans, agents in sc.staffing_groups():
        agents = np.asarray(agents, float)
        ch = chans[0]
        if fx is not None and name == ch.value and ch in fx.staff_cut:
            cfg, hour = sc.channels.configured()[ch], _hour_of_slot(sc)
            now = np.bincount(hour, _weekly(sc, cfg), minlength=24)
            kept = np.bincount(hour, keep_open(_weekly(sc, cfg), np.asarray(fx.staff_cut[ch])[hour]), minlength=24)
            agents = agents * np.divide(kept, now, out=np.ones(24), where=now > 0)
        floor_per_day += agents.sum()
    fte = floor_per_day * days / rates.floor_hours_per_fte_month
    usd = sc.labor_cost_usd_per_month() if fx is None or not fx.staff_cut else fte * (
        rates.loaded_usd_per_agent_month + sc.costs.tooling_usd_per_agent_month)
    return usd, fte * sc.costs.paid_hours_per_year / 12.0


def centre_spec(sc: Scenario, fx: MonthEffects | None = None, month: int = 1) -> CentreSpec:
    """The centre in one month: the scenario's channels and groups, changed by the month's effects."""
    fx = fx or MonthEffects()
    channels, groups = [], []
    names = [r.name for r in sc.reasons]
    for code, ch in enumerate(CHANNELS):
        channels.append(_channel(sc, ch, fx.handle_multiplier[ch], fx.fcr_gain[ch], fx))
        cfg = sc.channels.configured().get(ch)
        if cfg is not None and any(cfg.cost_agents_by_hour(0.0)):
            weekly = own_floor(sc, ch, fx)
            if weekly is None:
                groups.append(_group(sc, ch.value, (code,), cfg))
            else:
                hourly = weekly.reshape(7, 24, -1).mean(axis=(0, 2))  # informative only: the DES reads weekly
                groups.append(GroupSpec(ch.value, (code,), tuple(int(x) for x in np.floor(hourly + 0.5)),
                                        agents_by_interval=tuple(int(x) for x in weekly)))
    for g in sc.agent_groups:
        reasons = None if g.reasons is None else tuple(names.index(n) for n in g.reasons)
        groups.append(_group(sc, f"group:{g.name}", tuple(CHANNELS.index(c) for c in g.channels), g,
                             proficiency=g.proficiency, level=g.level, reasons=reasons))
    for x in fx.extra_groups:
        groups.append(GroupSpec(x.name, tuple(CHANNELS.index(c) for c in x.channels), x.agents_by_hour, x.proficiency,
                                cost_per_handled_contact_usd=x.cost_per_handled_contact_usd))
    return CentreSpec(tuple(channels), tuple(groups), max(1, len(sc.reasons)),
                      sc.escalation.l2_handle_factor, sc.escalation.l2_fcr, sc.interval_min,
                      ((month - 1) * sc.days_per_month) % 7)


def variable_cost_usd(rec: ContactRecords, spec: CentreSpec) -> float:
    """Service cost per contact: offered contacts plus sessions of the world's own bots."""
    if not len(rec):
        return 0.0
    ch = rec.channel.astype(np.intp)
    per_contact = np.array([c.cost_per_contact_usd for c in spec.channels])
    per_session = np.array([c.bot_cost_per_session_usd for c in spec.channels])
    offered = rec.offered & ~rec.carried
    return float(per_contact[ch[offered]].sum() + per_session[ch[rec.bot != Bot.NONE]].sum())


def lever_variable_cost_usd(rec: ContactRecords, spec: CentreSpec, fx: MonthEffects) -> dict[str, float]:
    """Investment costs that scale with use: the investment's bot sessions and partner contacts."""
    if not len(rec):
        return {"bot_sessions_usd": 0.0, "partner_contacts_usd": 0.0}
    bot_cost = np.array([fx.bot_cost_per_session_usd.get(ch, 0.0) for ch in CHANNELS])
    per_group = np.array([g.cost_per_handled_contact_usd for g in spec.groups] + [0.0])
    served = rec.answered & (rec.group >= 0)
    return {"bot_sessions_usd": float(bot_cost[rec.channel[rec.bot != Bot.NONE].astype(np.intp)].sum()),
            "partner_contacts_usd": float(per_group[rec.group[served]].sum())}
