# The help centre's interface for editors, operators and CI.
# Every target bootstraps .venv from the pinned requirements.txt when needed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.ready
HOST   ?= 127.0.0.1
PORT   ?= 8000

export NO_MKDOCS_2_WARNING := 1
export PYTHONPATH := $(CURDIR)/scripts

FEEDBACK_PORT ?= 8001
FEEDBACK_DB   ?= sqlite:///var/feedback.sqlite3

BASE ?= origin/main
# make serve on a large help centre: checklists rendered in full from the start
# (besides those changed since BASE, saved, or opened).
PREVIEW ?=

.PHONY: help serve build validate schema test lock clean feedback feedback-report check-links check-parity lint bench

help:
	@echo "make serve     build and preview on http://$(HOST):$(PORT) (live reload; PREVIEW=\"id id\", BASE=)"
	@echo "make test      run the whole test suite"
	@echo "make build     strict build of both languages into site/, one process per language"
	@echo "make validate  check every file in checklists/"
	@echo "make schema    regenerate schema/*.schema.json from the format"
	@echo "make lock      re-pin requirements.txt from requirements.in"
	@echo "make check-links   check every link of the built site (LINKS_ARGS=--external: outside addresses too)"
	@echo "make check-parity  texts changed in one language only since BASE (default origin/main)"
	@echo "make lint          typography and untranslated text in checklists/ (warnings)"
	@echo "make bench         what N checklists cost against the peers (BENCH_N=1000, BENCH_QUICK=1, BENCH_JSON=var/bench.json)"
	@echo "make feedback  build the site with its feedback form, then run the service that receives answers"
	@echo "make feedback-report  answers per article and language: table, var/feedback-report.{csv,html}"

$(READY): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)" % sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@# The generator itself, editable: MkDocs finds the `helpcentre` plugin by its entry point.
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --editable .
	@touch $@

serve: $(READY)
	@$(BIN)/python scripts/port_free.py $(HOST) $(PORT)
	PREVIEW_BASE="$(BASE)" PREVIEW="$(PREVIEW)" $(BIN)/mkdocs serve --strict --livereload --dev-addr $(HOST):$(PORT)

# ENGINE=properdocs builds with ProperDocs, the maintained fork of MkDocs 1.x
# (Material reaches end of life in 2027; MkDocs 2 drops plugins).
ENGINE ?= mkdocs

build: $(READY)
	$(BIN)/$(ENGINE) build --strict -f mkdocs.yml --site-dir site

validate: $(READY)
	$(BIN)/python -m helpcentre validate

schema: $(READY)
	$(BIN)/python -m helpcentre schema

test: $(READY)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check-links: $(READY)
	$(BIN)/python -m helpcentre.links --site site --root . $(LINKS_ARGS)

check-parity: $(READY)
	$(BIN)/python -m helpcentre.parity --base $(BASE) $(PARITY_ARGS)

lint: $(READY)
	$(BIN)/python -m helpcentre.lint $(LINT_ARGS)

# Environment passes through: BENCH_N, BENCH_QUICK, BENCH_JSON and the rest (see bench/README.md).
# The measuring code lives outside the product, in bench/ at the top level.
bench: $(READY)
	PYTHONPATH=$(CURDIR)/scripts:$(CURDIR) $(BIN)/python -m bench

# The feedback service reads site/feedback-manifest.json, written by the build, and searches
# site/'s per-language search indexes for readers without JavaScript (GET /search).
# Preview with the form in another terminal: FEEDBACK_ENDPOINT=http://127.0.0.1:$(FEEDBACK_PORT) make serve
feedback: $(READY)
	FEEDBACK_ENDPOINT=http://$(HOST):$(FEEDBACK_PORT) $(BIN)/mkdocs build --strict --site-dir site
	$(BIN)/python -m helpcentre_feedback serve --host $(HOST) --port $(FEEDBACK_PORT) \
	  --db $(FEEDBACK_DB) --manifest site/feedback-manifest.json --site site --site-url http://$(HOST):$(PORT)/

feedback-report: $(READY)
	$(BIN)/python -m helpcentre_feedback report --db $(FEEDBACK_DB) \
	  --csv var/feedback-report.csv --html var/feedback-report.html

lock: $(READY)
	$(BIN)/python -m pip install --quiet -r requirements.in
	{ echo '# Pinned set, generated from requirements.in by `make lock`. Do not edit by hand.'; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^pip=='; } > requirements.txt

clean:
	rm -rf site var .pytest_cache
