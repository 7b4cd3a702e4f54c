"""One look for every chart: a colour per option everywhere, money and percent axes, readable labels,
coincident lines still distinguishable, payback marks from the decision.

Oracles: the tick labels matplotlib draws (after a canvas draw), the artists' colours and styles,
and the option styles of :mod:`sim.present.style`.
"""

from __future__ import annotations

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from sim.present import charts
from sim.present.style import money_labels, option_styles
from tests.test_plots_report import monthly_frame


@pytest.mark.parametrize("values, labels", [
    ([-7500, -5000, -2500, 0], ["-$7.5k", "-$5.0k", "-$2.5k", "$0"]),  # not "-$8k, -$5k, -$2k"
    ([0, 400_000, 800_000, 1_200_000], ["$0", "$0.4M", "$0.8M", "$1.2M"]),  # not "$1,200k"
    ([-20_000, 0, 20_000, 40_000], ["-$20k", "$0", "$20k", "$40k"]),
    ([0, 250, 500], ["$0", "$250", "$500"]),
])
def test_money_tick_labels_are_distinct_and_exact(values, labels):
    assert money_labels(values) == labels


def runs3(reps: int = 4) -> pd.DataFrame:
    rows = []
    for arm, npv in (("baseline", np.nan), ("a", 100.0), ("b", 100.0)):
        for r in range(reps):
            rows.append({"arm": arm, "replication": r, "npv_usd": npv + r, "payback_months": 3.0, "sustained_payback_months": 3.0})
    runs = pd.DataFrame(rows)
    runs["arm"] = pd.Categorical(runs["arm"], categories=["baseline", "a", "b"])
    return runs


def test_each_option_keeps_its_colour_in_every_chart():
    runs = runs3()
    monthly = monthly_frame(3, arms=("baseline", "a", "b"))
    monthly["arm"] = pd.Categorical(monthly["arm"], categories=["baseline", "a", "b"])
    styles = option_styles(["baseline", "a", "b"])
    fig, (ax1, ax2, ax3) = plt.subplots(1, 3)
    charts.payback_curves(runs, 6, ax1)
    charts.npv_bars(runs, ax2)
    charts.customer_trajectory(monthly, "active_customers", ax3)
    for name in ("a", "b"):
        want = mcolors.to_rgba(styles[name]["color"])
        curve = next(line for line in ax1.get_lines() if line.get_label().startswith(name))
        assert mcolors.to_rgba(curve.get_color()) == want
        traj = next(line for line in ax3.get_lines() if line.get_label() == name)
        assert mcolors.to_rgba(traj.get_color()) == want
    bar_colours = {mcolors.to_hex(p.get_facecolor()[:3]) for p in ax2.patches}
    assert {styles["a"]["color"], styles["b"]["color"]} <= bar_colours
    plt.close(fig)


def test_coincident_lines_stay_distinguishable():
    ax = charts.payback_curves(runs3(), 6)
    a, b = ax.get_lines()
    np.testing.assert_array_equal(a.get_ydata(), b.get_ydata())  # the same curve...
    assert (a.get_linestyle(), a.get_marker(), a.get_linewidth()) != (b.get_linestyle(), b.get_marker(), b.get_linewidth())
    plt.close(ax.figure)


def test_percent_and_money_axes_and_readable_labels():
    ax = charts.payback_curves(runs3(), 6)
    ax.figure.canvas.draw()
    assert all(t.get_text().endswith("%") for t in ax.get_yticklabels() if t.get_text())
    plt.close(ax.figure)
    monthly = monthly_frame(3)
    ax = charts.customer_trajectory(monthly, "active_customers")
    assert ax.get_ylabel() == "active customers" and "_" not in ax.get_title()
    plt.close(ax.figure)
    ax = charts.cash_flow_fan(monthly, "a", payback=4.25)
    ax.figure.canvas.draw()
    assert "undiscounted" in ax.get_title() and "undiscounted" in ax.get_ylabel()
    assert any(t.get_text() == "median payback 4.2 months" for t in ax.texts)
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert labels and all("$" in t for t in labels) and len(set(labels)) == len(labels)
    plt.close(ax.figure)


def test_npv_bars_put_probabilities_in_the_labels_not_over_the_bars():
    ax = charts.npv_bars(runs3())
    assert not [t for t in ax.texts if "P(NPV>0)" in t.get_text()]
    assert all("P(NPV>0)" in t.get_text() for t in ax.get_yticklabels())
    plt.close(ax.figure)


def test_decision_charts_show_every_option_and_mark_the_decisions_payback():
    from sim.appraisal.decision import cash_flows, decide
    from sim.present import charts_decision
    from tests.test_decision import tables

    runs, monthly = tables({"a": [5_000.0, 6_000.0, 7_000.0], "b": [-1_000.0, -2_000.0, 0.0]},
                           payback={"a": [4.0, 5.0, 6.0], "b": [float("inf")] * 3})
    d = decide(runs, monthly, 12, 0.10)
    ax = charts_decision.npv_options(d.options)
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names[-1].startswith("a · P(best)") and any(n.startswith("keep the current operation") for n in names)
    plt.close(ax.figure)
    ax = charts_decision.cash_flow_options(cash_flows(monthly, 0.10), d.options)
    marks = [line for line in ax.get_lines() if line.get_marker() == "v" and len(line.get_xdata())]
    assert [float(m.get_xdata()[0]) for m in marks] == [5.0]  # a's median sustained payback; b never pays back
    plt.close(ax.figure)
