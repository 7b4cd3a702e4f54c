"""Our Erlang C / Erlang A against the FACTS.md §4 table (printed to 4 significant digits)."""

from __future__ import annotations

import math

import pytest

from sim.des.erlang import erlang_a, erlang_c

LAM, AHT, PATIENCE, SL_S = 100 / 3600, 300.0, 180.0, 20.0

TABLE = {  # agents: (C p_wait, C SL, C ASA, A p_wait, A p_abandon, A ASA, A SL)
    8: (None, 0.0, math.inf, 0.5321, 0.1741, 27.14, 0.5483),
    9: (0.7604, 0.2727, 342.2, 0.4077, 0.1178, 17.90, 0.6689),
    10: (0.4876, 0.5637, 87.77, 0.2941, 0.0755, 11.33, 0.7722),
    12: (0.1760, 0.8622, 14.40, 0.1267, 0.0263, 3.94, 0.9113),
}


@pytest.mark.parametrize("agents", sorted(TABLE))
def test_erlang_a_matches_table(agents):
    _, _, _, pw, pa, asa, sl = TABLE[agents]
    k = erlang_a(LAM, AHT, PATIENCE, agents, SL_S)
    assert k.p_wait == pytest.approx(pw, abs=6e-5)
    assert k.p_abandon == pytest.approx(pa, abs=6e-5)
    assert k.asa_s == pytest.approx(asa, abs=6e-3)
    assert k.service_level == pytest.approx(sl, abs=6e-5)


@pytest.mark.parametrize("agents", sorted(TABLE))
def test_erlang_c_matches_table(agents):
    pw, sl, asa, *_ = TABLE[agents]
    k = erlang_c(LAM, AHT, agents, SL_S)
    if pw is None:  # unstable: load 8.33 > 8 agents
        assert k.p_wait == 1.0 and k.service_level == 0.0 and math.isinf(k.asa_s)
        return
    assert k.p_wait == pytest.approx(pw, abs=6e-5)
    assert k.service_level == pytest.approx(sl, abs=6e-5)
    assert k.asa_s == pytest.approx(asa, rel=2e-4)


def test_erlang_a_tends_to_erlang_c_as_patience_grows():
    c = erlang_c(LAM, AHT, 10, SL_S)
    a = erlang_a(LAM, AHT, 1e9, 10, SL_S)
    assert a.p_wait == pytest.approx(c.p_wait, rel=1e-4)
    assert a.asa_s == pytest.approx(c.asa_s, rel=1e-3)
    assert a.service_level == pytest.approx(c.service_level, rel=1e-4)


def test_erlang_a_abandonment_identity():
    """P(abandon) = E[wait of all offered] / mean patience (exponential patience)."""
    k = erlang_a(LAM, AHT, PATIENCE, 9, SL_S)
    # E[wait all] = E[Lq]/lambda = p_abandon * patience; and answered waits are part of it.
    assert k.p_abandon * PATIENCE >= k.asa_s * (1 - k.p_abandon)


@pytest.mark.parametrize("bad", [dict(agents=0), dict(agents=2.5), dict(aht_s=0)])
def test_bad_arguments_raise(bad):
    args = dict(arrival_rate_per_s=LAM, aht_s=AHT, agents=10, sl_threshold_s=SL_S) | bad
    with pytest.raises(ValueError):
        erlang_c(**args)
