# Novator — the README's commands. Each target is safe to run again; the slow steps run only when
# their inputs change (stamp files inside .venv and node_modules).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: run dev test lint format check assets install install-test migrate demo bench clean messages

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.stamp-run: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.stamp-test: pyproject.toml $(VENV)/.stamp-run
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

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
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	# The sidecar's ReDoc bundle is never served (the API docs use Swagger UI) and links to a CDN: leave it out.
	$(PY) manage.py collectstatic --noinput --verbosity 0 --ignore 'drf_spectacular_sidecar/redoc/*'
	HOST=$(HOST) PORT=$(PORT) sh bin/serve

dev: demo
	DJANGO_DEBUG=1 sh bin/serve --dev

test: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/mypy novator config
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/mypy novator config

format: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Benchmarks: figures go to bench/results.json and docs/benchmarks.md (see docs/assignment.md).
bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) frontend/node_modules frontend/static/vendor staticfiles

# Translations: refresh the catalogues after changing strings, translate locale/*/LC_MESSAGES/django.po,
# then compile (the compiled .mo files are committed so that `make run` needs no gettext tools).
messages: install-test
	$(PY) manage.py makemessages -l ru -l en --ignore='.venv/*' --ignore='frontend/*' --ignore='e2e/*' --no-obsolete
	$(PY) manage.py compilemessages --ignore='.venv/*'
