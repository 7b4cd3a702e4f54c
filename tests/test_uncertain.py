"""Uncertain settings: distribution forms against scipy.stats (the oracle), support checks,
degenerate = fixed value bit for bit, the Gaussian copula's rank correlation, rejected parameters,
and the shipped prior library."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import scipy.stats as st
from pydantic import ValidationError

from sim.scenario.uncertain import (
    check_support,
    correlated_uniforms,
    describe,
    draw,
    interval,
    load_priors,
    mean,
    parse_distribution,
    ppf,
    sd,
)

U_GRID = np.linspace(0.001, 0.999, 199)


def _scipy_twin(spec: dict):
    """The same distribution built directly in scipy.stats (the oracle)."""
    d = spec["dist"]
    if d == "triangular":
        lo, mo, hi = spec["low"], spec["mode"], spec["high"]
        return st.triang((mo - lo) / (hi - lo), loc=lo, scale=hi - lo)
    if d == "pert":
        lo, mo, hi, lam = spec["low"], spec["mode"], spec["high"], spec.get("lambda", 4.0)
        return st.beta(1 + lam * (mo - lo) / (hi - lo), 1 + lam * (hi - mo) / (hi - lo), loc=lo, scale=hi - lo)
    if d == "uniform":
        return st.uniform(spec["low"], spec["high"] - spec["low"])
    if d == "normal":
        m, s = spec["mean"], spec["sd"]
        a = (spec.get("low", -np.inf) - m) / s
        b = (spec.get("high", np.inf) - m) / s
        return st.truncnorm(a, b, loc=m, scale=s) if np.isfinite([a, b]).any() else st.norm(m, s)
    if d == "lognormal":
        s2 = math.log1p((spec["sd"] / spec["mean"]) ** 2)
        return st.lognorm(math.sqrt(s2), scale=math.exp(math.log(spec["mean"]) - s2 / 2))
    if d == "beta":
        if "alpha" in spec:
            return st.beta(spec["alpha"], spec["beta"])
        m, s = spec["mean"], spec["sd"]
        k = m * (1 - m) / s**2 - 1
        return st.beta(m * k, (1 - m) * k)
    if d == "gamma":
        return st.gamma((spec["mean"] / spec["sd"]) ** 2, scale=spec["sd"] ** 2 / spec["mean"])
    raise AssertionError(d)


SPECS = [
    {"dist": "triangular", "low": 0.1, "mode": 0.2, "high": 0.6},
    {"dist": "triangular", "low": 0.0, "mode": 0.0, "high": 2.0},
    {"dist": "pert", "low": 0.15, "mode": 0.35, "high": 0.8},
    {"dist": "pert", "low": -1.0, "mode": 2.0, "high": 3.0, "lambda": 6.0},
    {"dist": "uniform", "low": 0.03, "high": 0.713},
    {"dist": "normal", "mean": 2.0, "sd": 0.5},
    {"dist": "normal", "mean": 0.02, "sd": 0.06, "low": -0.17, "high": 0.15},
    {"dist": "normal", "mean": 0.9, "sd": 0.2, "high": 1.0},
    {"dist": "normal", "mean": 0.0, "sd": 1.0, "low": 3.0},
    {"dist": "lognormal", "mean": 400.0, "sd": 250.0},
    {"dist": "beta", "alpha": 2.0, "beta": 5.0},
    {"dist": "beta", "mean": 0.13, "sd": 0.05},
    {"dist": "gamma", "mean": 2.85, "sd": 1.4},
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: describe(parse_distribution(s)))
def test_moments_and_quantiles_match_scipy(spec: dict) -> None:
    dist, twin = parse_distribution(spec), _scipy_twin(spec)
    assert mean(dist) == pytest.approx(twin.mean(), rel=1e-9, abs=1e-12)
    assert sd(dist) == pytest.approx(twin.std(), rel=1e-9)
    np.testing.assert_allclose(ppf(dist, U_GRID), twin.ppf(U_GRID), rtol=1e-9, atol=1e-12)
    lo, hi = interval(dist, 0.05, 0.95)
    assert (lo, hi) == pytest.approx((twin.ppf(0.05), twin.ppf(0.95)), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: describe(parse_distribution(s)))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_draws_have_the_stated_distribution(spec: dict, seed: int) -> None:
    """4,000 draws: the sample mean lies within 4 standard errors; KS against scipy does not reject at 0.1 %."""
    dist, rng = parse_distribution(spec), np.random.default_rng(seed)
    x = np.array([draw(dist, rng) for _ in range(4_000)])
    assert abs(x.mean() - mean(dist)) < 4 * sd(dist) / math.sqrt(x.size)
    assert st.kstest(x, _scipy_twin(spec).cdf).pvalue > 1e-3


def test_ppf_is_finite_at_zero_and_one() -> None:
    for spec in SPECS:
        assert np.all(np.isfinite(ppf(parse_distribution(spec), [0.0, 1.0])))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        ppf(parse_distribution(SPECS[0]), [0.5, 1.5])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        ppf(parse_distribution(SPECS[0]), [np.nan])


FIXED = 0.1 + 0.2  # 0.30000000000000004: any rounding on the way would show
DEGENERATE = [
    {"dist": "triangular", "low": FIXED, "mode": FIXED, "high": FIXED},
    {"dist": "pert", "low": FIXED, "mode": FIXED, "high": FIXED},
    {"dist": "uniform", "low": FIXED, "high": FIXED},
    {"dist": "normal", "mean": FIXED, "sd": 0.0},
    {"dist": "normal", "mean": FIXED, "sd": 0, "low": 0.0, "high": 1.0},
    {"dist": "lognormal", "mean": FIXED, "sd": 0.0},
    {"dist": "beta", "mean": FIXED, "sd": 0.0},
    {"dist": "gamma", "mean": FIXED, "sd": 0.0},
]


@pytest.mark.parametrize("spec", DEGENERATE, ids=lambda s: s["dist"])
def test_degenerate_reproduces_the_fixed_value_bit_for_bit(spec: dict) -> None:
    dist, rng = parse_distribution(spec), np.random.default_rng(7)
    values = [draw(dist, rng) for _ in range(50)] + list(ppf(dist, np.linspace(0, 1, 11)))
    values += [mean(dist), *interval(dist)]
    assert all(v.hex() == FIXED.hex() for v in map(float, values))
    assert sd(dist) == 0.0
    assert check_support(dist, "positive") is None and check_support(dist, "probability") is None


def test_draw_consumes_one_uniform_whether_degenerate_or_not() -> None:
    fixed = parse_distribution(DEGENERATE[0])
    spread = parse_distribution(SPECS[0])
    a, b = np.random.default_rng(3), np.random.default_rng(3)
    draw(fixed, a)
    draw(spread, b)
    assert a.random() == b.random()


SUPPORT = [
    ({"dist": "beta", "mean": 0.3, "sd": 0.1}, {"probability": True, "nonnegative": True, "positive": True, "any": True}),
    ({"dist": "gamma", "mean": 0.03, "sd": 0.01}, {"probability": False, "nonnegative": True, "positive": True, "any": True}),
    ({"dist": "lognormal", "mean": 2.0, "sd": 1.0}, {"probability": False, "nonnegative": True, "positive": True, "any": True}),
    ({"dist": "pert", "low": 0.0, "mode": 0.1, "high": 0.5}, {"probability": True, "nonnegative": True, "positive": False, "any": True}),
    ({"dist": "uniform", "low": 0.5, "high": 1.2}, {"probability": False, "nonnegative": True, "positive": True, "any": True}),
    ({"dist": "normal", "mean": 0.5, "sd": 0.1}, {"probability": False, "nonnegative": False, "positive": False, "any": True}),
    ({"dist": "normal", "mean": 0.5, "sd": 0.3, "low": 0, "high": 1}, {"probability": True, "nonnegative": True, "positive": False,
                                                                       "any": True}),
    ({"dist": "triangular", "low": -0.2, "mode": 0.0, "high": 0.3}, {"probability": False, "nonnegative": False, "positive": False,
                                                                     "any": True}),
]


@pytest.mark.parametrize("spec, fits", SUPPORT, ids=lambda v: v["dist"] if "dist" in v else "")
def test_check_support(spec: dict, fits: dict) -> None:
    dist = parse_distribution(spec)
    for kind, ok in fits.items():
        message = check_support(dist, kind)
        assert (message is None) == ok, (kind, message)
    assert "use beta" in check_support(parse_distribution(SUPPORT[1][0]), "probability")
    with pytest.raises(ValueError, match="kind must be one of"):
        check_support(dist, "percent")


BAD = [
    ({"dist": "triangular", "low": 1, "mode": 0, "high": 2}, "low <= mode <= high"),
    ({"dist": "pert", "low": 0, "mode": 3, "high": 2}, "low <= mode <= high"),
    ({"dist": "pert", "low": 0, "mode": 1, "high": 2, "lambda": 0}, "greater than 0"),
    ({"dist": "uniform", "low": 2, "high": 1}, "low <= high"),
    ({"dist": "normal", "mean": 0, "sd": -1}, "greater than or equal to 0"),
    ({"dist": "normal", "mean": 0.5, "sd": 0.01, "low": 0.9, "high": 1}, "of its probability"),
    ({"dist": "normal", "mean": 0.5, "sd": 0.1, "low": 1, "high": 0}, "low < high"),
    ({"dist": "normal", "mean": 2, "sd": 0, "low": 0, "high": 1}, "outside"),
    ({"dist": "lognormal", "mean": 0, "sd": 1}, "greater than 0"),
    ({"dist": "beta", "alpha": 2, "beta": 3, "mean": 0.4, "sd": 0.1}, "either alpha and beta, or mean and sd"),
    ({"dist": "beta", "alpha": 2}, "both alpha and beta"),
    ({"dist": "beta", "mean": 0.5, "sd": 0.6}, "sd < sqrt"),
    ({"dist": "beta", "mean": 1.0, "sd": 0.1}, "less than 1"),
    ({"dist": "gamma", "mean": -1, "sd": 1}, "greater than 0"),
    ({"dist": "gamma", "mean": 1, "sd": True}, "must be a number, got bool"),
    ({"dist": "uniform", "low": "0", "high": 1}, "must be a number, got str"),
    ({"dist": "uniform", "low": 0, "high": float("inf")}, "finite number"),
    ({"dist": "normal", "mean": float("nan"), "sd": 1}, "finite number"),
    ({"dist": "weibull", "shape": 2}, "does not match any of the expected tags"),
    ({"dist": "gamma", "mean": 1, "sd": 1, "median": 1}, "Extra inputs are not permitted"),
    ({"dist": "triangular", "low": 0, "high": 1}, "Field required"),
]


@pytest.mark.parametrize("spec, message", BAD, ids=[m for _, m in BAD])
def test_bad_parameters_are_rejected_with_a_clear_message(spec: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_distribution(spec)


def test_spearman_of_copula_uniforms_hits_the_target() -> None:
    """Oracle: Spearman of 40,000 joint draws within 0.02 of the target (SE ≈ 0.005), across seeds."""
    target = np.array([[1.0, 0.6, -0.3], [0.6, 1.0, 0.2], [-0.3, 0.2, 1.0]])
    for seed in (11, 12, 13):
        u = correlated_uniforms(np.random.default_rng(seed), 3, target, n_draws=40_000)
        assert u.shape == (40_000, 3) and np.all((u > 0) & (u < 1))
        np.testing.assert_allclose(st.spearmanr(u).statistic, target, atol=0.02)
        # ranks survive each setting's inverse CDF
        x = np.column_stack([ppf(parse_distribution(SPECS[2]), u[:, 0]), ppf(parse_distribution(SPECS[9]), u[:, 1]),
                             ppf(parse_distribution(SPECS[11]), u[:, 2])])
        np.testing.assert_allclose(st.spearmanr(x).statistic, target, atol=0.02)
    one = correlated_uniforms(np.random.default_rng(1), 3, target)
    assert one.shape == (3,)


@pytest.mark.parametrize("matrix, message", [
    ([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]], "not positive definite"),
    ([[1, 0.5], [0.4, 1]], "symmetric"),
    ([[0.9, 0.5], [0.5, 1]], "diagonal"),
    ([[1, 1.5], [1.5, 1]], r"\[-1, 1\]"),
    ([[1, 0.2, 0.1], [0.2, 1, 0.1], [0.1, 0.1, 1]], "must be 2x2"),
])
def test_copula_rejects_bad_matrices(matrix: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        correlated_uniforms(np.random.default_rng(0), 2 if "2x2" in message else len(matrix), matrix)


def test_shipped_priors_load_with_sources_and_valid_support() -> None:
    priors = load_priors()
    assert len(priors) >= 12
    for name, p in priors.items():
        assert p.prior.source and p.why, name
        assert check_support(p.prior, p.kind) is None, name
        lo, hi = interval(p.prior)
        assert lo < mean(p.prior) < hi, name
    assert interval(priors["proactive_score_bonus"].prior)[0] < 0 < mean(priors["proactive_score_bonus"].prior)
    assert priors["kb_deflection"].prior.mode == 0.09  # Gartner 9 %, FACTS §7
    assert {"churn_beta", "unresolved_churn_gamma", "chatbot_containment", "kb_deflection",
            "training_handle_time_reduction", "training_fcr_gain", "training_empathy_gain", "proactive_score_bonus",
            "referral_rate_per_promoter_month", "silent_abandon_share"} <= set(priors)


def test_a_broken_prior_file_names_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "priors.yaml"
    path.write_text("""\
