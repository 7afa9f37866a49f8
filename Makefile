# The two set-up commands of the README. Each creates .venv itself on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: tour test bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

tour: $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	$(BIN)/weifen tour --out tour-out

test: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m pytest

bench: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python benchmarks/bench_core.py

lint: $(BIN)/python
	$(BIN)/python -m pip install -q ruff
	$(BIN)/ruff check weifen

clean:
	rm -rf $(VENV) tour-out .pytest_cache
