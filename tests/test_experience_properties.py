"""The experience functions against their documented forms (docs/odd.md, FACTS.md §5).

Property tests (hypothesis) on ``sim.experience``: the contact score falls with the wait, effort
and dead ends and rises with resolution; a shortfall weighs exactly ``loss_aversion`` times an
equal surplus; the episode is 0.5·mean + 0.3·worst + 0.2·last of the month's contacts in time
order. Exact comparisons use a tolerance of 1e-12 (a few ulps of sums of numbers of order 1).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.experience import (
    MAX_SHORTFALL,
    ces_responses,
    contact_scores,
    csat_responses,
    effort_units,
    episodes,
    likelihood_to_recommend,
    nps,
    repeat_flags,
)

EXACT = 1e-12
# Small weights around a mid neutral level keep every score inside (0, 1), where no clipping hides the terms.
unit = st.floats(0.0, 1.0, allow_nan=False)
weight = st.floats(0.0, 0.05, allow_nan=False)
aversion = st.floats(1.0, 5.0, allow_nan=False)
expected_wait = st.floats(1.0, 3600.0, allow_nan=False)


def score(wait=0.0, expected=60.0, answered=True, resolved=True, neutral=0.5, ww=0.04, rw=0.04, la=2.0, **kw) -> float:
    return float(contact_scores(np.array([wait]), np.array([expected]), np.array([answered]), np.array([resolved]),
                                neutral, ww, rw, la, **kw)[0])


@settings(max_examples=300, deadline=None)
@given(expected_wait, st.floats(0, 20), st.floats(0, 20), st.booleans(), st.booleans(), st.floats(0, 1), weight, weight, aversion)
def test_contact_score_never_rises_with_the_wait(expected, x1, x2, answered, resolved, neutral, ww, rw, la):
    short, long_ = sorted((x1 * expected, x2 * expected))
    a = score(short, expected, answered, resolved, neutral, ww, rw, la)
    b = score(long_, expected, answered, resolved, neutral, ww, rw, la)
    assert b <= a + EXACT


@settings(max_examples=200, deadline=None)
@given(expected_wait, st.floats(0, 0.95), st.floats(0.01, 0.05), st.floats(0.0, 0.05), aversion)
def test_contact_score_falls_strictly_with_the_wait_inside_the_counted_range(expected, x, ww, rw, la):
    """Waits up to (1 + MAX_SHORTFALL)·expected count; each second longer costs score."""
    a, b = score(x * expected, expected, ww=ww, rw=rw, la=la), score((x + 0.5) * expected, expected, ww=ww, rw=rw, la=la)
    assert b < a


def test_waits_beyond_the_cap_do_no_further_harm():
    cap = (1 + MAX_SHORTFALL) * 60.0
    assert score(cap, 60.0) == score(10 * cap, 60.0)
    assert score(cap, 60.0) < score(cap - 1.0, 60.0)


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 300), expected_wait, st.booleans(), unit, weight, weight, aversion)
def test_resolving_the_issue_never_lowers_the_score(wait, expected, answered, neutral, ww, rw, la):
    assert score(wait, expected, answered, True, neutral, ww, rw, la) >= score(wait, expected, answered, False, neutral, ww, rw, la)


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 300), expected_wait, unit, weight, weight, aversion, st.floats(0, 5), st.floats(0, 5), weight)
def test_more_effort_never_raises_the_score(wait, expected, neutral, ww, rw, la, e1, e2, ew):
    lo, hi = sorted((e1, e2))
    kw = dict(neutral=neutral, ww=ww, rw=rw, la=la, effort_weight=ew)
    assert score(wait, expected, effort=hi, **kw) <= score(wait, expected, effort=lo, **kw)


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 300), expected_wait, st.booleans(), unit, weight, aversion, weight)
def test_a_bot_dead_end_never_raises_the_score(wait, expected, resolved, neutral, ww, la, dw):
    kw = dict(neutral=neutral, ww=ww, la=la, dead_end_weight=dw)
    assert score(wait, expected, False, resolved, dead_end=True, **kw) <= score(wait, expected, False, resolved, dead_end=False, **kw)


@settings(max_examples=300, deadline=None)
@given(expected_wait, st.floats(0.01, 1.0), st.floats(0.005, 0.05), aversion)
def test_a_wait_shortfall_weighs_exactly_loss_aversion_times_an_equal_surplus(expected, gap, ww, la):
    """Waiting g·E longer than expected costs λ times what waiting g·E less gains (FACTS §5, λ ≈ 2)."""
    neutral = score(expected, expected, ww=ww, rw=0.0, la=la)  # at expectation: no wait term
    gain = score((1 - gap) * expected, expected, ww=ww, rw=0.0, la=la) - neutral
    loss = neutral - score((1 + gap) * expected, expected, ww=ww, rw=0.0, la=la)
    assert gain == pytest.approx(ww * gap, abs=EXACT)
    assert loss == pytest.approx(la * gain, rel=1e-9, abs=EXACT)


@settings(max_examples=200, deadline=None)
@given(st.floats(0.005, 0.05), aversion, st.booleans())
def test_an_unresolved_contact_loses_loss_aversion_times_what_resolution_gains(rw, la, answered):
    """Resolution is +w when resolved (and answered), −λ·w otherwise: the loss is exactly λ times the gain."""
    at_expectation = dict(wait=60.0, expected=60.0, ww=0.0, rw=rw, la=la)
    resolved = score(answered=True, resolved=True, **at_expectation)
    unresolved = score(answered=answered, resolved=False, **at_expectation)
    neutral = 0.5
    assert resolved - neutral == pytest.approx(rw, abs=EXACT)
    assert neutral - unresolved == pytest.approx(la * rw, abs=EXACT)
    # an abandoned contact is unresolved even if flagged resolved
    assert score(answered=False, resolved=True, **at_expectation) == pytest.approx(unresolved, abs=EXACT)


@settings(max_examples=200, deadline=None)
@given(st.floats(0, 4), st.floats(0.0, 0.02), st.floats(0.0, 0.05), aversion, st.floats(0, 0.05))
def test_effort_and_dead_ends_are_losses_weighted_by_loss_aversion_and_empathy_and_outreach_are_gains(effort, ew, dw, la, bonus):
    base = dict(wait=60.0, expected=60.0, ww=0.0, rw=0.0, la=la)
    plain = score(**base)
    assert plain - score(effort=effort, effort_weight=ew, **base) == pytest.approx(la * ew * effort, abs=EXACT)
    assert plain - score(dead_end=True, dead_end_weight=dw, **base) == pytest.approx(la * dw, abs=EXACT)
    assert score(proactive=True, proactive_bonus=bonus, **base) - plain == pytest.approx(bonus, abs=EXACT)  # no aversion on gains
    assert score(empathy=bonus, **base) - plain == pytest.approx(bonus, abs=EXACT)
    assert score(answered=False, empathy=bonus, **base) == score(answered=False, **base)  # nobody to be empathic


def test_the_docstring_values_and_the_clip_to_the_unit_interval():
    assert score(0.0, 60.0, neutral=0.7, ww=0.1, rw=0.15, la=2.0) == pytest.approx(0.95, abs=EXACT)
    assert score(120.0, 60.0, resolved=False, neutral=0.7, ww=0.1, rw=0.15, la=2.0) == pytest.approx(0.2, abs=EXACT)
    assert score(10_000.0, 60.0, resolved=False, neutral=0.1, ww=0.5, rw=0.5, la=5.0) == 0.0
    assert score(0.0, 60.0, neutral=0.99, ww=0.5, rw=0.5, la=1.0) == 1.0


# ---- episodes: peak-end -------------------------------------------------------------------
def reference_episodes(ids, times, scores, weights):
    """Per customer, by a plain loop: contacts in time order, w·(mean, worst, last)."""
    out = {}
    for c in sorted(set(ids.tolist())):
        mine = sorted(zip(times[ids == c], scores[ids == c]))
        s = np.array([x for _, x in mine])
        out[c] = (weights[0] * s.mean() + weights[1] * s.min() + weights[2] * s[-1], len(s))
    return out


contacts_st = st.lists(st.tuples(st.integers(0, 6), st.floats(0, 1e6, allow_nan=False), st.floats(0, 1, allow_nan=False)),
                       min_size=1, max_size=40, unique_by=lambda t: (t[0], t[1]))


@settings(max_examples=300, deadline=None)
@given(contacts_st, st.sampled_from([(0.5, 0.3, 0.2), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0), (0.2, 0.3, 0.5)]))
def test_episode_is_peak_end_weighted_in_time_order(contacts, weights):
    ids = np.array([c[0] for c in contacts], np.int64)
    times = np.array([c[1] for c in contacts])
    scores = np.array([c[2] for c in contacts])
    got_ids, got, counts = episodes(ids, times, scores, weights)
    want = reference_episodes(ids, times, scores, weights)
    assert got_ids.tolist() == sorted(want)
    assert counts.tolist() == [want[c][1] for c in sorted(want)]
    np.testing.assert_allclose(got, [want[c][0] for c in sorted(want)], rtol=0, atol=EXACT)


def test_episode_default_weights_are_half_mean_three_tenths_worst_one_fifth_last():
    """One customer: scores 0.9 (t=1), 0.1 (t=2), 0.5 (t=3) ⇒ 0.5·0.5 + 0.3·0.1 + 0.2·0.5 = 0.38."""
    ids, ep, n = episodes(np.array([7, 7, 7]), np.array([3.0, 1.0, 2.0]), np.array([0.5, 0.9, 0.1]))
    assert ids.tolist() == [7] and n.tolist() == [3]
    assert ep[0] == pytest.approx(0.38, abs=EXACT)
    assert episodes(np.zeros(0, np.int64), np.zeros(0), np.zeros(0))[0].size == 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.floats(0, 1e6, allow_nan=False), st.booleans()), min_size=0, max_size=30,
                unique_by=lambda t: (t[0], t[1])))
def test_a_repeat_is_a_contact_after_an_earlier_unresolved_one_of_the_same_customer(contacts):
    ids = np.array([c[0] for c in contacts], np.int64)
    times = np.array([c[1] for c in contacts])
    resolved = np.array([c[2] for c in contacts], bool)
    want = [any(ids[j] == ids[i] and times[j] < times[i] and not resolved[j] for j in range(len(ids))) for i in range(len(ids))]
    assert repeat_flags(ids, times, resolved).tolist() == want


# ---- surveys -----------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.floats(0, 1), st.floats(0, 1), st.floats(-3, 3))
def test_survey_answers_are_monotone_rounded_and_bounded(s1, s2, noise):
    lo, hi = sorted((s1, s2))
    c = csat_responses(np.array([lo, hi]), np.array([noise, noise]))
    assert 1 <= c[0] <= c[1] <= 5 and (c == np.rint(c)).all()
    ltr = likelihood_to_recommend(np.array([lo, hi]), np.array([noise, noise]))
    assert 0 <= ltr[0] <= ltr[1] <= 10
    ces = ces_responses(np.array([hi * 3, lo * 3]), np.array([noise, noise]))  # more effort, lower (harder) CES
    assert 1 <= ces[0] <= ces[1] <= 7


def test_survey_scales_at_their_anchors():
    assert csat_responses(np.array([0.0, 0.5, 1.0]), np.zeros(3)).tolist() == [1, 3, 5]
    assert likelihood_to_recommend(np.array([0.0, 0.86, 1.0]), np.zeros(3)).tolist() == [0, 9, 10]
    assert ces_responses(np.array([0.0, 2.0, 10.0]), np.zeros(3)).tolist() == [7, 4, 1]
    # effort: the wait in multiples of the expectation (capped), one for abandoning, plus extra units
    assert effort_units(np.array([30.0, 600.0, 0.0]), np.array([60.0, 60.0, 60.0]), np.array([True, False, True]),
                        np.array([0.0, 0.0, 2.0])).tolist() == [0.5, MAX_SHORTFALL + 1, 2.0]


def test_nps_is_percent_promoters_minus_percent_detractors():
    """FACTS #27: promoters 9–10, passives 7–8, detractors 0–6."""
    assert nps(np.array([10, 9, 8, 7, 6, 0, 9, 9])) == pytest.approx(100 * (4 / 8 - 2 / 8))
    assert nps(np.array([9])) == 100.0 and nps(np.array([6])) == -100.0 and nps(np.array([7, 8])) == 0.0
    assert np.isnan(nps(np.array([])))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 10), min_size=1, max_size=50))
