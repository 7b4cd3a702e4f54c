"""Value of information from probabilistic sensitivity analysis (PSA) samples.

A PSA run gives, for each sample s (one replication with its own draw of every uncertain setting),
the net benefit of each option d (NPV in USD, baseline included, e.g. as zeros): ``NB[s, d]``, and
the drawn parameter values ``theta[s, :]``.

* **EVPI** = E[max_d NB] − max_d E[NB]: what resolving *every* uncertainty before deciding is worth.
* **EVPPI** of a parameter (or group) θ = E_θ[max_d E(NB_d | θ)] − max_d E(NB_d): what knowing θ
  alone is worth. Estimated by regression (Strong, Oakley & Brennan, Med. Decis. Making 34(3),
  2014): regress each option's incremental net benefit (vs option 0) on θ; the fitted values
  estimate E(INB_d | θ); apply the EVPI formula to them. Clipped to [0, EVPI].

Regression methods (scikit-learn, imported lazily):

* ``gam``: penalised regression spline: a cubic B-spline basis per parameter (knots at quantiles)
  plus, for a group, pairwise tensor products of coarser bases (interactions of two parameters);
  one ridge penalty chosen by exact leave-one-out CV (``RidgeCV``). Misses three-way interactions.
* ``gp``: Gaussian process (constant × anisotropic RBF + white noise; length scales >= 0.25 sd):
  hyperparameters by maximum likelihood on the first ``max_gp_samples // 4`` samples, posterior
  mean conditioned on the first ``max_gp_samples`` (PSA samples are i.i.d., so the first ones are
  a random subset). If the GP beats "no signal" by less than AIC's 2 per extra hyperparameter, the
  fit is the mean (this removes spurious value for irrelevant groups, and misses very weak signals).
* ``auto``: ``gam`` for up to 4 parameters, ``gp`` for larger groups.

Checked against closed forms in ``tests/test_voi_oracles.py`` (tolerances and errors stated there).

Every estimate is in the unit of the net benefit (USD per decision: the whole business's NPV).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Optional, Sequence

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

METHODS = ("auto", "gam", "gp")
GATE_PER_PARAM = 2.0  # AIC: the GP must gain > 1 log-likelihood unit per extra hyperparameter
INTERACTION_KNOTS = 5  # knots per parameter in the pairwise tensor products of ``gam``
MIN_LENGTH_SCALE_SD = 0.25  # GP length scales below a quarter of a parameter's sd would fit noise, not E[NB | θ]


def _net_benefit(net_benefit: Any) -> np.ndarray:
    nb = np.asarray(net_benefit, dtype=float)
    if nb.ndim != 2 or nb.shape[0] < 2 or nb.shape[1] < 1:
        raise ValueError(f"net_benefit must be (n_samples >= 2, n_options >= 1), got shape {nb.shape}")
    if not np.all(np.isfinite(nb)):
        raise ValueError("net_benefit must be finite (a failed run must be dropped or re-run first)")
    return nb


def _params(params: Any, n_samples: int) -> np.ndarray:
    x = np.asarray(params, dtype=float)
    x = x[:, None] if x.ndim == 1 else x
    if x.ndim != 2 or x.shape[0] != n_samples:
        raise ValueError(f"params must be (n_samples,) or (n_samples, k) with n_samples = {n_samples}, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("params must be finite")
    varying = x.std(axis=0) > 0.0  # a fixed setting carries no information
    x = x[:, varying]
    return (x - x.mean(axis=0)) / x.std(axis=0)


def evpi(net_benefit: Any) -> float:
    """Expected value of perfect information, E[max_d NB] − max_d E[NB].

    Args:
        net_benefit: (n_samples, n_options) net benefit, USD.

    Returns:
        EVPI in USD (>= 0; 0 with one option).
    """
    nb = _net_benefit(net_benefit)
    return float(max(nb.max(axis=1).mean() - nb.mean(axis=0).max(), 0.0))


def _spline_basis(x: np.ndarray, n_knots: int) -> np.ndarray:
    from sklearn.preprocessing import SplineTransformer

    distinct = min(len(np.unique(x[:, j])) for j in range(x.shape[1]))
    knots = "quantile" if distinct > 2 * n_knots else "uniform"
    return SplineTransformer(n_knots=max(2, min(n_knots, distinct)), degree=3, knots=knots).fit_transform(x)


def _fit_gam(y: np.ndarray, x: np.ndarray, n_knots: int) -> np.ndarray:
    from sklearn.linear_model import RidgeCV

    parts = [_spline_basis(x, n_knots)]
    if x.shape[1] > 1:  # pairwise tensor products of coarser bases
        coarse = [_spline_basis(x[:, [j]], INTERACTION_KNOTS) for j in range(x.shape[1])]
        for i in range(len(coarse)):
            for j in range(i + 1, len(coarse)):
                parts.append((coarse[i][:, :, None] * coarse[j][:, None, :]).reshape(len(x), -1))
    basis = np.hstack(parts)
    ridge = RidgeCV(alphas=np.logspace(-6, 4, 41), alpha_per_target=True).fit(basis, y)
    return ridge.predict(basis).reshape(y.shape)


def _fit_gp(y: np.ndarray, x: np.ndarray, max_samples: int) -> np.ndarray:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

    n_tune = min(len(y), max(50, max_samples // 4))  # hyperparameters: cost ~ n_tune³ per optimiser step
    n_fit = min(len(y), max_samples)                  # posterior mean: one Cholesky of n_fit
    kernel = (ConstantKernel(1.0, (1e-4, 1e2)) * RBF(np.ones(x.shape[1]), (MIN_LENGTH_SCALE_SD, 1e3))
              + WhiteKernel(0.5, (1e-6, 10.0)))
    fitted = np.empty_like(y)
    for j in range(y.shape[1]):
        if np.ptp(y[:, j]) == 0.0:
            fitted[:, j] = y[:, j]
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            tuner = GaussianProcessRegressor(kernel, normalize_y=True).fit(x[:n_tune], y[:n_tune, j])
            # normalised y under "no signal" (iid, variance 1): log-likelihood -n/2·(ln 2π + 1)
            gain = tuner.log_marginal_likelihood_value_ + 0.5 * n_tune * (math.log(2 * math.pi) + 1.0)
            if 2.0 * gain < GATE_PER_PARAM * (x.shape[1] + 1):
                fitted[:, j] = y[:, j].mean()
                continue
            gp = GaussianProcessRegressor(tuner.kernel_, normalize_y=True, optimizer=None).fit(x[:n_fit], y[:n_fit, j])
        fitted[:, j] = gp.predict(x)
    return fitted


def conditional_mean(y: Any, params: Any, method: str = "auto", *, n_knots: int = 10,
                     max_gp_samples: int = 2000) -> np.ndarray:
    """Regression estimate of E[y | params] at every sample.

    Args:
        y: (n_samples,) or (n_samples, m) outcomes (USD or any unit).
        params: (n_samples,) or (n_samples, k) parameter values.
        method: ``auto``, ``gam`` or ``gp`` (module docstring).
        n_knots: spline knots per parameter (``gam``).
        max_gp_samples: samples the GP conditions on (``gp``; its hyperparameters are tuned by maximum
            likelihood on a quarter of them; cost grows as the cube).

    Returns:
        Fitted values, the shape of ``y``; the mean of ``y`` everywhere when no parameter varies.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    y = np.asarray(y, dtype=float)
    y2 = y[:, None] if y.ndim == 1 else y
    x = _params(params, y2.shape[0])
    if x.shape[1] == 0:
        return np.broadcast_to(y2.mean(axis=0), y2.shape).reshape(y.shape).copy()
    if method == "auto":
        method = "gam" if x.shape[1] <= 4 else "gp"
    fitted = _fit_gam(y2, x, n_knots) if method == "gam" else _fit_gp(y2, x, max_gp_samples)
    return fitted.reshape(y.shape)


