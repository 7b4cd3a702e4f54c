"""``--reps auto`` stopping rule: stops at the first look on a clear decision, runs to the cap on a
coin flip, and its false-settle rate on coin flips stays under alpha (the oracle: the union bound)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.appraisal.reps_auto import choice_settled, look_schedule, next_reps, should_stop


def run_auto(npv: np.ndarray, **rule) -> tuple[int, bool, str]:
    """What ``--reps auto`` does: add replications up to each look, stop when told."""
    n = next_reps(0, rule.get("min_reps", 10), rule.get("max_reps", 200))
    while True:
        stop, reason = should_stop(npv[:n], **rule)
        if stop:
            return n, choice_settled(npv[:n], **rule)[0], reason
        n = next_reps(n, rule.get("min_reps", 10), rule.get("max_reps", 200))


def test_look_schedule() -> None:
    assert look_schedule() == (10, 20, 40, 80, 160, 200)
    assert look_schedule(5, 40) == (5, 10, 20, 40)
    assert look_schedule(30, 30) == (30,)
    assert next_reps(0) == 10 and next_reps(10) == 20 and next_reps(199) == 200 and next_reps(500) == 200
    with pytest.raises(ValueError, match="min_reps"):
        look_schedule(1, 10)


def test_stops_at_the_first_look_on_a_clear_decision() -> None:
    rng = np.random.default_rng(1)
    n = 200
    npv = pd.DataFrame({"baseline": np.zeros(n), "training": 90_000 + 20_000 * rng.standard_normal(n),
                        "chatbot": 40_000 + 20_000 * rng.standard_normal(n)})
    reps, settled, reason = run_auto(npv.to_numpy(), option_names=list(npv.columns))
    assert (reps, settled) == (10, True)
    assert reason.startswith("settled after 10 replications: 'training' beats every other option; closest is 'chatbot'")
    assert choice_settled(npv.iloc[:10])[0]  # a DataFrame's columns name the options


def test_keeping_the_current_operation_can_be_the_settled_choice() -> None:
    rng = np.random.default_rng(2)
    npv = np.column_stack([np.zeros(200), -50_000 + 10_000 * rng.standard_normal(200)])
    reps, settled, reason = run_auto(npv, option_names=["baseline", "crm"])
    assert settled and reps == 10 and "'baseline' beats" in reason


def test_runs_to_the_cap_on_a_coin_flip() -> None:
    rng = np.random.default_rng(3)
    npv = np.column_stack([np.zeros(200), 30_000 * rng.standard_normal(200), 30_000 * rng.standard_normal(200)])
    reps, settled, reason = run_auto(npv)
    assert (reps, settled) == (200, False)
    assert reason.startswith("cap of 200 replications reached; not settled after 200 replications")


@pytest.mark.slow
def test_false_settle_rate_on_coin_flips_is_below_alpha() -> None:
    """400 coin flips between two equal options: the union bound promises <= 5 %; binomial SE at 5 % is 1.1 %,
    so more than 8 % would mean the rule is wrong (in practice Bonferroni makes it far lower)."""
    false = 0
    for seed in range(400):
        rng = np.random.default_rng(seed)
        common = 50_000 * rng.standard_normal(200)  # common random numbers: shared noise cancels in pairs
        npv = np.column_stack([common + 5_000 * rng.standard_normal(200), common + 5_000 * rng.standard_normal(200)])
        false += run_auto(npv)[1]
    assert false / 400 <= 0.08


def test_a_near_tie_settles_only_with_an_indifference_zone() -> None:
    rng = np.random.default_rng(4)
    npv = np.column_stack([np.zeros(200), 100 + 1_000 * rng.standard_normal(200)])
    assert run_auto(npv)[:2] == (200, False)
    reps, settled, reason = run_auto(npv, indifference_usd=5_000)
    assert settled and reps < 200 and "either is a sound choice" in reason


def test_identical_options_are_a_tie_and_too_few_replications_wait() -> None:
    settled, reason = choice_settled(np.zeros((20, 2)))
    assert not settled and "a tie" in reason
    settled, reason = choice_settled(np.ones((5, 2)))
    assert not settled and "no decision before 10" in reason
    stop, reason = should_stop(np.zeros((200, 2)))
    assert stop and reason.startswith("cap of 200")


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="n_options >= 2"):
        choice_settled(np.zeros((20, 1)))
    with pytest.raises(ValueError, match="finite"):
        choice_settled(np.full((20, 2), np.nan))
    with pytest.raises(ValueError, match="alpha"):
        choice_settled(np.zeros((20, 2)), alpha=1.5)
    with pytest.raises(ValueError, match="option names"):
        choice_settled(np.zeros((20, 2)), option_names=["a"])
