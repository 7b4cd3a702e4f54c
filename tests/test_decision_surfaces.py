"""One set of numbers everywhere: the terminal, the report, the spreadsheet and notebook 02 agree.

Oracle: ``decision.json``, written once beside the run (DESIGN.md "The decision"). Every surface
must show its verdict sentence and the recommended option's headline figures, formatted by the
shared formats (:mod:`sim.appraisal.formats`); the spreadsheet holds the unrounded numbers.
When every alternative loses money, every surface says "keep the current operation".
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import os

import openpyxl
import pytest

from sim.appraisal.formats import money, months, pct
from sim.cli import main
from tests.conftest import SMALL_WORLD
from tests.helpers import ROOT, SCENARIOS, write

LOSERS = {"train": "    - {type: training, fcr_gain: 0.05, ramp_months: 0}\n",
          "staff": "    - {type: staffing, channel: phone, extra_agents: 2}\n"}
WINNER = {"keep": "    - {type: retention, churn_reduction: 0.5, one_off_usd: 500}\n"}


def run_case(folder, options: dict[str, str]) -> tuple:
    """``sim compare`` (terminal text), ``sim report`` and ``sim spreadsheet`` on a small world."""
    folder.mkdir()
    world = write(folder / "small.yaml", SMALL_WORLD.format(base=SCENARIOS / "baseline.yaml", horizon=4))
    files = [write(folder / f"{n}.yaml", f"extends: small.yaml\ninvestment:\n  name: {n}\n  levers:\n{lever}")
             for n, lever in options.items()]
    res = folder / "res"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["compare", str(world), *map(str, files), "--reps", "3", "--out", str(res), "--workers", "1", "--quiet"]) == 0
        assert main(["report", str(res)]) == 0
        assert main(["spreadsheet", str(res)]) == 0
    return res, " ".join(buf.getvalue().split())


@pytest.fixture(scope="module")
def losing(tmp_path_factory):
    return run_case(tmp_path_factory.mktemp("surfaces") / "losing", LOSERS)


@pytest.fixture(scope="module")
def winning(tmp_path_factory):
    return run_case(tmp_path_factory.mktemp("surfaces") / "winning", {**LOSERS, **WINNER})


def decision(res) -> dict:
    return json.loads((res / "decision.json").read_text())


def headline(d: dict) -> dict:
    """The recommended option's (or, when keeping, the closest alternative's) figures as every surface prints them."""
    alts = [o for o in d["options"] if o["option"] != "baseline"]
    r = alts[0] if d["verdict"]["kind"] == "keep" else d["options"][0]
    inf = float("inf")
    pb = r["payback_median_months"]
    return {"row": r, "npv": money(r["npv_mean_usd"]), "payback": months(inf if pb == "inf" else pb),
            "p_payback": pct(r["p_payback_within_horizon"]), "p_best": pct(r["p_best"]), "cost": money(r["cost_pv_usd"])}


def page_one(res) -> str:
    page = (res / "report.html").read_text()
    return page[page.index("<main"):page.index("</main>")]


def sheet(res):
    return openpyxl.load_workbook(res / "business_case.xlsx")["Decision"]


def test_every_alternative_losing_money_keeps_the_current_operation(losing):
    res, terminal = losing
    d = decision(res)
    assert d["verdict"]["kind"] == "keep" and all(o["npv_mean_usd"] < 0 for o in d["options"] if o["option"] != "baseline")
    sentence = d["verdict"]["sentence"]
    assert "keep the current operation" in sentence
    assert " ".join(sentence.split()) in terminal  # terminal: the verdict first
    assert terminal.index("keep the current operation") < terminal.index("Options ranked")
    assert html.escape(sentence) in page_one(res)  # report, page 1
    assert "Keep the current operation" in page_one(res)  # the verdict tile
    ws = sheet(res)
    assert ws["A1"].value == sentence  # spreadsheet
    assert ws["B6"].value == "baseline" and ws["A6"].value == 1  # ranked first


def test_headline_figures_agree_across_terminal_report_and_spreadsheet(winning):
    res, terminal = winning
    d = decision(res)
    assert d["verdict"]["kind"] == "invest" and d["verdict"]["recommended"] == "keep"
    h = headline(d)
    page = page_one(res)
    for figure in ("npv", "payback", "p_payback", "p_best", "cost"):
        assert h[figure] in page, figure  # the report's tiles and table
    for figure in ("npv", "p_payback", "p_best", "cost"):
        assert h[figure] in terminal, figure  # the terminal's ranked and detail tables
    ws = sheet(res)
    header = [c.value for c in ws[5]]
    row = {k: v for k, v in zip(header, [c.value for c in ws[6]])}
    r = h["row"]
    assert row["option"] == "keep"
    assert row["NPV mean (USD)"] == r["npv_mean_usd"] and row["P(best)"] == r["p_best"]
    assert row["cost PV, mean"] == r["cost_pv_usd"] and row["P(payback within horizon)"] == r["p_payback_within_horizon"]
    assert ws.cell(row=6, column=header.index("NPV mean (USD)") + 1).number_format.startswith('"$"')
    assert ws.cell(row=6, column=header.index("P(best)") + 1).number_format == "0%"
    # the same payback everywhere: the chart marks it and the table states it
    assert f"{r['payback_median_months']:.1f}" == h["payback"]


@pytest.mark.slow
def test_notebook_02_shows_the_same_decision(losing, winning, monkeypatch):
    import jupytext
    from nbclient import NotebookClient

    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    monkeypatch.delenv("MPLBACKEND", raising=False)
    for res, _ in (losing, winning):
        nb = jupytext.read(ROOT / "notebooks" / "02_business_case.py")
        cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        cell.source = f"RESULTS = {str(res)!r}"
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(res.parent)}}).execute()
        shown = " ".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))
        d = decision(res)
        assert html.escape(d["verdict"]["sentence"]) in shown
        h = headline(d)
        for figure in ("npv", "payback", "p_payback", "p_best", "cost"):
            assert h[figure] in shown, figure
        if d["verdict"]["kind"] == "keep":
            assert "keep the current operation" in shown
