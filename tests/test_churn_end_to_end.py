"""End to end: worse service loses more customers, by the amount the churn hazard says.

The full month loop (customers → contact centre → experience → customers) runs on the small world
twice per replication: as is, and with at most one phone agent in any hour. Each month, before the
customer model draws churn, the expected number of churners Σ h_i and its binomial variance
Σ h_i (1 − h_i) are computed from the model's state with the hazard of FACTS.md §5 written out
here (drift is switched off so that the state seen is the state used). Then, pooled over months
and replications:

* each arm's churn count lies within 4.5 sd of Σ h (a Poisson-binomial sum);
* the extra churn of the bad-service arm lies within 4.5 sd of the extra Σ h, where the sd is the
  unpaired one (conservative: common random numbers make the paired difference less variable);
* the extra Σ h is itself several sd above zero, so the check has the power to see a reversed sign.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import sim.run.month_loop as pipeline
from sim.abm import CustomerModel
from sim.scenario import load_scenario
from tests.helpers import write

SEEDS = (0, 1, 2, 3)


class Recording(CustomerModel):
    """The customer model, noting Σh, Σh(1−h) and the churn it then reports, month by month."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.record: list[tuple[float, float, float]] = []
        RUNS.append(self)

    def step(self) -> None:
        p, e = self.pop, self.exp
        act = p.active.copy()
        theta, s, unresolved = p.churn_propensity[act], p.satisfaction[act], p.unresolved[act]
        x = np.log(theta / (1 - theta)) + e.churn_beta * (self.s_ref - s) + e.unresolved_churn_gamma * unresolved
        h = self.churn_multiplier / (1.0 + np.exp(-x))
        super().step()
        self.record.append((float(h.sum()), float((h * (1 - h)).sum()), self.last_metrics["churned"]))


RUNS: list[Recording] = []


def run(scenario, seed: int) -> np.ndarray:
    RUNS.clear()
    pipeline.run_arm(scenario, None, seed, 5)
    (model,) = RUNS
    return np.array(model.record)  # rows: months; columns: Σh, Σh(1−h), churned


@pytest.mark.slow
def test_worse_service_loses_the_customers_the_hazard_predicts(tmp_path, small_world, monkeypatch):
    monkeypatch.setattr(pipeline, "CustomerModel", Recording)
    path = write(tmp_path / "e2e.yaml", "extends: small.yaml\nhorizon_months: 6\nexperience:\n  drift_to_baseline: 0.0\n")
    good = load_scenario(path)
    phone = good.channels.phone.model_copy(update={"agents_by_hour": tuple(min(a, 1) for a in good.channels.phone.agents_by_hour)})
    bad = good.model_copy(update={"channels": good.channels.model_copy(update={"phone": phone})})
    totals = {}
    for label, sc in (("good", good), ("bad", bad)):
        rows = np.concatenate([run(sc, seed) for seed in SEEDS])
        expected, var, observed = rows.sum(axis=0)
        assert abs(observed - expected) <= 4.5 * math.sqrt(var), (label, observed, expected, math.sqrt(var))
        totals[label] = (expected, var, observed)
    (e_good, v_good, o_good), (e_bad, v_bad, o_bad) = totals["good"], totals["bad"]
    sd = math.sqrt(v_good + v_bad)
    assert e_bad - e_good > 4.5 * sd, "the scenario must make a difference the test can see"
    assert abs((o_bad - o_good) - (e_bad - e_good)) <= 4.5 * sd
    assert o_bad > o_good
