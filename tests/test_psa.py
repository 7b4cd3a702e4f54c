"""Probabilistic sensitivity analysis end to end: draws keyed by setting path keep common random
numbers exact, degenerate distributions reproduce fixed values bit for bit, results do not depend
on the number of workers, and ``--reps auto`` stops when the choice is clear and not before."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.appraisal.jobs import run_scenarios, run_until_settled
from sim.appraisal.tables import build_tables
from sim.appraisal.uncertainty import summarise
from sim.run.experiment import load_experiment, run_experiment
from sim.run.month_loop import run_arm
from sim.scenario import ScenarioError, load_scenario
from tests.helpers import write

WORLD_PRIOR = "experience:\n  churn_beta: {dist: pert, low: 1.5, mode: 2.85, high: 4.5, source: test}\n  unresolved_churn_gamma: 1.0\n"
FIXED_WORLD = "experience:\n  churn_beta: 2.85\n  unresolved_churn_gamma: 1.0\n"  # baseline.yaml's priors, fixed at their modes


def _investment(tmp_path, name, lever, extra=""):
    return write(tmp_path / f"{name}.yaml", f"extends: small.yaml\n{extra}investment:\n  name: {name}\n  levers:\n    - {lever}\n")


def test_world_draw_is_the_same_in_every_arm_and_baseline_unchanged_by_neighbours(tmp_path, small_world):
    """CRN under PSA: the baseline of a replication is identical whichever investment runs beside it."""
    write(small_world, small_world.read_text() + WORLD_PRIOR)
    a = _investment(tmp_path, "a", "{type: training, fcr_gain: {dist: uniform, low: 0.0, high: 0.2}}")
    b = _investment(tmp_path, "b", "{type: staffing, channel: phone, extra_agents: 1}")
    exp_a, exp_b = load_experiment([small_world, a], 3, 5), load_experiment([small_world, b], 3, 5)
    runs_a, runs_b = run_experiment(exp_a, workers=1), run_experiment(exp_b, workers=1)
    for ra, rb in zip([r for r in runs_a if r.arm == "baseline"], [r for r in runs_b if r.arm == "baseline"]):
        assert ra.inputs == rb.inputs
        for k in ra.monthly:
            np.testing.assert_array_equal(ra.monthly[k], rb.monthly[k])
    table = build_tables(exp_a, runs_a).runs
    world = table.pivot(index="replication", columns="arm", values="input:experience.churn_beta")
    assert (world["baseline"] == world["a"]).all() and world["a"].nunique() == 3
    lever = table.loc[table["arm"] == "a", "input:investment.levers[0].fcr_gain"]
    assert lever.between(0.0, 0.2).all() and lever.nunique() == 3


def test_degenerate_distributions_reproduce_fixed_values_bit_for_bit(tmp_path, small_world):
    write(small_world, small_world.read_text() + FIXED_WORLD)
    fixed = _investment(tmp_path, "fixed", "{type: training, fcr_gain: 0.1, handle_time_reduction: 0.07}")
    write(tmp_path / "degenerate.yaml", small_world.read_text().replace(
        "churn_beta: 2.85", "churn_beta: {dist: triangular, low: 2.85, mode: 2.85, high: 2.85}"))
    deg_inv = write(tmp_path / "deg_inv.yaml", "extends: degenerate.yaml\ninvestment:\n  name: fixed\n  levers:\n"
                    "    - {type: training, fcr_gain: {dist: normal, mean: 0.1, sd: 0}, "
                    "handle_time_reduction: {dist: uniform, low: 0.07, high: 0.07}}\n")
    one = build_tables(e := load_experiment([fixed], 2, 3), run_experiment(e, workers=1))
    two = build_tables(e2 := load_experiment([deg_inv], 2, 3), run_experiment(e2, workers=1))
    pd.testing.assert_frame_equal(one.monthly, two.monthly, check_exact=True)
    outcomes = [c for c in one.runs.columns if c in two.runs.columns and c != "world_hash"]
    pd.testing.assert_frame_equal(one.runs[outcomes], two.runs[outcomes], check_exact=True)
    assert (two.runs["input:experience.churn_beta"] == 2.85).all()


def test_same_seed_same_psa_results_on_any_number_of_workers(tmp_path, small_world):
    write(small_world, small_world.read_text() + WORLD_PRIOR)
    inv = _investment(tmp_path, "t", "{type: training, fcr_gain: {prior: training_fcr_gain}}")
    exp = load_experiment([inv], 3, 11)
    one, two = build_tables(exp, run_experiment(exp, workers=1)), build_tables(exp, run_experiment(exp, workers=2))
    pd.testing.assert_frame_equal(one.runs, two.runs, check_exact=True)
    pd.testing.assert_frame_equal(one.monthly, two.monthly, check_exact=True)


def test_a_distribution_the_setting_cannot_take_is_refused_with_its_line(tmp_path, small_world):
    bad = _investment(tmp_path, "bad", "{type: training, fcr_gain: {dist: normal, mean: 0.1, sd: 0.05}}")
    with pytest.raises(ScenarioError) as e:
        load_scenario(bad)
    p = e.value.problems[0]
    assert p.file.endswith("bad.yaml") and p.line == 5 and p.path == "investment.levers[0].fcr_gain"
    assert "refuses" in p.message
    typo = _investment(tmp_path, "typo", "{type: training, fcr_gain: {dist: pert, low: 0.1, mode: 0.05, high: 0.2}}")
    with pytest.raises(ScenarioError) as e:
        load_scenario(typo)
    assert e.value.problems[0].line == 5 and "not a valid distribution" in e.value.problems[0].message


@pytest.mark.slow
def test_reps_auto_stops_early_on_a_clear_decision(tmp_path, small_world):
    clear = _investment(tmp_path, "clear", "{type: retention, churn_reduction: 0.6}")
    exp = load_experiment([clear], 40, 2)
    done, runs, reason = run_until_settled(exp, 1, None)
    assert done.replications == 20 and "settled after 20" in reason
    assert len(runs) == 40


@pytest.mark.slow
def test_reps_auto_runs_to_the_cap_on_a_coin_flip(tmp_path, small_world):
    """A lever that changes nothing: every paired difference is 0, so no replication count settles it."""
    flip = _investment(tmp_path, "flip", "{type: retention, churn_reduction: 0.0}")
    exp = load_experiment([flip], 40, 2)
    done, runs, reason = run_until_settled(exp, 1, None)
    assert done.replications == 40 and "cap of 40" in reason


def test_uncertainty_summary_with_too_few_replications_says_so_and_writes_files(tmp_path, small_world):
    write(small_world, small_world.read_text() + WORLD_PRIOR)
    inv = _investment(tmp_path, "t", "{type: training, fcr_gain: {prior: training_fcr_gain}}")
    out = run_scenarios([inv], replications=6, seed=1, out=tmp_path / "res", workers=1)
    unc = out.uncertainty
    assert unc.evppi.empty and any("too few" in n for n in unc.notes)  # 6 draws cannot say which of 2 settings matters
    assert unc.evpi_usd >= 0.0
    assert {"voi.csv", "variance_share.csv", "tornado.csv"} <= {p.name for p in (tmp_path / "res").iterdir()}
    again = summarise(out.tables.runs, out.experiment.world, out.experiment.investments)
    assert again.evpi_usd == unc.evpi_usd


def test_uncertainty_summary_ranks_the_assumption_that_moves_the_npv(small_world):
    """A runs table whose NPV is linear in one input plus noise, one input that does nothing."""
    from sim.scenario.uncertain import parse_distribution

    rng = np.random.default_rng(3)
    n = 200
    theta, idle, noise = rng.uniform(0, 1, n), rng.uniform(0, 1, n), rng.normal(0, 100.0, n)
    npv = 4_000.0 * (theta - 0.45) + noise  # P(best) splits: information about theta is worth something
    base = pd.DataFrame({"arm": "baseline", "replication": np.arange(n), "input:customers.x": theta, "input:customers.y": idle})
    alt = base.assign(arm="a", npv_usd=npv)
    world = load_scenario(small_world)
    world = world.model_copy(update={"uncertain": {"customers.x": parse_distribution({"dist": "uniform", "low": 0, "high": 1}),
                                                   "customers.y": parse_distribution({"dist": "uniform", "low": 0, "high": 1})}})
    unc = summarise(pd.concat([base, alt], ignore_index=True), world, ())
    assert list(unc.evppi["parameter"]) == ["customers.x", "customers.y"]
    assert unc.evppi["evppi_usd"].iloc[0] > 20 * max(unc.evppi["evppi_usd"].iloc[1], 1.0)
    share = unc.variance.set_index("arm").loc["a", "assumptions_share"]
    expected = (4_000.0**2 / 12) / (4_000.0**2 / 12 + 100.0**2)  # Var(E[Y|θ]) / Var(Y)
    assert share == pytest.approx(expected, abs=0.03)
    t = unc.tornado.set_index("parameter").loc["customers.x"]
    assert t["npv_at_high_usd"] - t["npv_at_low_usd"] == pytest.approx(4_000.0 * 0.9, rel=0.1)  # 5th to 95th percentile


def test_run_arm_accepts_a_scenario_with_uncertain_settings_directly(small_world):
    write(small_world, small_world.read_text() + WORLD_PRIOR)
    run = run_arm(load_scenario(small_world), None, 0, 1)
    assert set(run.inputs) == {"experience.churn_beta"} and 1.5 <= run.inputs["experience.churn_beta"] <= 4.5


def test_report_says_how_sure_and_draws_the_priors_tornado(tmp_path, small_world):
    import matplotlib

    matplotlib.use("Agg")
    from sim.present.report import build_report

    write(small_world, small_world.read_text() + WORLD_PRIOR)
    inv = _investment(tmp_path, "t", "{type: training, fcr_gain: {prior: training_fcr_gain}}")
    out = run_scenarios([inv], replications=5, seed=1, out=tmp_path / "res", workers=1)
    page = build_report(out.out_dir).read_text()
    assert "How sure are we?" in page and "too few to say which assumption matters" in page
    assert "No uncertain assumptions" not in page


def test_evppi_and_prior_tornado_charts_draw_what_the_tables_say():
    import matplotlib

    matplotlib.use("Agg")
    from sim.present.charts import evppi_bars
    from sim.present.report_uncertainty import tornado_figure

    voi = pd.DataFrame({"parameter": ["EVPI (all assumptions)", "x", "y"], "evppi_usd": [900.0, 600.0, 10.0],
                        "share_of_evpi": [1.0, 2 / 3, 0.01], "rank": [0, 1, 2], "sentence": ["", "s1", "s2"]})
    ax = evppi_bars(voi)
    assert sorted(p.get_width() for p in ax.patches) == [10.0, 600.0]
    assert ax.lines[0].get_xdata()[0] == 900.0  # the EVPI line
    tornado = pd.DataFrame({"arm": ["a"], "parameter": ["x"], "low_value": [0.1], "high_value": [0.9],
                            "npv_at_low_usd": [-500.0], "npv_at_high_usd": [2_500.0], "npv_mean_usd": [1_000.0]})
    fig = tornado_figure({"tornado": tornado}, "a")
    bars = sorted((p.get_x(), p.get_width()) for p in fig.axes[0].patches)
    assert bars == [(1_000.0, -1_500.0), (1_000.0, 1_500.0)]
    assert tornado_figure({"tornado": tornado}, "other") is None
