# civicmod: `make run` starts everything with demo traffic; `make test` runs lint and every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_RATE ?= 20
DEMO_COUNT ?= 100000

.PHONY: install run test lint unit integration bench compare train thresholds evaluate clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,embedded]'
	touch $(STAMP)

run: install
	$(BIN)/civicmod up --demo-rate $(DEMO_RATE) --demo-count $(DEMO_COUNT)

lint: install
	$(BIN)/ruff check civicmod pipeline classifiers sinks tests benchmarks
	$(BIN)/mypy civicmod pipeline classifiers sinks tests benchmarks

test: install lint
	$(BIN)/pytest

unit: install
	$(BIN)/pytest tests/unit tests/regression

integration: install
	$(BIN)/pytest tests/integration

PEERS_STAMP := $(VENV)/.peers-stamp

$(PEERS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,embedded,peers]'
	touch $(PEERS_STAMP)

# Benchmarks against peers (alt-profanity-check, hatesonar: hatesonar needs the en_US.UTF-8
# locale). Results and machine go in docs/benchmarks.md and docs/classifiers.md.
bench: $(PEERS_STAMP)
	$(BIN)/python -m benchmarks.bench_matcher
	$(BIN)/python -m benchmarks.bench_rules
	$(BIN)/python -m benchmarks.bench_detectors

compare: $(PEERS_STAMP)
	$(BIN)/python -m benchmarks.compare_peers --write docs/classifiers.md

# Not part of `make test`: train reads ../shared/datasets when present (a few minutes).
train: install
	$(BIN)/civicmod train

# After `make train`: the review thresholds of b and c for config/policy.yaml (docs/thresholds.md).
thresholds: install
	$(BIN)/python -m benchmarks.choose_thresholds --write docs/thresholds.md

evaluate: install
	$(BIN)/civicmod evaluate classifiers/corpus/labeled.jsonl --split test
	$(BIN)/civicmod evaluate classifiers/corpus/legitimate.jsonl
	$(BIN)/civicmod evaluate classifiers/corpus/identity_handwritten.jsonl --split test --card classifiers/model/MODEL_CARD.md

clean:
	rm -rf $(VENV) .civicmod .pytest_cache .mypy_cache .ruff_cache
