# stance — run `make` for the documented targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONFIG ?= experiments/baseline.yaml
MODEL_DIR ?= models/baseline
PORT ?= 5000
TRACKING ?= sqlite:///mlflow.db

.DEFAULT_GOAL := help
.PHONY: help install train ui score test check experiments mawqif evaluate clean browser

help: ## Show the documented targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# camel-tools without its torch/transformers stack: only its data-free utilities are used (see README).
	$(BIN)/python -m pip install --quiet --no-deps "camel-tools==1.6.0"
	$(BIN)/python -m pip install --quiet -e ".[test,spark]"
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install stance with its test tools

check: install ## Validate labels/ (schema, values, offsets, ids, actors, sources)
	$(BIN)/stance labels check labels

train: check ## Train on the bundled labels, track in MLflow (mlflow.db), save to models/baseline
	$(BIN)/stance train --config $(CONFIG) --output $(MODEL_DIR) --tracking-uri $(TRACKING)

experiments: check ## Model search: every experiments/search/*.yaml variant as one MLflow run, then a comparison table
	$(BIN)/stance experiments experiments/baseline.yaml experiments/search --tracking-uri $(TRACKING)

mawqif: install ## The same pipeline on the Mawqif benchmark: mawqif.yaml and its variants, CV per target on the train split
	$(BIN)/stance experiments experiments/mawqif.yaml experiments/mawqif --tracking-uri $(TRACKING)

evaluate: check ## Statement extractor vs. the gold statements in labels/ (logged to MLflow)
	$(BIN)/stance evaluate --extraction --labels labels --tracking-uri $(TRACKING)

ui: install ## MLflow UI on http://127.0.0.1:$(PORT) over the local store
	MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false MLFLOW_DISABLE_TELEMETRY=true \
	$(BIN)/mlflow ui --backend-store-uri $(TRACKING) --host 127.0.0.1 --port $(PORT) --workers 1

score: install ## Score an article: make score FILE=article.txt
	@test -n "$(FILE)" || (echo "usage: make score FILE=article.txt" >&2; exit 2)
	$(BIN)/stance score $(FILE) --tracking-uri $(TRACKING)

bench: install ## Throughput of `stance score` against a read+normalise floor on 2,000 articles -> bench/out/results.json
	$(BIN)/python bench/bench_score.py $(BENCH_ARGS)

# Debian's chromium + an Arabic font for the headless-browser tests; apt-get only when missing.
# As root (a fresh CI container has no sudo) apt-get runs directly, otherwise through sudo.
browser: ## Install headless Chromium and fonts-noto-core with apt-get (only if /usr/bin/chromium is missing)
	@if [ -x /usr/bin/chromium ]; then echo "chromium: /usr/bin/chromium is installed"; else \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-noto-core; \
	fi

test: check browser ## Install, validate labels and Chromium, run the tests
	$(BIN)/python -m pytest

clean: ## Remove derived files (models/, the venv stamp); keeps mlflow.db
	rm -rf models build *.egg-info $(STAMP)