ok:
  setting: experience.churn_beta
  kind: nonnegative
  why: fine
  prior: {dist: gamma, mean: 2, sd: 1, source: somewhere}
no_source:
  setting: a.b
  kind: any
  why: x
  prior: {dist: uniform, low: 0, high: 1}
wrong_support:
  setting: a.c
  kind: probability
  why: x
  prior: {dist: gamma, mean: 0.5, sd: 0.2, source: s}
""")
    with pytest.raises(ValueError) as err:
        load_priors(path)
    text = str(err.value)
    assert "no_source" in text and "needs a source" in text
    assert "wrong_support" in text and "a probability must lie in [0, 1]" in text
    assert "  ok:" not in text


def test_every_shipped_prior_names_a_setting_the_scenarios_have():
    """A prior for a setting that does not exist could never be used: each one must resolve."""
    from sim.scenario import LEVER_TYPES, load_scenario
    from sim.scenario.paths import parse_path

    world = load_scenario("scenarios/chatbot.yaml").model_dump()
    for name, p in load_priors().items():
        if p.lever:
            assert p.setting.split(".")[0] in LEVER_TYPES[p.lever].model_fields, name
        else:
            node = world
            for part in parse_path(p.setting):
                node = node[part]
            assert isinstance(node, (int, float)), name
