"""Production (DEBUG off) refuses unsafe settings at start-up, and is safe by default with only the documented
variables: DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS and the email settings (docs/deploy.md)."""

import os
import runpy
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from carehub.checks import refuse_unsafe_production_settings

ROOT = Path(__file__).resolve().parents[2]
# Exactly what docs/deploy.md and `make check-deploy` give production, nothing more.
PRODUCTION = {
    "DATABASE_URL": "postgres://carehub@db.example.org:5432/carehub",
    "SECRET_KEY": "a-production-secret-from-the-environment-" + "0123456789" * 3,
    "ALLOWED_HOSTS": "carehub.example.org",
    "EMAIL_URL": "smtp://carehub:secret@mail.example.org:587",
    "DEFAULT_FROM_EMAIL": "Vila Veïna <no-reply@carehub.example.org>",
}
SETTINGS_FROM_ENVIRONMENT = ("DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_COOKIES", "SITE_URL",
                             "TASKS_BACKEND", "REDIS_URL", *PRODUCTION)


def settings_module(monkeypatch, **env) -> dict:
    """carehub/settings.py read afresh from exactly `env` (cheap: no new process, no Django start-up)."""
    for name in SETTINGS_FROM_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "carehub" / "settings.py"))


def run(args, **env):
    """carehub in a fresh process with production's settings module and nothing from this environment but
    what a shell has (no DEBUG, no SECURE_*, no SITE_URL)."""
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**base, "DJANGO_SETTINGS_MODULE": "carehub.settings", **env})


def test_check_deploy_passes_at_warning_level_with_only_the_documented_variables():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_server_started_with_the_demo_settings_and_debug_off_stops_listing_every_problem():
    result = run(["manage.py", "migrate", "--plan"])
    assert result.returncode != 0
    assert "ImproperlyConfigured: carehub refuses to start with DEBUG off" in result.stderr
    for check in ("carehub.E001", "carehub.E002", "carehub.E003", "carehub.E006"):
        assert check in result.stderr
    assert "set DEBUG=1" in result.stderr


SECURITY = ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE", "SITE_URL", "ALLOWED_HOSTS")


def test_production_is_https_only_by_default(monkeypatch):
    production = settings_module(monkeypatch, **PRODUCTION)
    assert {name: production[name] for name in SECURITY} == {
        "SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True, "LANGUAGE_COOKIE_SECURE": True,
        "SITE_URL": "https://carehub.example.org",  # the first allowed host, over HTTPS
        "ALLOWED_HOSTS": ["carehub.example.org"],
    }
    assert production["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_each_https_guard_is_turned_off_only_explicitly(monkeypatch):
    # Behind a proxy that redirects to HTTPS itself; the rest stays on.
    behind = settings_module(monkeypatch, **PRODUCTION, SECURE_SSL_REDIRECT="0")
    assert behind["SECURE_SSL_REDIRECT"] is False and behind["SECURE_HSTS_SECONDS"] == 31536000
    no_hsts = settings_module(monkeypatch, **PRODUCTION, SECURE_HSTS_SECONDS="0")
    assert no_hsts["SECURE_HSTS_SECONDS"] == 0 and no_hsts["SECURE_SSL_REDIRECT"] is True
    plain_cookies = settings_module(monkeypatch, **PRODUCTION, SECURE_COOKIES="0")
    assert plain_cookies["SESSION_COOKIE_SECURE"] is False and plain_cookies["SECURE_SSL_REDIRECT"] is True
    named = settings_module(monkeypatch, **PRODUCTION, SITE_URL="https://vilaveina.example.org/")
    assert named["SITE_URL"] == "https://vilaveina.example.org"


def test_production_has_no_default_hosts(monkeypatch):
    assert settings_module(monkeypatch, **{**PRODUCTION, "ALLOWED_HOSTS": ""})["ALLOWED_HOSTS"] == []


def test_the_demo_keeps_plain_http_and_its_source_static_files(monkeypatch):
    demo = settings_module(monkeypatch, DEBUG="1")
    assert demo["SECURE_SSL_REDIRECT"] is False and demo["SECURE_HSTS_SECONDS"] == 0
    assert demo["SESSION_COOKIE_SECURE"] is False
    assert demo["SITE_URL"] == "http://127.0.0.1:8000" and demo["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert demo["STORAGES"]["staticfiles"]["BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"


SAFE = dict(DEBUG=False, SECRET_KEY=PRODUCTION["SECRET_KEY"], ALLOWED_HOSTS=["carehub.example.org"],
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")


def production_settings(**changes):
    return override_settings(**{**SAFE, **changes})


@pytest.fixture
def on_postgresql():
    with mock.patch.dict(settings.DATABASES["default"], ENGINE="django.db.backends.postgresql"):
        yield


def test_safe_production_settings_start(on_postgresql):
    with production_settings():
        refuse_unsafe_production_settings()  # does not raise


@pytest.mark.parametrize("changes, check", [
    ({"SECRET_KEY": settings.DEMO_SECRET_KEY}, "carehub.E001"),
    ({"ALLOWED_HOSTS": []}, "carehub.E006"),
    ({"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}, "carehub.E003"),
    ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "carehub.E003"),
    ({"EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}, "carehub.E003"),
])
def test_each_unsafe_setting_alone_stops_production(on_postgresql, changes, check):
    with production_settings(**changes), pytest.raises(ImproperlyConfigured) as refused:
        refuse_unsafe_production_settings()
    assert check in str(refused.value)
    assert str(refused.value).count("carehub.E0") == 1


def test_sqlite_alone_stops_production():
    with mock.patch.dict(settings.DATABASES["default"], ENGINE="django.db.backends.sqlite3"), \
            production_settings(), pytest.raises(ImproperlyConfigured, match="carehub.E002"):
        refuse_unsafe_production_settings()


def test_with_debug_on_the_demo_settings_start():
    with override_settings(DEBUG=True, SECRET_KEY=settings.DEMO_SECRET_KEY, ALLOWED_HOSTS=[],
                           EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend"):
        refuse_unsafe_production_settings()  # does not raise
