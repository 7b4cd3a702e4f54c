"""Handle time by interval of the day and arrivals by weekday x hour (world draws, CRN kept)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.des.arrivals import DemandSpec, ReasonSpec, draw_contacts
from sim.streams import Streams

N = 60_000


def draw(spec: DemandSpec, reasons=None, month: int = 1):
    return draw_contacts(Streams(5, 0), month, np.arange(N), np.zeros(N, np.int8), np.arange(N), [spec], 30, reasons)


def test_evening_contacts_take_longer_when_the_profile_says_so():
    profile = tuple([200.0] * 12 + [200.0 + 40.0 * (h - 11) for h in range(12, 24)])  # 240 s at noon ... 680 s at 23h
    b = draw(DemandSpec((1.0,) * 24, 300.0, 0.8, math.inf, work_mean_by_interval_s=profile))
    hour = (b.arrival_s % 86_400 // 3600).astype(int)
    means = np.array([b.work_s[hour == h].mean() for h in range(24)])
    assert np.allclose(means, profile, rtol=0.06)  # ≈ 2,500 contacts an hour, CV 0.8: se ≈ 1.6 %


def test_a_cv_profile_changes_the_spread_not_the_mean():
    cv = tuple([0.3] * 48 + [1.5] * 48)  # 30-minute intervals: calm mornings, varied afternoons
    b = draw(DemandSpec((1.0,) * 24, 300.0, 1.0, math.inf, work_cv_by_interval=cv))
    pm = b.arrival_s % 86_400 >= 43_200
    for mask, target in ((~pm, 0.3), (pm, 1.5)):
        w = b.work_s[mask]
        assert w.mean() == pytest.approx(300, rel=0.03) and w.std() / w.mean() == pytest.approx(target, rel=0.1)


def test_a_flat_profile_reproduces_the_draws_bit_for_bit():
    """CRN: giving aht_mean_s as a profile changes nothing; reasons keep their factors."""
    reasons = [ReasonSpec(0.5, 0.6, "lognormal", 0.8), ReasonSpec(0.5, 2.0, "gamma", 1.0)]
    plain = draw(DemandSpec((1.0,) * 24, 300.0, 1.0, 200.0), reasons)
    flat = draw(DemandSpec((1.0,) * 24, 300.0, 1.0, 200.0, work_mean_by_interval_s=(300.0,) * 96), reasons)
    for name in ("arrival_s", "work_s", "patience_s", "reason", "u", "e", "reopen_e"):
        assert np.array_equal(getattr(plain, name), getattr(flat, name)), name


def test_weekday_profiles_shape_each_day():
    """Weekdays peak in the morning, Sunday in the evening; day volumes follow weekday_weights."""
    morning = tuple([0.0] * 8 + [4.0] * 4 + [1.0] * 12)
    evening = tuple([0.0] * 8 + [1.0] * 12 + [4.0] * 4)
    by_day = (morning,) * 6 + (evening,)
    b = draw(DemandSpec(morning, 300.0, 1.0, math.inf, weekday_weights=(1, 1, 1, 1, 1, 1, 2), hourly_by_weekday=by_day))
    day = (b.arrival_s // 86_400).astype(int)
    hour = (b.arrival_s % 86_400 // 3600).astype(int)
    sunday = day % 7 == 6
    assert (hour[~sunday] < 8).sum() == 0 and (hour[sunday] < 8).sum() == 0
    assert (hour[sunday] >= 20).mean() == pytest.approx(16 / 28, abs=0.02)
    assert (hour[~sunday] < 12).mean() == pytest.approx(16 / 28, abs=0.01)
    assert sunday.sum() / (day % 7 == 0).sum() == pytest.approx(2.0 * 4 / 5, rel=0.05)  # 4 Sundays, 5 Mondays in 30 days
    plain = draw(DemandSpec(morning, 300.0, 1.0, math.inf, weekday_weights=(1, 1, 1, 1, 1, 1, 2)))
    assert np.array_equal(plain.arrival_s[~sunday], b.arrival_s[~sunday])  # the other days are untouched
