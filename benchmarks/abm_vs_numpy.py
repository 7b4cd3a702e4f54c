"""CPU and memory of the customer side of a month: the model against an efficient numpy month.

Default mode: the same month twice, in the same process, on the same customers — contacts proposed
and every per-contact draw made (``CustomerModel.propose_contacts`` + ``sim.des.draw_contacts``),
synthetic experiences absorbed, then the close (drift, churn, upsell, NPS, word of mouth,
acquisition) — once through ``sim`` and once as an *efficient* plain numpy reference written
separately here: arrays over active customers only (churners dropped the month they leave), one
PCG64 generator per month, Poisson counts and per-contact draws only for contacts that happen.
The reference has no common random numbers (its draws depend on the order and the number of
customers), so it is the cost floor; the ratios model / reference say what CRN-exact keyed draws
and the model's book-keeping cost. End states agree statistically (printed), not exactly.

``--large``: a fresh process runs ``benchmarks/large_centre.yaml`` (5 M subscribers, ~1.8 M
contacts a month) for ``--months`` months of the month loop's draw side — propose, channel shift,
draws, deflection/prevention, recovery and survey draws, absorb, close — with the contact centre
replaced by a stand-in that resolves each contact on its own first resolution uniform (the SimPy
centre is another benchmark: ``des_vs_simpy.py``). Prints CPU per contact and peak RSS per month.

``--memory``: peak RSS of 200,000 customers (churn replaced by acquisition) for 6, 12, 24 and 48
months, each in a fresh process: it must not grow with the number of months.

Usage: python benchmarks/abm_vs_numpy.py [--customers 200000] [--months 12] [--large] [--memory]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time

import numpy as np
from scipy.special import expit, logit, ndtri

from sim.abm import CustomerModel
from sim.des import draw_contacts
from sim.des.contacts import MAX_FOLLOWUPS, U
from sim.experience import likelihood_to_recommend
from sim.levers import month_effects
from sim.run.month_loop import prevent, shift_channels
from sim.run.specs import CHANNELS, demand_specs, reason_specs
from sim.scenario import load_scenario
from sim.streams import Stream, Streams

SCENARIO, LARGE = "scenarios/baseline.yaml", "benchmarks/large_centre.yaml"
SHARES = np.array([0.5, 0.3, 0.2, 0.0])


def experiences(n: int, month: int) -> np.ndarray:
    return np.random.default_rng(month).random(n) * 0.5 + 0.5  # synthetic episode scores, same for both


def draw_key(req) -> np.ndarray:
    """The requests' draw keys (``potential_index`` before issue 17: lets this script time the old code too)."""
    return req.need_key if hasattr(req, "need_key") else req.potential_index


def model_month(model: CustomerModel, sc, demand, reasons, month: int) -> tuple[float, float, int]:
    """One month through sim: (draw CPU s, close CPU s, contacts)."""
    t0 = time.process_time()
    req = model.propose_contacts()
    batch = draw_contacts(model.streams, month, req.customer_id, req.channel, draw_key(req), demand,
                          sc.days_per_month, reasons, sc.day_volume_cv)
    t1 = time.process_time()
    ids = np.unique(batch.customer_id)
    model.absorb(ids, experiences(ids.size, month), ids[::3])
    model.step()
    return t1 - t0, time.process_time() - t1, len(batch)


