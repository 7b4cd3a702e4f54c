"""Synthetic DES configurations that exercise every feature, and exact comparison of records.

Used to prove that a faster DES gives bit-for-bit the same :class:`ContactRecords`: ``des_golden.py``
saves every case's records (and the shipped scenarios' months) from one version of the code and
checks another version against them; ``tests/test_des_golden.py`` pins checksums of a few cases.
Each case is (name, batch, spec, days). Batches are drawn with every decision uniform random.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math

import numpy as np

from sim.des import BotSpec, CentreSpec, ChannelSpec, ContactBatch, ContactRecords, GroupSpec
from sim.des.contacts import MAX_FOLLOWUPS, U
from sim.des.spec import Closed

SL_S = 20.0


def poisson_batch(seed: int, rate_per_h, days: int, aht_s: float, patience_s: float, channel=0, reasons: int = 1,
                  first_id: int = 0, reopen: bool = True) -> ContactBatch:
    """Poisson arrivals (``rate_per_h``: a number or 24 hourly rates); ``channel`` a code or a list to pick from."""
    rng = np.random.default_rng(seed)
    rates = np.broadcast_to(np.asarray(rate_per_h, float), (24,))
    hour = np.repeat(np.arange(24 * days), rng.poisson(np.tile(rates, days)))
    n = hour.size
    chans = np.atleast_1d(np.asarray(channel, np.int8))
    return ContactBatch(
        customer_id=np.arange(first_id, first_id + n), channel=chans[rng.integers(0, chans.size, n)],
        reason=rng.integers(0, reasons, n).astype(np.int16), arrival_s=np.sort(hour * 3600.0 + rng.random(n) * 3600.0),
        patience_s=rng.exponential(patience_s, n) if math.isfinite(patience_s) else np.full(n, math.inf),
        work_s=rng.exponential(aht_s, n), u=rng.random((n, MAX_FOLLOWUPS + 1, len(U))),
        e=rng.exponential(1.0, (n, MAX_FOLLOWUPS + 1, 2)), carried=np.zeros(n, bool), potential_index=np.arange(n),
        reopen_e=rng.exponential(1.0, (n, MAX_FOLLOWUPS + 1)) if reopen else None)


def _day_shape(peak: int, night: int = 0) -> tuple[int, ...]:
    """Agents by hour: ``night`` 0-7 h and 20-23 h, ``peak`` 10-16 h, ramps between."""
    shape = [night] * 7 + [peak // 2, peak * 3 // 4] + [peak] * 8 + [peak * 3 // 4, peak // 2, peak // 3] + [night] * 4
    return tuple(max(0, x) for x in shape[:24])


def cases() -> list[tuple[str, ContactBatch, CentreSpec, int]]:
    """Small configurations covering bots, transfers/L2, chat concurrency, callbacks, silent abandons,
    closed-hours retry/switch/message, follow-ups, shifts, multi-skill groups, carried backlog."""
    out = []
    one = CentreSpec((ChannelSpec(SL_S, (0.8,), retrial_probability=0.5, repeat_probability=0.6,
                                  repeat_delay_mean_s=86_400.0, patience_mean_s=200.0),),
                     (GroupSpec("g", (0,), (10,) * 24),))
    out.append(("erlang_a", poisson_batch(1, 100, 4, 300.0, 180.0), one, 4))
    bot = BotSpec((0.4, 0.2, 0.05), false_containment=0.2, opt_out=0.8, session_s=90.0, context_handoff=False,
                  recontact_delay_mean_s=36_000.0)
    phone = ChannelSpec(SL_S, (0.7, 0.6, 0.5), transfer_by_reason=(0.1, 0.2, 0.3), patience_mean_s=240.0,
                        patience_cv=0.8, retrial_probability=0.4, repeat_probability=0.5, repeat_delay_mean_s=40_000.0,
                        callback_offer_wait_s=60.0, callback_accept=0.5, closed=Closed.SWITCH, closed_switch_to=2)
    chat = ChannelSpec(60.0, (0.8, 0.7, 0.6), concurrency=3, concurrency_inflation=0.2, silent_abandon_share=0.3,
                       silent_detect_s=90.0, patience_mean_s=300.0, bot=bot, retrial_probability=0.3,
                       repeat_probability=0.4, transfer_by_reason=(0.05, 0.1, 0.1), closed=Closed.MESSAGE)
    email = ChannelSpec(86_400.0, (0.9, 0.8, 0.7), realtime=False, repeat_probability=0.3,
                        transfer_by_reason=(0.0, 0.0, 0.0))
    video = ChannelSpec(SL_S, (0.9, 0.9, 0.9), patience_mean_s=120.0, closed=Closed.RETRY, retrial_probability=0.5,
                        transfer_by_reason=(0.0, 0.0, 0.0),
                        open_by_interval=tuple(([False] * 18 + [True] * 17 + [False] * 13) * 5 + [False] * 96))
    groups = (GroupSpec("phone", (0,), _day_shape(5)), GroupSpec("chat", (1,), _day_shape(4), proficiency=1.2),
              GroupSpec("blend", (0, 1, 2), _day_shape(3), proficiency=0.9, reasons=(0, 2)),
              GroupSpec("mail", (2,), _day_shape(2)), GroupSpec("video", (3,), (2,) * 24),
              GroupSpec("l2", (0, 1), _day_shape(2, 1), level=2, proficiency=1.5))
    full = CentreSpec((phone, chat, email, video), groups, n_reasons=3, interval_min=30, first_weekday=3)
    mix = poisson_batch(2, np.array(_day_shape(60, 6)) * 1.0, 7, 360.0, 200.0, channel=[0, 0, 1, 1, 2, 3], reasons=3)
    out.append(("full_mix", mix, full, 7))
    carried = dataclasses.replace(poisson_batch(3, 20, 1, 500.0, 200.0, channel=[1, 2], reasons=3, first_id=10**6),
                                  carried=None)
    carried = dataclasses.replace(carried, arrival_s=-carried.arrival_s, carried=np.ones(len(carried), bool))
    out.append(("full_mix_carried", ContactBatch.concat(carried, mix), full, 7))
    over = CentreSpec((ChannelSpec(SL_S, (0.5,), retrial_probability=1.0, retrial_delay_mean_s=300.0),),
                      (GroupSpec("g", (0,), _day_shape(6)),))
    out.append(("overload_no_patience", poisson_batch(4, 90, 3, 400.0, math.inf), over, 3))
    return out


def record_columns(rec: ContactRecords) -> dict[str, np.ndarray]:
    cols = {f.name: getattr(rec, f.name) for f in dataclasses.fields(rec) if f.name != "presence"}
    if rec.presence is not None:
        cols.update({f"presence_{f.name}": getattr(rec.presence, f.name) for f in dataclasses.fields(rec.presence)})
    return cols


def checksum(rec: ContactRecords) -> str:
    """SHA-256 (first 16 hex digits) of every column's dtype, shape and bytes."""
    h = hashlib.sha256()
    for name, col in sorted(record_columns(rec).items()):
        col = np.ascontiguousarray(col)
        h.update(f"{name}:{col.dtype.str}:{col.shape}".encode())
        h.update(col.tobytes())
    return h.hexdigest()[:16]


def differences(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> list[str]:
    """Names of columns that differ (dtype, shape or any value; NaN equals NaN)."""
    bad = [k for k in sorted(set(a) ^ set(b))]
    for k in sorted(set(a) & set(b)):
        x, y = np.asarray(a[k]), np.asarray(b[k])
        same = x.dtype == y.dtype and x.shape == y.shape and np.array_equal(x, y, equal_nan=x.dtype.kind == "f")
        if not same:
            bad.append(k)
    return bad
