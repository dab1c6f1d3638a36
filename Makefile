# Two commands for a newcomer:  `make demo`  and  `make test`.
# Each one sets up what it needs (a virtualenv in .venv) the first time.

# The first of these that runs and is 3.11 or newer (pyenv shims may exist but not run).
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { command -v $$p; break; }; \
	done)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
DATA_DIR ?= plotboard-data

.PHONY: demo test lint typecheck bench clean frontend

# The editor's bundle (frontend/ -> src/plotboard/static/embed). `npm ci` runs only when
# node_modules is missing or package-lock.json changed; the build only when a source changed.
BUNDLE := src/plotboard/static/embed/plotboard.js
NPM_STAMP := frontend/node_modules/.plotboard-installed
FRONTEND_SOURCES := $(shell find frontend/src -type f 2>/dev/null) frontend/vite.config.ts frontend/tsconfig.json frontend/package.json \
  src/plotboard/ai/chart_rules.json

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "plotboard needs Python 3.11 or newer (python3 --version)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Order-only on the bundle: setup.py's build hook then finds it built (no second npm run).
$(VENV)/.installed: $(BIN)/python pyproject.toml | $(BUNDLE)
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

$(NPM_STAMP): frontend/package-lock.json
	@command -v npm >/dev/null || { echo "plotboard's editor is built with Node.js 20+ (npm): install it first"; exit 1; }
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

$(BUNDLE): $(NPM_STAMP) $(FRONTEND_SOURCES)
	cd frontend && npm run build

## Build the editor's script (served at /embed/plotboard.js).
frontend: $(BUNDLE)

## Run the demo: server, demo database, sample users, the host page at /demo.
demo: $(VENV)/.installed $(BUNDLE)
	$(BIN)/plotboard demo --data-dir $(DATA_DIR) --port $(PORT)

## Run the whole test suite (needs PostgreSQL, MariaDB and Redis on localhost; see README).
test: $(VENV)/.installed-dev $(BUNDLE)
	$(BIN)/ruff check src tests bench setup.py
	$(BIN)/mypy
	cd frontend && npm run --silent typecheck && npm run --silent test
	$(BIN)/pytest

bench: $(VENV)/.installed-dev $(BUNDLE)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
	rm -rf frontend/node_modules src/plotboard/static/embed
