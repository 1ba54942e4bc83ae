# newsflow: `make run` runs the pipeline once end to end, `make test` runs the test suite.
# Both set everything up on first use (virtualenv, pinned dependencies, embedded Airflow).

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Embedded Airflow: SQLite metadata DB and data folder inside the checkout, never in $HOME.
export AIRFLOW_HOME := $(CURDIR)/.airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__PLUGINS_FOLDER := $(CURDIR)/plugins
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN ?= sqlite:///$(CURDIR)/.airflow/airflow.db
# The JWT secret signs every API token (UI logins included), so it is never a shared default:
# a random one per checkout, made on first use in .airflow/jwt_secret (mode 0600, git-ignored),
# unless the environment sets AIRFLOW__API_AUTH__JWT_SECRET. Every Airflow process started here
# (make run, make airflow, make stack) uses it. `make clean` deletes it with the rest of .airflow.
JWT_SECRET_FILE := $(AIRFLOW_HOME)/jwt_secret
ifndef AIRFLOW__API_AUTH__JWT_SECRET
AIRFLOW__API_AUTH__JWT_SECRET := $(shell umask 077 && mkdir -p '$(AIRFLOW_HOME)' && { test -s '$(JWT_SECRET_FILE)' || { \
	t=$$(mktemp '$(JWT_SECRET_FILE).XXXXXX') && head -c 48 /dev/urandom | base64 | tr -d '\n=' | tr '+/' '-_' > "$$t" \
	&& { ln "$$t" '$(JWT_SECRET_FILE)' 2>/dev/null || test -s '$(JWT_SECRET_FILE)' || mv "$$t" '$(JWT_SECRET_FILE)'; rm -f "$$t"; }; }; } \
	&& chmod 600 '$(JWT_SECRET_FILE)' && cat '$(JWT_SECRET_FILE)')
ifeq ($(strip $(AIRFLOW__API_AUTH__JWT_SECRET)),)
$(error could not create the JWT secret in $(JWT_SECRET_FILE); set AIRFLOW__API_AUTH__JWT_SECRET instead)
endif
endif
export AIRFLOW__API_AUTH__JWT_SECRET
# The api-server listens on 127.0.0.1 only, unless told otherwise (AIRFLOW__API__HOST=0.0.0.0 make airflow);
# tasks reach the execution API there.
export AIRFLOW__API__HOST ?= 127.0.0.1
AIRFLOW_API_LOCAL := $(if $(filter 0.0.0.0 ::,$(AIRFLOW__API__HOST)),127.0.0.1,$(AIRFLOW__API__HOST))
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL ?= http://$(AIRFLOW_API_LOCAL):$(or $(AIRFLOW__API__PORT),8080)/execution/
# Both DAGs are active as soon as Airflow first sees them: a deployed newsflow runs on its own
# (news_pipeline on its schedule, news_daily_rollup on the pipeline's asset events).
export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION ?= False
export GX_ANALYTICS_ENABLED := False
export NEWSFLOW_DATA_DIR ?= $(CURDIR)/data
# make airflow (tools/airflow_local.py) starts its components as `airflow ...` subprocesses.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: install services run test test-fast airflow stack lint bench constraints docs clean distclean

install: $(STAMP)

