"""The two questions every lever answers: what does it change this month, and what does it cost?

Both are single-dispatch functions on the lever's settings class (:mod:`sim.scenario`); each
lever registers its own answer in :mod:`sim.levers.people` or :mod:`sim.levers.tech`. A lever
that registers no effect changes nothing; one that registers no cost has only the generic cost
lines every lever shares (one-off, implementation, recurring).
"""

from __future__ import annotations

from functools import singledispatch

import numpy as np

from sim.levers.effects import MonthEffects
from sim.scenario import Investment, LaborRates, LeverBase


@singledispatch
def lever_effect(lever: LeverBase, fx: MonthEffects, month: int, rates: LaborRates, days_per_month: int) -> None:
    """Add ``lever``'s effect in ``month`` to ``fx`` (the default: none)."""


@singledispatch
def lever_costs_usd(lever: LeverBase, horizon: int, rates: LaborRates, days_per_month: int) -> np.ndarray:
    """Fixed cash out per month (index 0 = t0, positive numbers): the generic lines by default."""
    return lever.generic_costs_usd(horizon)


def investment_costs_usd(investment: Investment, horizon_months: int, rates: LaborRates, days_per_month: int) -> np.ndarray:
    """Fixed investment cash out per month (index 0 = t0), positive numbers, all levers added."""
    return sum(lever_costs_usd(lv, horizon_months, rates, days_per_month) for lv in investment.levers)


def month_effects(investment: Investment | None, month: int, rates: LaborRates, days_per_month: int) -> MonthEffects:
    """What the investment's levers change in ``month`` (combined), with the harvest's re-planned
    schedule where it applies; nothing for the baseline."""
    fx = MonthEffects()
    for lv in investment.levers if investment is not None else ():
        lever_effect(lv, fx, month, rates, days_per_month)
    if investment is not None:
        fx.staff_cut = investment.cut_in(month)
    return fx
