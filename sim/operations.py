"""From the scenario (and an investment) to the contact centre's monthly specs, and back to money.

Pure translation, no simulation: which channels, reasons and agent groups exist this month, what
the investment's levers change (extra agents, handle-time multiplier, FCR gain), and what the
month's contacts cost. Channel codes follow ``Channel`` order; unconfigured channels get an inert
spec that no contact uses.
"""

from __future__ import annotations

import math

import numpy as np

from sim.des import BotSpec, CentreSpec, ChannelSpec, ContactRecords, DemandSpec, GroupSpec
from sim.des.arrivals import ReasonSpec
from sim.des.contacts import Bot
from sim.investments import Investment
from sim.scenario import Scenario
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
            out.append(DemandSpec(tuple(cfg.hourly_profile), cfg.aht_mean_s, cfg.aht_cv, patience,
                                  tuple(cfg.weekday_weights), cfg.patience_cv))
    return out


def reason_specs(sc: Scenario) -> list[ReasonSpec]:
    return [ReasonSpec(r.share, r.aht_factor, r.distribution, r.aht_cv) for r in sc.reasons] or [ReasonSpec()]


def _channel(sc: Scenario, ch: Channel, multiplier: float, fcr_gain: float) -> ChannelSpec:
    cfg = sc.channels.configured().get(ch)
    if cfg is None:
        return ChannelSpec(1.0, (0.0,) * max(1, len(sc.reasons)), transfer_by_reason=(0.0,) * max(1, len(sc.reasons)))
    reasons = sc.reasons or ()
    fcr = tuple(min(1.0, (cfg.fcr if r.fcr is None else r.fcr) + fcr_gain) for r in reasons) or (min(1.0, cfg.fcr + fcr_gain),)
    transfer = tuple(cfg.transfer_probability if r.transfer_probability is None else r.transfer_probability
                     for r in reasons) or (cfg.transfer_probability,)
    bot = None
    if cfg.bot is not None:
        b = cfg.bot
        names = [r.name for r in reasons] or ["general"]
        bot = BotSpec(tuple(b.containment_by_reason.get(n, b.containment) for n in names), b.false_containment_share,
                      b.opt_out_share, b.session_s, b.context_handoff, b.no_context_handle_increase,
                      b.recontact_delay_days * SECONDS_PER_DAY)
    callback = cfg.callback
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
        bot_cost_per_session_usd=cfg.bot.cost_per_session_usd if cfg.bot else 0.0,
    )


def centre_spec(sc: Scenario, investment: Investment | None, month: int) -> CentreSpec:
    """The centre in ``month``: the scenario's channels and groups plus the investment's levers."""
    channels, groups = [], []
    names = [r.name for r in sc.reasons]
    for code, ch in enumerate(CHANNELS):
        extra, multiplier, gain = (investment.queue_effects(ch, month) if investment is not None
                                   else (np.zeros(24, np.int64), 1.0, 0.0))
        channels.append(_channel(sc, ch, multiplier, gain))
        cfg = sc.channels.configured().get(ch)
        if cfg is not None:
            agents = np.asarray(cfg.agents_by_hour, np.int64) + extra
            if agents.any():
                groups.append(GroupSpec(ch.value, (code,), tuple(int(a) for a in agents)))
    for g in sc.agent_groups:
        reasons = None if g.reasons is None else tuple(names.index(n) for n in g.reasons)
        groups.append(GroupSpec(f"group:{g.name}", tuple(CHANNELS.index(c) for c in g.channels),
                                tuple(g.agents_by_hour), g.proficiency, g.level, reasons))
    return CentreSpec(tuple(channels), tuple(groups), max(1, len(sc.reasons)),
                      sc.escalation.l2_handle_factor, sc.escalation.l2_fcr)


def variable_cost_usd(rec: ContactRecords, spec: CentreSpec) -> float:
    """Per-contact costs of offered contacts plus bot sessions."""
    if not len(rec):
        return 0.0
    ch = rec.channel.astype(np.intp)
    per_contact = np.array([c.cost_per_contact_usd for c in spec.channels])
    per_session = np.array([c.bot_cost_per_session_usd for c in spec.channels])
    offered = rec.offered & ~rec.carried
    return float(per_contact[ch[offered]].sum() + per_session[ch[rec.bot != Bot.NONE]].sum())
