# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Sensitivity and scenario discovery (researchers)
#
# Which inputs drive the business case, and under which conditions does an investment pay back in
# time? This notebook runs (or resumes) a sweep — the same as `sim sweep` on the command line — then
# computes Sobol or Morris indices (SALib), a tornado, and the input ranges in which the target is
# met (PRIM, if EMA Workbench is installed: `pip install ema_workbench`).
#
# Parameters under `investment.` are levers (decisions); the others are uncertainties (the world).
# Vary settings that matter: a setting that a more specific one overrides does nothing (the
# chatbot's `bot.containment` applies only to reasons missing from `containment_by_reason`;
# `customers.monthly_churn` only to segments without their own churn), and the sweep warns about it.
# The sweep folder is resumable: re-running this notebook skips finished runs. For thousands of
# runs, use the command line with `--scheduler` on a Dask cluster and point `OUT` at its folder.

# %% tags=["parameters"]
SCENARIO = "../scenarios/chatbot.yaml"
PARAMS = [
    "investment.levers[0].bot.containment_by_reason.simple=0.30:0.80",
    "investment.levers[0].bot.false_containment_share=0.0:0.4",
    "experience.churn_beta=1.0:5.5",
]
DESIGN = "sobol"          # sobol or morris give indices; lhs or grid give the tornado and discovery only
N = 8                     # Sobol base size: N * (k + 2) runs
REPLICATIONS = 1
WORKERS = 4
OUT = "../results/sweep-chatbot"
OUTCOME = "npv_usd"
CONDITION = "sustained_payback_months<=18"

# %%
import matplotlib.pyplot as plt

from sim.present import charts
from sim.present.notebook import Progress
from sim.sweep import parse_params, sweep
from sim.sweep.discovery import cases, discover
from sim.sweep.models import BusinessCaseModel
from sim.sweep.sensitivity import indices, load_sweep, tornado_table

model = BusinessCaseModel(SCENARIO)
params = parse_params(PARAMS)
plan = sweep(model, params, DESIGN, N, REPLICATIONS, model.scenario.seed, OUT, workers=WORKERS, dry_run=True)
print(f"{plan['runs']} runs, {plan['done']} already done; about {plan['estimate_s'] / 60:.1f} min on {WORKERS} workers")

# %%
progress = Progress("sweeping")
table = sweep(model, params, DESIGN, N, REPLICATIONS, model.scenario.seed, OUT, workers=WORKERS,
              on_start=progress.on_start, on_done=lambda k: [progress.on_done() for _ in range(k)])
manifest, table, params = load_sweep(OUT)
print(f"{len(table)} runs in {OUT} (a payback that never happens is left out of its column's statistics)")
table.replace([float("inf"), float("-inf")], float("nan")).describe().T.round(3)

# %%
fig, axes = plt.subplots(1, 2, figsize=(14, 4))
if manifest["design"] in ("sobol", "morris"):
    idx = indices(manifest, table, params, OUTCOME)
    charts.sensitivity_indices(idx, ax=axes[0], outcome=OUTCOME)
    display(idx.round(3))  # noqa: F821 (Jupyter)
charts.tornado(tornado_table(table, params, OUTCOME), ax=axes[1], outcome=OUTCOME)
fig.tight_layout()

# %%
found = discover(OUT, CONDITION)
print(f"{CONDITION} holds in {found.share:.0%} of runs. {found.note}")
if found.box is not None:
    print(f"PRIM box: coverage {found.coverage:.0%}, density {found.density:.0%}")
    display(found.box.round(3))  # noqa: F821 (Jupyter)
found.by_quarter.round(2)

# %%
x, y = [p.path for p in params][:2]
ax = charts.discovery_map(table, x, y, cases(table, CONDITION), found.box, condition=CONDITION)
