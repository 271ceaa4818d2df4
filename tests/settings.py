"""The test suite's settings: production's (carehub/settings.py with DEBUG off, as the environment gives them),
except what a test process cannot be.

- It is a development environment, not a deployment: DEBUG is on while Django starts, so the start-up refusal
  of unsafe production settings (carehub/checks.py) lets it run on SQLite with the demo key. pytest-django then
  turns DEBUG off for the tests themselves, so that pages answer as they do in production.
- The test client, the live server and the in-process API fuzz speak plain HTTP on this machine: no redirect
  to HTTPS, no HSTS, and the demo's hosts (production has none by default). Cookies stay Secure.
- Static files come from the source folders (nothing is collected); tests/ops/test_static_files.py runs
  `collectstatic` and checks the production storage on its own.

Subprocesses started by tests inherit DJANGO_SETTINGS_MODULE=tests.settings; a test of production start-up
sets DJANGO_SETTINGS_MODULE=carehub.settings itself.
"""

from carehub.settings import *  # noqa: F403

DEBUG = True

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
