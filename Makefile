# carehub: `make run` serves the demo, `make test` runs every test. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py

.PHONY: run test setup venv translations migrate demo messages bench check-deploy clean

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

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

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

check-deploy: setup
	SECRET_KEY=$$(head -c 48 /dev/urandom | base64) DATABASE_URL=postgres://postgres@127.0.0.1:5432/carehub \
	  ALLOWED_HOSTS=carehub.example.org SECURE_SSL_REDIRECT=1 SECURE_HSTS_SECONDS=31536000 \
	  EMAIL_URL=smtp://carehub:secret@mail.example.org:587 SITE_URL=https://carehub.example.org \
	  DEFAULT_FROM_EMAIL="Vila Veina <no-reply@carehub.example.org>" \
	  $(MANAGE) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
