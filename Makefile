# Lintas: one command for each habit. Run `make demo` or `make test` on a fresh machine.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= $(shell scripts/find-python)
DEMO_ENV := LINTAS_DEBUG=1 LINTAS_NODE=hub
LINT_PATHS := lintas tests scripts $(wildcard bench)

.PHONY: install install-dev demo serve test test-sqlite test-postgres check lint format bench messages clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "No Python 3.12+ found"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

demo: install
	$(DEMO_ENV) $(BIN)/lintas migrate --verbosity 0
	$(DEMO_ENV) $(BIN)/lintas load-reference
	$(DEMO_ENV) $(BIN)/lintas seed-demo
	@echo "Lintas is at http://127.0.0.1:8000/ and its phone app at http://127.0.0.1:8000/m/ (Ctrl+C stops it)"
	$(DEMO_ENV) $(BIN)/lintas runserver 127.0.0.1:8000 --noreload

test: install-dev
	scripts/test-deps
	scripts/run-tests

test-sqlite: install-dev
	scripts/test-deps
	scripts/run-tests sqlite

test-postgres: install-dev
	scripts/test-deps
	scripts/run-tests postgres

check: install-dev
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	LINTAS_TESTING=1 $(BIN)/mypy lintas
	LINTAS_TESTING=1 $(BIN)/lintas makemigrations --check --dry-run

format: install-dev
	$(BIN)/ruff format $(LINT_PATHS)
	$(BIN)/ruff check --fix $(LINT_PATHS)

bench: install-dev
	scripts/test-deps
	$(BIN)/python -m bench

messages: install
	cd lintas && ../$(BIN)/lintas makemessages --locale id --no-obsolete --ignore 'static/*' --ignore 'portal/*'
	$(BIN)/lintas portal-messages
	cd lintas && ../$(BIN)/lintas compilemessages

clean:
	rm -rf $(VENV) var build *.egg-info
