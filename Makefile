# paperdeck: `make run` opens the reader on the bundled sample digests; `make test` runs every test.
# Both create the virtual environment in .venv on first use; only python3 (3.11+) is needed.
# `make lint` checks the code with ruff (`make format` fixes what it can); `make bench` measures every speed figure (BENCH_ARGS=--quick for a one-minute check).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_HOME := .paperdeck-demo

.PHONY: run test lint format bench venv clean

run: $(VENV)/.installed-run
	$(BIN)/paperdeck --home $(DEMO_HOME)

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.installed-run
	$(BIN)/python bench/run.py $(BENCH_ARGS)

venv: $(VENV)/.installed-test

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "paperdeck needs Python 3.11 or newer; $(PYTHON) is " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	@touch $@ $(VENV)/.installed-run

clean:
	rm -rf $(VENV) $(DEMO_HOME) build dist .pytest_cache .hypothesis
