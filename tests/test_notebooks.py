"""Notebooks execute (small parameters) and their .ipynb stays in sync with the reviewed .py."""

from __future__ import annotations

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
    return nb


@pytest.mark.parametrize("name", ["01_compare_investments", "02_business_case", "03_sensitivity"])
def test_ipynb_is_paired_with_the_py_file(name):
    paired = jupytext.read(NOTEBOOKS / f"{name}.ipynb")
    source = jupytext.read(NOTEBOOKS / f"{name}.py")
    assert [c.source for c in paired.cells] == [c.source for c in source.cells], "run: jupytext --sync notebooks/*.py"


@pytest.mark.slow
def test_notebooks_execute(tmp_path, monkeypatch):
    monkeypatch.delenv("MPLBACKEND", raising=False)  # let the kernel use its inline backend
    world = write(tmp_path / "small.yaml", f"extends: {SCENARIOS / 'baseline.yaml'}\nname: small\nhorizon_months: 3\n"
                  "customers:\n  initial: 3000\n  acquisition_per_month: 60\n  contact_rate_per_month: 1.5\n")
    inv = write(tmp_path / "t.yaml", "extends: small.yaml\ninvestment:\n  name: t\n  levers:\n    - {type: training}\n")
    out = tmp_path / "res"
    nb = run("01_compare_investments", f"BASELINE = {str(world)!r}\nINVESTMENTS = [{str(inv)!r}]\nREPLICATIONS = 2\n"
             f"OUT = {str(out)!r}", tmp_path)
    assert any("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    nb = run("02_business_case", f"RESULTS = {str(out)!r}", tmp_path)
    assert (out / "report.html").is_file()


@pytest.mark.slow
def test_sensitivity_notebook_executes(tmp_path, monkeypatch):
    monkeypatch.delenv("MPLBACKEND", raising=False)
    sc = write(tmp_path / "bot.yaml", f"extends: {SCENARIOS / 'chatbot.yaml'}\nname: bot\nhorizon_months: 3\n"
               "customers:\n  initial: 2000\n  acquisition_per_month: 40\n  contact_rate_per_month: 1.0\n"
               "investment:\n  levers:\n    - type: chatbot\n      channel: chat\n      bot: {containment: 0.3}\n")
    out = tmp_path / "sweep"
    nb = run("03_sensitivity", f"SCENARIO = {str(sc)!r}\nPARAMS = ['investment.levers[0].bot.containment=0.1:0.6', "
             "'customers.monthly_churn=0.01:0.03']\nDESIGN = 'sobol'\nN = 4\nREPLICATIONS = 1\nWORKERS = 1\n"
             f"OUT = {str(out)!r}\nOUTCOME = 'npv_usd'\nCONDITION = 'npv_usd>-20000'", tmp_path)
    assert (out / "sweep.parquet").is_file()
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) >= 2  # indices + tornado, discovery map
