# Two commands on a fresh machine with Python 3.11: `make demo` and `make test`.
# Both create .venv with python3 -m venv and install the project into it (the demo without the
# test extras, so it starts sooner).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check
HASH   := $(shell cksum pyproject.toml | cut -d' ' -f1)
BASE   := $(VENV)/.base-$(HASH)
TEST   := $(VENV)/.test-$(HASH)
DEMO   := scenarios/baseline.yaml scenarios/more_agents.yaml scenarios/training.yaml

.PHONY: demo test test-quick install notebooks mutate clean

install: $(TEST)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(BASE): pyproject.toml | $(VENV)/bin/python
	$(PIP) -e .
	rm -f $(VENV)/.base-* && touch $@

$(TEST): pyproject.toml | $(VENV)/bin/python
	$(PIP) -e ".[test]"
	rm -f $(VENV)/.test-* $(VENV)/.base-* && touch $@ $(BASE)

## Run the baseline and the two shipped investments; prints payback with confidence intervals,
## then writes the one-page report and prints its path.
demo: $(BASE)
	$(VENV)/bin/sim run $(DEMO) --out results/demo --overwrite
	$(VENV)/bin/sim report results/demo
	$(VENV)/bin/sim spreadsheet results/demo

## The layer contracts (import-linter), then every test, the slow statistical oracles included (what CI runs).
test: $(TEST)
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -n auto

## Everyday subset: skips the tests marked slow.
test-quick: $(TEST)
	$(PY) -m pytest -n auto -m "not slow"

## Open the notebooks in JupyterLab (installs the notebooks extra).
notebooks: $(TEST)
	$(PIP) -e ".[test,notebooks]"
	$(VENV)/bin/jupyter lab notebooks/

## Mutation testing (not in CI: minutes to hours): mutmut mutates the modules that decide the answer
## (pyproject.toml [tool.mutmut] only_mutate: edit the list there) and runs the fast test subset
## listed beside it against each mutant. Narrow a run with mutant-name globs, e.g.
## `make mutate MUTATE="sim.experience.* sim.appraisal.finance.*"`; see docs/testing.md for the last scores.
MUTATE ?=
MUTATE_JOBS ?= 2
mutate: $(TEST)
	$(PIP) -e ".[test,mutate]"
	$(VENV)/bin/mutmut run --max-children $(MUTATE_JOBS) $(MUTATE)
	$(VENV)/bin/mutmut results

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info mutants
