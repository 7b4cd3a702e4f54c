"""How an investment's efficiency is harvested: as better service, or as fewer paid hours.

A lever that saves agent time (shorter handling, deflection, bot containment, better routing,
higher adherence) frees capacity. The business decides what to do with it (docs/kpis.md, "Harvest"; "The
decision"):

- ``harvest: service`` (the default): staffing unchanged; the freed capacity becomes shorter
  waits and fewer abandons.
- ``harvest: cost``: staffing re-planned to the baseline's service targets, so the freed capacity
  becomes fewer paid agent-hours. ``harvest_targets`` states the targets per live channel
  (``phone: 80/20`` = 80 % answered within 20 s, as ``sim staffing --target``); without them
  the targets are the service levels the baseline achieves (simulated) at each channel's
  ``sl_threshold_s``.

The re-planned schedule is ``harvest_cut``: agents taken off each live channel's own schedule per
hour of the day, from ``harvest_from_month`` (default: the month every lever reaches its full
effect) to the end of the investment. The experiment computes it once (:mod:`sim.run.harvest`);
a file may give it to skip planning. A cut never leaves a staffed hour without an agent (the
channel keeps today's opening hours) and never adds one.
"""

from __future__ import annotations

import re
from typing import Annotated

import numpy as np
from pydantic import Field, model_validator

from sim.scenario.centre import _Frozen
from sim.scenario.schedule import floor_by_interval
from sim.types import Channel

TARGET_TEXT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*$")
Cut24 = Annotated[tuple[Annotated[int, Field(ge=0, le=100_000)], ...], Field(min_length=24, max_length=24)]


class HarvestTarget(_Frozen):
    """A service-level target: ``service_level`` of offered contacts answered within ``within_s``.

    Written ``{service_level: 0.8, within_s: 20}`` or as the text ``"80/20"``.
    """

    service_level: float = Field(gt=0, lt=1, description="share of offered contacts answered within within_s")
    within_s: float = Field(gt=0, le=86_400, description="the threshold, seconds")

    @model_validator(mode="before")
    @classmethod
    def _text(cls, data):
        if isinstance(data, str):
            m = TARGET_TEXT.match(data)
            if not m:
                raise ValueError(f"write a target as 'percent/seconds', e.g. '80/20', got {data!r}")
            pct, secs = float(m.group(1)), float(m.group(2))
            if not 0 < pct < 100:
                raise ValueError(f"percent must be in (0, 100), got {pct:g}")
            return {"service_level": pct / 100.0, "within_s": secs}
        return data


def own_floor_by_hour(cfg, interval_min: int, shrinkage: float) -> tuple[int, ...]:
    """A channel's own agents on the floor per hour of day (a shift plan: its weekly mean, rounded)."""
    if cfg.schedule is None:
        return tuple(cfg.agents_by_hour or (0,) * 24)
    weekly = np.asarray(floor_by_interval(cfg.schedule, interval_min, shrinkage), float)
    return tuple(int(x) for x in np.floor(weekly.reshape(7, 24, -1).mean(axis=(0, 2)) + 0.5))


def keep_open(current, cut) -> np.ndarray:
    """The schedule after a cut: never below one agent where one is scheduled today, never below 0."""
    current = np.asarray(current, int)
    return np.maximum(np.minimum(current, 1), current - np.asarray(cut, int))


def harvest_issues(sc) -> list[tuple[tuple, str]]:
    """Problems of an investment's harvest settings that need the world: (path, message) pairs."""
    inv = sc.investment
    if inv is None:
        return []
    issues: list[tuple[tuple, str]] = []
    configured = sc.channels.configured()
    where = ("investment",)
    if inv.harvest == "service":
        for key in ("harvest_targets", "harvest_cut", "harvest_from_month"):
            if getattr(inv, key) not in (None, {}):
                issues.append((where + (key,), "only used with harvest: cost (harvest: service keeps staffing unchanged)"))
        return issues
    for key, chans in (("harvest_targets", inv.harvest_targets), ("harvest_cut", inv.harvest_cut or {})):
        for ch in chans:
            here = where + (key, ch.value)
            if ch not in configured:
                issues.append((here, f"{ch.value} is not configured under channels"))
            elif ch.deferrable:
                issues.append((here, f"{ch.value} is worked from a backlog: harvest re-plans live channels (phone, chat)"))
            elif not any(own_floor_by_hour(configured[ch], sc.interval_min, sc.costs.shrinkage)):
                issues.append((here, f"{ch.value} has no agents of its own to re-plan (agent_groups are left as they are)"))
    for ch, cut in (inv.harvest_cut or {}).items():
        if ch not in configured or ch.deferrable:
            continue
        current = np.asarray(own_floor_by_hour(configured[ch], sc.interval_min, sc.costs.shrinkage))
        room = current - np.minimum(current, 1)
        bad = [h for h in range(24) if cut[h] > room[h]]
        if bad:
            h = bad[0]
            issues.append((where + ("harvest_cut", ch.value, h),
                           f"cuts {cut[h]} agent(s) at {h:02d}:00 where {current[h]} are scheduled: a cut keeps at least one "
                           "agent in every staffed hour and never goes below zero"))
    if inv.harvest_from_month is not None and inv.harvest_from_month > sc.horizon_months:
        issues.append((where + ("harvest_from_month",), f"{inv.harvest_from_month} is beyond horizon_months ({sc.horizon_months})"))
    return issues


def harvest_channels(sc, inv) -> list[Channel]:
    """The live channels a harvest re-plans: those with targets, else every live channel with agents of its own."""
    configured = sc.channels.configured()
    if inv is not None and inv.harvest_targets:
        return [ch for ch in Channel if ch in inv.harvest_targets]
    return [ch for ch, cfg in configured.items()
            if not ch.deferrable and any(own_floor_by_hour(cfg, sc.interval_min, sc.costs.shrinkage))]
