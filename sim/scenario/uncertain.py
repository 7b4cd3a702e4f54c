"""Uncertain settings: a probability distribution written in place of a number.

Any numeric setting in a scenario file may be given as a distribution instead of a value::

    churn_beta: {dist: gamma, mean: 2.85, sd: 1.4, source: "Bolton 1998 (FACTS §5, §7)"}

Forms (all parameters in the unit of the setting they replace):

* ``triangular``: ``low``, ``mode``, ``high``.
* ``pert``: ``low``, ``mode``, ``high`` and optional ``lambda`` (default 4): a Beta scaled to
  [low, high] with mean (low + lambda·mode + high) / (lambda + 2).
* ``uniform``: ``low``, ``high``.
* ``normal``: ``mean``, ``sd``, optional truncation ``low`` and/or ``high``.
* ``lognormal``: ``mean`` and ``sd`` *of the variable itself* (not of its log).
* ``beta``: either ``alpha`` and ``beta``, or ``mean`` and ``sd`` (support [0, 1]).
* ``gamma``: ``mean`` and ``sd``.

Every value is drawn by inversion, ``ppf(dist, u)`` of a uniform ``u``, so a Gaussian copula
(:func:`correlated_uniforms`) can correlate settings by rank. A *degenerate* distribution
(triangular/pert/uniform with low == high, or ``sd: 0`` for normal, lognormal, beta and gamma)
returns its fixed value bit for bit. scipy is imported only when a value is computed. The forms
live in :mod:`sim.scenario.uncertain_forms` (bounded) and :mod:`sim.scenario.uncertain_moments` (given by moments),
the copula in :mod:`sim.scenario.uncertain_copula`; this module is the public face.

Example:
    >>> import numpy as np
    >>> d = parse_distribution({"dist": "pert", "low": 0.15, "mode": 0.35, "high": 0.8})
    >>> round(mean(d), 4), tuple(round(v, 3) for v in interval(d))
    (0.3917, (0.214, 0.603))
    >>> 0.15 <= draw(d, np.random.default_rng(1)) <= 0.8
    True
    >>> draw(parse_distribution({"dist": "uniform", "low": 0.3, "high": 0.3}), np.random.default_rng(1))
    0.3
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, Mapping, Optional, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from sim.scenario.uncertain_copula import correlated_uniforms, spearman_to_pearson
from sim.scenario.uncertain_forms import Pert, Triangular, UncertainBase, Uniform
from sim.scenario.uncertain_moments import Beta, Gamma, Lognormal, Normal

__all__ = [
    "Beta", "Distribution", "Gamma", "Lognormal", "Normal", "Pert", "Prior", "SupportKind", "Triangular",
    "Uniform", "check_support", "correlated_uniforms", "describe", "draw", "interval", "is_distribution_spec",
    "load_priors", "mean", "parse_distribution", "ppf", "sd", "spearman_to_pearson",
]

SupportKind = Literal["probability", "nonnegative", "positive", "any"]
SUPPORT_KINDS: tuple[str, ...] = ("probability", "nonnegative", "positive", "any")
PRIORS_PATH = Path(__file__).with_name("priors.yaml")

Distribution = Annotated[Union[Triangular, Pert, Uniform, Normal, Lognormal, Beta, Gamma], Field(discriminator="dist")]
_ADAPTER: TypeAdapter = TypeAdapter(Distribution, config=ConfigDict(title="distribution"))


def is_distribution_spec(value: Any) -> bool:
    """True when a raw YAML value is a distribution (a mapping with a ``dist`` key), not a number."""
    return isinstance(value, Mapping) and "dist" in value


def parse_distribution(spec: Mapping[str, Any]) -> UncertainBase:
    """Validate a raw mapping such as ``{dist: pert, low: 0, mode: 1, high: 3}``.

    Raises:
        pydantic.ValidationError: unknown form, unknown or missing keys, invalid parameters.
    """
    return _ADAPTER.validate_python(spec)


def ppf(dist: UncertainBase, u: Any) -> np.ndarray:
    """Inverse CDF, vectorised: the value whose cumulative probability is ``u``.

    Args:
        dist: a validated distribution.
        u: probabilities in [0, 1] (scalar or array). Unbounded forms clip u to [1e-12, 1 - 1e-12]
            so the result is always finite.

    Returns:
        Array of the same shape as ``u``, in the unit of the setting. A degenerate distribution
        returns its fixed value exactly.
    """
    u = np.asarray(u, dtype=float)
    if not np.all((u >= 0.0) & (u <= 1.0)):
        raise ValueError("ppf needs probabilities in [0, 1] (no NaN)")
    fixed = dist.fixed_value()
    if fixed is not None:
        return np.full(u.shape, fixed)
    return dist.quantiles(u)


def draw(dist: UncertainBase, rng: np.random.Generator) -> float:
    """One value: ``ppf(dist, rng.random())``.

    Always consumes exactly one uniform from ``rng``, degenerate or not, so switching a setting
    between fixed and uncertain never shifts the draws that follow on the same stream.
    """
    u = rng.random()
    fixed = dist.fixed_value()
    if fixed is not None:
        return fixed
    return float(dist.quantiles(np.asarray(u)))


def mean(dist: UncertainBase) -> float:
    """Expected value, in the unit of the setting."""
    fixed = dist.fixed_value()
    return fixed if fixed is not None else float(dist.expectation())


def sd(dist: UncertainBase) -> float:
    """Standard deviation, in the unit of the setting (0 for a degenerate distribution)."""
    return 0.0 if dist.fixed_value() is not None else float(dist.spread())


def interval(dist: UncertainBase, lower: float = 0.05, upper: float = 0.95) -> tuple[float, float]:
    """Equal-tailed interval ``(ppf(lower), ppf(upper))``: the low and high ends of a tornado bar.

    Args:
        dist: a validated distribution.
        lower: cumulative probability of the low end (0 <= lower < upper <= 1).
        upper: cumulative probability of the high end.
    """
    if not 0.0 <= lower < upper <= 1.0:
        raise ValueError(f"interval needs 0 <= lower < upper <= 1, got {lower!r}, {upper!r}")
    lo, hi = ppf(dist, np.array([lower, upper]))
    return float(lo), float(hi)


def describe(dist: UncertainBase) -> str:
    """Short label, e.g. ``pert(low=0.15, mode=0.35, high=0.8)``."""
    params = dist.model_dump(exclude={"dist", "source"}, exclude_none=True, by_alias=True)
    return f"{dist.dist}(" + ", ".join(f"{k}={v:g}" for k, v in params.items()) + ")"


def check_support(dist: UncertainBase, kind: str) -> Optional[str]:
    """Whether every value ``dist`` can take is allowed for a setting of this ``kind``.

    Args:
        dist: a validated distribution.
        kind: ``probability`` (values in [0, 1]), ``nonnegative`` (>= 0), ``positive`` (> 0) or ``any``.

    Returns:
        None when the support fits, else a message that says what to use instead.
    """
    if kind not in SUPPORT_KINDS:
        raise ValueError(f"kind must be one of {', '.join(SUPPORT_KINDS)}, got {kind!r}")
    fixed = dist.fixed_value()
    lo, hi, lo_open = (fixed, fixed, False) if fixed is not None else dist.support()
    span = f"{describe(dist)} takes values in {'(' if lo_open else '['}{lo:g}, {hi:g}]"
    if kind == "probability" and (lo < 0.0 or hi > 1.0):
        return (f"a probability must lie in [0, 1], but {span}: use beta, or pert/triangular/uniform "
                "within 0..1, or a normal truncated with low: 0, high: 1")
    if kind == "nonnegative" and lo < 0.0:
        return f"this setting cannot be negative, but {span}: use gamma or lognormal, or raise low to 0"
    if kind == "positive" and (lo < 0.0 or (lo == 0.0 and not lo_open)):
        return f"this setting must be > 0, but {span}: use gamma or lognormal, or raise low above 0"
    return None


class Prior(BaseModel):
    """One entry of the shipped prior library: which setting, the distribution, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    lever: Optional[str] = Field(None, description="lever type whose setting this is; null = a world setting")
    setting: str = Field(min_length=1, description="setting path in the world, or inside the lever")
    kind: SupportKind = Field(description="what values the setting allows")
    why: str = Field(min_length=1, description="one line: why this centre and width")
    prior: Distribution

    @model_validator(mode="after")
    def _sourced_and_supported(self) -> "Prior":
        if not (self.prior.source or "").strip():
            raise ValueError("every shipped prior needs a source")
        problem = check_support(self.prior, self.kind)
        if problem:
            raise ValueError(problem)
        return self


def _first_error(err: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(entry)'}: {e['msg']}" for e in err.errors())


def load_priors(path: str | Path | None = None) -> dict[str, Prior]:
    """Read and validate the prior library (default: the ``priors.yaml`` shipped beside this module).

    Returns:
        ``{name: Prior}`` in file order.

    Raises:
        ValueError: naming every invalid entry and what is wrong with it.
    """
    import yaml

    path = Path(path) if path is not None else PRIORS_PATH
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not raw:
        raise ValueError(f"{path}: expected a mapping of prior name -> entry")
    priors: dict[str, Prior] = {}
    problems: list[str] = []
    for name, entry in raw.items():
        try:
            priors[str(name)] = Prior.model_validate(entry)
        except ValidationError as err:
            problems.append(f"  {name}: {_first_error(err)}")
    if problems:
        raise ValueError(f"{path}: invalid priors\n" + "\n".join(problems))
    return priors