class Reference:
    """The efficient numpy month: state over active customers only, draws only for what happens."""

    def __init__(self, sc, model: CustomerModel) -> None:
        p, self.sc, self.e, self.c = model.pop, sc, sc.experience, sc.customers
        self.s_ref, self.price, self.cmult = model.s_ref, p.price, p.contact_multiplier
        self.sat, self.own, self.theta = p.satisfaction.copy(), p.own_level.copy(), p.churn_propensity.copy()
        self.tenure, self.seg, self.mult = p.tenure_months.copy(), p.segment.copy(), p.spend_multiplier.copy()
        self.extra, self.prop = p.extra_spend_usd.copy(), p.referral_propensity.copy()
        self.demand, self.reasons = demand_specs(sc), reason_specs(sc)
        self.source = model  # fixed attributes of newcomers come from the same id blocks (not timed)

    def draws(self, rng: np.random.Generator, month: int) -> int:
        c, n_days = self.c, self.sc.days_per_month
        lam = c.contact_rate_per_month * self.cmult[self.seg] * np.minimum(
            np.exp(c.contact_satisfaction_sensitivity * (self.s_ref - self.sat)), 3.0)
        who = np.repeat(np.arange(self.sat.size), rng.poisson(lam))
        n, att = who.size, MAX_FOLLOWUPS + 1
        channel = np.searchsorted(np.cumsum(SHARES), rng.random(n), side="right")
        t, w = rng.random((n, 3)), rng.random(n)
        rng.standard_exponential((n, att, 2)), rng.random((n, att, len(U))), rng.standard_exponential((n, att))
        shares = np.array([r.share for r in self.reasons])
        reason = np.searchsorted(np.cumsum(shares) / shares.sum(), rng.random(n), side="right")
        factor = np.array([r.aht_factor for r in self.reasons])[np.minimum(reason, shares.size - 1)]
        for code, spec in enumerate(self.demand):
            m = channel == code
            day = np.minimum((t[m, 0] * n_days).astype(int), n_days - 1)
            hour = np.searchsorted(np.cumsum(spec.hourly_profile) / sum(spec.hourly_profile), t[m, 1], side="right")
            _arrival = day * 86_400.0 + np.minimum(hour, 23) * 3600.0 + t[m, 2] * 3600.0
            sigma = np.sqrt(np.log1p(spec.work_cv**2))
            _work = spec.work_mean_s * factor[m] * np.exp(sigma * ndtri(w[m]) - sigma**2 / 2)
        self.contacting = np.unique(who)
        return n

    def close(self, rng: np.random.Generator, month: int) -> None:
        e, c, ids = self.e, self.c, self.contacting
        contacted, unresolved = np.zeros(self.sat.size, bool), np.zeros(self.sat.size, bool)
        w = e.memory_weight / (1 + self.tenure[ids] / e.memory_tenure_scale_months)
        self.sat[ids] += w * (experiences(ids.size, month) - self.sat[ids])
        contacted[ids], unresolved[ids[::3]] = True, True
        quiet = ~contacted
        self.sat[quiet] += e.drift_to_baseline * (self.own[quiet] - self.sat[quiet])
        h = expit(logit(self.theta) + e.churn_beta * (self.s_ref - self.sat) + e.unresolved_churn_gamma * unresolved)
        stay = rng.random(h.size) >= h
        for name in ("sat", "own", "theta", "tenure", "seg", "mult", "extra", "prop"):
            setattr(self, name, getattr(self, name)[stay])  # churners leave the arrays now
        happy = np.clip((self.sat - self.s_ref) / (1 - self.s_ref), 0, 1)
        self.extra[rng.random(self.sat.size) < c.upsell_rate_per_month * happy] += c.upsell_usd_per_month
        self.revenue = float((self.price[self.seg] * self.mult + self.extra).sum())
        ltr = likelihood_to_recommend(self.sat, e.nps_noise_sd * rng.standard_normal(self.sat.size))
        rho = e.referral_rate_per_promoter_month * e.referral_conversion * self.prop
        referred = int(((ltr >= 9) & (rng.random(rho.size) < rho)).sum())
        deterred = int(((ltr <= 6) & (rng.random(rho.size) < e.negative_wom_multiplier * rho)).sum())
        self.tenure += 1
        self.new = max(0, int(rng.poisson(c.acquisition_per_month)) - deterred) + referred

    def join(self) -> None:
        """Newcomers' fixed attributes: the same id blocks as the model (bookkeeping, not timed)."""
        pop = self.source.pop
        lo = getattr(pop, "next_id", pop.n)
        pop.ensure(lo + self.new)
        rows = np.arange(pop.n - self.new, pop.n)
        self.sat, self.own = np.r_[self.sat, pop.own_level[rows]], np.r_[self.own, pop.own_level[rows]]
        self.theta, self.seg = np.r_[self.theta, pop.churn_propensity[rows]], np.r_[self.seg, pop.segment[rows]]
        self.tenure, self.mult = np.r_[self.tenure, np.zeros(self.new, self.tenure.dtype)], np.r_[self.mult, pop.spend_multiplier[rows]]
        self.extra, self.prop = np.r_[self.extra, np.zeros(self.new)], np.r_[self.prop, pop.referral_propensity[rows]]
        pop.n -= self.new  # the source holds no state for the reference
        if hasattr(pop, "next_id"):
            pop.next_id = lo


def compare(customers: int, months: int) -> None:
    sc = load_scenario(SCENARIO)
    cfg = sc.customers.model_copy(update={"initial": customers, "acquisition_per_month": customers * 0.02})
    sc = sc.model_copy(update={"customers": cfg})
    demand, reasons = demand_specs(sc), reason_specs(sc)
    fresh = lambda: CustomerModel(cfg, sc.experience, SHARES, Streams(1, 0), sc.market, sc.discount_rate_annual)  # noqa: E731
    best = {"model_draw": np.inf, "model_close": np.inf, "ref_draw": np.inf, "ref_close": np.inf}
    for _ in range(3):
        model = fresh()
        md = mc = 0.0
        contacts_model = 0
        for m in range(1, months + 1):
            d, c, k = model_month(model, sc, demand, reasons, m)
            md, mc, contacts_model = md + d, mc + c, contacts_model + k
        ref, rng = Reference(sc, fresh()), np.random.default_rng(1)
        rd = rc = 0.0
        contacts_ref = 0
        for m in range(1, months + 1):
            t0 = time.process_time()
            contacts_ref += ref.draws(rng, m)
            t1 = time.process_time()
            ref.close(rng, m)
            t2 = time.process_time()
            ref.join()
            rd, rc = rd + t1 - t0, rc + t2 - t1
        best = {k: min(best[k], v) for k, v in zip(best, (md, mc, rd, rc))}
    cm = customers * months
    print(f"{customers:,} customers x {months} months; contacts: model {contacts_model:,}, reference {contacts_ref:,}; "
          f"active at the end: model {model.active_count:,}, reference {ref.sat.size:,}")
    print(f"draws (propose + per-contact) : model {best['model_draw'] / contacts_model * 1e6:6.2f} us/contact, "
          f"reference {best['ref_draw'] / contacts_ref * 1e6:6.2f} us/contact, ratio {best['model_draw'] / best['ref_draw']:5.2f}")
    print(f"close (absorb + step)         : model {best['model_close'] / cm * 1e9:6.1f} ns/customer-month, "
          f"reference {best['ref_close'] / cm * 1e9:6.1f}, ratio {best['model_close'] / best['ref_close']:5.2f}")
    total_m, total_r = best["model_draw"] + best["model_close"], best["ref_draw"] + best["ref_close"]
    print(f"whole month                   : model {total_m / months:6.3f} s, reference {total_r / months:6.3f} s, "
          f"ratio {total_m / total_r:5.2f}  (goal <= 3)")


