"""Customer lifetime value by cohort (the month customers joined; the initial base is cohort 0).

Realised LTV: discounted gross margin a cohort has produced so far, per customer who ever joined
it. Expected LTV adds, for each member still active, the closed-form value of the rest of its
life at its current monthly retention r = 1 − h: m·r / (1 + d − r) (the closed-form CLV), discounted to
t = 0. Both are written as ``ltv_realised_usd@cohort=<month>`` and ``ltv_expected_usd@cohort=<month>``.
"""

from __future__ import annotations

import numpy as np


class CohortLedger:
    """Accumulates discounted margin per cohort across months."""

    def __init__(self, discount_rate_annual: float) -> None:
        self.d = (1.0 + discount_rate_annual) ** (1.0 / 12.0) - 1.0  # monthly rate equivalent to the annual one
        self.pv_margin = np.zeros(0)

    def record(self, month: int, joined: np.ndarray, cohort_size: np.ndarray, active: np.ndarray, margin_usd: np.ndarray,
               hazard: np.ndarray) -> dict[str, float]:
        """Book this month's margin of the active customers; return the cohort LTV metrics.

        ``joined`` is each row's joining month and ``active`` its state (rows of customers who left
        are gone); ``cohort_size`` counts everyone who ever joined each cohort (the LTV denominator).
        """
        size = np.zeros(month + 1)
        size[: min(month + 1, cohort_size.size)] = cohort_size[: month + 1]
        if self.pv_margin.size < size.size:
            self.pv_margin = np.pad(self.pv_margin, (0, size.size - self.pv_margin.size))
        factor = (1.0 + self.d) ** -month
        self.pv_margin += np.bincount(joined[active], weights=margin_usd[active], minlength=size.size) * factor
        r = 1.0 - hazard[active]
        future = margin_usd[active] * r / (1.0 + self.d - r) * factor
        expected = self.pv_margin + np.bincount(joined[active], weights=future, minlength=size.size)
        out: dict[str, float] = {}
        for c in np.flatnonzero(size):
            out[f"ltv_realised_usd@cohort={c}"] = float(self.pv_margin[c] / size[c])
            out[f"ltv_expected_usd@cohort={c}"] = float(expected[c] / size[c])
        out["clv_expected_usd"] = float(np.mean(margin_usd[active] * r / (1.0 + self.d - r))) if r.size else float("nan")
        return out
