"""Charts on tiny synthetic frames (labels, legends, empty and single-replication data), the report,
and the report in headless Chromium (CI sets SIM_REQUIRE_BROWSER=1 so that test cannot skip)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import unicodedata

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import seaborn as sns

from sim.cli import main
from sim.present import charts


def monthly_frame(reps: int, arms=("baseline", "a")) -> pd.DataFrame:
    rows = []
    for arm in arms:
        for r in range(reps):
            for m in range(7):
                rows += [(arm, r, m, "cumulative_cash_flow_usd", -1000 + 300 * m + 10 * r),
                         (arm, r, m, "active_customers", 1000 - m + r), (arm, r, m, "ltv_expected_usd@cohort=0", 50.0 + r),
                         (arm, r, m, "ltv_realised_usd@cohort=0", 10.0 * m)]
    return pd.DataFrame(rows, columns=["arm", "replication", "month", "metric", "value"])


def runs_frame(reps: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame({"arm": ["baseline"] * reps + ["a"] * reps, "replication": list(range(reps)) * 2,
                         "npv_usd": np.r_[[np.nan] * reps, rng.normal(100, 10, reps)],
                         "payback_months": np.r_[[np.nan] * reps, rng.uniform(3, 6, reps)],
                         "pv_benefit_retained_margin_usd": np.r_[[np.nan] * reps, [150.0] * reps],
                         "pv_investment_cost_usd": np.r_[[np.nan] * reps, [50.0] * reps]})


@pytest.mark.parametrize("reps", [1, 5])
def test_charts_draw_with_labels_and_say_when_there_is_no_uncertainty(reps):
    monthly, runs = monthly_frame(reps), runs_frame(reps)
    fig, axs = plt.subplots(2, 3)
    ax = charts.cash_flow_fan(monthly, "a", axs[0, 0])
    assert ax.get_xlabel() == "month" and "USD" in ax.get_ylabel() and ax.get_legend() is not None
    texts = " ".join(t.get_text() for t in ax.texts)
    assert ("no uncertainty estimate" in texts) == (reps == 1)
    assert len(ax.collections) == (0 if reps == 1 else 2)  # no zero-width band with one replication
    assert "median payback" in texts
    ax = charts.payback_curves(runs, 6, axs[0, 1])
    (curve,) = ax.get_lines()  # one investment: P(payback <= month) = share of its replications paid back by then
    pb = runs.loc[runs["arm"] == "a", "payback_months"].to_numpy()
    assert curve.get_xdata().tolist() == list(range(7))
    np.testing.assert_allclose(curve.get_ydata(), [(pb <= m).mean() for m in range(7)])
    assert curve.get_ydata()[3] == 0.0 and curve.get_ydata()[6] == 1.0  # paybacks drawn from U(3, 6)
    ax = charts.npv_bars(runs, axs[0, 2])
    assert ("no uncertainty estimate" in " ".join(t.get_text() for t in ax.texts)) == (reps == 1)
    ax = charts.npv_waterfall(runs, "a", axs[1, 0])
    # PV retained margin +150, investment costs −50 (stacked on it), then the NPV bar: 100
    assert [(b.get_y(), b.get_height()) for b in ax.patches] == [(0.0, 150.0), (150.0, -50.0), (0.0, 100.0)]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["retained margin", "investment costs", "NPV"]
    ax = charts.customer_trajectory(monthly, "active_customers", axs[1, 1])
    assert ax.get_legend() is not None
    ax = charts.ltv_by_cohort(monthly, "a", axs[1, 2])
    # last month (6): expected LTV 50 + r (mean over replications), realised 10 · 6
    heights = sorted(b.get_height() for b in ax.patches if b.get_height() > 0)
    assert heights == pytest.approx(sorted([50.0 + (reps - 1) / 2, 60.0]))
    plt.close(fig)


def test_charts_survive_empty_data():
    empty_m = monthly_frame(1).iloc[0:0]
    empty_r = runs_frame(1).iloc[0:0]
    for fn, args in [(charts.cash_flow_fan, (empty_m, "a")), (charts.payback_curves, (empty_r, 6)), (charts.npv_bars, (empty_r,)),
                     (charts.npv_waterfall, (empty_r, "a")), (charts.customer_trajectory, (empty_m,)),
                     (charts.ltv_by_cohort, (empty_m,)), (charts.tornado, (pd.DataFrame(),)),
                     (charts.sensitivity_indices, (pd.DataFrame(),)), (charts.discovery_map, (pd.DataFrame(), "x", "y", np.array([])))]:
        ax = fn(*args)
        assert "no data" in " ".join(t.get_text() for t in ax.texts)
        plt.close(ax.figure)


def test_tornado_orders_by_swing():
    ax = charts.tornado(pd.DataFrame({"parameter": ["small", "big"], "low": [9, 0], "high": [11, 30], "base": [10, 10]}))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["small", "big"]  # biggest swing on top
    plt.close(ax.figure)


def test_sensitivity_charts_show_intervals_and_the_box():
    sobol = pd.DataFrame({"parameter": ["a", "b"], "S1": [0.5, 0.1], "S1_conf": [0.05, 0.02], "ST": [0.6, 0.2], "ST_conf": [0.06, 0.03]})
    ax = charts.sensitivity_indices(sobol)
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"total (ST)", "first order (S1)"} and ax.containers
    plt.close(ax.figure)
    ax = charts.sensitivity_indices(pd.DataFrame({"parameter": ["a"], "mu_star": [3.0], "mu_star_conf": [0.5], "sigma": [1.0]}), outcome="NPV")
    assert "elementary effect" in ax.get_xlabel()
    plt.close(ax.figure)
    table = pd.DataFrame({"x": [0.1, 0.5, 0.9, 0.7], "y": [0.2, 0.4, 0.8, 0.1]})
    box = pd.DataFrame({"parameter": ["x"], "low": [0.4], "high": [1.0]})
    ax = charts.discovery_map(table, "x", "y", np.array([False, True, True, True]), box, condition="payback ≤ 12")
    assert [tuple(c[:3]) for c in ax.collections[0].get_facecolors()].count(tuple(sns.color_palette()[2])) == 3
    assert len(ax.patches) == 1 and "PRIM box" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert ax.get_xlabel() == "x" and "payback ≤ 12" in ax.get_title()
    plt.close(ax.figure)


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory):
    from tests.helpers import SCENARIOS, write

    d = tmp_path_factory.mktemp("rep")
    world = write(d / "small.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}\nname: small\nhorizon_months: 4\n"
                  "customers:\n  initial: 3000\n  acquisition_per_month: 60\n  contact_rate_per_month: 1.5\n")
    train = write(d / "train.yaml", "extends: small.yaml\ninvestment:\n  name: train\n  description: coach everyone\n"
                  "  levers:\n    - {type: training, fcr_gain: 0.1, ramp_months: 0, note: vendor quote 2026}\n")
    staff = write(d / "staff.yaml", "extends: small.yaml\ninvestment:\n  name: staff\n  levers:\n"
                  "    - type: staffing\n      channel: phone\n      extra_agents: 1  # assumption: one more agent at the peak\n")
    keep = write(d / "keep.yaml", "extends: small.yaml\ninvestment:\n  name: keep\n  levers:\n"
                 "    - {type: retention, churn_reduction: 0.5, one_off_usd: 500}\n")
    assert main(["compare", str(world), str(train), str(staff), str(keep), "--reps", "2", "--out", str(d / "res"),
                 "--workers", "1", "--quiet"]) == 0
    return d / "res"


def test_report_is_self_contained_and_complete(results_dir, capsys):
    assert main(["report", str(results_dir)]) == 0
    page = (results_dir / "report.html").read_text()
    decision = json.loads((results_dir / "decision.json").read_text())
    verdict = page.index("id='verdict'")
    assert verdict < page.index("id='tiles'") < page.index("id='ranked'") < page.index("id='voi'") < page.index('id="appendix"')
    assert html.escape(decision["verdict"]["sentence"]) in page
    assert all(f"<td>{html.escape(o['option'])}<br>" in page for o in decision["options"] if o["option"] != "baseline")
    assert "Annual business case" in page and "Assumptions register" in page
    assert "vendor quote 2026" in page  # a lever's note
    assert "assumption: one more agent at the peak" in page  # a YAML comment, kept by the comment-preserving parser
    assert "prior churn_beta" in page  # every prior of the world, with its source
    assert "Validation against practitioner bands" in page and "FACTS #5" in page
    assert not re.search(r"(src|href)=['\"]https?://", page)  # no network
    assert page.count("data:image/png;base64,") >= 8
    assert main(["plot", str(results_dir)]) == 0
    assert (results_dir / "charts" / "cash_flow_fan.svg").is_file()


def test_report_refuses_a_folder_that_is_not_results(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "not a results folder" in capsys.readouterr().err


def browser() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def test_report_renders_in_headless_chromium(results_dir, tmp_path):
    exe = browser()
    if exe is None:
        if os.environ.get("SIM_REQUIRE_BROWSER"):
            pytest.fail("SIM_REQUIRE_BROWSER is set but no Chromium was found (apt-get install chromium)")
        pytest.skip("Chromium not installed: `apt-get install chromium` (Debian) to run the browser test")
    report = results_dir / "report.html"
    if not report.exists():
        assert main(["report", str(results_dir)]) == 0
    flags = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000"]
    dom = subprocess.run(flags + ["--dump-dom", report.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert 'data-broken-images="0"' in dom, dom[:500]
    assert int(re.search(r'data-images="(\d+)"', dom).group(1)) >= 8
    shot = results_dir / "report_screenshot.png"
    subprocess.run(flags + ["--window-size=1280,2400", f"--screenshot={shot}", report.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.is_file() and shot.stat().st_size > 10_000


def print_pdf(exe: str, report, paper: str, tmp_path) -> "object":
    """Print the report with headless Chromium on ``paper`` (A4 or letter); returns the pypdf reader."""
    from pypdf import PdfReader

    page = report.read_text().replace("<style>", f"<style>@page{{size:{paper}}}", 1)
    src = tmp_path / f"report_{paper}.html"
    src.write_text(page)
    pdf = tmp_path / f"report_{paper}.pdf"
    subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
                    "--no-pdf-header-footer", "--virtual-time-budget=5000", f"--print-to-pdf={pdf}", src.as_uri()],
                   capture_output=True, timeout=120)
    assert pdf.is_file(), "Chromium printed no PDF"
    return PdfReader(pdf)


def _words(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.mark.parametrize("paper, size", [("A4", (595, 842)), ("letter", (612, 792))])
def test_printed_page_one_holds_the_decision(results_dir, tmp_path, paper, size):
    """Printed (headless Chromium, A4 and Letter), page 1 holds the verdict, the tiles and the whole ranked table;
    the appendix starts on page 2."""
    exe = browser()
    if exe is None:
        if os.environ.get("SIM_REQUIRE_BROWSER"):
            pytest.fail("SIM_REQUIRE_BROWSER is set but no Chromium was found (apt-get install chromium)")
        pytest.skip("Chromium not installed: `apt-get install chromium` (Debian) to run the browser test")
    report = results_dir / "report.html"
    if not report.exists():
        assert main(["report", str(results_dir)]) == 0
    pdf = print_pdf(exe, report, paper, tmp_path)
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size
    first = _words(pdf.pages[0].extract_text())
    decision = json.loads((results_dir / "decision.json").read_text())
    assert _words(decision["verdict"]["sentence"])[:80] in first
    for tile in ("Expected NPV (mean)", "Pays back by", "P(best)", "Investment cost (PV)", "Customers kept (mean)"):
        assert tile in first, tile
    for option in decision["options"]:  # every row of the ranked table, and the note under it
        assert (option["option"] if option["option"] != "baseline" else "keep the current operation") in first
    assert "paired replications; NPVs risk-adjusted" in first
    assert "Appendix" not in first and len(pdf.pages) >= 2
    assert _words(pdf.pages[1].extract_text()).startswith("Appendix")
