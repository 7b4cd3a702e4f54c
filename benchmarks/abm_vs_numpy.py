"""CPU time per customer-month of the Mesa customer model vs a flat numpy loop, same process.

The reference re-implements one month of the same logic (contacts, memory, drift, churn, upsell,
NPS, word of mouth, acquisition in an unlimited market) as plain numpy on plain arrays, drawing
from the same named streams, so both must end with identical customer counts (checked). Only the
cohort ledger and per-segment metrics are extra in the model. Goal: ratio ≤ 3.

Then, with --memory, a fresh process runs 1,000,000 customers × 36 months through the model
(contacts proposed, synthetic experiences absorbed) and reports its peak resident memory
(goal ≤ 1.5 GB).

Usage: python benchmarks/abm_vs_numpy.py [--customers 200000] [--months 12] [--memory]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time

import numpy as np
from scipy.special import expit, logit

from sim.abm import CustomerModel
from sim.experience import likelihood_to_recommend
from sim.scenario import load_scenario
from sim.streams import Stream, Streams

SCENARIO = "scenarios/baseline.yaml"


def experiences(n: int, month: int) -> np.ndarray:
    return np.random.default_rng(month).random(n) * 0.5 + 0.5  # synthetic episode scores, same for both


def drive(model: CustomerModel, months: int) -> None:
    """Months of contacts, synthetic experiences (every third contacting customer unresolved) and steps."""
    for m in range(1, months + 1):
        req = model.propose_contacts()
        ids = np.unique(req.customer_id)
        model.absorb(ids, experiences(ids.size, m), ids[::3])
        model.step()


def run_model(sc, customers: int, months: int) -> tuple[float, int]:
    cfg = sc.customers.model_copy(update={"initial": customers})
    model = CustomerModel(cfg, sc.experience, np.array([0.6, 0.4, 0.0, 0.0]), Streams(1, 0), sc.market, sc.discount_rate_annual)
    t = time.process_time()
    drive(model, months)
    return time.process_time() - t, model.active_count


def run_numpy(sc, customers: int, months: int) -> tuple[float, int]:
    """The same month, as flat numpy on a model's initial arrays (reused for identical draws)."""
    cfg, e = sc.customers.model_copy(update={"initial": customers}), sc.experience
    init = CustomerModel(cfg, e, np.array([0.6, 0.4, 0.0, 0.0]), Streams(1, 0), sc.market, sc.discount_rate_annual)
    pop, streams, s_ref = init.pop, Streams(1, 0), init.s_ref
    n = pop.n
    active, sat, own, theta = pop.active.copy(), pop.satisfaction.copy(), pop.own_level.copy(), pop.churn_propensity.copy()
    tenure, seg, mult, extra, prop = (pop.tenure_months.copy(), pop.segment.copy(), pop.spend_multiplier.copy(),
                                      pop.extra_spend_usd.copy(), pop.referral_propensity.copy())
    price, cmult = pop.price, pop.contact_multiplier
    t = time.process_time()
    for m in range(1, months + 1):
        lam_max = cfg.contact_rate_per_month * cmult.max() * 3.0
        counts = streams.rng(Stream.CONTACT_COUNT, m).poisson(lam_max, n)
        ids = np.repeat(np.arange(n), counts)
        accept = streams.rng(Stream.CONTACT_ACCEPT, m).random(ids.size)
        streams.rng(Stream.CHANNEL, m).random(ids.size)
        rate = cfg.contact_rate_per_month * cmult[seg] * np.minimum(np.exp(cfg.contact_satisfaction_sensitivity * (s_ref - sat)), 3.0)
        ids = np.unique(ids[active[ids] & (accept * lam_max < rate[ids])])
        contacted, unresolved = np.zeros(n, bool), np.zeros(n, bool)
        w = e.memory_weight / (1 + tenure[ids] / e.memory_tenure_scale_months)
        sat[ids] += w * (experiences(ids.size, m) - sat[ids])
        contacted[ids], unresolved[ids[::3]] = True, True
        quiet = active & ~contacted
        sat[quiet] += e.drift_to_baseline * (own[quiet] - sat[quiet])
        h = expit(logit(theta) + e.churn_beta * (s_ref - sat) + e.unresolved_churn_gamma * unresolved)
        active &= ~(streams.rng(Stream.CHURN, m).random(n) < h)
        happy = np.clip((sat - s_ref) / (1 - s_ref), 0, 1)
        extra[active & (streams.rng(Stream.UPSELL, m).random(n) < cfg.upsell_rate_per_month * happy)] += cfg.upsell_usd_per_month
        _revenue = (price[seg] * mult + extra)[active].sum()
        ltr = likelihood_to_recommend(sat, e.nps_noise_sd * streams.rng(Stream.NPS, m).standard_normal(n))
        rho = e.referral_rate_per_promoter_month * e.referral_conversion * prop
        referred = int((active & (ltr >= 9) & (streams.rng(Stream.REFERRAL, m).random(n) < rho)).sum())
        deterred = int((active & (ltr <= 6) & (streams.rng(Stream.WOM, m).random(n) < e.negative_wom_multiplier * rho)).sum())
        marketing = int(streams.rng(Stream.ACQUISITION, m).poisson(cfg.acquisition_per_month))
        tenure[active] += 1
        new = max(0, marketing - deterred) + referred
        if new:
            pop.ensure(n + new)
            grow = lambda a, b: np.r_[a, b[n:n + new]]  # noqa: E731 - attributes of the new ids
            active, sat = np.r_[active, np.ones(new, bool)], grow(sat, pop.a["own_level"])
            own, theta = grow(own, pop.a["own_level"]), grow(theta, pop.a["churn_propensity"])
            tenure, seg, mult = np.r_[tenure, np.zeros(new, tenure.dtype)], grow(seg, pop.a["segment"]), grow(mult, pop.a["spend_multiplier"])
            extra, prop = np.r_[extra, np.zeros(new)], grow(prop, pop.a["referral_propensity"])
            n += new
    return time.process_time() - t, int(active.sum())