def test_nps_against_its_definition(answers):
    ltr = np.array(answers)
    p = sum(a >= 9 for a in answers) / len(answers)
    d = sum(a <= 6 for a in answers) / len(answers)
    assert nps(ltr) == pytest.approx(100 * (p - d), abs=1e-9)


def test_optional_terms_are_off_unless_both_the_amount_and_its_weight_are_given():
    """Each optional term's defaults add nothing: a weight without an amount, or an amount without a weight."""
    plain = score()
    for kw in ({"effort_weight": 0.05}, {"effort": 2.0}, {"dead_end_weight": 0.1}, {"dead_end": True},
               {"proactive_bonus": 0.1}, {"proactive": True}):
        assert score(**kw) == plain, kw
    assert effort_units(np.array([60.0]), np.array([60.0]), np.array([True])).tolist() == [1.0]


def test_survey_noise_adds_to_the_answer():
    """Positive noise means a higher answer on every scale (CSAT, likelihood to recommend, CES)."""
    assert csat_responses(np.array([0.5]), np.array([0.6])).tolist() == [4]  # rint(3 + 0.6)
    assert likelihood_to_recommend(np.array([0.5]), np.array([0.6])).tolist() == [6]  # rint(5 + 0.6)
    assert likelihood_to_recommend(np.array([0.7]), np.zeros(1)).tolist() == [7]  # 10 × satisfaction
    assert ces_responses(np.array([2.0]), np.array([0.6])).tolist() == [5]  # rint(4 + 0.6)


def test_empty_months_give_empty_typed_arrays():
    ids, ep, n = episodes(np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    assert (ids.size, ep.size, n.size) == (0, 0, 0)
    assert ids.dtype == np.int64 and n.dtype == np.int64 and ep.dtype == float
    flags = repeat_flags(np.zeros(0, np.int64), np.zeros(0), np.zeros(0, bool))
    assert flags.size == 0 and flags.dtype == bool
    assert repeat_flags(np.array([1, 1]), np.array([0.0, 1.0]), np.array([False, True])).dtype == bool
