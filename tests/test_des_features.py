"""The full contact centre: oracles for the bot tier and transients, and direction-of-effect tests."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scipy.linalg import expm

from sim.des import Bot, BotSpec, CentreSpec, ChannelSpec, ContactBatch, GroupSpec, interval_kpis, simulate_centre
from sim.des.arrivals import DemandSpec, draw_contacts
from sim.des.erlang import erlang_a
from sim.run.month_loop import carry_backlog
from sim.streams import Streams
from tests.des_helpers import poisson_batch

AHT, PATIENCE, SL = 300.0, 180.0, 20.0


def rng(seed: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(77,))))


def one_channel(agents, channel: ChannelSpec | None = None, groups=None) -> CentreSpec:
    ch = channel or ChannelSpec(SL, (1.0,))
    return CentreSpec((ch,), groups or (GroupSpec("g", (0,), tuple(np.broadcast_to(agents, (24,)).tolist())),))


@pytest.mark.slow
def test_bot_tier_thins_the_human_queue_to_erlang_a_at_the_residual_rate():
    """Containment c in front of Poisson(λ) leaves Poisson(λ(1−c)) for the humans: Erlang A applies."""
    bot = BotSpec((0.3,), false_containment=0.0, opt_out=1.0, session_s=0.0)
    spec = one_channel(7, ChannelSpec(SL, (1.0,), bot=bot))
    kpis = {"p_wait": [], "p_abandon": [], "service_level": [], "contained": []}
    for seed in range(10):
        rec = simulate_centre(poisson_batch(rng(seed), 100, 10, AHT, PATIENCE), spec, 10)
        off = rec.offered & (rec.arrival_s > 3600)
        kpis["p_wait"].append((rec.wait_s[off] > 0).mean())
        kpis["p_abandon"].append(rec.abandoned[off].mean())
        kpis["service_level"].append((rec.answered[off] & (rec.wait_s[off] <= SL)).mean())
        kpis["contained"].append((rec.bot == Bot.CONTAINED).mean())
    theory = erlang_a(70 / 3600, AHT, PATIENCE, 7, SL)
    for k in ("p_wait", "p_abandon", "service_level"):
        v = np.array(kpis[k])
        assert abs(v.mean() - getattr(theory, k)) <= 5 * v.std(ddof=1) / math.sqrt(v.size) + 0.005, k
    assert np.mean(kpis["contained"]) == pytest.approx(0.3, abs=0.005)


def transient_p_wait(rates_per_h, agents: int, hours: int, steps: int = 120) -> list[float]:
    """Time-average P(all agents busy) within each hour, from empty, by the forward equations."""
    size = 120
    p = np.zeros(size)
    p[0] = 1.0
    out = []
    for h in range(hours):
        lam, mu, theta = rates_per_h[h] / 3600, 1 / AHT, 1 / PATIENCE
        q = np.zeros((size, size))
        for k in range(size):
            if k + 1 < size:
                q[k, k + 1] = lam
            if k > 0:
                q[k, k - 1] = mu * min(k, agents) + theta * max(k - agents, 0)
            q[k, k] = -q[k].sum()
        step = expm(q * 3600 / steps)
        busy = 0.0
        for _ in range(steps):
            p_next = p @ step
            busy += 0.5 * (p[agents:].sum() + p_next[agents:].sum()) / steps
            p = p_next
        out.append(busy)
    return out


@pytest.mark.slow
def test_transient_after_rate_steps_matches_forward_equations():
    """Rates step 40/h → 150/h → 0 each day from an empty centre: P(wait) by hour of arrival."""
    profile = np.zeros(24)
    profile[:2] = (40, 150)
    theory = transient_p_wait(profile, 8, 2)
    per_hour = {0: [], 1: []}
    for seed in range(10):
        rec = simulate_centre(poisson_batch(rng(100 + seed), profile, 30, AHT, PATIENCE), one_channel(8), 30)
        hour = ((rec.arrival_s % 86_400) // 3600).astype(int)
        for h in (0, 1):
            per_hour[h].append((rec.wait_s[hour == h] > 0).mean())
    for h in (0, 1):
        v = np.array(per_hour[h])
        assert abs(v.mean() - theory[h]) <= 5 * v.std(ddof=1) / math.sqrt(v.size) + 0.005, (h, v.mean(), theory[h])
    assert theory[1] > 3 * theory[0]  # the step is visible: the oracle is not trivially flat


def test_higher_concurrency_means_longer_chat_handle_time():
    batch = poisson_batch(rng(1), 20, 5, 600, 300)
    aht = {}
    for k in (1, 3):
        spec = one_channel(3, ChannelSpec(60, (1.0,), concurrency=k, concurrency_inflation=0.25))
        rec = simulate_centre(batch, spec, 5)
        aht[k] = np.nanmean(rec.handle_s)
    assert aht[3] > aht[1] * 1.05


def test_context_handoff_shortens_human_handle_time():
    batch = poisson_batch(rng(2), 60, 5, AHT, PATIENCE)
    aht = {}
    for ctx in (True, False):
        bot = BotSpec((0.3,), false_containment=0.0, opt_out=1.0, session_s=60.0, context_handoff=ctx,
                      no_context_work_increase=0.25)
        rec = simulate_centre(batch, one_channel(8, ChannelSpec(SL, (1.0,), bot=bot)), 5)
        aht[ctx] = np.nanmean(rec.handle_s[rec.bot == Bot.HANDED_OFF])
        assert rec.context_lost[rec.bot == Bot.HANDED_OFF].all() != ctx
    assert aht[True] < aht[False] / 1.2


def test_email_backlog_grows_when_short_of_capacity_and_drains_otherwise():
    email = ChannelSpec(86_400, (1.0,), realtime=False)
    hours = (0,) * 8 + (1,) * 8 + (0,) * 8  # one agent 08-16: 240 agent-hours a month
    spec = CentreSpec((email,), (GroupSpec("mail", (0,), hours),))
    busy_month = poisson_batch(rng(3), 2.0, 30, 600, math.inf)  # ≈1,440 e-mails × 10 min = 240 h … plus noise
    busy_month = dataclasses.replace(busy_month, work_s=busy_month.work_s * 1.5)  # 360 h of work: too much
    rec = simulate_centre(busy_month, spec, 30)
    backlog = int(rec.backlog.sum())
    assert backlog > 200 and not rec.abandoned.any()
    carried = carry_backlog(busy_month, rec, 30)
    assert (carried.arrival_s < 0).all() and carried.carried.all()
    quiet = poisson_batch(rng(4), 0.2, 30, 600, math.inf, first_id=10**6)  # far below capacity
    rec2 = simulate_centre(ContactBatch.concat(carried, quiet), spec, 30)
    old = rec2.carried
    assert old.sum() == backlog and rec2.answered[old].all()  # the carried backlog is worked off
    assert rec2.backlog.sum() < 10  # only e-mails that arrived after the last shift of the month wait
    assert (rec2.wait_s[old] > 30 * 3600).all()  # their wait runs on from last month


def test_unresolved_issues_come_back_from_the_same_customer():
    spec = one_channel(10, ChannelSpec(SL, (0.5,), patience_mean_s=PATIENCE, repeat_probability=1.0,
                                       repeat_delay_mean_s=3600.0))
    batch = poisson_batch(rng(5), 30, 10, AHT, PATIENCE)
    rec = simulate_centre(batch, spec, 10)
    follow = rec.attempt > 0
    assert follow.sum() > 0.3 * len(batch)
    assert (rec.customer_id[follow] == batch.customer_id[rec.issue[follow]]).all()
    assert rec.attempt.max() == 2  # capped follow-ups


def test_abandoners_retry():
    spec = one_channel(2, ChannelSpec(SL, (1.0,), patience_mean_s=60.0, retrial_probability=1.0))
    rec = simulate_centre(poisson_batch(rng(6), 40, 3, AHT, 60.0), spec, 3)
    assert (rec.attempt > 0).sum() > 0.5 * (rec.abandoned & (rec.attempt == 0)).sum()


def test_transfers_are_served_by_the_level_two_pool():
    ch = ChannelSpec(SL, (0.5,), transfer_by_reason=(0.3,))
    groups = (GroupSpec("l1", (0,), (8,) * 24), GroupSpec("l2", (0,), (3,) * 24, level=2))
    rec = simulate_centre(poisson_batch(rng(7), 60, 5, AHT, PATIENCE), CentreSpec((ch,), groups, l2_fcr=0.9), 5)
    t = rec.transferred
    assert 0.2 < t.sum() / rec.answered.sum() < 0.4
    assert np.isfinite(rec.l2_handle_s[t]).mean() > 0.95
    assert rec.resolved[t].mean() > 0.8  # level 2 resolves 90 %


def test_routing_prefers_the_most_proficient_free_agent():
    groups = (GroupSpec("novices", (0,), (20,) * 24, proficiency=1.0), GroupSpec("experts", (0,), (20,) * 24, proficiency=2.0))
    batch = poisson_batch(rng(8), 20, 5, AHT, PATIENCE)  # light load: experts are almost always free
    rec = simulate_centre(batch, CentreSpec((ChannelSpec(SL, (1.0,)),), groups), 5)
    ratio = rec.handle_s[rec.answered] / batch.work_s[rec.issue[rec.answered]]
    assert np.mean(np.isclose(ratio, 0.5)) > 0.95


def test_callbacks_cut_abandonment():
    batch = poisson_batch(rng(9), 110, 5, AHT, PATIENCE)
    base = simulate_centre(batch, one_channel(9), 5)
    cb = simulate_centre(batch, one_channel(9, ChannelSpec(SL, (1.0,), callback_offer_wait_s=60.0, callback_accept=0.8)), 5)
    assert cb.callback.sum() > 0 and cb.abandoned.mean() < base.abandoned.mean()


def test_silent_chat_abandoners_cost_agent_time():
    batch = poisson_batch(rng(10), 90, 5, 600, 120)
    loud = simulate_centre(batch, one_channel(6, ChannelSpec(60, (1.0,), concurrency=2)), 5)
    quiet = simulate_centre(batch, one_channel(6, ChannelSpec(60, (1.0,), concurrency=2, silent_abandon_share=1.0,
                                                                silent_detect_s=120)), 5)
    assert quiet.silent.sum() > 0 and quiet.silent[quiet.abandoned].all()
    assert quiet.answered.sum() < loud.answered.sum()  # detection time is capacity lost


def test_kpis_by_interval_add_up():
    rec = simulate_centre(poisson_batch(rng(11), 80, 3, AHT, PATIENCE), one_channel(8), 3)
    spec = one_channel(8)
    daily = interval_kpis(rec, spec, 3, 1440)
    for minutes in (15, 30, 60):
        k = interval_kpis(rec, spec, 3, minutes)
        assert k["offered"].sum() == daily["offered"][0] and k["answered"].sum() == daily["answered"][0]
        assert k["busy_s"].sum() == pytest.approx(daily["busy_s"][0])
        assert k["staffed_s"].sum() == pytest.approx(daily["staffed_s"][0])


def test_day_level_multiplier_overdisperses_daily_volume_and_weekdays_shape_it():
    demand = [DemandSpec((1.0,) * 24, 300, 1.0, math.inf, weekday_weights=(2, 1, 1, 1, 1, 1, 0.5))]
    counts, flat = [], []
    for month in range(1, 13):
        n = 30_000
        kw = dict(customer_id=np.arange(n), channel=np.zeros(n, np.int8), potential_index=np.arange(n), demand=demand, days=30)
        day = (draw_contacts(Streams(1, 0), month, day_volume_cv=0.24, **kw).arrival_s // 86_400).astype(int)
        counts.append(np.bincount(day, minlength=30))
        flat.append(np.bincount((draw_contacts(Streams(1, 0), month, **kw).arrival_s // 86_400).astype(int), minlength=30))
    counts, flat = np.concatenate(counts), np.concatenate(flat)
    weekday = (np.repeat(np.arange(12) * 30, 30) + np.tile(np.arange(30), 12)) % 7  # month 1 starts on a Monday
    rel = counts / np.array([2, 1, 1, 1, 1, 1, 0.5])[weekday]
    rel_flat = flat / np.array([2, 1, 1, 1, 1, 1, 0.5])[weekday]
    cv = rel.std() / rel.mean()
    assert 0.18 < cv < 0.32  # ≈ 0.24 plus Poisson noise
    assert rel_flat.std() / rel_flat.mean() < 0.05
    assert flat[weekday == 0].mean() > 3 * flat[weekday == 6].mean()


def test_reasons_have_their_own_handle_times():
    from sim.des.arrivals import ReasonSpec

    demand = [DemandSpec((1.0,) * 24, 300, 0.5, math.inf)]
    reasons = [ReasonSpec(0.5, 0.5, "lognormal", 0.5), ReasonSpec(0.5, 2.0, "gamma", 1.0)]
    n = 40_000
    b = draw_contacts(Streams(2, 0), 1, np.arange(n), np.zeros(n, np.int8), np.arange(n), demand, 30, reasons)
    assert b.work_s[b.reason == 0].mean() == pytest.approx(150, rel=0.03)
    assert b.work_s[b.reason == 1].mean() == pytest.approx(600, rel=0.03)
    assert (b.reason == 1).mean() == pytest.approx(0.5, abs=0.01)


def test_general_patience_keeps_its_mean_and_changes_its_shape():
    from sim.des.arrivals import patience_factor

    e = np.random.default_rng(3).exponential(1.0, 200_000)
    logn = patience_factor(e, 0.5)
    assert logn.mean() == pytest.approx(1.0, rel=0.01) and logn.std() == pytest.approx(0.5, rel=0.03)
    assert np.corrcoef(np.argsort(np.argsort(e)), np.argsort(np.argsort(logn)))[0, 1] > 0.999  # same ranks: CRN kept
