"""Cash-flow arithmetic: NPV, ROI, payback, discounted payback, IRR.

Conventions (numpy-financial's; docs/kpis.md, "Per run"): outflows are negative,
``values[0]`` happens at t = 0 and is not discounted, ``values[t]`` happens at the end of month t.
A monthly rate comes from an annual *effective* rate as (1 + a)^(1/12) − 1.

Payback is reported twice. *First* payback is the first time the cumulative cash flow, having been
negative, gets back to ≥ 0; *sustained* payback is the time after which it never falls below 0 again
within the horizon. Both are interpolated linearly within the month in which the cumulative flow
crosses zero; 0 if it is never negative; ``inf`` if it never recovers (first) or ends the horizon
below zero (sustained). A *re-dip* is a flow whose first payback comes before its sustained one:
it went back below zero after paying back. Decisions, probabilities of payback and charts use the
sustained payback; the discounted payback is sustained too.

IRR is reported only when it is unique on (−100 %, ∞): when the cash flow changes sign once
(Descartes' rule of signs), or when the cumulative sums bound the number of rates to one
(Norström's criterion, applied from both ends); otherwise NaN with the reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


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


def _cumulative(values) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    cum = np.cumsum(v)
    # Round-off (e.g. discounting) must not turn an exact break-even into "never".
    tol = 1e-9 * max(1.0, float(np.abs(v).max(initial=0.0)))
    cum[np.abs(cum) < tol] = 0.0
    return cum


def _crossing(cum: np.ndarray, t: int) -> float:
    """Interpolated time within month t at which the cumulative flow reaches 0 from below."""
    before, flow = cum[t - 1], cum[t] - cum[t - 1]
    return float((t - 1) + (-before / flow))


def payback_months(values) -> float:
    """First payback in (fractional) months; 0 if never negative, ``inf`` if never recovered.

    Example:
        >>> payback_months([-100_000] + [6_000] * 24)
        16.666666666666668
        >>> round(payback_months([-100, 60, 60, -50, -20, 0]), 4)  # back to >= 0 in month 2, then a re-dip
        1.6667
    """
    cum = _cumulative(values)
    negative = np.flatnonzero(cum < 0)
    if negative.size == 0:
        return 0.0
    first_neg = negative[0]
    recovered = np.flatnonzero(cum[first_neg:] >= 0)
    if recovered.size == 0:
        return math.inf
    return _crossing(cum, int(first_neg + recovered[0]))


def sustained_payback_months(values) -> float:
    """Sustained payback: the time after which the cumulative flow stays ≥ 0 to the horizon.

    0 if the cumulative flow is never negative; ``inf`` if it ends the horizon below 0 (even after
    having been positive: a flow that ends at −2 has not paid back).

    Example:
        >>> sustained_payback_months([-100, 60, 60, -50, 40, 10])  # back to >= 0 for good in month 4
        3.75
        >>> sustained_payback_months([-10, 15, -7])  # positive in month 1, ends below zero
        inf
    """
    cum = _cumulative(values)
    negative = np.flatnonzero(cum < 0)
    if negative.size == 0:
        return 0.0
    last_neg = int(negative[-1])
    if last_neg == cum.size - 1:
        return math.inf
    return _crossing(cum, last_neg + 1)


def redips(values) -> bool:
    """Whether the cumulative flow falls below 0 again after its first payback (first < sustained)."""
    first = payback_months(values)
    return math.isfinite(first) and sustained_payback_months(values) > first


def discounted_payback_months(rate_per_period: float, values) -> float:
    """Sustained payback of the discounted cash flow; never before the simple one for positive rates
    and flows that turn positive once."""
    v = np.asarray(values, dtype=float)
    return sustained_payback_months(v * discount_factors(v.size, rate_per_period))


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


def rate_count_bound(values) -> int:
    """An upper bound on the number of rates r > −100 % with NPV(r) = 0.

    With x = 1/(1 + r), NPV is the polynomial Σ c_t x^t. On 0 < x < 1 (r > 0) it has at most as
    many roots as the cumulative sums S_0..S_n change sign (Norström 1972: Descartes' rule on
    NPV/(1 − x) = Σ S_t x^t); on x > 1 (−100 % < r < 0) at most as many as the cumulative sums
    from the end change sign (the same rule on the reversed flow); x = 1 (r = 0) is a root when
    S_n = 0. Never more than Descartes' bound, the sign changes of the flow itself.

    Example:
        >>> rate_count_bound([-1_000, 600, -50, 600])  # three sign changes, yet one IRR
        1
        >>> rate_count_bound([-100, 230, -132])  # 10 % and 20 %
        2
    """
    v = np.asarray(values, dtype=float)
    if v.size == 0 or not np.any(v):
        return 0
    total = float(v.sum())
    tol = 1e-12 * float(np.abs(v).sum())
    at_zero = int(abs(total) <= tol)
    bound = sign_changes(np.cumsum(v)) + sign_changes(np.cumsum(v[::-1])) + at_zero
    return min(bound, sign_changes(v))


def _scan_rates(v: np.ndarray) -> list[float]:
    """Rates per period on (−99 %, 1,000 %) where the NPV changes sign (a grid in log(1 + r), refined)."""
    grid = np.expm1(np.linspace(math.log(0.01), math.log(11.0), 4001))
    t = np.arange(v.size)
    values = np.array([np.dot(v, (1.0 + r) ** -t) for r in grid])
    s = np.sign(values)
    roots = []
    from scipy.optimize import brentq  # here, not at the top: scipy.optimize costs ~0.2 s of start-up

    for i in np.flatnonzero(s[:-1] * s[1:] < 0):
        roots.append(float(brentq(lambda r: npv(r, v), grid[i], grid[i + 1], xtol=1e-12)))
    roots += [float(grid[i]) for i in np.flatnonzero(s == 0)]
    return sorted(roots)


def irr(values) -> IRR:
    """IRR per period by bracketed root finding, only where it is unique.

    Unique means: one sign change of the flow (Descartes), or a bound of one rate from the
    cumulative sums (:func:`rate_count_bound`). Otherwise NaN, with the reason.

    Example:
        >>> round(irr([-100_000] + [6_000] * 24).rate, 9)
        0.031491266
        >>> round(irr([-1_000, 600, -50, 600]).rate, 6)  # three sign changes, one rate of return
        0.073798
    """
    v = np.asarray(values, dtype=float)
    changes = sign_changes(v)
    if changes == 0:
        return IRR(math.nan, "no sign change: every rate gives the same sign of NPV")
    bound = rate_count_bound(v)
    if bound > 1:
        roots = _scan_rates(v)
        if len(roots) > 1:
            shown = ", ".join(f"{r:.2%}" for r in roots[:3])
            return IRR(math.nan, f"{changes} sign changes: the IRR is not unique ({shown} per period all make the NPV zero)")
        return IRR(math.nan, f"{changes} sign changes: up to {bound} rates may make the NPV zero, so a single IRR "
                             "cannot be guaranteed; none reported")
    if bound == 0:
        return IRR(math.nan, f"{changes} sign changes but no rate above -100 % makes the NPV zero")

    def f(r: float) -> float:
        return npv(r, v)

    lo, hi = -0.999, 1.0
    # With at most one root on (-1, inf), widen the bracket until it holds it.
    while np.sign(f(hi)) == np.sign(f(lo)) and hi < 1e6:
        hi *= 4.0
    if np.sign(f(hi)) == np.sign(f(lo)):
        return IRR(math.nan, "no root found on (-99.9 %, 1e8 %) per period")
    from scipy.optimize import brentq  # here, not at the top: scipy.optimize costs ~0.2 s of start-up

    return IRR(float(brentq(f, lo, hi, xtol=1e-14, rtol=1e-14, maxiter=500)))


def roi(pv_benefits_usd: float, pv_costs_usd: float) -> float:
    """Return on investment on present values: (PV benefits − PV costs) / PV costs; NaN if no cost."""
    if pv_costs_usd <= 0:
        return math.nan
    return (pv_benefits_usd - pv_costs_usd) / pv_costs_usd


@dataclass(frozen=True)
class Appraisal:
    """The per-run financial outcomes (the columns of docs/kpis.md, "Per run")."""

    npv_usd: float
    roi: float
    payback_months: float  # first payback
    discounted_payback_months: float  # sustained, of the discounted flow
    irr_annual: float
    irr_note: str
    sustained_payback_months: float = math.nan
    payback_redips: bool = False


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
        sustained_payback_months=sustained_payback_months(flow),
        payback_redips=redips(flow),
    )
