"""The distribution forms an uncertain setting may take (validated once, frozen): the common base
and the bounded forms (triangular, PERT, uniform); forms given by mean and sd are in
:mod:`sim.scenario.uncertain_moments`.

Each form knows its support, its fixed value when degenerate, its quantile function, mean and
standard deviation; :mod:`sim.scenario.uncertain` holds the public functions that use them. Parameters are
in the unit of the setting they replace. scipy is imported lazily, inside the methods.
"""

from __future__ import annotations

import math
import numbers
from typing import Annotated, Any, Literal, Optional

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

U_EPS = 1e-12  # unbounded forms clip u to [U_EPS, 1 - U_EPS]: every quantile is finite


def _real_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"must be a number, got {type(value).__name__} {value!r}")
    return value


Num = Annotated[float, BeforeValidator(_real_number), Field(allow_inf_nan=False)]
NonNegNum = Annotated[Num, Field(ge=0.0)]
PosNum = Annotated[Num, Field(gt=0.0)]


class UncertainBase(BaseModel):
    """Common part of every form: frozen, unknown keys rejected, an optional citation."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    source: Optional[str] = Field(None, max_length=1000, description="where the numbers come from")

    def fixed_value(self) -> Optional[float]:
        """The single value of a degenerate distribution, else None."""
        return None

    def support(self) -> tuple[float, float, bool]:
        """(lowest, highest, lowest value excluded) of the values the distribution can take."""
        raise NotImplementedError

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF of a non-degenerate distribution (u already checked to lie in [0, 1])."""
        raise NotImplementedError

    def expectation(self) -> float:
        raise NotImplementedError

    def spread(self) -> float:
        """Standard deviation."""
        raise NotImplementedError


def clip_open(u: np.ndarray) -> np.ndarray:
    return np.clip(u, U_EPS, 1.0 - U_EPS)


class _Bounded(UncertainBase):
    """Forms on [low, high] (each declares its own ``low`` and ``high``): fixed when low == high."""

    def fixed_value(self) -> Optional[float]:
        return self.low if self.low == self.high else None

    def support(self) -> tuple[float, float, bool]:
        return self.low, self.high, False


class Triangular(_Bounded):
    """Triangular on [low, high] with its peak at ``mode``."""

    dist: Literal["triangular"]
    low: Num
    mode: Num
    high: Num

    @model_validator(mode="after")
    def _ordered(self) -> "Triangular":
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"triangular needs low <= mode <= high, got low={self.low:g}, mode={self.mode:g}, high={self.high:g}")
        return self

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        a, c, b = self.low, self.mode, self.high
        width = b - a
        left = a + np.sqrt(u * width * (c - a))
        right = b - np.sqrt((1.0 - u) * width * (b - c))
        return np.clip(np.where(u < (c - a) / width, left, right), a, b)

    def expectation(self) -> float:
        return (self.low + self.mode + self.high) / 3.0

    def spread(self) -> float:
        a, c, b = self.low, self.mode, self.high
        return math.sqrt(max(a * a + b * b + c * c - a * b - a * c - b * c, 0.0) / 18.0)


class Pert(_Bounded):
    """PERT: Beta(1 + lambda·(mode-low)/(high-low), 1 + lambda·(high-mode)/(high-low)) scaled to [low, high]."""

    dist: Literal["pert"]
    low: Num
    mode: Num
    high: Num
    lam: Annotated[PosNum, Field(le=1000.0)] = Field(4.0, alias="lambda", description="weight of the mode (4 = classic PERT)")

    @model_validator(mode="after")
    def _ordered(self) -> "Pert":
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"pert needs low <= mode <= high, got low={self.low:g}, mode={self.mode:g}, high={self.high:g}")
        return self

    def shapes(self) -> tuple[float, float]:
        """(alpha, beta) of the underlying Beta."""
        width = self.high - self.low
        return 1.0 + self.lam * (self.mode - self.low) / width, 1.0 + self.lam * (self.high - self.mode) / width

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        from scipy.special import betaincinv

        a, b = self.shapes()
        return np.clip(self.low + (self.high - self.low) * betaincinv(a, b, u), self.low, self.high)

    def expectation(self) -> float:
        return (self.low + self.lam * self.mode + self.high) / (self.lam + 2.0)

    def spread(self) -> float:
        mu = self.expectation()
        return math.sqrt(max((mu - self.low) * (self.high - mu), 0.0) / (self.lam + 3.0))


class Uniform(_Bounded):
    """Uniform on [low, high]."""

    dist: Literal["uniform"]
    low: Num
    high: Num

    @model_validator(mode="after")
    def _ordered(self) -> "Uniform":
        if not self.low <= self.high:
            raise ValueError(f"uniform needs low <= high, got low={self.low:g}, high={self.high:g}")
        return self

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        return np.clip(self.low + u * (self.high - self.low), self.low, self.high)

    def expectation(self) -> float:
        return 0.5 * (self.low + self.high)

    def spread(self) -> float:
        return (self.high - self.low) / math.sqrt(12.0)
