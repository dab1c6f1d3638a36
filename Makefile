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

.PHONY: demo test test-lowest lock lint typecheck bench clean frontend npm-package

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
# requirements-dev.lock pins every package (`make lock` refreshes it), so every developer and
# CI test the same versions.
$(VENV)/.installed: $(BIN)/python pyproject.toml requirements-dev.lock | $(BUNDLE)
	$(BIN)/pip install --quiet -c requirements-dev.lock -e .
	@touch $@

# The host backends' Python client (clients/python, its own package: httpx only); the tests and
# the docs' examples use it, and `plotboard.client` names its objects.
$(VENV)/.installed-dev: $(VENV)/.installed clients/python/pyproject.toml
	$(BIN)/pip install --quiet -c requirements-dev.lock -e '.[dev]' -e clients/python
	@touch $@

# The lowest versions pyproject.toml allows, in a virtualenv of their own.
LOWEST := .venv-lowest
$(LOWEST)/.installed: pyproject.toml constraints-lowest.txt
	@test -n "$(PYTHON)" || { echo "plotboard needs Python 3.11 or newer (python3 --version)"; exit 1; }
	rm -rf $(LOWEST)
	$(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet --upgrade pip
	PLOTBOARD_SKIP_FRONTEND=1 $(LOWEST)/bin/pip install --quiet -c constraints-lowest.txt -e '.[all,uvloop]' \
		-e clients/python pytest pytest-timeout hypothesis
	@touch $@

$(NPM_STAMP): frontend/package-lock.json
	@command -v npm >/dev/null || { echo "plotboard's editor is built with Node.js 20+ (npm): install it first"; exit 1; }
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

$(BUNDLE): $(NPM_STAMP) $(FRONTEND_SOURCES)
	cd frontend && npm run build

## Build the editor's script (served at /embed/plotboard.js).
frontend: $(BUNDLE)

## Pack the npm package @plotboard/editor: frontend/plotboard-editor-<version>.tgz (builds dist/).
npm-package: $(NPM_STAMP)
	cd frontend && npm pack

## Run the demo: server, demo database, sample users, the host page at /demo.
demo: $(VENV)/.installed $(BUNDLE)
	$(BIN)/plotboard demo --data-dir $(DATA_DIR) --port $(PORT)

## Run the whole test suite (needs PostgreSQL, MariaDB and Redis on localhost; see README).
test: $(VENV)/.installed-dev $(BUNDLE)
	$(BIN)/ruff check src tests bench setup.py clients/python examples/django
	$(BIN)/mypy
	cd frontend && npm run --silent typecheck && npm run --silent test
	$(BIN)/pytest

## A fast subset of the tests on the lowest allowed versions (constraints-lowest.txt): every
## module imports, the query engine, the access rules, tokens, the admin API and the store
## (ClickHouse, whose engine the tests run in process, only in `make test`).
test-lowest: $(LOWEST)/.installed
	$(LOWEST)/bin/pytest -q -p no:cacheprovider -m "not clickhouse" tests/test_import_all.py tests/test_imports.py \
		tests/query tests/access tests/api/test_tokens.py tests/api/test_admin.py tests/test_store.py \
		tests/sdk/test_python_client.py

## Refresh requirements-dev.lock from pyproject.toml (newest versions that fit).
lock: $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --upgrade --extra dev --strip-extras --no-emit-index-url \
		--no-emit-find-links --output-file requirements-dev.lock pyproject.toml

bench: $(VENV)/.installed-dev $(BUNDLE)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) $(LOWEST) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
	rm -rf frontend/node_modules src/plotboard/static/embed
