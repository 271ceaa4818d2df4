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

# Refresh the .po files after changing user-facing strings. Each app keeps its own catalogue in
# <app>/locale; its templates (under templates/<app>/) are linked in for the scan.
# `make messages APPS=lending` refreshes one app's catalogue only.
APPS ?= carehub lending activities advice
messages: setup
	@set -e; for app in $(APPS); do \
	  rm -rf $$app/_templates && mkdir -p $$app/_templates $$app/locale; \
	  if [ $$app = carehub ]; then \
	    for t in templates/*.html templates/carehub templates/registration templates/notifications templates/admin; do ln -s ../../$$t $$app/_templates/; done; \
	  else ln -s ../../templates/$$app $$app/_templates/$$app; fi; \
	  (cd $$app && DEBUG=1 ../$(BIN)/python ../manage.py makemessages -l ca -l es -l en --symlinks --no-obsolete \
	     --add-location=file --ignore='migrations/*' -v 0) || { rm -rf $$app/_templates; exit 1; }; \
	  rm -rf $$app/_templates; \
	done

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
