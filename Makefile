# Novator — the README's commands. Each target is safe to run again; the slow steps run only when
# their inputs change (stamp files inside .venv and node_modules).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# `make test` runs the suite in one process per core (pytest-xdist), each on a test database of its own;
# the tests that commit (browser, live server) still run after the others in each process, as
# pytest-django orders them. PYTEST_WORKERS=0 runs it in this process.
PYTEST_WORKERS ?= auto
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: run dev test pytest lint format check assets install install-test migrate demo bench clean messages reliability guide

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.stamp-run: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

# one pip run for the app and the test tools together (the extras include the app's dependencies)
$(VENV)/.stamp-test: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(VENV)/.stamp-run $@

frontend/node_modules/.stamp: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend/static/vendor/.stamp: frontend/node_modules/.stamp frontend/copy-vendor.sh
	sh frontend/copy-vendor.sh
	touch $@

install: $(VENV)/.stamp-run assets
install-test: $(VENV)/.stamp-test assets
assets: frontend/static/vendor/.stamp

migrate: install
	@echo "==> Applying the database migrations"
	$(PY) manage.py migrate --noinput

demo: migrate
	@echo "==> Loading the demo data (a minute or two the first time)"
	$(PY) manage.py load_demo

run: demo
	# Links in the e-mails written to var/mail/ point at this server unless NOVATOR_BASE_URL says otherwise.
	# The sidecar's ReDoc bundle is never served (the API docs use Swagger UI) and links to a CDN: leave it out.
	@echo "==> Collecting the static files (a minute or two the first time; quiet while it works)"
	$(PY) manage.py collectstatic --noinput --verbosity 0 --ignore 'drf_spectacular_sidecar/redoc/*'
	@echo "==> Starting the server and the worker on http://$(HOST):$(PORT)/ (Ctrl+C stops them)"
	NOVATOR_BASE_URL="$${NOVATOR_BASE_URL:-http://$(HOST):$(PORT)}" HOST=$(HOST) PORT=$(PORT) sh bin/serve

dev: demo
	DJANGO_DEBUG=1 sh bin/serve --dev

test: lint pytest

# The part of `make test` that depends on the database (DATABASE_URL): the migrations check and pytest.
# CI runs `make lint` once and this for each database.
pytest: install-test
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/mypy novator config
	$(PY) bin/complexity

format: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Security and reliability tests; their figures (endpoints × roles, payloads, faults, clients, rows
# restored) go to var/reliability.json and docs/reliability.md. Set DATABASE_URL for PostgreSQL.
reliability: install-test
	rm -f var/reliability.json
	mkdir -p var
	NOVATOR_FIGURES=$(CURDIR)/var/reliability.json DJANGO_SETTINGS_MODULE=config.settings.test \
		$(VENV)/bin/pytest tests/security tests/reliability -q -p no:cacheprovider
	$(PY) tests/reliability/render.py var/reliability.json docs/reliability.md \
		"$(if $(DATABASE_URL),PostgreSQL,SQLite)"

# Benchmarks: figures go to bench/results.json and docs/benchmarks.md (see docs/assignment.md).
# BENCH_SCALE=district|region|country (default region); PostgreSQL too with BENCH_POSTGRES_URL=postgres://…
BENCH_SCALE ?= region
bench: install
	BENCH_SCALE=$(BENCH_SCALE) $(PY) -m bench

clean:
	rm -rf $(VENV) frontend/node_modules frontend/static/vendor staticfiles

# Translations: refresh the catalogues after changing strings, translate locale/*/LC_MESSAGES/django.po,
# then compile (the compiled .mo files are committed so that `make run` needs no gettext tools).
messages: install-test
	$(PY) manage.py makemessages -l ru -l en --ignore='.venv/*' --ignore='frontend/*' --ignore='e2e/*' --no-obsolete
	$(PY) manage.py compilemessages --ignore='.venv/*'

# The operator's guide: the browser tests of every role take the screenshots into docs/guide/img/.
guide: install-test
	NOVATOR_GUIDE_IMG=docs/guide/img DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest e2e/test_roles.py -q
