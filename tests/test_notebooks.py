"""Notebooks execute (small parameters) with no warning or error in their outputs, and their .ipynb
stays in sync with the reviewed .py."""

from __future__ import annotations

import os

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from tests.helpers import ROOT, SCENARIOS, write

NOTEBOOKS = ROOT / "notebooks"


def run(name: str, params: str, cwd) -> nbformat.NotebookNode:
    nb = jupytext.read(NOTEBOOKS / f"{name}.py")
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = params
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    assert_clean(nb)
    return nb


def assert_clean(nb: nbformat.NotebookNode) -> None:
    """No error, no warning and nothing on stderr in any output (a TqdmWarning box, a pandas warning...)."""
    for c in nb.cells:
        for o in c.get("outputs", []):
            assert o.get("output_type") != "error", o
            assert not (o.get("output_type") == "stream" and o.get("name") == "stderr"), o.get("text")
            text = str(o.get("text", "")) + " ".join(str(v) for v in o.get("data", {}).values())
            assert "Warning" not in text, text[:500]


@pytest.fixture(autouse=True)
def kernel_imports_this_checkout(monkeypatch):
    """The kernel imports ``sim`` from this checkout, not from wherever it is installed."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # let the kernel use its inline backend


@pytest.mark.parametrize("name", ["01_compare_investments", "02_business_case", "03_sensitivity"])
def test_ipynb_is_paired_with_the_py_file(name):
    paired = jupytext.read(NOTEBOOKS / f"{name}.ipynb")
    source = jupytext.read(NOTEBOOKS / f"{name}.py")
    assert [c.source for c in paired.cells] == [c.source for c in source.cells], "run: jupytext --sync notebooks/*.py"


@pytest.mark.slow
def test_notebooks_execute(tmp_path):
    world = write(tmp_path / "small.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}\nname: small\nhorizon_months: 3\n"
                  "customers:\n  initial: 3000\n  acquisition_per_month: 60\n  contact_rate_per_month: 1.5\n")
    inv = write(tmp_path / "t.yaml", "extends: small.yaml\ninvestment:\n  name: t\n  levers:\n    - {type: training}\n")
    out = tmp_path / "res"
    nb = run("01_compare_investments", f"BASELINE = {str(world)!r}\nINVESTMENTS = [{str(inv)!r}]\nREPLICATIONS = 2\n"
             f"OUT = {str(out)!r}\nWHAT_IF = {str(inv)!r}\nWHAT_IF_REPLICATIONS = 2", tmp_path)
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert any("image/png" in o.get("data", {}) for o in outputs)
    assert any("simulating: 4 of 4 runs done" in str(o.get("data", {}).get("text/plain", "")) for o in outputs)  # progress
    assert any("id='verdict'" in o.get("data", {}).get("text/html", "") for o in outputs)  # the decision, formatted
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)  # the what-if form
    nb = run("02_business_case", f"RESULTS = {str(out)!r}", tmp_path)
    html = " ".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))
    assert "id='verdict'" in html and "id='tiles'" in html and "id='ranked'" in html
    assert (out / "report.html").is_file() and (out / "business_case.xlsx").is_file()


@pytest.mark.slow
def test_sensitivity_notebook_executes(tmp_path):
    sc = write(tmp_path / "bot.yaml", f"extends: {SCENARIOS / 'chatbot.yaml'}\nname: bot\nhorizon_months: 3\n"
               "customers:\n  initial: 2000\n  acquisition_per_month: 40\n  contact_rate_per_month: 1.0\n"
               "investment:\n  levers:\n    - type: chatbot\n      channel: chat\n      bot: {containment: 0.3}\n")
    out = tmp_path / "sweep"
    nb = run("03_sensitivity", f"SCENARIO = {str(sc)!r}\nPARAMS = ['investment.levers[0].bot.containment=0.1:0.6', "
             "'experience.churn_beta=1.0:5.5']\nDESIGN = 'sobol'\nN = 4\nREPLICATIONS = 1\nWORKERS = 1\n"
             f"OUT = {str(out)!r}\nOUTCOME = 'npv_usd'\nCONDITION = 'npv_usd>-20000'", tmp_path)
    assert (out / "sweep.parquet").is_file()
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) >= 2  # indices + tornado, discovery map
