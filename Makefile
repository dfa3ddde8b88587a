# One entry point. `make demo` runs the main job, `make test` the tests; each installs what is
# missing first (Python from uv.lock, npm from package-lock.json, the solc-js facade, anvil).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.8
SOLC_VERSION := 0.8.28
VENV := .venv
TOOLCHAIN := .toolchain
# The local node's port: several clones on one machine each take their own (make demo NODE_PORT=8546).
NODE_PORT ?= $(or $(CARBON_NODE_PORT),8545)
export CARBON_NODE_PORT := $(NODE_PORT)
# The local node's implementation: anvil (state kept in .chain/anvil-state.json) or hardhat
# (Hardhat's node, EDR; keeps no state, so each start is an empty chain and the deploy redeploys).
# Only the demo's node follows it: the tests start the nodes they need themselves.
NODE ?= $(or $(CARBON_NODE),anvil)
demo node-stop: export CARBON_NODE := $(NODE)
NETWORK := ethereum:local:http://127.0.0.1:$(NODE_PORT)

export SOLCX_BINARY_PATH := $(CURDIR)/$(TOOLCHAIN)/solcx
export PATH := $(CURDIR)/$(VENV)/bin:$(CURDIR)/$(TOOLCHAIN)/bin:$(PATH)
export PYTHONPATH := $(CURDIR)
# Keep ape's data (accounts, caches) inside the project so a fresh clone needs nothing else.
export APE_DATA_FOLDER := $(CURDIR)/.ape

UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT_INSTALL := $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq

.PHONY: help setup compile test lint slither demo bench node-stop clean

help:
	@echo "make demo   start a local node, deploy the suite and the 24 industries' standards,"
	@echo "            compute the sample enterprise, onboard four enterprises, submit and verify"
	@echo "            their year, and run the compliance cycle"
	@echo "            NODE=hardhat runs it on Hardhat's node instead of anvil (NODE_PORT=N: the"
	@echo "            node's port, 8545 by default); make node-stop NODE=... stops that node"
	@echo "make test   lint, slither (against slither.triage.json), and every test against a"
	@echo "            real anvil node; the second-node smoke test also on Hardhat's node"
	@echo "make bench  print the gas, storage and calculator benchmark tables"

setup: $(VENV)/.synced node_modules/.package-lock.json $(TOOLCHAIN)/solcx/solc-v$(SOLC_VERSION) $(TOOLCHAIN)/bin/anvil
	@# Debian packages: a CJK font for the charts' Chinese labels; Chromium for the portal's
	@# browser tests (Playwright drives Debian's; it cannot download one here).
	@fc-list :lang=zh 2>/dev/null | grep -q . || ($(APT_INSTALL) fonts-noto-cjk)
	@test -x /usr/bin/chromium || ($(APT_INSTALL) chromium chromium-driver)

$(VENV)/.synced: uv.lock pyproject.toml
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) sync --frozen --extra dev --python $(PYTHON)
	@touch $@

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# py-solc-x looks for `solc-v<version>` in SOLCX_BINARY_PATH; this one runs solc-js.
$(TOOLCHAIN)/solcx/solc-v$(SOLC_VERSION): tools/solc-facade.cjs node_modules/.package-lock.json
	@mkdir -p $(@D)
	@printf '#!/bin/sh\nexec node "%s/tools/solc-facade.cjs" "$$@"\n' "$(CURDIR)" > $@
	@chmod +x $@

# The anvil binary from npm (linux-amd64, the platform of the machines this project runs on),
# linked where ape-foundry and `carbon node` look for it.
$(TOOLCHAIN)/bin/anvil: node_modules/.package-lock.json
	@mkdir -p $(@D)
	@ln -sf "$$(node -e 'const p=require("path");console.log(p.join(p.dirname(require.resolve("@foundry-rs/anvil-linux-amd64/package.json")),"bin","anvil"))')" $@
	@$@ --version >/dev/null

# ape-solidity recompiles only the files that changed, not the ones importing them; recompile
# everything whenever any source or the compiler settings change. Meanwhile the build-info
# upgrades-core checks upgrades with is compiled (cached in .build/build-info by source content).
compile: setup
	@python -m offchain.actions.upgrade_safety build-info >/dev/null & build_info=$$!; \
	sources=$$(cat $$(find contracts -name '*.sol' | sort) ape-config.yaml | sha256sum); \
	if [ "$$sources" != "$$(cat .build/.sources 2>/dev/null)" ]; then \
		ape compile --force && echo "$$sources" > .build/.sources || { wait $$build_info; exit 1; }; \
	fi; \
	wait $$build_info

lint: setup
	ruff check .
	ruff format --check .

# slither over every contract; a High or Medium finding not explained in slither.triage.json
# fails (Low and Informational ones are only reported).
slither: setup
	python tools/slither_check.py

# Two workers (the machines have two cores); a test module stays on one worker, so its
# module-scoped deployment is made once. Each worker starts its own anvil.
test: lint compile slither
	ape test tests -q -p no:cacheprovider -n 2 --dist loadfile

demo: compile
	carbon node start
	ape run deploy --network $(NETWORK) --manifest deployments/local.json
	carbon calc --activity seeds/activity/seed001_example.json
	carbon demo

bench: compile
	python bench/run.py

node-stop:
	carbon node stop

clean:
	rm -rf .build .chain .store .demo deployments $(TOOLCHAIN) .ape
