"""Shared fixtures and factories. Each app's tests build exactly the data they need with these."""

import itertools
import socket
from datetime import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone

from carehub.models import ApiToken, Hub, OpeningBlock, Person, Role, StaffRole

_seq = itertools.count(1)


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are skipped on SQLite with their reason, never dropped silently."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (row locks, exclusion constraints, real concurrency); "
                                       "run with DATABASE_URL=postgres://…")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """One fast hasher for the whole suite, live server included (it runs in this process and reads the same
    settings). The real hasher's cost is what it is for; no test measures it, and it took two thirds of a run."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def load_demo(**options):
    """`manage.py load_demo` as `make run` runs it, with DEBUG on: pytest-django turns DEBUG off for the tests,
    and with DEBUG off the command refuses to run (it would put the demo's superuser on a production database)."""
    from django.core.management import call_command
    from django.test import override_settings

    with override_settings(DEBUG=True):
        call_command("load_demo", **options)


# --- factories ------------------------------------------------------------------------------------------
def make_hub(**fields) -> Hub:
    n = next(_seq)
    defaults = dict(
        name=f"Vila Veïna Test {n}", slug=f"test-hub-{n}", district="gracia", population=20000,
        address=f"Carrer de Prova, {n}", community_space="Biblioteca de Prova",
    )
    defaults.update(fields)
    hub = Hub.objects.create(**defaults)
    OpeningBlock.objects.create(hub=hub, weekday=1, opens_at=time(9, 30), closes_at=time(13, 15))
    return hub


def redis_reachable() -> bool:
    """Whether Redis answers at 127.0.0.1:6379: tests marked `redis` skip with their reason when it does not."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def make_person(hub: Hub, **fields) -> Person:
    n = next(_seq)
    defaults = dict(first_name=f"Persona{n}", last_name="Garcia", phone=f"600 000 {n:03d}",
                    email=f"persona{n}@example.org", preferred_language="ca", consent_given_at=timezone.now())
    defaults.update(fields)
    # As the desk registers people: an email typed with the person there counts as confirmed.
    defaults.setdefault("email_verified_at", timezone.now() if defaults["email"] else None)
    person = Person(home_hub=hub, **defaults)
    person.save()
    return person


def make_user(username: str | None = None, *, roles=(), password: str = "a-long-test-password", **fields):
    """A user with `roles`, each a (role, hub-or-None) pair."""
    User = get_user_model()
    user = User.objects.create_user(username=username or f"user{next(_seq)}", password=password, **fields)
    for role, hub in roles:
        StaffRole.objects.create(user=user, role=role, hub=hub)
    return user


def make_caregiver(hub: Hub, username: str | None = None, **fields):
    """A caregiver with an online account: the user and the person linked to it."""
    user = make_user(username)
    person = make_person(hub, user=user, **fields)
    return user, person


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token_for(user) -> str:
    return ApiToken.issue(user)


def bearer(user) -> dict:
    """Headers for an API call as `user`."""
    return {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}


# --- common fixtures ------------------------------------------------------------------------------------
@pytest.fixture
def hub(db):
    return make_hub(name="Vila Veïna Sant Antoni", slug="sant-antoni", district="eixample")


@pytest.fixture
def other_hub(db):
    return make_hub(name="Vila Veïna Poble-sec", slug="poble-sec", district="sants-montjuic")


@pytest.fixture
def desk(hub):
    return make_user("desk", roles=[(Role.DESK, hub)])


@pytest.fixture
def coordinator(hub):
    return make_user("coordinator", roles=[(Role.COORDINATOR, hub)])


@pytest.fixture
def advisor(hub):
    return make_user("advisor", roles=[(Role.ADVISOR, hub)])


@pytest.fixture
def facilitator(hub):
    return make_user("facilitator", roles=[(Role.FACILITATOR, hub)])


@pytest.fixture
def other_desk(other_hub):
    return make_user("desk2", roles=[(Role.DESK, other_hub)])


@pytest.fixture
def planner(db):
    return make_user("planner", roles=[(Role.PLANNER, None)])


@pytest.fixture
def admin_user(db):
    return make_user("admin", roles=[(Role.ADMIN, None)], is_superuser=True, is_staff=True)


@pytest.fixture
def carer(hub):
    """(user, person) of a caregiver with an online account at `hub`."""
    return make_caregiver(hub, "carer", first_name="Montserrat", last_name="Garcia Pujol")


@pytest.fixture
def replace_hook(monkeypatch):
    """Swap an app's registry hook (e.g. "advice.privacy.erase_person") for this test only."""
    from carehub.registry import hooks

    def replace(target: str, function):
        monkeypatch.setattr(target, function)
        hooks.cache_clear()

    yield replace
    hooks.cache_clear()


@pytest.fixture
def mail_server_down(settings):
    """The real SMTP backend pointed at a port of 127.0.0.1 where nothing listens: every connection is refused
    (a port that was free a moment ago, closed again). Returns the port, so a test can start a server there."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2
    return port
