# Vivenda's commands. `make run` and `make test` set up everything they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
export PYTHONDONTWRITEBYTECODE := 1
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
MANAGE := $(PY) manage.py
REQUIREMENTS ?= requirements/local.txt
PYTEST_ARGS ?=

.PHONY: help venv run dev test check lint format typecheck schema errors requirements clean docker-check scale-test worker beat bench screenshots messages fuzz

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed-%: requirements/%.txt
	@test -x $(PY) || $$(scripts/find-python) -m venv $(VENV)
	@test -x $(UV) || $(PY) -m pip install --quiet --disable-pip-version-check "$$(grep '^uv==' requirements/local.txt)"
	$(UV) pip sync --quiet --python $(PY) $<
	@rm -f $(VENV)/.installed-*; touch $@

venv: $(VENV)/.installed-local ## Create .venv with the pinned development requirements

run: venv ## Set up and serve on HOST:PORT with granian (local settings: SQLite, local storage)
	@mkdir -p var
	@$(MANAGE) migrate --noinput -v 0
	@$(MANAGE) createcachetable -v 0  # the shared cache (docs/adr/0045), had migrate run with REDIS_URL set
	@$(MANAGE) collectstatic --noinput -v 0
	@$(MANAGE) ensure_local_admin
	@$(MANAGE) run_scheduled_tasks -v 0  # no beat without a broker: the daily tasks once (docs/operations.md)
	DJANGO_SETTINGS_MODULE=config.settings.local $(PY) -m config.server --bind $(HOST):$(PORT) --workers $(WORKERS)

dev: venv ## Autoreloading development server on HOST:PORT
	@mkdir -p var
	@$(MANAGE) migrate --noinput -v 0
	@$(MANAGE) ensure_local_admin
	$(MANAGE) runserver $(HOST):$(PORT)

test: venv ## Run the whole suite against a throwaway PostgreSQL (and Redis), with coverage
	@scripts/ensure-system-packages
	PYTHON=$(PY) scripts/with-services --redis -- \
		$(VENV)/bin/pytest --create-db --cov --cov-report=term --cov-report=xml $(PYTEST_ARGS)

check: venv lint typecheck ## Lint, types, migrations, error catalog, OpenAPI drift, deploy check
	@mkdir -p var  # the model checks open the default database (JSONField support)
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) generate_errors --check
	@$(MAKE) --no-print-directory schema-check
	@scripts/deploy-check $(PY)
	@$(MAKE) --no-print-directory docker-check

lint: venv ## ruff lint (bandit rules included) and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv ## Apply ruff's formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: venv ## mypy --strict over apps/ and config/
	$(VENV)/bin/mypy apps config

worker: venv ## A Celery worker for local settings (needs CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/1)
	DJANGO_SETTINGS_MODULE=config.settings.local $(VENV)/bin/celery -A config worker --loglevel INFO

beat: venv ## Celery beat with the schedule in config/celery.py (local settings, needs CELERY_BROKER_URL)
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=config.settings.local $(VENV)/bin/celery -A config beat --loglevel INFO

docker-check: venv ## Validate docker/*.compose.yml (Compose Specification schema) and lint the Dockerfile
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.compose-spec docker/dev.compose.yml docker/prod.compose.yml
	$(VENV)/bin/hadolint docker/Dockerfile
	sh -n docker/entrypoint.sh

scale-test: venv ## Two app servers behind nginx on one PostgreSQL and Redis: tests/scale
	@scripts/ensure-system-packages
	PYTHON=$(PY) scripts/with-services --redis -- scripts/scale-harness -- \
		$(VENV)/bin/pytest -p no:randomly -q tests/scale $(PYTEST_ARGS)

screenshots: venv ## Run the browser tests (tests/browser) and copy their screenshots into docs/admin/
	@scripts/ensure-system-packages
	PYTHON=$(PY) scripts/with-services --redis -- \
		$(VENV)/bin/pytest --create-db -p no:randomly -q tests/browser $(PYTEST_ARGS)
	@mkdir -p docs/admin && cp var/screenshots/*.png docs/admin/ && echo "Copied $$(ls var/screenshots/*.png | wc -l) screenshots into docs/admin/."

messages: venv ## Re-extract and compile the pt-BR strings of our own screens (apps/core/locale/)
	$(MANAGE) makemessages -l pt_BR --no-obsolete --ignore=.venv --ignore=bench --ignore=tests --ignore=docs \
		--ignore=var --ignore=staticfiles
	msgfmt --check -o apps/core/locale/pt_BR/LC_MESSAGES/django.mo apps/core/locale/pt_BR/LC_MESSAGES/django.po

FUZZ_SECONDS ?= 270
FUZZ_ARGS ?=
fuzz: venv ## Schemathesis (all phases, stateful included) against the `make run` server as an admin, ~5 min
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_ARGS="$(FUZZ_ARGS)" PYTHON=$(PY) ST=$(VENV)/bin/st WORKERS=$(WORKERS) scripts/fuzz

SCHEMA := docs/api/openapi.yaml
schema: venv ## Regenerate the committed OpenAPI schema
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) spectacular --validate --fail-on-warn --file $(SCHEMA)

.PHONY: schema-check
schema-check:
	@mkdir -p var
	@tmp=$$(mktemp) && trap 'rm -f $$tmp' EXIT && \
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) spectacular --validate --fail-on-warn --file $$tmp && \
	{ diff -u $(SCHEMA) $$tmp >/dev/null || { diff -u $(SCHEMA) $$tmp | head -40; echo "OpenAPI schema is stale: run 'make schema'"; exit 1; }; } && \
	echo "OpenAPI schema: valid, no warnings, committed copy up to date."

errors: venv ## Regenerate exception classes and docs/errors.md from the catalog
	$(MANAGE) generate_errors

requirements: venv ## Re-pin requirements/*.txt from requirements/*.in
	cd requirements && for f in base production local; do ../$(UV) pip compile --quiet --python ../$(PY) $$f.in -o $$f.txt; done

BENCH_ARGS ?=
bench: venv ## Load-test the server as production runs it (2 workers) on BENCH_ROWS (100k) seeded real estates; writes bench/results/
	@scripts/ensure-system-packages
	@bench/ensure-tools
	@bench_py=$$(bench/ensure-python) && \
		PYTHON=$$bench_py scripts/with-services --redis -- $$bench_py bench/run.py $(BENCH_ARGS)

clean: ## Remove the venv and local state (the local database included)
	rm -rf $(VENV) bench/.venv var staticfiles .coverage coverage.xml
