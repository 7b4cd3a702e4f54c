"""The DES against queueing theory.

Single channel, Poisson arrivals, exponential handle time and patience, constant staffing: the
stationary KPIs must match Erlang A (and Erlang C without abandonment). Tolerance: each KPI is
estimated on K independent seeds; the mean must lie within 5 standard errors of theory
(t(0.9995, 9) ≈ 4.8 for K = 10), plus 0.5 % absolute for discretisation of the first hour's
transient, which is dropped anyway. Seeds are fixed, so the test is deterministic.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.des import ContactBatch, QueueSpec, interval_kpis, simulate_month
from sim.des.erlang import erlang_a, erlang_c

LAM_H, AHT, PATIENCE, SL_S = 100.0, 300.0, 180.0, 20.0
WARMUP_S = 3600.0


def mmn(agents: int, patience_s: float, days: int, seed: int):
    """One run; returns per-KPI estimates over arrivals after the warm-up, plus the records."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(0,))))
    horizon = days * 86_400.0
    n = rng.poisson(LAM_H / 3600 * horizon)
    arrival = np.sort(rng.random(n) * horizon)
    patience = rng.exponential(patience_s, n) if math.isfinite(patience_s) else np.full(n, math.inf)
    batch = ContactBatch.simple(np.arange(n), np.zeros(n, np.int8), arrival, patience, rng.exponential(AHT, n), rng.random(n))
    q = QueueSpec((agents,) * 24, SL_S, 1.0)
    rec = simulate_month(batch, [q], days)
    keep = rec.arrival_s > WARMUP_S
    ans, wait = rec.answered[keep], rec.wait_s[keep]
    est = {
        "p_wait": float((wait > 0).mean()),
        "p_abandon": float((~ans).mean()),
        "asa_s": float(wait[ans].mean()),
        "service_level": float((ans & (wait <= SL_S)).mean()),
        "mean_wait_all_s": float(wait.mean()),
    }
    return est, rec, q


def estimates(agents: int, patience_s: float, seeds: int, days: int) -> dict[str, np.ndarray]:
    runs = [mmn(agents, patience_s, days, s)[0] for s in range(seeds)]
    return {k: np.array([r[k] for r in runs]) for k in runs[0]}


def assert_close(values: np.ndarray, theory: float, name: str, floor: float = 0.005) -> None:
    mean, se = values.mean(), values.std(ddof=1) / math.sqrt(values.size)
    tol = 5 * se + floor * max(1.0, abs(theory))
    assert abs(mean - theory) <= tol, f"{name}: simulated {mean:.4f} ± {se:.4f} (se), theory {theory:.4f}"


def test_erlang_a_quick():
    """Everyday check: 10 agents, 3 seeds of 5 days (≈36k calls), 5 se tolerance."""
    est = estimates(10, PATIENCE, seeds=3, days=5)
    theory = erlang_a(LAM_H / 3600, AHT, PATIENCE, 10, SL_S)
    for k in ("p_wait", "p_abandon", "service_level"):
        assert_close(est[k], getattr(theory, k), k, floor=0.01)


@pytest.mark.slow
@pytest.mark.parametrize("agents", [8, 9, 10, 12])  # 8 agents < load 8.33: only abandonment keeps it stable
def test_erlang_a(agents):
    est = estimates(agents, PATIENCE, seeds=10, days=10)
    theory = erlang_a(LAM_H / 3600, AHT, PATIENCE, agents, SL_S)
    for k in ("p_wait", "p_abandon", "asa_s", "service_level"):
        assert_close(est[k], getattr(theory, k), f"{agents} agents {k}")


@pytest.mark.slow
@pytest.mark.parametrize("agents", [10, 12])
def test_erlang_c_without_abandonment(agents):
    est = estimates(agents, math.inf, seeds=10, days=10)
    theory = erlang_c(LAM_H / 3600, AHT, agents, SL_S)
    assert (est["p_abandon"] == 0).all()
    for k in ("p_wait", "asa_s", "service_level"):
        assert_close(est[k], getattr(theory, k), f"{agents} agents {k}", floor=0.01)


