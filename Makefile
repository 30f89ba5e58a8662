# The two commands a user needs (README.md, Quick start):
#   make demo   set everything up, start the local chain and IPFS node, deploy the suite and
#               narrate one day with it (hygeia demo), ending with addresses, files and gas
#   make test   set everything up and run the whole test suite
# Set-up steps are stamp files, so a second run skips them and starts real work in seconds.
# Also `make bench` (docs/benchmarks.md): figures into reports/bench.{json,md}; choose parts and
# options with BENCH_ARGS, e.g. make bench BENCH_ARGS="gas records --sizes 1MiB"; --docs also
# rewrites the tables of docs/benchmarks.md.
# `make lint` (docs/testing.md): ruff and mypy on the Python, solhint and prettier --check on the
# Solidity; `make format` formats the Solidity.
# And `make audit` (docs/testing.md): slither over the contracts; it fails on any finding
# not fixed or triaged (audit/slither-triage.md). Extra slither options with AUDIT_ARGS, e.g.
# make audit AUDIT_ARGS="--show-ignored-findings".

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
STATE := .hygeia
STAMPS := $(STATE)/stamps

# Everything below runs with the project's own tools first on PATH.
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
# py-solc-x (and so brownie) looks for compilers here instead of ~/.solcx.
export SOLCX_BINARY_PATH := $(CURDIR)/$(STATE)/solcx
# brownie keeps its network list under $$HOME/.brownie and has no setting to move it: brownie and
# the tests run with this project-local HOME so the user's own ~/.brownie is never touched.
BROWNIE_HOME := $(CURDIR)/$(STATE)/brownie-home
# slither lives in its own venv: its solc-select dependency installs a `solc` command that
# downloads compilers (and fails offline), which must not land in .venv/bin on everyone's PATH,
# and its web3/eth-* ranges must not constrain brownie's pins.
AUDIT_VENV := $(STATE)/audit-venv

# What `make lint` and `make format` read, less what .solhintignore and .prettierignore list (none
# today; audit/solidity-lint.md says when a file may be listed).
SOLIDITY := 'contracts/**/*.sol' 'interfaces/**/*.sol'
PRETTIER_CACHE := $(STATE)/prettier-cache.json

SOLC_VERSION := $(shell sed -n 's/^ *version: *\([0-9.]*\)$$/\1/p' brownie-config.yaml)

.PHONY: setup demo test bench lint format audit clean

# slither's venv is not part of it: only `make audit` uses it, which installs it first.
setup: $(STAMPS)/python $(STAMPS)/node $(STAMPS)/solc $(STAMPS)/brownie-networks \
	$(STAMPS)/postgresql $(STAMPS)/chromium

# setuptools tells every editable install of a package found in the project root (hygeia/) that
# "folders in your working directory with the same name as your package may take precedence
# during imports": here that folder is the package itself, so the notice is dropped, by its text
# only; every other warning still shows.
$(STAMPS)/python: pyproject.toml
	@mkdir -p $(STAMPS)
	@echo "==> Python venv ($(VENV)) with the project and its dependencies"
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@PYTHONWARNINGS="ignore:Editable installation" \
		$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@$(VENV)/bin/python -m pip check
	@touch $@

$(STAMPS)/node: package.json package-lock.json
	@mkdir -p $(STAMPS)
	@echo "==> npm packages (solc-js, OpenZeppelin, anvil, ganache, IPFS node)"
	@npm ci --no-audit --no-fund --loglevel=error
	@rm -f $(PRETTIER_CACHE)
	@touch $@

$(STAMPS)/solc: $(STAMPS)/node tools/solc/solc.js tools/solc/install.sh
	@echo "==> solc $(SOLC_VERSION) (solc-js shim) for py-solc-x and brownie"
	@tools/solc/install.sh
	@test -x $(SOLCX_BINARY_PATH)/solc-v$(SOLC_VERSION) || { echo "solc $(SOLC_VERSION) from brownie-config.yaml does not match the npm solc package" >&2; exit 1; }
	@touch $@

$(STAMPS)/brownie-networks: tools/brownie/network-config.yaml
	@mkdir -p $(BROWNIE_HOME)/.brownie $(STAMPS)
	@cp tools/brownie/network-config.yaml $(BROWNIE_HOME)/.brownie/network-config.yaml
	@touch $@

