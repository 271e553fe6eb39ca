# fargate-service template: render it, test it, try it.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
DEMO_VENV := .venv-demo
CHECKOV_VENV := .venv-checkov
BIN := $(VENV)/bin
DEMO_BIN := $(DEMO_VENV)/bin
UV_VERSION := 0.13.9
CHECKOV_VERSION := 3.3.30
PYTEST_WORKERS ?= auto
DEMO_DIR ?= .demo
DEMO_PORT ?= 8000

# A filesystem mirror of Terraform providers, when this machine has one: tests then install
# providers from it through a CLI config of their own instead of the public registry.
# Looked up once per make run (:=), not at every use.
ifeq ($(origin TF_PROVIDER_MIRROR),undefined)
TF_PROVIDER_MIRROR := $(shell find / -maxdepth 4 -name registry.terraform.io -not -path '/proc/*' 2>/dev/null | head -n 1 | xargs -r dirname)
endif
export TF_PROVIDER_MIRROR

.PHONY: help
help: ## Show this help
	@grep -hE '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}'

.PHONY: python
python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { echo "error: $(PYTHON) is not Python 3.11 or newer: install one, or name it, e.g. make $(MAKECMDGOALS) PYTHON=python3.12" >&2; exit 1; }

# Compiled at install (uv does not by default): where PYTHONDONTWRITEBYTECODE is set (this kind of
# machine sets it), every process the tests start (a render, an aws call, a pytest worker) would
# otherwise compile all it imports anew.
$(BIN)/pytest: pyproject.toml | python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r pyproject.toml --group test
	@touch $@

# cookiecutter and uv only: what rendering the default project and serving it needs.
$(DEMO_BIN)/cookiecutter: pyproject.toml | python
	$(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(DEMO_BIN)/uv pip install --quiet --python $(DEMO_BIN)/python -r pyproject.toml
	@touch $@

$(CHECKOV_VENV)/bin/checkov: | python
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check checkov==$(CHECKOV_VERSION)
	@touch $@

.PHONY: install
install: $(BIN)/pytest $(CHECKOV_VENV)/bin/checkov ## Create the virtualenvs the tests use

# The end-to-end deploys spend most of their time in the AWS provider's waiters, not on a core:
# they run in a pytest session of their own, a worker for each of the four, beside the session of
# all the other checks (PYTEST_WORKERS, one per core), so that their waits overlap that work.
# (With fewer workers than deploys, xdist hands two of them to one worker from the start.)
E2E_TESTS := tests/delivery/test_deploy_e2e.py
E2E_WORKERS := 4

.PHONY: test
test: install ## Render every option combination and check each generated project (PYTEST_ARGS go to both sessions)
	@echo "Two pytest sessions, the checks and the end-to-end deploys: each prints its report when it ends."
	$(MAKE) --no-print-directory -j2 --output-sync=target test-checks test-deploys

.PHONY: test-checks
test-checks: install ## Every check but the end-to-end deploys
	CHECKOV=$(abspath $(CHECKOV_VENV)/bin/checkov) $(BIN)/pytest -n $(PYTEST_WORKERS) --ignore=$(E2E_TESTS) $(PYTEST_ARGS)

.PHONY: test-deploys
test-deploys: install ## The generated repo's bootstrap, deploy and destroy against an emulated AWS
	$(BIN)/pytest -n $(E2E_WORKERS) $(E2E_TESTS) $(PYTEST_ARGS)

.PHONY: lint
lint: $(BIN)/pytest ## Lint the template's own Python (harness, hooks, tests, tools, benchmarks)
	$(BIN)/ruff check harness hooks tests tools benchmarks
	$(BIN)/ruff format --check harness hooks tests tools benchmarks

.PHONY: demo
demo: $(DEMO_BIN)/cookiecutter ## Render the default project into .demo/ and serve it on SQLite (DEMO_PORT=8000)
	rm -rf $(DEMO_DIR)
	$(DEMO_BIN)/cookiecutter $(CURDIR) --no-input --output-dir $(DEMO_DIR) github_repository=demo/orders-api
	@echo "Serving the generated project: open http://127.0.0.1:$(DEMO_PORT)/docs (Ctrl-C stops it)"
	$(MAKE) -C $(DEMO_DIR)/orders-api install run UV=$(abspath $(DEMO_BIN))/uv PORT=$(DEMO_PORT)

.PHONY: locks
locks: $(BIN)/pytest ## Regenerate the generated project's uv.lock files after its pyproject changes
	$(BIN)/python -m tools.locks

.PHONY: answers
answers: $(BIN)/pytest ## Rewrite cookiecutter.json, copier.yml and docs/options.md's questions from hooks/questions.py
	$(BIN)/python -m tools.answer_files

.PHONY: costs
costs: $(BIN)/pytest ## Rewrite docs/costs.md: each combination priced by its own generated scripts/costs.py and prices.toml
	$(BIN)/python -m tools.costs

.PHONY: bench
bench: $(BIN)/pytest ## Benchmark the generated service against bare FastAPI and raw asyncpg (needs wrk)
	$(BIN)/python -m benchmarks.service

.PHONY: clean
clean: ## Remove the virtualenvs, caches and the demo
	rm -rf $(VENV) $(DEMO_VENV) $(CHECKOV_VENV) .cache $(DEMO_DIR) .pytest_cache .ruff_cache