@pytest.mark.slow
@pytest.mark.parametrize("agents", [8, 10])
def test_abandonment_equals_mean_wait_over_patience(agents):
    """Exponential patience: P(abandon) = E[wait of all offered] / mean patience."""
    est = estimates(agents, PATIENCE, seeds=10, days=10)
    assert_close(est["p_abandon"] - est["mean_wait_all_s"] / PATIENCE, 0.0, "identity", floor=0.002)


def queue_seen_by_arrivals(rec) -> np.ndarray:
    """How many were waiting when each contact arrived: queue entries before it less exits by then."""
    t, exits = rec.arrival_s, np.sort(rec.arrival_s + rec.wait_s)
    entries = np.sort(t)
    return np.searchsorted(entries, t, side="left") - np.searchsorted(exits, t, side="left")


@pytest.mark.slow
def test_littles_law_and_pasta_for_the_queue():
    """Little: mean queue length L_q = λ·E[wait of all offered]. PASTA: Poisson arrivals see the
    time-average queue, so the queue each arrival finds (counted from the other records, not from
    its own wait) averages to the same L_q; and both match Erlang A's L_q = P(abandon)·λ / θ.
    Also Little's law for the agents, inside the theory: busy agents = λ (1 − P(abandon)) AHT,
    which erlang_a computes independently from the stationary distribution, and the DES's occupancy.
    Tolerance: 5 standard errors over 8 seeds plus 1 % of L_q (the first hour starts empty)."""
    lam = LAM_H / 3600
    theory = erlang_a(lam, AHT, PATIENCE, 9, SL_S)
    seen, little, occupancy = [], [], []
    for seed in range(8):
        _, rec, q = mmn(9, PATIENCE, days=10, seed=seed)
        keep = rec.arrival_s > WARMUP_S
        seen.append(queue_seen_by_arrivals(rec)[keep].mean())
        little.append(keep.sum() / (10 * 86_400.0 - WARMUP_S) * rec.wait_s[keep].mean())
        occupancy.append(interval_kpis(rec, [q], 10, 1440)["occupancy"][0])
    l_q = theory.p_abandon * lam * PATIENCE
    assert l_q > 0.5  # a real queue (about 0.59 waiting on average): the check is not 0 = 0
    assert_close(np.array(seen), l_q, "L_q seen by arrivals (PASTA)", floor=0.01)
    assert_close(np.array(little), l_q, "λ·E[W] (Little)", floor=0.01)
    assert_close(np.array(seen) - np.array(little), 0.0, "PASTA − Little", floor=0.01 * l_q)
    assert theory.occupancy == pytest.approx(lam * (1 - theory.p_abandon) * AHT / 9, rel=1e-9)
    assert_close(np.array(occupancy), theory.occupancy, "occupancy", floor=0.005)


def test_kpis_follow_the_design_definitions():
    est, rec, q = mmn(9, PATIENCE, days=2, seed=5)
    k = interval_kpis(rec, [q], 2, 60)
    assert k["offered"].sum() == len(rec)
    assert (k["answered"] + k["abandoned"] == k["offered"]).all()
    hourly_sl = k["answered_within_sl"].sum() / k["offered"].sum()
    all_day = interval_kpis(rec, [q], 2, 1440)
    assert all_day["service_level"][0] == pytest.approx(hourly_sl)
    assert all_day["busy_s"][0] == pytest.approx(k["busy_s"].sum())
    assert np.nansum(rec.handle_s) == pytest.approx(k["busy_s"].sum(), rel=1e-9)


def test_unstable_month_finishes_and_is_flagged():
    """Demand far above capacity and nobody abandons: bounded, and flagged as unserved."""
    n = 20_000
    rng = np.random.default_rng(3)
    batch = ContactBatch.simple(np.arange(n), np.zeros(n, np.int8), np.sort(rng.random(n) * 86_400.0),
                         np.full(n, math.inf), rng.exponential(600, n), rng.random(n))
    rec = simulate_month(batch, [QueueSpec((2,) * 24, 20.0, 1.0)], days=1)
    assert rec.unserved_at_close.sum() > 10_000
    assert not rec.answered[rec.unserved_at_close].any()


def test_more_agents_lower_waits_and_abandonment():
    low, _, _ = mmn(9, PATIENCE, days=3, seed=1)
    high, _, _ = mmn(11, PATIENCE, days=3, seed=1)
    assert high["asa_s"] < low["asa_s"] and high["p_abandon"] < low["p_abandon"]