$(STAMPS)/audit: tools/audit/requirements.txt
	@mkdir -p $(STAMPS)
	@echo "==> slither (static analysis) in its own venv ($(AUDIT_VENV))"
	@test -x $(AUDIT_VENV)/bin/python || $(PYTHON) -m venv $(AUDIT_VENV)
	@$(AUDIT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(AUDIT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tools/audit/requirements.txt
	@$(AUDIT_VENV)/bin/python -m pip check
	@touch $@

# The event index's tests run a throwaway PostgreSQL cluster (tests/index/postgres.py): its server
# binaries (initdb, pg_ctl) come from Debian's postgresql package, installed here when absent and
# when apt-get may (as root). Without them those tests skip and say why.
$(STAMPS)/postgresql:
	@mkdir -p $(STAMPS)
	@if command -v pg_ctl >/dev/null || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "==> PostgreSQL server (Debian's postgresql) for the event index's tests"; \
		{ apt-get install -y -q postgresql >/dev/null 2>&1 || \
		  { apt-get update -q >/dev/null && apt-get install -y -q postgresql >/dev/null; }; } || \
		echo "PostgreSQL could not be installed: the index's PostgreSQL tests will skip" >&2; \
	else \
		echo "no PostgreSQL server (install Debian's postgresql): the index's PostgreSQL tests will skip" >&2; \
	fi
	@touch $@

# The gateway's pages are tested in headless Chromium driven by Selenium with the system
# chromedriver (Selenium Manager's own browser download fails offline): Debian's chromium and
# chromium-driver, installed here when absent and when apt-get may (as root). Without them the
# browser tests skip and say why.
$(STAMPS)/chromium:
	@mkdir -p $(STAMPS)
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "==> Chromium and its driver (Debian's chromium, chromium-driver) for the pages' tests"; \
		{ apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 || \
		  { apt-get update -q >/dev/null && apt-get install -y -q chromium chromium-driver >/dev/null; }; } || \
		echo "Chromium could not be installed: the gateway's browser tests will skip" >&2; \
	else \
		echo "no Chromium (install Debian's chromium and chromium-driver): the browser tests will skip" >&2; \
	fi
	@touch $@

demo: setup
	@$(VENV)/bin/hygeia node up
	@$(VENV)/bin/hygeia demo --serve

# The suite runs on one pytest-xdist worker per core: brownie's plugin gives each worker a dev
# chain of its own (the network's port plus the worker's number) and keeps each test file on one
# worker, so a module's chain fixtures are built once. PYTEST_WORKERS=0 runs in one process.
# Files are handed out in the order tests/conftest.py sorts them (the slow checks first), not
# xdist's default of the files with the most tests first: that default started the fresh-clone
# check, one test, last, and the other worker then sat idle for its two to three minutes.
PYTEST_WORKERS ?= auto

# The contracts are compiled once before the workers start: workers compiling a fresh clone's
# build/ at once read each other's half-written artifacts, and brownie's xdist master then finds
# the workers' contract hashes differ.
# pytest rewrites each test module's asserts when it imports it and caches the result as bytecode;
# PYTHONDONTWRITEBYTECODE (set in many container images) forbids that cache, and then every
# worker and every run redoes it (7 s a process). The test run writes its bytecode (into
# __pycache__/ folders, which git ignores).
test: setup
	@bin/brownie compile > $(STATE)/test-compile.log 2>&1 || { cat $(STATE)/test-compile.log >&2; exit 1; }
	@HOME=$(BROWNIE_HOME) PYTHONDONTWRITEBYTECODE= $(VENV)/bin/python -m pytest -n $(PYTEST_WORKERS) --no-loadscope-reorder $(PYTEST_ARGS)

bench: setup
	@$(VENV)/bin/python -m bench $(BENCH_ARGS)

# slither compiles brownie-config.yaml's settings (tools/audit/solc_input.py) with the solc shim,
# reads slither.config.json (filters, detector exclusions) and honours the `// slither-disable-...`
# comments in the contracts; exit status non-zero on any finding left. VIRTUAL_ENV keeps
# solc-select's folder (created on import) inside the audit venv instead of ~/.solc-select.
audit: setup $(STAMPS)/audit
	@$(VENV)/bin/python tools/audit/solc_input.py $(STATE)/audit/solc-input.stdjson
	@VIRTUAL_ENV=$(CURDIR)/$(AUDIT_VENV) $(AUDIT_VENV)/bin/slither $(STATE)/audit/solc-input.stdjson \
		--solc $(SOLCX_BINARY_PATH)/solc-v$(SOLC_VERSION) $(AUDIT_ARGS)

# The Solidity in contracts/ and interfaces/: solhint (.solhint.json; any finding fails, warnings
# too; --disc skips its online update check; no --cache, which would hide a file's warnings on
# the next run) and prettier --check (.prettierrc; its cache skips files unchanged since they
# last passed, for the same prettier version and options; npm ci drops it, so a new plugin
# version checks everything again). Both leave out the files their ignore files list (none today;
# audit/solidity-lint.md). Offline: neither reads the network.
lint: setup
	@$(VENV)/bin/ruff check hygeia tests scripts bench
	@$(VENV)/bin/ruff format --check hygeia tests scripts bench tools
	@$(VENV)/bin/mypy
	@solhint --disc --noPoster --max-warnings 0 $(SOLIDITY)
	@prettier --check --log-level warn --cache --cache-location $(PRETTIER_CACHE) $(SOLIDITY)

# prettier (.prettierrc) formats the Solidity in contracts/ and interfaces/, except the files
# .prettierignore lists (none today; audit/solidity-lint.md); `make lint` checks it.
format: setup
	@$(VENV)/bin/ruff format hygeia tests scripts bench tools
	@prettier --write --log-level warn $(SOLIDITY)

clean:
	@-$(VENV)/bin/hygeia node down 2>/dev/null
	rm -rf $(STATE) build reports