# Runtime (requirements.txt) and tests and tools (requirements-dev.txt, which includes it), both
# pinned by constraints.txt; the Airflow image (Dockerfile) installs the runtime ones only.
# (pip's "Location ... is ignored" warnings come from this machine's pip configuration: filtered)
$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	@test -n "$(PYTHON)" || { echo "python3 (3.11) is required"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the pinned dependencies into $(VENV) (requirements-dev.txt + constraints.txt) ..."
	@$(BIN)/python -m pip install --quiet --upgrade pip 2> >(grep -v "^WARNING: Location" >&2)
	@$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt 2> >(grep -v "^WARNING: Location" >&2)
	@$(BIN)/python -m pip install --quiet --no-deps -e . 2> >(grep -v "^WARNING: Location" >&2)
	@touch $(STAMP)

$(AIRFLOW_HOME)/airflow.db: $(STAMP)
	@mkdir -p $(AIRFLOW_HOME)
	@$(BIN)/airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || { tail -30 $(AIRFLOW_HOME)/db-migrate.log; exit 1; }

# `airflow dags test` runs every task inside its own process and logs to its output only: the
# task logs are cut out of it into .airflow/logs/ (tools/airflow_local.py task-logs), where the
# UI of `make airflow` reads them, failed runs included.
AIRFLOW_URL := http://$(AIRFLOW_API_LOCAL):$(or $(AIRFLOW__API__PORT),8080)
run: $(STAMP) $(AIRFLOW_HOME)/airflow.db
	@echo "Running the news_pipeline DAG once (log: .airflow/make-run.log) ..."
	@$(BIN)/airflow dags test news_pipeline > $(AIRFLOW_HOME)/make-run.log 2>&1; rc=$$?; \
	$(BIN)/python tools/airflow_local.py task-logs news_pipeline $(AIRFLOW_HOME)/make-run.log; \
	test $$rc = 0 && grep -q "state=success" $(AIRFLOW_HOME)/make-run.log \
		|| { tail -40 $(AIRFLOW_HOME)/make-run.log; echo "news_pipeline did not succeed; full log in .airflow/make-run.log"; exit 1; }
	@echo "Running the news_daily_rollup DAG (log: .airflow/make-rollup.log) ..."
	@$(BIN)/airflow dags test news_daily_rollup > $(AIRFLOW_HOME)/make-rollup.log 2>&1; rc=$$?; \
	$(BIN)/python tools/airflow_local.py task-logs news_daily_rollup $(AIRFLOW_HOME)/make-rollup.log; \
	test $$rc = 0 && grep -q "state=success" $(AIRFLOW_HOME)/make-rollup.log \
		|| { tail -40 $(AIRFLOW_HOME)/make-rollup.log; echo "news_daily_rollup did not succeed; see .airflow/make-rollup.log"; exit 1; }
	@$(BIN)/newsflow summary --data $(NEWSFLOW_DATA_DIR)
	@echo
	@echo "Next steps:"
	@echo "  source .venv/bin/activate    # newsflow and airflow on your PATH"
	@echo "  make airflow                 # the Airflow UI on $(AIRFLOW_URL) with these runs and their task logs;"
	@echo "                               # login: $$($(BIN)/python tools/airflow_local.py login) (kept in .airflow/simple_auth_manager_passwords.json.generated);"
	@echo "                               # both DAGs are active: news_pipeline runs $(or $(NEWSFLOW_SCHEDULE),@hourly) while it is up; Ctrl-C stops it"
	@echo "  newsflow query \"SELECT canonical, count(*) AS mentions FROM entities GROUP BY 1 ORDER BY 2 DESC LIMIT 10\" --data $(patsubst $(CURDIR)/%,%,$(NEWSFLOW_DATA_DIR))"
	@echo "  newsflow summary --data $(patsubst $(CURDIR)/%,%,$(NEWSFLOW_DATA_DIR))      # what the lake holds"

# PostgreSQL, Redis and Chromium from Debian, for the deployment and web UI tests.
services:
	@tools/install-services.sh

test: $(STAMP) services
	$(BIN)/python -m pytest

# The unit tier: no end-to-end runs (marker slow) and no deployment or browser (marker stack);
# under two minutes on two cores, and no services needed. `make test` still runs everything.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not stack"

# The api-server, scheduler, dag-processor and triggerer (LocalExecutor, 4 tasks at a time), started
# and stopped as one by tools/airflow_local.py: it prints the URL and the login, and Ctrl-C or
# SIGTERM stops every process within seconds. (exec: make's signals reach it directly.)
airflow: $(STAMP)
	@exec $(BIN)/python tools/airflow_local.py --host $(AIRFLOW__API__HOST) --port $(or $(AIRFLOW__API__PORT),8080)

# The Celery deployment without Docker: PostgreSQL, Redis, api-server, scheduler, dag-processor
# and a Celery worker on this machine (docker-compose.yaml is the same with Docker).
stack: $(STAMP) services
	$(BIN)/python tools/celery_stack.py up --dir $(CURDIR)/.stack --data $(NEWSFLOW_DATA_DIR) --host $(AIRFLOW__API__HOST)

lint: $(STAMP)
	$(BIN)/ruff check include dags plugins tests bench tools

# Throughput, workers, memory, GX cost (bench_pipeline.py) and queries at a million rows
# (bench_lake.py) on real text; each writes its section of BENCHMARKS.md. About 30 minutes.
bench: $(STAMP)
	$(BIN)/python bench/bench_pipeline.py
	$(BIN)/python bench/bench_lake.py

# Regenerate the pins from the working virtualenv after changing requirements.txt.
constraints:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^newsflow' > constraints.txt

clean:
	rm -rf data .airflow .stack .pytest_cache .ruff_cache build include/*.egg-info
	find . -name __pycache__ -type d -prune -not -path './$(VENV)/*' -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)

# Regenerate the README's generated sections: the tables (newsflow.tables) and the settings (newsflow.settings).
docs: $(STAMP)
	@$(BIN)/python -c "import pathlib; from newsflow import tables, settings; p=pathlib.Path('README.md'); t=p.read_text(); \
	parts={'tables': tables.markdown(), 'settings': settings.markdown()}; \
	[t := t.split(f'<!-- {k}:start -->\n',1)[0]+f'<!-- {k}:start -->\n'+v+'\n'+f'<!-- {k}:end -->'+t.split(f'<!-- {k}:end -->',1)[1] for k,v in parts.items()]; \
	p.write_text(t)"
