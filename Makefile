# Everything a newcomer needs goes through this file: `make run` and `make test`
# set up a virtualenv (.venv) and the buf CLI (node_modules) from the project's own files.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUF := node_modules/.bin/buf

.PHONY: setup browser run test unit lint protos bench faults soak clean

setup: $(VENV)/.installed $(BUF) browser

## The console's browser tests drive Debian's Chromium (tests/support/browser.py). In CI (CI set), as root,
## it is installed when missing; elsewhere its tests skip with a message (`apt-get install chromium` to run them).
browser:
	@if [ ! -x /usr/bin/chromium ] && [ -n "$${CI:-}" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium for the console's browser tests"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

$(BUF): package.json
	npm install --no-save --silent
	touch $@

## Run the whole wallet (core + the three gateways) on SQLite with demo data.
run: setup
	$(VENV)/bin/wallet up

# The coverage `make test` requires, in % of the lines of wallet_core/, gateways/ and wallet_cli/ (the
# `wallet` processes the tests start included): a little below what it measured (98.1 % with PostgreSQL,
# 96.5 % without it), to be raised as it grows.
COV_FLOOR ?= 96

## The whole test suite with coverage (it fails below COV_FLOOR), then the linters and the generated-code
## check. It ends with the reasons of any skip and a line saying whether the PostgreSQL tests ran.
test: setup
	$(PY) -m pytest -q -rs --cov --cov-fail-under=$(COV_FLOOR)
	$(MAKE) --no-print-directory lint

## The quick loop while writing code, a minute or so: the unit tests alone, without PostgreSQL, coverage
## or the folders whose tests start processes (the benchmark, the fault drills, the `wallet` command).
## Not a substitute for `make test`.
unit: setup
	$(PY) -m pytest -q -rs -m "not postgres" --ignore=tests/bench --ignore=tests/faults --ignore=tests/wallet_cli

# What `buf breaking` compares the contract with: main by default (a branch is checked against it).
BUF_AGAINST ?= .git\#branch=main

lint: setup
	$(BUF) lint
	@if git rev-parse --verify --quiet main >/dev/null; then \
		echo "$(BUF) breaking --against '$(BUF_AGAINST)'"; $(BUF) breaking --against '$(BUF_AGAINST)'; \
	else echo "buf breaking: no local main branch to compare with; skipped"; fi
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(PY) scripts/generate_protos.py --check

## Regenerate wallet/v1 from protos/ (commit the result).
protos: $(VENV)/.installed
	$(PY) scripts/generate_protos.py

## The benchmark (docs/performance.md): about 3 minutes on 2 cores; writes bench-results.json.
## A before/after ratio of core CPU per Debit: make bench BENCH_ARGS="--cpu-per-debit DIR" (DIR: the other checkout).
bench: setup
	$(PY) -m bench $(BENCH_ARGS)

## The fault drills (docs/faults.md): the core, the gateways and PostgreSQL killed and restarted under a
## provider simulator's load, then a table of the money lost or duplicated (must be 0). About 4 minutes.
faults: setup
	$(PY) -m faults $(FAULTS_ARGS)

## The soak (docs/faults.md): mixed load on the three gateways, wallet verify every minute, memory read.
SOAK_SECONDS ?= 600
soak: setup
	$(PY) -m faults --soak $(SOAK_SECONDS) $(FAULTS_ARGS)

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
