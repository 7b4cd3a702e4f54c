"""The investment catalogue: what each lever changes in the world each month, and what it costs.

The levers' settings (validated scenario sections) live in :mod:`sim.scenario`; this package
gives them behaviour. Levers never touch the world's random draws: they change capacity,
proficiency, bots, contact prevention and scoring, so the baseline and the investment face the
same customers (common random numbers).
"""

from sim.levers import people, tech  # noqa: F401  (register each lever's effect and costs)
from sim.levers.catalogue import investment_costs_usd, lever_costs_usd, lever_effect, month_effects
from sim.levers.effects import ExtraGroup, MonthEffects

__all__ = ["ExtraGroup", "MonthEffects", "investment_costs_usd", "lever_costs_usd", "lever_effect", "month_effects"]
