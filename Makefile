# Two entry points for a fresh machine: `make run` (the app) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
REPLICAS ?= 3
WORKSHOP_PORT ?= 8500
WORKSHOP_HOST ?= 127.0.0.1

.PHONY: run test browser lint bench model workshop workshop-status workshop-stop

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.app-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.app-installed

# The Ray backend for sweeps (optional for the app, needed by the Ray tests), pinned with the app's requirements.
$(VENV)/.cluster-installed: requirements.txt requirements-cluster.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-cluster.txt
	touch $@

run: $(VENV)/.app-installed
	$(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT)

test: $(VENV)/.dev-installed $(VENV)/.cluster-installed browser
	$(BIN)/ruff check .
	$(BIN)/mypy anomaly_core ui
	$(BIN)/python -m pytest

# Browser tests drive Debian's chromium; the replicas' tests run their own nginx and PostgreSQL on 127.0.0.1.
# Install what is missing when we may (root with apt-get); the system services are never started.
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-color-emoji >/dev/null; } || \
	  echo "chromium not found: browser tests will be skipped (install Debian's chromium to run them)"
	@{ [ -x /usr/sbin/nginx ] && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; } || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get update -qq && made="" && \
	    { [ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && \
	      chmod +x /usr/sbin/policy-rc.d && made=1; }; } && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx postgresql-15 >/dev/null; \
	    status=$$?; [ -z "$$made" ] || rm -f /usr/sbin/policy-rc.d; [ $$status = 0 ]; } || \
	  echo "nginx or PostgreSQL not found: the replicas' tests will be skipped (install nginx and postgresql-15)"

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .

bench: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/bench_core.py

model: $(VENV)/.app-installed
	$(BIN)/python -m anomaly_core train --seed 0 --quiet --out assets/default_model.safetensors

# A local workshop stack (README "Running it for a workshop"): PostgreSQL, REPLICAS app servers, nginx on
# 127.0.0.1:$(WORKSHOP_PORT); every process is recorded in .workshop/stack.json and stopped by PID.
workshop: $(VENV)/.app-installed
	$(BIN)/python -m deploy.workshop start --replicas $(REPLICAS) --port $(WORKSHOP_PORT) --host $(WORKSHOP_HOST)

workshop-status:
	$(BIN)/python -m deploy.workshop status

workshop-stop:
	$(BIN)/python -m deploy.workshop stop
