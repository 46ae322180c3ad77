# Qinglang — the two commands a new user needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
UV_VERSION := 0.13.9
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/qinglang
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: install run serve worker cron test test-sqlite lint services browser bench clean

$(BIN)/uv:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 12) else "Python 3.12 is required (pyenv: .python-version selects it)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

install: $(BIN)/uv
	$(BIN)/uv sync --frozen --quiet

# Runs the back office with demo data. Embedded by default (SQLite, in-process jobs);
# set DATABASE_URL / REDIS_URL to use PostgreSQL and Redis.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0 || true
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: install
	$(BIN)/python manage.py rqworker high default low --with-scheduler

cron: install
	$(BIN)/python manage.py rqcron config.schedules

services:
	@scripts/services.sh

browser:
	@scripts/ensure_browser.sh

# The whole suite on PostgreSQL and Redis (the production configuration).
# Redis calls time out after 50 ms in production (docs/operations.md); a loaded CI machine gets 500.
test: install services browser
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) QINGLANG_JOBS_SYNC=1 QINGLANG_REDIS_TIMEOUT_MS=500 \
		$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# The same suite in embedded mode (SQLite in memory, jobs in-process: what `make run` gives a new
# user). Tests marked `postgres` are skipped with the reason; `make test` runs them.
test-sqlite: install browser
	env -u DATABASE_URL -u REDIS_URL -u QINGLANG_JOBS_SYNC $(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

bench: install services
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python bench/accounts_list.py

clean:
	rm -rf $(VENV) var staticfiles
