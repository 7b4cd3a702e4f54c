"""Probabilistic sensitivity analysis: one value of every uncertain setting per replication.

Each uncertain setting gets one standard normal from a stream keyed by (replication, setting
path) — for a lever setting, by (replication, investment, path) — so:

- a world setting takes the same value in every arm of a replication (common random numbers hold:
  the baseline and each investment face the same world);
- adding or removing an uncertain setting never changes the values drawn for the others;
- rank-correlated world settings mix their normals through the Cholesky factor of the copula's
  correlation matrix; uncorrelated ones keep their own normal exactly.

The normal becomes a uniform (normal CDF) and the uniform a value through the distribution's
inverse CDF. A degenerate distribution gives back its fixed value bit for bit. The drawn values
are returned with the realised scenario so they can be stored beside the run's outcomes.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from sim.scenario import Investment, Scenario, parse_path, with_values
from sim.scenario.uncertain import ppf
from sim.scenario.uncertain_settings import correlation_matrix
from sim.streams import Stream, Streams, text_key

INPUT_PREFIX = "input:"  # column prefix of drawn values in runs.parquet


def _normals(streams: Streams, keys: list[tuple[int, ...]]) -> np.ndarray:
    return np.array([streams.rng(Stream.PRIOR, *k).standard_normal() for k in keys])


def draw_world(world: Scenario, streams: Streams) -> tuple[Scenario, dict[str, float]]:
    """The world of this replication: every uncertain world setting replaced by its draw."""
    if not world.uncertain:
        return world, {}
    names = sorted(world.uncertain)
    z = _normals(streams, [(text_key(n),) for n in names])
    if world.correlations:
        z = np.linalg.cholesky(correlation_matrix(names, world.correlations)) @ z
    values = {n: float(ppf(world.uncertain[n], ndtr(x))) for n, x in zip(names, z)}
    drawn = with_values(world, {parse_path(n): v for n, v in values.items()}, "uncertain")
    return drawn, values


def draw_investment(investment: Investment | None, streams: Streams) -> tuple[Investment | None, dict[str, float]]:
    """The investment of this replication: its uncertain lever settings replaced by their draws."""
    if investment is None or not investment.uncertain:
        return investment, {}
    names = sorted(investment.uncertain)
    z = _normals(streams, [(text_key(investment.name), text_key(n)) for n in names])
    values = {n: float(ppf(investment.uncertain[n], ndtr(x))) for n, x in zip(names, z)}
    drawn = with_values(investment, {parse_path(n): v for n, v in values.items()}, "uncertain")
    return drawn, {f"investment.{n}": v for n, v in values.items()}


def draw_inputs(world: Scenario, investment: Investment | None, replication: int,
                root_seed: int) -> tuple[Scenario, Investment | None, dict[str, float]]:
    """World and investment of one (arm, replication) with their drawn values, keyed by setting path."""
    streams = Streams(root_seed, replication)
    w, world_values = draw_world(world, streams)
    inv, lever_values = draw_investment(investment, streams)
    return w, inv, {**world_values, **lever_values}
