"""Cash-flow arithmetic: NPV, ROI, payback, discounted payback, IRR.

Conventions (DESIGN.md, "Finance conventions"; numpy-financial's): outflows are negative,
``values[0]`` happens at t = 0 and is not discounted, ``values[t]`` happens at the end of month t.
A monthly rate comes from an annual *effective* rate as (1 + a)^(1/12) − 1.

Payback is the first time the cumulative cash flow, having been negative, gets back to ≥ 0,
interpolated linearly within the month in which it does; 0 if it is never negative; ``inf`` if it
never recovers within the horizon. IRR is reported only when the cash flow changes sign exactly
once (then it is unique); otherwise NaN with a reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq


def monthly_rate(annual_effective_rate: float) -> float:
    """Monthly rate equivalent to an annual effective rate (10 %/yr -> 0.797 %/month)."""
    if annual_effective_rate <= -1:
        raise ValueError("annual rate must be > -100 %")
    return (1.0 + annual_effective_rate) ** (1.0 / 12.0) - 1.0


def discount_factors(n_periods: int, rate_per_period: float) -> np.ndarray:
    """1/(1+r)^t for t = 0..n_periods-1."""
    return (1.0 + rate_per_period) ** -np.arange(n_periods, dtype=float)


def npv(rate_per_period: float, values) -> float:
    """Net present value with ``values[0]`` at t = 0, undiscounted (numpy-financial's convention)."""
    v = np.asarray(values, dtype=float)
    return float(np.dot(v, discount_factors(v.size, rate_per_period)))


def payback_months(values) -> float:
    """Simple payback in (fractional) months; 0 if never negative, ``inf`` if never recovered.

    Example:
        >>> payback_months([-100_000] + [6_000] * 24)
        16.666666666666668
    """
    v = np.asarray(values, dtype=float)
    cum = np.cumsum(v)
    # Round-off (e.g. discounting) must not turn an exact break-even into "never".
    tol = 1e-9 * max(1.0, float(np.abs(v).max(initial=0.0)))
    cum[np.abs(cum) < tol] = 0.0
    negative = np.flatnonzero(cum < 0)
    if negative.size == 0:
        return 0.0
    first_neg = negative[0]
    recovered = np.flatnonzero(cum[first_neg:] >= 0)
    if recovered.size == 0:
        return math.inf
    t = int(first_neg + recovered[0])
    before, flow = cum[t - 1], cum[t] - cum[t - 1]
    return float((t - 1) + (-before / flow))


def discounted_payback_months(rate_per_period: float, values) -> float:
    """Payback of the discounted cash flow; always >= simple payback for positive rates."""
    v = np.asarray(values, dtype=float)
    return payback_months(v * discount_factors(v.size, rate_per_period))


@dataclass(frozen=True)
class IRR:
    """An internal rate of return per period, or NaN with the reason it is not reported."""

    rate: float
    reason: str = ""

    @property
    def annual(self) -> float:
        """Annual effective equivalent of a monthly IRR."""
        return (1.0 + self.rate) ** 12 - 1.0 if math.isfinite(self.rate) else math.nan


def sign_changes(values) -> int:
    """Number of sign changes, zeros ignored."""
    v = np.asarray(values, dtype=float)
    s = np.sign(v[v != 0])
    return int(np.count_nonzero(s[1:] != s[:-1]))


def irr(values) -> IRR:
    """IRR per period by bracketed root finding, only where it is unique (one sign change).

    Example:
        >>> round(irr([-100_000] + [6_000] * 24).rate, 9)
        0.031491266
    """
    v = np.asarray(values, dtype=float)
    changes = sign_changes(v)
    if changes == 0:
        return IRR(math.nan, "no sign change: every rate gives the same sign of NPV")
    if changes > 1:
        return IRR(math.nan, f"{changes} sign changes: the IRR is not unique")

    def f(r: float) -> float:
        return npv(r, v)

    lo, hi = -0.999, 1.0
    # With one sign change, NPV(r) has exactly one root on (-1, inf); widen the bracket until it holds it.
    while np.sign(f(hi)) == np.sign(f(lo)) and hi < 1e6:
        hi *= 4.0
    if np.sign(f(hi)) == np.sign(f(lo)):
        return IRR(math.nan, "no root found on (-99.9 %, 1e8 %) per period")
    return IRR(float(brentq(f, lo, hi, xtol=1e-14, rtol=1e-14, maxiter=500)))


def roi(pv_benefits_usd: float, pv_costs_usd: float) -> float:
    """Return on investment on present values: (PV benefits − PV costs) / PV costs; NaN if no cost."""
    if pv_costs_usd <= 0:
        return math.nan
    return (pv_benefits_usd - pv_costs_usd) / pv_costs_usd


@dataclass(frozen=True)
class Appraisal:
    """The per-run financial outcomes (DESIGN.md KPI columns)."""

    npv_usd: float
    roi: float
    payback_months: float
    discounted_payback_months: float
    irr_annual: float
    irr_note: str


def appraise(benefits_usd, costs_usd, annual_discount_rate: float) -> Appraisal:
    """Appraise monthly incremental benefit and cost lines (index 0 = t0; costs positive numbers)."""
    b = np.asarray(benefits_usd, dtype=float)
    c = np.asarray(costs_usd, dtype=float)
    r = monthly_rate(annual_discount_rate)
    flow = b - c
    pv_b, pv_c = npv(r, b), npv(r, c)
    i = irr(flow)
    return Appraisal(
        npv_usd=pv_b - pv_c,
        roi=roi(pv_b, pv_c),
        payback_months=payback_months(flow),
        discounted_payback_months=discounted_payback_months(r, flow),
        irr_annual=i.annual,
        irr_note=i.reason,
    )
