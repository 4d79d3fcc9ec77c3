# Everything a fresh machine needs, from Python >= 3.11 alone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint serve setup data bench backup restore clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

data: $(STAMP)
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_foods
	DEBUG=1 $(PY) manage.py load_demo

run: data
	@echo ""
	@echo "MgK Planner is at http://$(HOST):$(PORT)/"
	@DEBUG=1 $(PY) manage.py demo_logins
	@echo ""
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run --settings=config.test_settings

test: lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Everything but the browser and property-based tests, for the edit-test loop (under 2 min).
# `make test` (README, CI) still runs them all.
test-fast: $(STAMP)
	$(VENV)/bin/pytest -q -n auto -m "not browser and not property" $(PYTEST_ARGS)

# Production-style serving: hashed, compressed static files via whitenoise and gunicorn.
# Needs SECRET_KEY and ALLOWED_HOSTS (and DATABASE_URL for PostgreSQL) in the environment.
serve: $(STAMP)
	$(PY) manage.py collectstatic --noinput
	$(PY) manage.py migrate --noinput
	$(VENV)/bin/gunicorn config.wsgi:application --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-3} --access-logfile -

# Backups of whatever DATABASE_URL names (SQLite by default); see README, Backup and restore.
# Without SECRET_KEY in the environment (a development machine) they run as `make run` does.
MANAGE_ENV = $(if $(SECRET_KEY),,DEBUG=1)

backup: $(STAMP)
	$(MANAGE_ENV) $(PY) manage.py backup_db $(if $(FILE),--output "$(FILE)")

restore: $(STAMP)
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/mgk-....sqlite3 (or .pgdump)"; exit 2; }
	$(MANAGE_ENV) $(PY) manage.py restore_db "$(FILE)"

bench: $(STAMP)
	$(PY) bench/run.py

# The load test (bench/load/, bench/README.md): Locust against gunicorn and PostgreSQL.
# It creates and drops its own database; LOAD_ARGS passes options to run_load.py.
BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

.PHONY: load
load: $(BENCH_STAMP)
	$(PY) bench/load/run_load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