def evppi(net_benefit: Any, params: Any, method: str = "auto", *, n_knots: int = 10,
          max_gp_samples: int = 2000) -> float:
    """Expected value of partial perfect information about ``params`` (one parameter or a group).

    Args:
        net_benefit: (n_samples, n_options) net benefit, USD.
        params: (n_samples,) for one parameter or (n_samples, k) for a group, the values drawn in
            the same samples.
        method: ``auto``, ``gam`` or ``gp`` (module docstring).
        n_knots: spline knots per parameter (``gam``).
        max_gp_samples: samples the GP conditions on (``gp``).

    Returns:
        EVPPI in USD, clipped to [0, EVPI].
    """
    nb = _net_benefit(net_benefit)
    total = evpi(nb)
    if nb.shape[1] == 1 or total == 0.0 or _params(params, nb.shape[0]).shape[1] == 0:
        return 0.0
    inb = nb[:, 1:] - nb[:, :1]
    fitted = conditional_mean(inb, params, method, n_knots=n_knots, max_gp_samples=max_gp_samples)
    fitted = np.column_stack([np.zeros(len(fitted)), fitted])
    value = fitted.max(axis=1).mean() - fitted.mean(axis=0).max()
    return float(np.clip(value, 0.0, total))


def pilot_sentence(name: str, evppi_usd: float, currency: str = "$") -> str:
    """The decision-maker's reading of one EVPPI, e.g. for the report.

    Args:
        name: the assumption, as a person reads it ("chatbot containment").
        evppi_usd: its EVPPI, USD.
        currency: symbol printed before the amount.
    """
    if round(evppi_usd) <= 0:
        return f"Knowing {name} exactly would not change the decision: measuring it is not worth paying for."
    return (f"Knowing {name} exactly would be worth up to {currency}{evppi_usd:,.0f}: "
            f"a pilot that measures {name} is worth running if it costs less.")