def issue_draws(streams: Streams, month: int, key: np.ndarray) -> np.ndarray:
    """Recovery and survey draws of the month's contacts, as the month loop makes them."""
    if not hasattr(streams, "keyed"):  # before issue 17: arrays over every potential index
        size = int(key.max()) + 1
        return (streams.rng(Stream.RECOVERY, month).random(size)[key] + streams.rng(Stream.SURVEY, month).random(size)[key]
                + streams.rng(Stream.SURVEY, month, 1).standard_normal(size)[key] + streams.rng(Stream.SURVEY, month, 2).standard_normal(size)[key])
    recovery = streams.keyed(Stream.RECOVERY, key, month)
    survey = streams.keyed(Stream.SURVEY, key, month, slots=3)
    return recovery + ndtri(survey[:, 1]) + ndtri(survey[:, 2])


def large_child(path: str, months: int, customers: int | None, summary: bool = False) -> None:
    """The month loop's draw side on a large world, the centre replaced by a stand-in."""
    sc = load_scenario(path)
    if customers is not None:
        sc = sc.model_copy(update={"customers": sc.customers.model_copy(update={
            "initial": customers, "acquisition_per_month": sc.customers.acquisition_per_month * customers / sc.customers.initial})})
    streams, rates, days = Streams(1, 0), sc.labor_rates(), sc.days_per_month
    mix = sc.customers.channel_mix.shares()
    model = CustomerModel(sc.customers, sc.experience, np.array([mix.get(ch, 0.0) for ch in CHANNELS]), streams,
                          sc.market, sc.discount_rate_annual)
    demand, reasons = demand_specs(sc), reason_specs(sc)
    fcr = np.array([sc.channels.configured()[ch].fcr if ch in sc.channels.configured() else 0.7 for ch in CHANNELS])
    if not summary:
        print(f"{path}: {model.active_count:,} customers; RSS after set-up "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB", flush=True)
    for month in range(1, months + 1):
        t0 = time.process_time()
        fx = month_effects(None, month, rates, days)
        req = model.propose_contacts()
        channel = shift_channels(streams, month, req.channel, draw_key(req), fx)
        batch = draw_contacts(streams, month, req.customer_id, channel, draw_key(req), demand, days, reasons, sc.day_volume_cv)
        batch, _side, _, _ = prevent(sc, streams, month, batch, fx)
        resolved = batch.u[:, 0, U.RESOLVE] < fcr[batch.channel]  # the stand-in centre
        issue_draws(streams, month, batch.potential_index)
        t1 = time.process_time()
        ids, first = np.unique(batch.customer_id, return_index=True)
        model.absorb(ids, np.where(resolved[first], 0.9, 0.4), np.unique(batch.customer_id[~resolved]))
        model.step()
        t2 = time.process_time()
        n = len(batch)
        del batch, req, channel, resolved
        if summary and month < months:
            continue
        print(f"month {month}: {n:,} contacts; draws {t1 - t0:5.2f} s CPU ({(t1 - t0) / n * 1e6:.2f} us/contact), "
              f"ABM close {t2 - t1:5.2f} s, month {t2 - t0:5.2f} s; {model.active_count:,} active, {model.n_ids:,} ids; "
              f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB", flush=True)


def child(*args: str) -> None:
    subprocess.run([sys.executable, __file__, *args], check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=None, help="customers (default: 200,000; --large: the scenario's)")
    ap.add_argument("--months", type=int, default=None, help="months (default: 12; --large: 3)")
    ap.add_argument("--large", action="store_true", help="the large centre's month loop draw side, peak RSS per month")
    ap.add_argument("--memory", action="store_true", help="peak RSS at a small size for 6-48 months")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--summary", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        large_child(args.child, args.months, args.customers, args.summary)
    elif args.large:
        child("--child", LARGE, "--months", str(args.months or 3), *(["--customers", str(args.customers)] if args.customers else []))
    elif args.memory:
        for months in (6, 12, 24, 48):
            child("--child", SCENARIO, "--months", str(months), "--customers", str(args.customers or 200_000), "--summary")
    else:
        compare(args.customers or 200_000, args.months or 12)


if __name__ == "__main__":
    main()
