"""What the levers on people do and cost: hire, train, outsource, empower.

Settings and their sources: :mod:`sim.scenario.lever_people` (FACTS #11, #19, #34–#39).
"""

from __future__ import annotations

import numpy as np

from sim.levers.catalogue import lever_costs_usd, lever_effect
from sim.levers.effects import ExtraGroup, MonthEffects
from sim.scenario import EmpowermentLever, LaborRates, OutsourcingLever, StaffingLever, TrainingLever
from sim.scenario.lever_base import band


@lever_costs_usd.register
def _(lv: StaffingLever, horizon: int, rates: LaborRates, days_per_month: int) -> np.ndarray:
    """Recruiting once per hire at the start; every hire's loaded salary each month it runs."""
    out = lv.generic_costs_usd(horizon)
    if lv.start_month > horizon:
        return out
    heads = lv.hires(rates, days_per_month)
    out[lv.start_month - 1] += heads * lv.recruiting_cost_usd_per_hire
    out[lv.months_running(horizon)] += heads * rates.loaded_usd_per_agent_month
    return out


@lever_effect.register
def _(lv: StaffingLever, fx: MonthEffects, month: int, rates: LaborRates, days_per_month: int) -> None:
    """The hires as an extra agent group; their proficiency ramps up to 1."""
    if lv.running(month):
        s = lv.strength(month) if lv.ramp_months else 1.0
        prof = lv.initial_proficiency + (1.0 - lv.initial_proficiency) * s
        fx.extra_groups.append(ExtraGroup(f"hires:{lv.channel.value}", (lv.channel,), lv.agents(), prof))


@lever_costs_usd.register
def _(lv: TrainingLever, horizon: int, rates: LaborRates, days_per_month: int) -> np.ndarray:
    """Programme fee plus paid hours off the floor per trained head, once; refreshers monthly."""
    out = lv.generic_costs_usd(horizon)
    if lv.start_month > horizon:
        return out
    heads = lv.trained_heads(rates)
    out[lv.start_month - 1] += heads * (lv.program_fee_usd_per_agent + lv.training_hours_per_agent * rates.loaded_usd_per_paid_hour)
    out[lv.months_running(horizon)] += heads * lv.refresher_usd_per_agent_month
    return out


@lever_effect.register
def _(lv: TrainingLever, fx: MonthEffects, month: int, rates: LaborRates, days_per_month: int) -> None:
    """Shorter handling, higher first-contact resolution, warmer contacts (decaying without refreshers)."""
    s = lv.strength(month)
    for ch in lv.channels:
        fx.handle_multiplier[ch] *= 1.0 - s * lv.handle_time_reduction
        fx.fcr_gain[ch] += s * lv.fcr_gain
    fx.empathy += s * lv.empathy_gain


@lever_costs_usd.register
def _(lv: OutsourcingLever, horizon: int, rates: LaborRates, days_per_month: int) -> np.ndarray:
    """Seat-hours each month it runs (per handled contact: counted by the simulation)."""
    out = lv.generic_costs_usd(horizon)
    seat_hours = lv.agents * (lv.to_hour - lv.from_hour) * days_per_month
    out[lv.months_running(horizon)] += seat_hours * lv.cost_per_seat_hour_usd
    return out


@lever_effect.register
def _(lv: OutsourcingLever, fx: MonthEffects, month: int, rates: LaborRates, days_per_month: int) -> None:
    """The partner's agents as an extra group in their band of hours."""
    if lv.running(month):
        fx.extra_groups.append(ExtraGroup("partner", tuple(lv.channels), band(lv.agents, lv.from_hour, lv.to_hour),
                                          lv.proficiency, lv.cost_per_handled_contact_usd))


@lever_effect.register
def _(lv: EmpowermentLever, fx: MonthEffects, month: int, rates: LaborRates, days_per_month: int) -> None:
    """Service-recovery credits after poor contacts (credits granted are costed by the simulation)."""
    s = lv.strength(month)
    if s:
        fx.recovery_credit_usd = lv.credit_usd
        fx.recovery_grant_share = max(fx.recovery_grant_share, s * lv.grant_share)
        fx.recovery_score_uplift = max(fx.recovery_score_uplift, lv.score_uplift)
