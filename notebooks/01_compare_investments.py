# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Compare investments (strategist)
#
# Pick a baseline scenario and the investments to compare, run them on the same simulated
# customers, and read the ranked business case. Edit the scenario files (YAML) to change the world;
# this notebook holds no model logic.

# %% tags=["parameters"]
BASELINE = "../scenarios/baseline.yaml"
INVESTMENTS = ["../scenarios/training.yaml", "../scenarios/more_agents.yaml", "../scenarios/chatbot.yaml"]
REPLICATIONS = 6
OUT = "../results/notebook_compare"

# %%
import matplotlib.pyplot as plt

from sim.appraisal.jobs import compare_scenarios
from sim.present import charts

result = compare_scenarios([BASELINE, *INVESTMENTS], replications=REPLICATIONS, out=OUT, overwrite=True)
world = result.run.experiment.world
print(f"{world.name}: {world.horizon_months} months, {world.discount_rate_annual:.0%}/yr, {REPLICATIONS} paired replications")
result.ranked[["arm", "npv_usd_median", "npv_usd_p05", "npv_usd_p95", "payback_months_median",
               "p_payback_within_12m", "p_payback_within_24m", "p_npv_positive", "p_best"]]

# %%
fig, axes = plt.subplots(1, 2, figsize=(14, 4))
charts.npv_bars(result.run.tables.runs, ax=axes[0])
charts.payback_curves(result.run.tables.runs, world.horizon_months, ax=axes[1])
fig.tight_layout()

# %%
best = str(result.ranked["arm"].iloc[0])
charts.cash_flow_fan(result.run.tables.monthly, best, discount_note=f" ({world.discount_rate_annual:.0%}/yr)")
result.tei_best
