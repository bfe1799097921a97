# civicmod: `make run` starts everything with demo traffic; `make test` runs lint and every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_RATE ?= 20
DEMO_COUNT ?= 100000

.PHONY: install run test lint unit integration bench train evaluate clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install
	$(BIN)/civicmod up --demo-rate $(DEMO_RATE) --demo-count $(DEMO_COUNT)

lint: install
	$(BIN)/ruff check pipeline classifiers sinks tests benchmarks
	$(BIN)/mypy pipeline classifiers sinks

test: install lint
	$(BIN)/pytest

unit: install
	$(BIN)/pytest tests/unit

integration: install
	$(BIN)/pytest tests/integration

bench: install
	$(BIN)/python benchmarks/bench_matcher.py

# Not part of `make test`: train reads ../shared/datasets when present (a few minutes).
train: install
	$(BIN)/civicmod train

evaluate: install
	$(BIN)/civicmod evaluate classifiers/corpus/labeled.jsonl --split test
	$(BIN)/civicmod evaluate classifiers/corpus/legitimate.jsonl

clean:
	rm -rf $(VENV) .civicmod .pytest_cache .mypy_cache .ruff_cache
