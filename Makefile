# carehub: `make run` serves the demo, `make test` runs every test. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py

.PHONY: run test setup venv translations migrate demo messages bench check-deploy clean lock

# The notification worker runs beside the web server (emails and SMS print on this terminal in the demo) and
# stops with it: the trap ends it however runserver ends (Ctrl+C, an error, a kill).
run: setup migrate demo
	@export DEBUG=$${DEBUG:-1} PORT=$(PORT); \
	  $(MANAGE) notifications_worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) runserver 127.0.0.1:$(PORT)

test: setup
	bash tests/run.sh

setup: $(VENV)/.installed translations

# Exactly the locked versions, every file checked against its hash (requirements/dev.txt: production's
# packages, the redis extra and the dev tools); reinstalled only when the lock changes. carehub itself goes in
# last, without dependencies: everything it needs is in the lock.
$(VENV)/.installed: requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# Refresh the locks after changing dependencies in pyproject.toml; `make setup` then installs them. Versions
# already locked stay as they are while pyproject.toml allows them; `make lock UPGRADE=1` takes the newest
# that it allows. The dev lock is resolved within production's pins, so both install the same versions.
LOCK := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade)
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "pip-tools>=7.5,<8"
	$(LOCK) --extra redis -o requirements/production.txt pyproject.toml
	$(LOCK) --extra dev --extra redis -c requirements/production.txt -o requirements/dev.txt pyproject.toml

# Compiled catalogues are build output (.gitignored): rebuilt from the .po files every time.
translations: $(VENV)/.installed
	@command -v msgfmt >/dev/null || { echo "Installing gettext (msgfmt)…"; \
	  (apt-get update -qq && apt-get install -y -qq gettext) >/dev/null 2>&1 || \
	  { echo "msgfmt is missing: install gettext (apt-get install gettext)"; exit 1; }; }
	@DEBUG=1 $(MANAGE) compilemessages --ignore=.venv -v 0

migrate: setup
	DEBUG=1 $(MANAGE) migrate --noinput -v 0

demo: migrate
	DEBUG=1 $(MANAGE) load_demo

# Refresh the .po files after changing user-facing strings (scripts/make-messages.sh says how).
# `make messages APPS=lending` refreshes one app's catalogue only.
APPS ?= carehub lending activities advice
messages: setup
	PYTHON=$(BIN)/python bash scripts/make-messages.sh $(APPS)

bench: setup
	bash bench/run.sh

# Production needs these and nothing more (HTTPS, HSTS and Secure cookies are on by default with DEBUG off);
# tests/ops/test_production_settings.py runs the same check with the same variables.
check-deploy: setup
	env -u DEBUG SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  DATABASE_URL=postgres://postgres@127.0.0.1:5432/carehub ALLOWED_HOSTS=carehub.example.org \
	  EMAIL_URL=smtp://carehub:secret@mail.example.org:587 \
	  DEFAULT_FROM_EMAIL="Vila Veina <no-reply@carehub.example.org>" \
	  $(MANAGE) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
