"""The DES's records are pinned bit for bit: a faster DES must give exactly the same records.

Checksums of every record column (values, dtypes, shapes) for the configurations of
``tests/des_cases.py``, which cover bots, transfers to level 2, chat concurrency, callbacks, silent
abandons, closed hours (retry, switch, message), follow-ups, shifts and carried backlog. The
batches are drawn here, not by the pipeline's draws, so a change to how contacts are drawn does not
move these values; a change to what the DES does with given contacts does. The checksums were taken
from the DES before its speed-up (issue 17); ``benchmarks/des_golden.py`` compares whole months of
the shipped scenarios column by column.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.des import simulate_centre
from tests.des_cases import cases, checksum, differences, record_columns

PINNED = {
    "erlang_a": "9d2213de09808da4",
    "full_mix": "a98a7aaa91a22dcf",
    "full_mix_carried": "e3b82b886de08637",
    "overload_no_patience": "5d83edbdfa31e8b0",
}
CASES = {name: (batch, spec, days) for name, batch, spec, days in cases()}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_records_match_the_pinned_checksum(name):
    batch, spec, days = CASES[name]
    assert checksum(simulate_centre(batch, spec, days)) == PINNED[name]


def test_the_cases_exercise_every_feature():
    """The pinned cases would not catch a change in a feature they never reach."""
    rec = simulate_centre(*CASES["full_mix_carried"])
    for flag in ("answered", "abandoned", "transferred", "callback", "silent", "backlog", "carried", "met_closed",
                 "switched", "message", "context_lost"):
        assert getattr(rec, flag).sum() >= 5, flag
    assert set(np.unique(rec.bot)) == {0, 1, 2, 3, 4}
    assert set(np.unique(rec.attempt)) == {0, 1, 2}
    assert simulate_centre(*CASES["overload_no_patience"]).unserved_at_close.sum() > 100


def test_checksum_and_comparison_see_a_one_ulp_change():
    rec = simulate_centre(*CASES["erlang_a"])
    cols = record_columns(rec)
    nudged = dict(cols, wait_s=cols["wait_s"].copy())
    k = int(np.flatnonzero(np.isfinite(nudged["wait_s"]))[0])
    nudged["wait_s"][k] = np.nextafter(nudged["wait_s"][k], np.inf)
    assert differences(cols, nudged) == ["wait_s"] and differences(cols, cols) == []


@pytest.mark.parametrize("name", sorted(PINNED))
def test_packing_finished_legs_often_changes_nothing(name, monkeypatch):
    """Legs packed into the table at every shift change (not once per 65,536 legs) give the same
    records: a leg in a final state is never written again after it is packed."""
    import sim.des.legs as legs

    monkeypatch.setattr(legs, "PACK_EVERY", 1)
    batch, spec, days = CASES[name]
    assert checksum(simulate_centre(batch, spec, days)) == PINNED[name]
