"""How numbers read, the same on every surface (terminal, report, notebooks, verdict sentence).

Money in US dollars with k / M ($13.2k, -$1.20M); months to one decimal, ``inf`` as "never";
probabilities as whole percentages; a calendar month ("by month 13") rounds a fractional payback up.
"""

from __future__ import annotations

import math


def money(x: float) -> str:
    """``-$13.2k``, ``$1.20M``, ``$950``; ``n/a`` when not a number.

    Example:
        >>> money(-13_240.0), money(1_204_000.0), money(950.4)
        ('-$13.2k', '$1.20M', '$950')
    """
    if x is None or not math.isfinite(x):
        return "n/a"
    sign, a = ("-" if x < 0 else ""), abs(x)
    if a >= 1e6:
        return f"{sign}${a / 1e6:.2f}M"
    return f"{sign}${a / 1e3:.1f}k" if a >= 1e3 else f"{sign}${a:.0f}"


def months(x: float) -> str:
    """Months to one decimal; ``never`` for ``inf``; ``n/a`` for NaN."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return "never" if math.isinf(x) else f"{x:.1f}"


def month_of(x: float) -> str:
    """The calendar month by which a payback has happened: ``month 13`` for 12.4; ``never``."""
    if x is None or math.isnan(x):
        return "n/a"
    return f"month {math.ceil(x - 1e-9)}" if math.isfinite(x) else "never"


def pct(x: float) -> str:
    """A probability or share as a whole percentage (``n/a`` when not a number)."""
    return "n/a" if x is None or not math.isfinite(x) else f"{x:.0%}"


def band(lo: float, hi: float, fmt=money) -> str:
    """``-$5.0k to $3.1k``; ``no interval`` when either end is missing."""
    if lo is None or hi is None or math.isnan(lo) or math.isnan(hi):
        return "no interval"
    return f"{fmt(lo)} to {fmt(hi)}"
