"""What a sweep evaluates at a parameter point: here, the business case of a scenario file."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import numpy as np

from sim.appraisal.benefits import appraise_lines, benefit_lines, risk_adjust
from sim.run.harvest import plan_harvest
from sim.run.month_loop import run_arm
from sim.scenario import Problem, ScenarioError, dotted, load_scenario, parse_path, with_value
from sim.scenario.footprint import footprint_issues
from sim.scenario.shadowing import warn_if_shadowed


class BusinessCaseModel:
    """Outcomes of one scenario (baseline and, if present, its investment) at a parameter point.

    Outcomes: monthly churn, final NPS and customers of the baseline; with an investment, its NPV,
    ROI, payback and discounted payback against the baseline of the same replication (CRN).
    An investment with ``harvest: cost`` is re-planned at every parameter point (the efficiency,
    and so the hours it frees, depends on the point), once per point and process.
    """

    def __init__(self, scenario_path: str | Path) -> None:
        self.path = str(scenario_path)
        self.scenario = load_scenario(scenario_path)
        self.key = hashlib.sha256(json.dumps(self.scenario.model_dump(mode="json", exclude={"sweep"}), sort_keys=True).encode()).hexdigest()[:16]
        self._planned: dict[tuple, object] = {}

    def check(self, params) -> None:
        """Fail fast, before any run, on a path that is not a setting or a range the scenario rejects."""
        for p in params:
            path = parse_path(p.path)
            warn_if_shadowed(self.scenario, path, p.path)
            for value in (p.low, p.high):
                issues = footprint_issues(with_value(self.scenario, path, value, self.path))
                if issues:
                    where, message = issues[0]
                    raise ScenarioError([Problem(self.path, 0, p.path, f"at {value:g}: {message} ({dotted(where)})")])

    def evaluate(self, values: dict[str, float], replication: int, root_seed: int) -> dict[str, float]:
        sc = self.scenario
        for path, value in values.items():
            sc = with_value(sc, parse_path(path), value, self.path)
        base = run_arm(sc.world(), None, replication, root_seed).monthly
        out = {"monthly_churn": float(np.nanmean(base["churned"][1:] / base["active_customers"][:-1])),
               "nps_end": float(base["nps"][-1]), "active_customers_end": float(base["active_customers"][-1])}
        if sc.investment is not None:
            point = (tuple(sorted(values.items())), root_seed)
            if point not in self._planned:
                self._planned[point] = plan_harvest(sc.world(), sc.investment, root_seed)[0]
            alt = run_arm(sc.world(), self._planned[point], replication, root_seed).monthly
            lines, costs = risk_adjust(benefit_lines(base, alt, sc.customers.gross_margin), alt["investment_cost_usd"], sc.finance)
            a = appraise_lines(lines, costs, sc.discount_rate_annual)
            out |= {"npv_usd": a.npv_usd, "roi": a.roi if math.isfinite(a.roi) else float("nan"),
                    "payback_months": a.payback_months, "discounted_payback_months": a.discounted_payback_months,
                    "sustained_payback_months": a.sustained_payback_months}
        return out
