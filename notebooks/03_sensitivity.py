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
# The sweep folder is resumable: re-running this notebook skips finished runs. For thousands of
# runs, use the command line with `--scheduler` on a Dask cluster and point `OUT` at its folder.

# %% tags=["parameters"]
SCENARIO = "../scenarios/chatbot.yaml"
PARAMS = [
    "investment.levers[0].bot.containment=0.10:0.60",
    "investment.levers[0].bot.false_containment_share=0.0:0.4",
    "customers.monthly_churn=0.01:0.03",
]
DESIGN = "sobol"          # sobol or morris give indices; lhs or grid give the tornado and discovery only
N = 8                     # Sobol base size: N * (k + 2) runs
REPLICATIONS = 1
WORKERS = 4
OUT = "../results/sweep-chatbot"
OUTCOME = "npv_usd"
CONDITION = "payback_months<=12"

# %%
import matplotlib.pyplot as plt

from sim.present import charts
from sim.sweep import parse_params, sweep
from sim.sweep.discovery import cases, discover
from sim.sweep.models import BusinessCaseModel
from sim.sweep.sensitivity import indices, load_sweep, tornado_table

model = BusinessCaseModel(SCENARIO)
params = parse_params(PARAMS)
plan = sweep(model, params, DESIGN, N, REPLICATIONS, model.scenario.seed, OUT, workers=WORKERS, dry_run=True)
print(f"{plan['runs']} runs, {plan['done']} already done; about {plan['estimate_s'] / 60:.1f} min on {WORKERS} workers")

# %%
table = sweep(model, params, DESIGN, N, REPLICATIONS, model.scenario.seed, OUT, workers=WORKERS)
manifest, table, params = load_sweep(OUT)
print(f"{len(table)} runs in {OUT}")
table.describe().T

# %%
fig, axes = plt.subplots(1, 2, figsize=(14, 4))
if manifest["design"] in ("sobol", "morris"):
    idx = indices(manifest, table, params, OUTCOME)
    charts.sensitivity_indices(idx, ax=axes[0], outcome=OUTCOME)
    display(idx)  # noqa: F821 (Jupyter)
charts.tornado(tornado_table(table, params, OUTCOME), ax=axes[1], outcome=OUTCOME)
fig.tight_layout()

# %%
found = discover(OUT, CONDITION)
print(f"{CONDITION} holds in {found.share:.0%} of runs. {found.note}")
if found.box is not None:
    print(f"PRIM box: coverage {found.coverage:.0%}, density {found.density:.0%}")
    display(found.box)  # noqa: F821 (Jupyter)
found.by_quarter

# %%
x, y = [p.path for p in params][:2]
ax = charts.discovery_map(table, x, y, cases(table, CONDITION), found.box, condition=CONDITION)
