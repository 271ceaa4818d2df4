"""Installs are reproducible: every direct dependency is bounded below its next major version, and the locks
(requirements/*.txt, written by `make lock` with pip-tools) pin every package with its hashes and match
pyproject.toml. Redis comes with the `redis` extra, and asking for Redis without it stops carehub at start-up."""

import importlib.util
import re
import runpy
import tomllib
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
DEV_ONLY = {"pytest", "pytest-django", "playwright", "hypothesis", "schemathesis"}


def requirements(*groups: str) -> list[Requirement]:
    found = []
    for group in groups:
        found += PROJECT["dependencies"] if group == "main" else PROJECT["optional-dependencies"][group]
    return [Requirement(line) for line in found]


def locked(name: str) -> dict[str, str]:
    """{package: version} of a lock file; every entry must be an exact pin followed by its hashes."""
    text = (ROOT / "requirements" / name).read_text()
    entries = re.findall(r"(?m)^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\\n((?:    --hash=sha256:[0-9a-f]{64}.*\n)+)",
                         text)
    pinned_lines = [line for line in text.splitlines() if line and not line.startswith((" ", "#"))]
    assert len(entries) == len(pinned_lines), "every requirement is pinned with ==, with hashes"
    return {canonicalize_name(name): version for name, version, _ in entries}


def test_every_direct_dependency_has_an_upper_bound():
    for requirement in requirements("main", *PROJECT["optional-dependencies"]):
        uppers = [spec for spec in requirement.specifier if spec.operator in {"<", "<=", "==", "~="}]
        assert uppers, f"{requirement} has no upper bound (bound it below its next major version)"


def test_the_licence_is_an_spdx_expression_and_the_build_backend_knows_it():
    assert PROJECT["license"] == "AGPL-3.0-or-later"
    setuptools = Requirement(PYPROJECT["build-system"]["requires"][0])
    assert setuptools.name == "setuptools" and not setuptools.specifier.contains("76.9")


@pytest.mark.parametrize("lock, groups", [("dev.txt", ("main", "dev", "redis")),
                                          ("production.txt", ("main", "redis"))])
def test_the_locks_pin_every_dependency_pyproject_asks_for(lock, groups):
    pins = locked(lock)
    for requirement in requirements(*groups):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements/{lock}: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), \
            f"requirements/{lock} has {name}=={pins[name]}, pyproject.toml asks for {requirement}: run `make lock`"


def test_production_installs_what_dev_tests_and_no_test_tools():
    dev, production = locked("dev.txt"), locked("production.txt")
    assert not DEV_ONLY & set(production)
    assert {name: dev.get(name) for name in production} == production


def test_redis_is_an_extra():
    assert {canonicalize_name(r.name) for r in requirements("redis")} == {"redis", "django-rq", "django-tasks-rq"}
    assert not {canonicalize_name(r.name) for r in requirements("main")} & {"redis", "django-rq", "django-tasks-rq"}


def settings_without_redis(monkeypatch, **env):
    for name in ("REDIS_URL", "TASKS_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "redis" else real(name, *a))
    return runpy.run_path(str(ROOT / "carehub" / "settings.py"))


def test_redis_url_without_the_redis_extra_stops_carehub_with_how_to_install_it(monkeypatch):
    with pytest.raises(ImproperlyConfigured) as refused:
        settings_without_redis(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/0")
    assert str(refused.value).startswith(
        "REDIS_URL is set but the redis extra is not installed: pip install 'carehub[redis]'")
    with pytest.raises(ImproperlyConfigured, match=r"TASKS_BACKEND=rq is set but the redis extra"):
        settings_without_redis(monkeypatch, TASKS_BACKEND="rq")


def test_without_redis_url_carehub_starts_without_the_redis_extra(monkeypatch):
    module = settings_without_redis(monkeypatch)
    assert module["TASKS_BACKEND"] == "db" and "CACHES" not in module


def test_with_the_redis_extra_redis_url_gives_the_shared_cache_and_the_rq_backend(monkeypatch):
    for name in ("REDIS_URL", "TASKS_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    module = runpy.run_path(str(ROOT / "carehub" / "settings.py"))
    assert module["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert module["TASKS"]["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert "django_rq" in module["INSTALLED_APPS"]
