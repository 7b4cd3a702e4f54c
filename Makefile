# Two commands on a fresh machine with Python 3.11: `make demo` and `make test`.
# Both create .venv with python3 -m venv and install the project into it.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEMO   := scenarios/baseline.yaml scenarios/more_agents.yaml scenarios/training.yaml

.PHONY: demo test test-quick install notebooks clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[test]"
	rm -f $(VENV)/.installed-* && touch $@

## Run the baseline and the two shipped investments; prints payback with confidence intervals.
demo: $(STAMP)
	$(VENV)/bin/sim run $(DEMO) --out results/demo --overwrite
	$(VENV)/bin/sim report results/demo

## Every test, the slow statistical oracles included (what CI runs).
test: $(STAMP)
	$(PY) -m pytest -n auto

## Everyday subset: skips the tests marked slow.
test-quick: $(STAMP)
	$(PY) -m pytest -n auto -m "not slow"

## Open the notebooks in JupyterLab (installs the notebooks extra).
notebooks: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[test,notebooks]"
	$(VENV)/bin/jupyter lab notebooks/

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
