"""Distribution forms given by their moments: normal (optionally truncated), lognormal, beta, gamma.

``sd: 0`` makes each of them degenerate: the fixed value ``mean``, returned bit for bit.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal, Optional

import numpy as np
from pydantic import Field, model_validator

from sim.scenario.uncertain_forms import NonNegNum, Num, PosNum, UncertainBase, clip_open


def _std_truncated_ppf(u: np.ndarray, a: float, b: float) -> np.ndarray:
    """Inverse CDF of the standard normal truncated to [a, b], accurate when a <= 0."""
    from scipy.special import ndtr, ndtri

    lo, hi = ndtr(a), ndtr(b)
    return ndtri(lo + u * (hi - lo))


class Normal(UncertainBase):
    """Normal(mean, sd), optionally truncated to [low, high]; ``sd: 0`` means the fixed value ``mean``."""

    dist: Literal["normal"]
    mean: Num
    sd: NonNegNum
    low: Optional[Num] = Field(None, description="truncate below (the mass is renormalised)")
    high: Optional[Num] = Field(None, description="truncate above")

    @model_validator(mode="after")
    def _truncation(self) -> "Normal":
        lo = -math.inf if self.low is None else self.low
        hi = math.inf if self.high is None else self.high
        if not lo < hi:
            raise ValueError(f"normal needs low < high, got low={lo:g}, high={hi:g}")
        if self.sd == 0.0:
            if not lo <= self.mean <= hi:
                raise ValueError(f"normal with sd 0 is the fixed value mean={self.mean:g}, outside [low, high]")
            return self
        mass = self._mass()
        if mass < 1e-6:
            raise ValueError(f"normal(mean={self.mean:g}, sd={self.sd:g}) puts only {mass:.2g} of its probability "
                             f"between low={lo:g} and high={hi:g}: move the mean or widen the bounds")
        return self

    def _bounds_z(self) -> tuple[float, float]:
        lo = -math.inf if self.low is None else (self.low - self.mean) / self.sd
        hi = math.inf if self.high is None else (self.high - self.mean) / self.sd
        return lo, hi

    def _mass(self) -> float:
        from scipy.special import ndtr

        a, b = self._bounds_z()
        return float(ndtr(-a) - ndtr(-b)) if a > 0 else float(ndtr(b) - ndtr(a))

    def _truncated(self) -> Any:
        from scipy.stats import truncnorm

        a, b = self._bounds_z()
        return truncnorm(a, b, loc=self.mean, scale=self.sd)

    def _is_truncated(self) -> bool:
        return self.low is not None or self.high is not None

    def fixed_value(self) -> Optional[float]:
        return self.mean if self.sd == 0.0 else None

    def support(self) -> tuple[float, float, bool]:
        if self.sd == 0.0:
            return self.mean, self.mean, False
        return (-math.inf if self.low is None else self.low), (math.inf if self.high is None else self.high), False

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        from scipy.special import ndtri

        u = clip_open(u)
        if not self._is_truncated():
            return self.mean + self.sd * ndtri(u)
        a, b = self._bounds_z()
        z = -_std_truncated_ppf(1.0 - u, -b, -a) if a > 0 else _std_truncated_ppf(u, a, b)
        return np.clip(self.mean + self.sd * z, self.low if self.low is not None else -np.inf,
                       self.high if self.high is not None else np.inf)

    def expectation(self) -> float:
        return float(self._truncated().mean()) if self._is_truncated() else self.mean

    def spread(self) -> float:
        return float(self._truncated().std()) if self._is_truncated() else self.sd


class Lognormal(UncertainBase):
    """Lognormal given by the ``mean`` and ``sd`` of the variable itself (not of its logarithm).

    log X ~ Normal(mu, sigma²) with sigma² = ln(1 + (sd/mean)²) and mu = ln(mean) − sigma²/2.
    """

    dist: Literal["lognormal"]
    mean: PosNum
    sd: NonNegNum

    def log_params(self) -> tuple[float, float]:
        """(mu, sigma) of log X."""
        sigma2 = math.log1p((self.sd / self.mean) ** 2)
        return math.log(self.mean) - 0.5 * sigma2, math.sqrt(sigma2)

    def fixed_value(self) -> Optional[float]:
        return self.mean if self.sd == 0.0 else None

    def support(self) -> tuple[float, float, bool]:
        return 0.0, math.inf, True

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        from scipy.special import ndtri

        mu, sigma = self.log_params()
        return np.exp(mu + sigma * ndtri(clip_open(u)))

    def expectation(self) -> float:
        return self.mean

    def spread(self) -> float:
        return self.sd


class Beta(UncertainBase):
    """Beta on [0, 1], given by ``alpha`` and ``beta`` or by ``mean`` and ``sd`` (``sd: 0`` = fixed ``mean``)."""

    dist: Literal["beta"]
    alpha: Optional[PosNum] = None
    beta: Optional[PosNum] = None
    mean: Optional[Annotated[Num, Field(gt=0.0, lt=1.0)]] = None
    sd: Optional[NonNegNum] = None

    @model_validator(mode="after")
    def _one_form(self) -> "Beta":
        by_shape = self.alpha is not None or self.beta is not None
        by_moments = self.mean is not None or self.sd is not None
        if by_shape == by_moments:
            raise ValueError("beta needs either alpha and beta, or mean and sd (not both, not neither)")
        if by_shape and (self.alpha is None or self.beta is None):
            raise ValueError("beta needs both alpha and beta")
        if by_moments and (self.mean is None or self.sd is None):
            raise ValueError("beta needs both mean and sd")
        if by_moments and self.sd ** 2 >= self.mean * (1.0 - self.mean):
            raise ValueError(f"beta with mean {self.mean:g} needs sd < sqrt(mean·(1-mean)) = "
                             f"{math.sqrt(self.mean * (1 - self.mean)):.4g}, got {self.sd:g}")
        return self

    def shapes(self) -> tuple[float, float]:
        """(alpha, beta), converted from mean and sd when given that way."""
        if self.alpha is not None:
            return self.alpha, self.beta
        k = self.mean * (1.0 - self.mean) / self.sd ** 2 - 1.0
        return self.mean * k, (1.0 - self.mean) * k

    def fixed_value(self) -> Optional[float]:
        return self.mean if self.sd == 0.0 else None

    def support(self) -> tuple[float, float, bool]:
        return 0.0, 1.0, True

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        from scipy.special import betaincinv

        a, b = self.shapes()
        return betaincinv(a, b, clip_open(u))

    def expectation(self) -> float:
        a, b = self.shapes()
        return a / (a + b)

    def spread(self) -> float:
        a, b = self.shapes()
        return math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1.0)))


class Gamma(UncertainBase):
    """Gamma given by ``mean`` and ``sd`` (shape (mean/sd)², scale sd²/mean); ``sd: 0`` = fixed ``mean``."""

    dist: Literal["gamma"]
    mean: PosNum
    sd: NonNegNum

    def shape_scale(self) -> tuple[float, float]:
        return (self.mean / self.sd) ** 2, self.sd ** 2 / self.mean

    def fixed_value(self) -> Optional[float]:
        return self.mean if self.sd == 0.0 else None

    def support(self) -> tuple[float, float, bool]:
        return 0.0, math.inf, True

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        from scipy.special import gammaincinv

        shape, scale = self.shape_scale()
        return scale * gammaincinv(shape, clip_open(u))

    def expectation(self) -> float:
        return self.mean

    def spread(self) -> float:
        return self.sd
