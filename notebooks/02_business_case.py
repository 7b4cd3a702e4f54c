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
# # The business case (leadership)
#
# The decision from a results folder written by `sim run` or `sim compare` (e.g. `make demo` writes
# `results/demo`): the verdict, the KPI tiles and every option ranked, the current operation
# included; then the charts, the one-page HTML report and the spreadsheet. The numbers are the
# ones written beside the run, the same as in the terminal, the report and the spreadsheet.

# %% tags=["parameters"]
RESULTS = "../results/demo"

# %%
from sim.appraisal.decision import load_decision
from sim.present.notebook import show_decision

decision = load_decision(RESULTS)
show_decision(decision)

# %%
import matplotlib.pyplot as plt

from sim.appraisal.decision import cash_flows
from sim.present import charts, charts_decision
from sim.present.report import load_results

res = load_results(RESULTS)
fig, axes = plt.subplots(1, 2, figsize=(14, 4.5))
charts_decision.npv_options(decision.options, ax=axes[0])
charts_decision.cash_flow_options(cash_flows(res["monthly"], decision.discount_rate_annual), decision.options, ax=axes[1])
fig.tight_layout()

# %%
fig, axes = plt.subplots(1, 2, figsize=(14, 4))
charts.customer_trajectory(res["monthly"], "active_customers", ax=axes[0])
charts.service_by_interval(res["intervals"], "phone", "service_level", ax=axes[1])
fig.tight_layout()

# %%
from sim.present.report import build_report
from sim.present.spreadsheet import write_spreadsheet

print("report:", build_report(RESULTS, overwrite=True))  # re-running the notebook replaces its own report
print("spreadsheet:", write_spreadsheet(RESULTS, overwrite=True))