def memory_child(customers: int, months: int) -> None:
    sc = load_scenario(SCENARIO)
    cfg = sc.customers.model_copy(update={"initial": customers, "acquisition_per_month": customers * 0.02})
    model = CustomerModel(cfg, sc.experience, np.array([0.6, 0.4, 0.0, 0.0]), Streams(1, 0), sc.market, sc.discount_rate_annual)
    t = time.time()
    drive(model, months)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{customers:,} customers x {months} months: {time.time() - t:.1f} s wall, peak RSS {peak_mb:,.0f} MB "
          f"(goal <= 1,536 MB), {model.active_count:,} active at the end")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=200_000)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--memory", action="store_true", help="also run the 1M x 36 months memory check")
    ap.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_child:
        memory_child(args.customers, args.months)
        return
    sc = load_scenario(SCENARIO)
    best_model = best_ref = float("inf")
    for _ in range(3):
        tm, am = run_model(sc, args.customers, args.months)
        tr, ar = run_numpy(sc, args.customers, args.months)
        best_model, best_ref = min(best_model, tm), min(best_ref, tr)
        assert am == ar, f"model and reference disagree: {am} vs {ar} active customers"
    cm = args.customers * args.months
    print(f"customer-months per run   : {cm:,} (identical end state: {am:,} active)")
    print(f"pure numpy reference      : {best_ref / cm * 1e9:7.1f} ns CPU per customer-month")
    print(f"sim.abm.CustomerModel     : {best_model / cm * 1e9:7.1f} ns CPU per customer-month")
    print(f"ratio model / numpy       : {best_model / best_ref:7.2f}  (goal <= 3)")
    if args.memory:
        subprocess.run([sys.executable, __file__, "--memory-child", "--customers", "1000000", "--months", "36"], check=True)


if __name__ == "__main__":
    main()
