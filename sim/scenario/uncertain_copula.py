"""Rank-correlated uniforms for uncertain settings (Gaussian copula, Iman–Conover style).

To make settings move together by rank, draw correlated standard normals, turn each into a uniform
with the normal CDF, and feed the uniforms to each setting's inverse CDF (:func:`sim.scenario.uncertain.ppf`).
Ranks survive every monotone map, so the Spearman correlation of the settings equals that of the
normals: for a bivariate normal, Spearman rho_s = (6/pi)·arcsin(r/2), so the Pearson correlation to
use is r = 2·sin(pi·rho_s/6).
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np


def spearman_to_pearson(spearman: Any) -> np.ndarray:
    """Pearson correlation of the normal copula that yields Spearman ``spearman``: 2·sin(pi·rho/6)."""
    return 2.0 * np.sin(np.pi * np.asarray(spearman, dtype=float) / 6.0)


def _check_matrix(m: np.ndarray, n_settings: int) -> None:
    if m.shape != (n_settings, n_settings):
        raise ValueError(f"spearman_matrix must be {n_settings}x{n_settings}, got shape {m.shape}")
    if not np.all(np.isfinite(m)):
        raise ValueError("spearman_matrix must hold finite numbers")
    if not np.allclose(m, m.T, rtol=0.0, atol=1e-12):
        raise ValueError("spearman_matrix must be symmetric")
    if not np.all(np.diag(m) == 1.0):
        raise ValueError("spearman_matrix must have 1 on its diagonal")
    if np.any(np.abs(m) > 1.0):
        raise ValueError("rank correlations must lie in [-1, 1]")


def correlated_uniforms(rng: np.random.Generator, n_settings: int, spearman_matrix: Any,
                        n_draws: Optional[int] = None) -> np.ndarray:
    """Uniforms on (0, 1) whose pairwise Spearman correlations are ``spearman_matrix``.

    Args:
        rng: the generator to draw from (one stream per replication and group of correlated settings).
        n_settings: number of settings correlated together.
        spearman_matrix: symmetric (n_settings, n_settings) matrix of target rank correlations, 1 on
            the diagonal.
        n_draws: None for one joint draw (shape ``(n_settings,)``), else the number of joint draws
            (shape ``(n_draws, n_settings)``).

    Returns:
        Uniforms to pass to ``ppf`` setting by setting.

    Raises:
        ValueError: a malformed matrix, or one whose normal-copula correlation matrix is not positive
            definite (the correlations contradict each other).
    """
    if n_settings < 1:
        raise ValueError("n_settings must be >= 1")
    m = np.asarray(spearman_matrix, dtype=float)
    _check_matrix(m, n_settings)
    pearson = spearman_to_pearson(m)
    np.fill_diagonal(pearson, 1.0)
    try:
        chol = np.linalg.cholesky(pearson)
    except np.linalg.LinAlgError:
        low = float(np.linalg.eigvalsh(pearson).min())
        raise ValueError(f"the rank correlations contradict each other: the copula correlation matrix is not positive "
                         f"definite (smallest eigenvalue {low:.3g}); weaken some correlations") from None
    from scipy.special import ndtr

    z = rng.standard_normal((1 if n_draws is None else int(n_draws), n_settings)) @ chol.T
    u = ndtr(z)
    return u[0] if n_draws is None else u
