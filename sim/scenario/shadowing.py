"""Settings that a more specific setting overrides ("shadows"), so that varying them changes nothing.

A sweep or a break-even search over ``bot.containment`` does nothing when ``containment_by_reason``
lists every contact reason; over ``customers.monthly_churn`` when every segment has its own churn.
:func:`shadowed_by` says so for one setting path, :func:`warn_if_shadowed` raises a
:class:`ShadowedSetting` warning (``sim sweep``, ``sim breakeven``, notebook 03 show it).

Example:
    >>> from sim.scenario import load_scenario
    >>> sc = load_scenario("scenarios/chatbot.yaml")
    >>> shadowed_by(sc, ("investment", "levers", 0, "bot", "containment"))[:60]
    'containment_by_reason sets the containment of every reason ('
"""

from __future__ import annotations

import warnings
from typing import Any

from sim.scenario.errors import dotted


class ShadowedSetting(UserWarning):
    """A setting varied by a sweep or a break-even search that a more specific setting overrides."""


def _node(sc: Any, path: tuple) -> Any:
    node = sc
    for part in path:
        try:
            node = node[part] if isinstance(part, int) else getattr(node, part)
        except (AttributeError, IndexError, TypeError, KeyError):
            return None
    return node


def shadowed_by(sc: Any, path: tuple) -> str | None:
    """Why the setting at ``path`` has no effect in scenario ``sc``, or None when it has one."""
    if not path:
        return None
    parent, last = _node(sc, path[:-1]), path[-1]
    reasons = [r.name for r in getattr(sc, "reasons", ())]
    segments = list(getattr(getattr(sc, "customers", None), "segments", ()) or ())
    if last == "containment" and parent is not None and hasattr(parent, "containment_by_reason"):
        listed = set(parent.containment_by_reason)
        if reasons and listed >= set(reasons):
            return (f"containment_by_reason sets the containment of every reason ({', '.join(reasons)}): "
                    f"{dotted(path)} applies to none; vary {dotted(path[:-1])}.containment_by_reason.<reason> instead")
    if path == ("customers", "monthly_churn") and segments and all(s.monthly_churn is not None for s in segments):
        return ("every segment sets its own monthly_churn: customers.monthly_churn applies to none; vary "
                "customers.segments[i].monthly_churn instead")
    if path == ("customers", "price_usd_per_month") and segments and all(s.price_usd_per_month is not None for s in segments):
        return "every segment sets its own price_usd_per_month: customers.price_usd_per_month applies to none"
    if len(path) == 3 and path[0] == "channels" and parent is not None:
        if last == "aht_mean_s" and getattr(parent, "aht_profile_s", None) is not None:
            return f"channels.{path[1]}.aht_profile_s sets the handle time of every interval: aht_mean_s is not used"
        if last == "aht_cv" and getattr(parent, "aht_cv_profile", None) is not None:
            return f"channels.{path[1]}.aht_cv_profile sets the CV of every interval: aht_cv is not used"
        if last in ("fcr", "transfer_probability") and reasons and all(getattr(r, last, None) is not None for r in sc.reasons):
            return f"every reason sets its own {last}: channels.{path[1]}.{last} is not used"
    if path == ("finance", "benefit_risk"):
        by_line = getattr(sc.finance, "benefit_risk_by_line", {}) or {}
        if set(by_line) >= {"retained_margin", "referral_margin", "upsell_margin", "cost_to_serve"}:
            return "finance.benefit_risk_by_line sets the haircut of every benefit line: benefit_risk is not used"
    return None


def warn_if_shadowed(sc: Any, path: tuple, what: str = "") -> str | None:
    """Warn (:class:`ShadowedSetting`) when the setting at ``path`` is shadowed; returns the reason."""
    reason = shadowed_by(sc, path)
    if reason:
        warnings.warn(ShadowedSetting(f"{what or dotted(path)} has no effect in this scenario: {reason}"), stacklevel=2)
    return reason
