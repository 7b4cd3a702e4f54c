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
# # The business case (leadership)
#
# Charts from a results folder written by `sim run` or `sim compare` (e.g. `make demo` writes
# `results/demo`), and the one-page HTML report. Every band is the spread over replications.

# %% tags=["parameters"]
RESULTS = "../results/demo"

# %%
import matplotlib.pyplot as plt

from sim.present import charts
from sim.present.report import build_report, load_results

res = load_results(RESULTS)
runs, monthly, intervals = res["runs"], res["monthly"], res["intervals"]
print(res["manifest"]["scenario"]["name"], "—", ", ".join(res["manifest"]["arms"]))

# %%
fig, axes = plt.subplots(1, 2, figsize=(14, 4))
charts.npv_bars(runs, ax=axes[0])
charts.customer_trajectory(monthly, "active_customers", ax=axes[1])
fig.tight_layout()

# %%
fig, axes = plt.subplots(1, 2, figsize=(14, 4))
charts.service_by_interval(intervals, "phone", "service_level", ax=axes[0])
charts.staffing_heatmap(intervals, "baseline", ax=axes[1])
fig.tight_layout()

# %%
print("report:", build_report(RESULTS, overwrite=True))  # re-running the notebook replaces its own report
