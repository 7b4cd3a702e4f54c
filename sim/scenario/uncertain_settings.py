"""Uncertain settings in a scenario: where they are, and whether the scenario accepts every value.

A numeric setting may be written as a distribution instead of a number (probabilistic sensitivity
analysis, PSA)::

    fcr_gain: {dist: pert, low: 0.0, mode: 0.05, high: 0.12, source: "…"}
    churn_beta: {prior: churn_beta}          # an entry of the shipped library (priors.yaml)

The loader moves each one into the scenario's ``uncertain`` block (world settings, keyed by path
such as ``experience.churn_beta``) or the investment's ``uncertain`` block (lever settings, keyed
by the path inside the investment, ``levers[0].fcr_gain``) and leaves the distribution's mean in
its place, so everything that needs one number (validation, staffing plans, the world's hash)
still has one. Each replication then draws one value per setting (:mod:`sim.run.psa`).
Rank correlations between world settings are given under ``correlations``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from pydantic import Field, ValidationError

from sim.scenario.centre import _Frozen
from sim.scenario.errors import Problem, ScenarioError, dotted
from sim.scenario.paths import parse_path, with_values
from sim.scenario.uncertain import describe, is_distribution_spec, load_priors, mean, parse_distribution, ppf, spearman_to_pearson


class RankCorrelation(_Frozen):
    """Two uncertain world settings that move together by rank (Spearman), via a Gaussian copula."""

    settings: tuple[str, str] = Field(description="two setting paths listed under uncertain")
    spearman: float = Field(ge=-0.99, le=0.99, allow_inf_nan=False, description="rank correlation")


def _spec(value: Any) -> bool:
    return is_distribution_spec(value) or (isinstance(value, dict) and "prior" in value)


@lru_cache(maxsize=1)
def _shipped_priors() -> dict:
    """The shipped prior library, read and validated once per process (it never changes while running)."""
    return load_priors()


def resolve(spec: dict, where: str) -> Any:
    """A validated distribution from ``{dist: …}`` or ``{prior: name}`` (the shipped library)."""
    if "prior" in spec:
        if set(spec) != {"prior"}:
            raise ValueError("give either {prior: name} alone or a full {dist: …} mapping")
        priors = _shipped_priors()
        name = spec["prior"]
        if name not in priors:
            raise ValueError(f"no prior named {name!r} in the library (known: {', '.join(priors)})")
        entry = priors[name]
        tail = entry.setting.split(".")[-1]
        if not where.endswith(tail):
            raise ValueError(f"prior {name!r} describes {entry.setting}, not this setting")
        return entry.prior
    return parse_distribution(spec)


def extract_inline(data: dict, lines: dict, file: str) -> None:
    """Move every inline distribution into the ``uncertain`` blocks, leaving its mean in place.

    ``lines`` (path -> (file, line)) gains the entries of the moved distributions, so a later
    problem with one still points at the line where it was written.

    Raises:
        ScenarioError: a distribution that is not valid, with its file and line.
    """
    problems: list[Problem] = []

    def walk(node: Any, loc: tuple) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in list(items):
            sub = loc + (key,)
            if sub[:1] == ("uncertain",) or sub[:2] == ("investment", "uncertain"):
                continue
            if _spec(value):
                _move(data, lines, sub, value, problems, file)
            elif isinstance(value, (dict, list)):
                walk(value, sub)

    walk(data, ())
    if problems:
        raise ScenarioError(problems)


def _move(data: dict, lines: dict, loc: tuple, spec: dict, problems: list[Problem], file: str) -> None:
    src_file, line = lines.get(loc, (file, 0))
    try:
        dist = resolve(spec, dotted(loc))
    except (ValidationError, ValueError) as e:
        msg = "; ".join(f"{'.'.join(map(str, x['loc'][1:])) or 'dist'}: {x['msg']}" for x in e.errors()) \
            if isinstance(e, ValidationError) else str(e)
        problems.append(Problem(src_file, line, dotted(loc), f"not a valid distribution: {msg}"))
        return
    if loc[0] == "investment" and len(loc) > 1:
        block, key = data["investment"].setdefault("uncertain", {}), dotted(loc[1:])
        where = ("investment", "uncertain", key)
    else:
        block, key = data.setdefault("uncertain", {}), dotted(loc)
        where = ("uncertain", key)
    block[key] = dist.model_dump(by_alias=True, exclude_none=True)
    lines[where] = (src_file, line)
    parent = data
    for part in loc[:-1]:
        parent = parent[part]
    parent[loc[-1]] = mean(dist)


def _endpoints(dist) -> list[float]:
    """The smallest and largest value a draw can take (unbounded forms are clipped by ``ppf``)."""
    lo, hi = ppf(dist, np.array([0.0, 1.0]))
    return [float(lo)] if lo == hi else [float(lo), float(hi)]


def uncertain_issues(scenario) -> list[tuple[tuple, str]]:
    """Each uncertain setting must exist, be numeric, and accept every value its distribution can take."""
    issues: list[tuple[tuple, str]] = []
    blocks = [(("uncertain",), (), scenario, scenario.uncertain)]
    if scenario.investment is not None:
        blocks.append((("investment", "uncertain"), ("investment",), scenario.investment, scenario.investment.uncertain))
    for where, prefix, model, block in blocks:
        for key, dist in block.items():
            loc = where + (key,)
            try:
                path = parse_path(key)
                loc = prefix + path  # shown as the setting's own path, at the line it was written
                for value in _endpoints(dist):
                    with_values(model, {path: value}, "uncertain")
            except ScenarioError as e:
                msg = e.problems[0].message
                if "not allowed" in msg:
                    msg = f"{describe(dist)} can take a value the setting refuses ({msg})"
                issues.append((loc, msg))
    issues += _correlation_issues(scenario)
    return issues


def _correlation_issues(scenario) -> list[tuple[tuple, str]]:
    issues: list[tuple[tuple, str]] = []
    names = sorted(scenario.uncertain)
    for i, c in enumerate(scenario.correlations):
        for s in c.settings:
            if s not in scenario.uncertain:
                issues.append((("correlations", i, "settings"), f"{s} is not an uncertain world setting (list it under uncertain)"))
        if c.settings[0] == c.settings[1]:
            issues.append((("correlations", i, "settings"), "a setting cannot be correlated with itself"))
    if not issues and scenario.correlations:
        try:
            np.linalg.cholesky(correlation_matrix(names, scenario.correlations))
        except np.linalg.LinAlgError:
            issues.append((("correlations",), "these rank correlations contradict each other (the matrix is not positive definite)"))
    return issues


def correlation_matrix(names: list[str], correlations) -> np.ndarray:
    """Pearson correlation of the normal copula over ``names`` (identity where none is given)."""
    m = np.eye(len(names))
    index = {n: i for i, n in enumerate(names)}
    for c in correlations:
        a, b = index[c.settings[0]], index[c.settings[1]]
        m[a, b] = m[b, a] = float(spearman_to_pearson(c.spearman))
    return m