def rank_evppi(net_benefit: Any, params: Mapping[str, Any], groups: Optional[Mapping[str, Sequence[str]]] = None,
               method: str = "auto", **fit: Any) -> "pd.DataFrame":
    """EVPPI of every parameter (and of named groups), largest first.

    Args:
        net_benefit: (n_samples, n_options) net benefit, USD.
        params: parameter name -> (n_samples,) drawn values (a dict or a pandas DataFrame).
        groups: optional group name -> parameter names, each valued jointly.
        method: ``auto``, ``gam`` or ``gp``.
        **fit: passed to :func:`evppi` (``n_knots``, ``max_gp_samples``).

    Returns:
        DataFrame with columns ``parameter``, ``evppi_usd``, ``share_of_evpi`` (0..1), ``rank``
        (1 = worth resolving first) and ``sentence``; ``attrs["evpi_usd"]`` holds the EVPI.
    """
    import pandas as pd

    nb = _net_benefit(net_benefit)
    total = evpi(nb)
    columns = {str(k): np.asarray(v, dtype=float) for k, v in dict(params).items()}
    jobs: dict[str, np.ndarray] = dict(columns)
    for gname, members in (groups or {}).items():
        unknown = [m for m in members if m not in columns]
        if unknown:
            raise ValueError(f"group {gname!r} names unknown parameters: {', '.join(unknown)}")
        jobs[str(gname)] = np.column_stack([columns[m] for m in members])
    rows = [{"parameter": name, "evppi_usd": evppi(nb, x, method, **fit)} for name, x in jobs.items()]
    table = pd.DataFrame(rows, columns=["parameter", "evppi_usd"])
    table["share_of_evpi"] = table["evppi_usd"] / total if total > 0 else 0.0
    table = table.sort_values("evppi_usd", ascending=False, kind="stable").reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1)
    table["sentence"] = [pilot_sentence(p, v) for p, v in zip(table["parameter"], table["evppi_usd"])]
    table.attrs["evpi_usd"] = total
    return table


@dataclass(frozen=True)
class VarianceShare:
    """Split of an outcome's variance across replications (shares sum to 1)."""

    assumptions_share: float
    noise_share: float
    total_variance: float


def variance_share(values_by_replication: Any, params: Any, method: str = "auto", **fit: Any) -> VarianceShare:
    """Share of an outcome's variance due to the uncertain assumptions vs the simulation's own noise.

    Method (law of total variance): Var(Y) = Var(E[Y | θ]) + E[Var(Y | θ)]. In a PSA each
    replication has its own draw θ_r of every uncertain setting *and* its own random numbers, so
    the conditional mean E[Y | θ], estimated by the same regression as EVPPI, is the part the
    assumptions explain; the residual around it is simulation noise (together with any misfit of
    the regression, so the assumptions' share is, if anything, understated). Needs enough
    replications for the regression (a few hundred for a handful of parameters).

    Args:
        values_by_replication: (n_replications,) one outcome per replication, e.g. incremental NPV, USD.
        params: (n_replications,) or (n_replications, k) the values drawn in each replication.
        method: ``auto``, ``gam`` or ``gp``.
        **fit: passed to :func:`conditional_mean`.

    Returns:
        VarianceShare with shares in [0, 1] and the total variance (unit of the outcome, squared).
    """
    y = np.asarray(values_by_replication, dtype=float)
    if y.ndim != 1 or y.size < 3 or not np.all(np.isfinite(y)):
        raise ValueError("values_by_replication must be a finite 1-D array with at least 3 values")
    total = float(y.var())
    if total == 0.0:
        return VarianceShare(0.0, 0.0, 0.0)
    explained = float(np.var(conditional_mean(y, params, method, **fit)))
    share = float(np.clip(explained / total, 0.0, 1.0))
    return VarianceShare(share, 1.0 - share, total)
