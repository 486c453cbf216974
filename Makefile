# Two commands set everything up on a fresh machine:
#   make build   create .venv, install avr, compile plans/ into build/
#   make test    the same set-up, then the whole test suite (incl. headless Chromium)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: build test lint check clean browser fuzz fuzz-short

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/avr check
	$(BIN)/avr build

check: $(STAMP)
	$(BIN)/avr check

# Debian's chromium: the browser tests drive it through Playwright (no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

test: $(STAMP) browser fuzz-short
	$(BIN)/pytest -q

# atheris fuzzing of the loader and schemas (fuzz/fuzz_loader.py); fuzz/corpus/ holds the seeds and the
# regression cases, .fuzz-work/ what a run finds, fuzz/crashes/ the inputs that failed.
FUZZ = mkdir -p .fuzz-work fuzz/crashes && $(BIN)/python fuzz/fuzz_loader.py -artifact_prefix=fuzz/crashes/ -timeout=10 -rss_limit_mb=2048

fuzz-short: $(STAMP)
	@$(FUZZ) -max_total_time=20 .fuzz-work fuzz/corpus > .fuzz-work.log 2>&1 \
	  || { tail -n 40 .fuzz-work.log; echo "fuzz: an input failed; it is in fuzz/crashes/"; exit 1; }
	@grep -E '^Done [0-9]+ runs' .fuzz-work.log

fuzz: $(STAMP)
	$(FUZZ) -max_total_time=600 .fuzz-work fuzz/corpus

lint: $(STAMP)
	$(BIN)/ruff check avr tests
	$(BIN)/mypy avr

clean:
	rm -rf build
