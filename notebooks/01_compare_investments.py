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
# # Compare investments (strategist)
#
# Pick a baseline scenario and the investments to compare, run them on the same simulated
# customers, and read the decision: the verdict, the KPI tiles and every option ranked (the current
# operation included). Edit the scenario files (YAML) to change the world; this notebook holds no
# model logic. The last cell is a what-if form: move the sliders and press *Run*.

# %% tags=["parameters"]
BASELINE = "../scenarios/baseline.yaml"
INVESTMENTS = ["../scenarios/training.yaml", "../scenarios/more_agents.yaml", "../scenarios/chatbot.yaml"]
REPLICATIONS = 6
OUT = "../results/notebook_compare"
WHAT_IF = "../scenarios/training.yaml"  # the investment the what-if form varies
WHAT_IF_REPLICATIONS = 4

# %%
import matplotlib.pyplot as plt

from sim.appraisal.decision import cash_flows, load_decision
from sim.appraisal.jobs import compare_scenarios
from sim.present import charts, charts_decision
from sim.present.notebook import Progress, show_decision

progress = Progress()
result = compare_scenarios([BASELINE, *INVESTMENTS], replications=REPLICATIONS, out=OUT, overwrite=True,
                           on_start=progress.on_start, on_done=progress.on_done)
decision = load_decision(result.run.out_dir)
show_decision(decision)

# %%
world = result.run.experiment.world
fig, axes = plt.subplots(1, 2, figsize=(14, 4.5))
charts_decision.npv_options(decision.options, ax=axes[0])
charts_decision.cash_flow_options(cash_flows(result.run.tables.monthly, world.discount_rate_annual), decision.options, ax=axes[1])
fig.tight_layout()

# %%
fig, ax = plt.subplots(figsize=(7, 4))
charts.payback_curves(result.run.tables.runs, world.horizon_months, ax=ax)

# %% [markdown]
# ## What if? (quick settings)
#
# Move the sliders, then press *Run*: the investment in `WHAT_IF` is simulated against the baseline
# with those settings (a few replications, so expect some noise). The first two are the
# training lever's effects, the last two what a lost customer costs: how strongly dissatisfaction
# drives churn, and the margin.

# %%
import ipywidgets as widgets

from sim.appraisal.what_if import what_if

sliders = {
    "investment.levers[0].fcr_gain": widgets.FloatSlider(value=0.05, min=0.0, max=0.15, step=0.01, description="FCR gain"),
    "investment.levers[0].handle_time_reduction": widgets.FloatSlider(value=0.05, min=0.0, max=0.2, step=0.01,
                                                                      description="AHT cut"),
    "experience.churn_beta": widgets.FloatSlider(value=2.85, min=1.0, max=5.5, step=0.05, description="churn β"),
    "customers.gross_margin": widgets.FloatSlider(value=0.6, min=0.2, max=0.9, step=0.05, description="margin"),
}


def run_what_if(**values):
    settings = {path: values[path.replace(".", "_").replace("[", "_").replace("]", "")] for path in sliders}
    live = Progress("what-if")
    show_decision(what_if(BASELINE, WHAT_IF, settings, replications=WHAT_IF_REPLICATIONS,
                          on_start=live.on_start, on_done=live.on_done))


form = widgets.interactive(run_what_if, {"manual": True, "manual_name": "Run"},
                           **{p.replace(".", "_").replace("[", "_").replace("]", ""): s for p, s in sliders.items()})
form
