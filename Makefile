# Two commands set everything up on a fresh machine:
#   make build   create .venv, install avr, compile plans/ into build/
#   make test    the same set-up, then the documentation site and the whole test suite (incl. headless Chromium)
#   make docs    the documentation site (MkDocs, docs/) into site/, with --strict
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: build test lint check clean docs messages messages-update browser editor-deps editor-test bench hugo axe pdftools screenshots fuzz fuzz-short

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,docs]'
	touch $(STAMP)

# avr's own messages in Swedish: the catalogue compiled from avr/locale/sv/LC_MESSAGES/avr.po (see README, "Language")
MO := avr/locale/sv/LC_MESSAGES/avr.mo
$(MO): avr/locale/sv/LC_MESSAGES/avr.po $(STAMP)
	$(BIN)/pybabel -q compile -D avr -d avr/locale
messages: $(MO)

# after changing a message in the code: extract the template, merge it into the Swedish catalogue, translate, compile
messages-update: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg --no-location --sort-output --omit-header -o avr/locale/avr.pot avr
	$(BIN)/pybabel -q update -D avr -i avr/locale/avr.pot -d avr/locale -l sv --no-fuzzy-matching --ignore-obsolete

build: $(STAMP) $(MO)
	$(BIN)/avr check
	$(BIN)/avr build

check: $(STAMP) $(MO)
	$(BIN)/avr check

# Debian's chromium: the browser tests drive it through Playwright (no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; }

# axe-core from npm, pinned by tests/a11y/package-lock.json, for the accessibility test
AXE := tests/a11y/node_modules/axe-core/axe.min.js
$(AXE): tests/a11y/package.json tests/a11y/package-lock.json
	npm ci --prefix tests/a11y --no-audit --no-fund --loglevel=error
	touch $(AXE)
axe: $(AXE)

# pdftotext/pdftoppm (Debian poppler-utils) for the PDF tests and screenshots; pango for WeasyPrint
pdftools:
	@command -v pdftoppm >/dev/null 2>&1 && ldconfig -p | grep -q libpango-1.0 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
	    poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }

# PNGs of every report (HTML page and PDF pages) under build/screenshots/ for review without a browser
screenshots: $(STAMP) browser pdftools
	$(BIN)/avr build --format md,html,json,pdf,docx
	$(BIN)/python scripts/screenshots.py build

# The documentation site; --strict: a broken link, a page missing from the nav or any warning fails
docs: $(STAMP) $(MO)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir site

test: $(STAMP) $(MO) docs browser axe pdftools editor-deps fuzz-short
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
	rm -rf build site

# The JSON Schemas in VS Code's own YAML language server (from npm; needs node and npm)
YLS := $(VENV)/node/node_modules/yaml-language-server/package.json
$(YLS):
	npm install --silent --no-audit --no-fund --prefix $(VENV)/node yaml-language-server@1
editor-deps: $(YLS)

editor-test: $(STAMP) editor-deps
	$(BIN)/pytest -q tests/test_schema_editor.py

# Debian's hugo: the benchmark compares avr with it on the same data.
hugo:
	@command -v hugo >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq hugo >/dev/null; \
	  else sudo apt-get -o DPkg::Lock::Timeout=600 update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq hugo >/dev/null; fi; }

# Generates a 50k-file repository under benchmarks/repos/ and writes benchmarks/RESULTS.md: avr now and at
# an older commit (BEFORE, default e39a5f6) against a like-for-like Hugo site and the read+parse floor.
#   make bench FILES=3000   a quick run at 3 000 files, into benchmarks/RESULTS-quick.md
#   make bench RUNS=5       medians of 5 runs instead of 3
bench: $(STAMP) hugo
	@test -x $(BIN)/py-spy || $(BIN)/pip install --quiet py-spy
	$(BIN)/python benchmarks/run.py $(if $(FILES),--files $(FILES)) $(if $(RUNS),--runs $(RUNS)) $(if $(BEFORE),--before $(BEFORE))
