"""How sure are we, and what should we learn first? The uncertainty summary of a run.

With uncertain settings (probabilistic sensitivity analysis, :mod:`sim.run.psa`) every replication
is one draw of the assumptions *and* one draw of the simulation's own randomness. From the paired
replications this module computes, for the decision among the baseline and every alternative:

- the **EVPI** (what resolving every assumption before deciding would be worth) and each
  assumption's **EVPPI** (:mod:`sim.appraisal.voi`, regression estimators), ranked;
- for each alternative, the **share of the NPV's variance** the assumptions explain versus
  simulation noise (if noise dominates, add replications; if assumptions do, add data);
- a **tornado** from the priors' ranges: the expected NPV when one assumption sits at its prior's
  5th or 95th percentile, the others varying as drawn (the regression's conditional mean).

Net benefit is the NPV against the baseline of the same replication; the baseline's is 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.appraisal.voi import conditional_mean, evpi, rank_evppi, variance_share
from sim.run.psa import INPUT_PREFIX
from sim.run.store import atomic_write_bytes
from sim.scenario import Investment, Scenario
from sim.scenario.uncertain import interval
from sim.types import Arm

MIN_REPLICATIONS_TO_FIT = 20  # below this (or 5 per uncertain setting) no regression is fitted at all
MIN_REPLICATIONS_FOR_VOI = 50  # fewer samples: the regressions behind EVPPI are rough (Strong et al. 2014 use 1,000s)


@dataclass(frozen=True)
class Uncertainty:
    """The uncertainty summary of one run (empty tables when nothing is uncertain)."""

    replications: int
    options: list[str]  # baseline first
    evpi_usd: float
    evppi: pd.DataFrame  # parameter, evppi_usd, share_of_evpi, rank, sentence
    variance: pd.DataFrame  # arm, assumptions_share, noise_share, npv_sd_usd
    tornado: pd.DataFrame  # arm, parameter, low_value, high_value, npv_at_low_usd, npv_at_high_usd, npv_mean_usd
    notes: list[str] = field(default_factory=list)

    @property
    def has_assumptions(self) -> bool:
        return not self.evppi.empty


def decision_table(runs: pd.DataFrame) -> tuple[np.ndarray, list[str], pd.DataFrame]:
    """Net benefit per replication and option (baseline = 0), option names, and the drawn inputs.

    Inputs of the world come from the baseline rows; a lever's inputs from its own arm's rows and
    are named ``<arm>: <path inside the investment>``.
    """
    arms = [str(a) for a in runs["arm"].astype(str).unique() if str(a) != Arm.BASELINE.value]
    reps = np.sort(runs["replication"].unique())
    nb = np.zeros((len(reps), 1 + len(arms)))
    if arms:
        wide = runs.assign(arm=runs["arm"].astype(str)).pivot(index="replication", columns="arm", values="npv_usd").reindex(reps)
        nb[:, 1:] = wide[arms].to_numpy(float)
    inputs = pd.DataFrame(index=reps)
    cols = [c for c in runs.columns if c.startswith(INPUT_PREFIX)]
    for c in cols:
        name = c[len(INPUT_PREFIX):]
        if name.startswith("investment."):
            for a in arms:
                v = runs[runs["arm"].astype(str) == a].set_index("replication")[c].reindex(reps)
                if v.notna().all():
                    inputs[f"{a}: {name[len('investment.'):]}"] = v.to_numpy(float)
        else:
            inputs[name] = runs[runs["arm"].astype(str) == Arm.BASELINE.value].set_index("replication")[c].reindex(reps).to_numpy(float)
    inputs = inputs.loc[:, inputs.nunique() > 1] if not inputs.empty else inputs
    return nb, [Arm.BASELINE.value, *arms], inputs


def prior_of(parameter: str, world: Scenario, investments: tuple[Investment, ...]):
    """The distribution behind an input column name (world path, or ``<arm>: <lever path>``)."""
    if ": " in parameter:
        arm, path = parameter.split(": ", 1)
        inv = next((i for i in investments if i.name == arm), None)
        return inv.uncertain.get(path) if inv is not None else None
    return world.uncertain.get(parameter)


def summarise(runs: pd.DataFrame, world: Scenario, investments: tuple[Investment, ...]) -> Uncertainty:
    """EVPI, ranked EVPPI, variance shares and the tornado of a run's runs table."""
    nb, options, inputs = decision_table(runs)
    n = len(nb)
    notes: list[str] = []
    fit_min = max(MIN_REPLICATIONS_TO_FIT, 5 * inputs.shape[1])  # a regression needs several samples per input
    can_fit = not inputs.empty and n >= fit_min
    if inputs.empty:
        notes.append("no uncertain settings: intervals show simulation noise only (add priors to cover the assumptions)")
    elif not can_fit:
        notes.append(f"only {n} replications for {inputs.shape[1]} uncertain settings: too few to say which assumption "
                     f"matters (needs at least {fit_min}; use --reps {max(fit_min, MIN_REPLICATIONS_FOR_VOI)} or --reps auto)")
    elif n < MIN_REPLICATIONS_FOR_VOI:
        notes.append(f"only {n} replications: value-of-information estimates are rough (use --reps {MIN_REPLICATIONS_FOR_VOI} or more)")
    total = evpi(nb) if len(options) > 1 and n >= 2 else 0.0
    if not can_fit or len(options) < 2:
        evppi = pd.DataFrame(columns=["parameter", "evppi_usd", "share_of_evpi", "rank", "sentence"])
    else:
        evppi = rank_evppi(nb, {c: inputs[c].to_numpy() for c in inputs.columns})
    variance_rows, tornado_rows = [], []
    for j, arm in enumerate(options[1:], start=1):
        y = nb[:, j]
        row = {"arm": arm, "npv_sd_usd": float(np.std(y, ddof=1)) if n > 1 else 0.0}
        if can_fit:
            share = variance_share(y, inputs.to_numpy())
            row.update(assumptions_share=share.assumptions_share, noise_share=share.noise_share)
        else:
            row.update(assumptions_share=0.0 if inputs.empty else np.nan, noise_share=1.0 if inputs.empty else np.nan)
        variance_rows.append(row)
        for col in inputs.columns if can_fit else ():
            dist = prior_of(col, world, investments)
            if dist is None:
                continue
            lo, hi = interval(dist, 0.05, 0.95)
            x = inputs[col].to_numpy()
            fitted = conditional_mean(y, x, "gam")
            tornado_rows.append({"arm": arm, "parameter": col, "low_value": lo, "high_value": hi,
                                 "npv_at_low_usd": float(fitted[np.argmin(np.abs(x - lo))]),
                                 "npv_at_high_usd": float(fitted[np.argmin(np.abs(x - hi))]),
                                 "npv_mean_usd": float(y.mean())})
    tornado = pd.DataFrame(tornado_rows, columns=["arm", "parameter", "low_value", "high_value", "npv_at_low_usd",
                                                  "npv_at_high_usd", "npv_mean_usd"])
    if not tornado.empty:
        swing = (tornado["npv_at_high_usd"] - tornado["npv_at_low_usd"]).abs()
        tornado = tornado.assign(swing_usd=swing).sort_values(["arm", "swing_usd"], ascending=[True, False], ignore_index=True)
    variance = pd.DataFrame(variance_rows, columns=["arm", "npv_sd_usd", "assumptions_share", "noise_share"])
    return Uncertainty(n, options, total, evppi, variance, tornado, notes)


def write_uncertainty(out_dir, unc: Uncertainty) -> None:
    """``voi.csv`` (EVPI first, then EVPPI ranked), ``variance_share.csv`` and ``tornado.csv``."""
    head = pd.DataFrame([{"parameter": "EVPI (all assumptions)", "evppi_usd": unc.evpi_usd, "share_of_evpi": 1.0,
                          "rank": 0, "sentence": ""}])
    voi = pd.concat([head, unc.evppi], ignore_index=True) if not unc.evppi.empty else head
    for name, df in (("voi.csv", voi), ("variance_share.csv", unc.variance), ("tornado.csv", unc.tornado)):
        atomic_write_bytes(out_dir / name, df.to_csv(index=False).encode())
