# Two entry points for a fresh machine: `make run` (the app) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test browser lint bench model

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.app-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.app-installed

# The Ray backend for sweeps (optional for the app, needed by the Ray tests).
$(VENV)/.cluster-installed: requirements-cluster.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-cluster.txt
	touch $@

run: $(VENV)/.app-installed
	$(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT)

test: $(VENV)/.dev-installed $(VENV)/.cluster-installed browser
	$(BIN)/ruff check .
	$(BIN)/mypy anomaly_core ui
	$(BIN)/python -m pytest

# Browser tests drive Debian's chromium; install it when missing and we may (root with apt-get).
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-color-emoji >/dev/null; } || \
	  echo "chromium not found: browser tests will be skipped (install Debian's chromium to run them)"

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .

bench: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/bench_core.py

model: $(VENV)/.app-installed
	$(BIN)/python -m anomaly_core train --seed 0 --quiet --out assets/default_model.safetensors
