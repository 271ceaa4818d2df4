"""Several app servers over one PostgreSQL and one Redis (docs/deploy.md, "Several app servers").

Two real gunicorn servers, A and B, on two ports, started on the test database with REDIS_URL (the shared cache,
and the sessions' cache) and the same SECRET_KEY, as a load balancer would see them. Each test sends its requests
to both and checks what must hold whichever server a request lands on:

- a session opened on A is valid on B, and logging out on A ends it on B too;
- the insights figures are computed once for both: 20 simultaneous cold requests, split over A and B, make one
  "insights computed" line in the two servers' logs together (the cache lock in carehub/insights/metrics.py);
- wrong passwords sent to A and to B count towards one lockout;
- a booking race split over A and B confirms exactly the session's places.
"""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from carehub.models import ApiToken, Role
from tests.conftest import make_caregiver, make_hub, make_user, redis_reachable

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/13"  # a database of its own (the notification tests use 15)
PASSWORD = "a-long-two-server-password"


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(not redis_reachable(), reason="needs Redis at 127.0.0.1:6379 for the shared cache "
                                                     "(.ci/run starts it)"),
    pytest.mark.django_db(transaction=True),  # the servers read what the test commits
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flush_redis():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def cached_sessions() -> list[str]:
    """The session keys held in the shared cache (Django's key: ":1:django.contrib.sessions.cached_db<key>")."""
    import redis

    prefix = ":1:django.contrib.sessions.cached_db"
    return [key.decode()[len(prefix):] for key in redis.Redis.from_url(REDIS_URL).keys(f"{prefix}*")]


class Server:
    def __init__(self, name: str, database_url: str, log_dir: Path):
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"server-{name}.log"
        self.log.write_text("")
        env = {
            **os.environ, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "TASKS_BACKEND": "db",
            "DEBUG": "0", "SECRET_KEY": "two-servers-" + "s" * 50, "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "0", "CAREHUB_TEST_LOG": str(self.log), "DJANGO_SETTINGS_MODULE": "carehub.settings",
            # Production settings must name a mail server (nothing is sent here: no worker runs).
            "EMAIL_URL": "smtp://127.0.0.1:1025", "DEFAULT_FROM_EMAIL": "carehub <no-reply@example.org>",
            # Plain HTTP on 127.0.0.1, as behind a load balancer that terminates TLS.
            "SECURE_SSL_REDIRECT": "0",
        }
        env.pop("TEST_DATABASE_NAME", None)
        self.output = open(log_dir / f"gunicorn-{name}.log", "w")
        # One worker of ten threads each: twenty requests at once for the pair, and one start-up per server.
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "two_servers_wsgi:application",
             "--pythonpath", f"{ROOT},{ROOT / 'tests' / 'ops'}", "-b", f"127.0.0.1:{self.port}",
             "-w", "1", "-k", "gthread", "--threads", "10", "--timeout", "60", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=self.output, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, deadline: float):
        import requests

        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server {self.name} exited: " + Path(self.output.name).read_text()[-3000:])
            try:
                if requests.get(f"{self.url}/api/v1/hubs", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server {self.name} not ready: " + Path(self.output.name).read_text()[-3000:])

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.output.close()

    def computed(self) -> int:
        return len(re.findall(r"carehub\.insights INFO insights computed", self.log.read_text()))


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker, tmp_path_factory):
    """A and B on the test database (set up for these tests' django_db marks). Module-wide: starting them costs
    seconds; each test makes its own rows."""
    with django_db_blocker.unblock():
        db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    database_url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    log_dir = tmp_path_factory.mktemp("two-servers")
    flush_redis()
    pair = [Server("A", database_url, log_dir), Server("B", database_url, log_dir)]
    try:
        deadline = time.monotonic() + 60
        for server in pair:
            server.wait_ready(deadline)
        yield pair
    finally:
        for server in pair:
            server.stop()
        flush_redis()


def with_password(user):
    """A password the servers can check: the suite's own fast hasher is not in their PASSWORD_HASHERS, so the
    hash is the production algorithm's, with few iterations (the servers upgrade it on the first login)."""
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])
    return user


def at_once(calls):
    """Run the callables together (released by one barrier); their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion on the results
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def log_in(server, username):
    """Log in through the login form. Its page is not fetched: with DEBUG off, pages link collectstatic's hashed
    files, which this test does not build; a CSRF secret of our own, in the cookie and in the form, passes the
    same check the page's token would."""
    import requests

    browser = requests.Session()
    secret = secrets.token_hex(16)  # 32 characters of [0-9a-f]: Django's CSRF secret format
    # The cookie for this request only: the answer sets the session's cookies (and a new CSRF secret, on login).
    return browser, browser.post(f"{server.url}/login/", data={"csrfmiddlewaretoken": secret, "username": username,
                                                               "password": PASSWORD}, cookies={"csrftoken": secret},
                                 allow_redirects=False, timeout=30)


def test_a_session_opened_on_one_server_is_valid_on_the_other_until_logged_out(servers):
    import requests

    a, b = servers
    hub = make_hub()
    user, _person = make_caregiver(hub, "ada", preferred_language="en")
    with_password(user)

    browser, logged_in = log_in(a, "ada")
    assert logged_in.status_code == 302, logged_in.text[:500]
    session_key = logged_in.cookies["sessionid"]
    assert cached_sessions() == [session_key]  # read from the shared cache (cached_db), written through to the DB
    assert browser.get(f"{b.url}/api/v1/activities/bookings/mine", timeout=10).status_code == 200
    assert requests.get(f"{b.url}/api/v1/activities/bookings/mine", timeout=10).status_code == 401

    logged_out = browser.post(f"{a.url}/logout/", data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
                              headers={"Referer": f"{a.url}/"}, allow_redirects=False, timeout=10)
    assert logged_out.status_code == 302
    # The old cookie, replayed on B, no longer opens anything (no copy of the session left in B's cache).
    stale = requests.get(f"{b.url}/api/v1/activities/bookings/mine", timeout=10,
                         cookies={"sessionid": session_key})
    assert stale.status_code == 401
    assert cached_sessions() == []


def test_twenty_cold_insights_requests_on_both_servers_compute_the_figures_once(servers):
    import requests

    a, b = servers
    make_hub()
    planner = make_user(roles=[(Role.PLANNER, None)])
    token = ApiToken.issue(planner)
    flush_redis()  # cold: nothing cached by an earlier test or run
    before = a.computed() + b.computed()

    def ask(server):
        return lambda: requests.get(f"{server.url}/api/v1/insights/hubs", timeout=60,
                                    headers={"Authorization": f"Bearer {token}"})

    answers = at_once([ask(servers[n % 2]) for n in range(20)])

    assert [getattr(r, "status_code", r) for r in answers] == [200] * 20
    assert len({r.text for r in answers}) == 1
    assert a.computed() + b.computed() - before == 1


def test_wrong_passwords_on_both_servers_count_towards_one_lockout(servers):
    import requests

    a, b = servers
    hub = make_hub()
    user, _person = make_caregiver(hub, "bea", preferred_language="en")
    with_password(user)

    def token_from(server, password):
        return requests.post(f"{server.url}/api/v1/auth/token", json={"username": "bea", "password": password},
                             timeout=30)

    # Five failures (AXES_FAILURE_LIMIT), three on A and two on B: neither server saw five on its own.
    failures = [token_from(server, "not-the-password").status_code for server in (a, b, a, b, a)]
    assert failures[:4] == [401] * 4 and failures[4] in (401, 429)
    assert token_from(b, PASSWORD).status_code == 429
    assert token_from(a, PASSWORD).status_code == 429


def test_a_booking_race_split_over_both_servers_confirms_exactly_the_places(servers):
    import requests

    from activities.models import Booking
    from tests.activities.helpers import make_session

    hub = make_hub()
    session = make_session(hub, capacity=5)
    tokens = [ApiToken.issue(make_caregiver(hub, preferred_language="en")[0]) for _ in range(24)]

    def book(server, token):
        return lambda: requests.post(f"{server.url}/api/v1/activities/sessions/{session.pk}/bookings", json={},
                                     headers={"Authorization": f"Bearer {token}"}, timeout=60)

    answers = at_once([book(servers[n % 2], token) for n, token in enumerate(tokens)])

    assert [getattr(r, "status_code", r) for r in answers] == [201] * 24
    statuses = [r.json()["status"] for r in answers]
    assert statuses.count("confirmed") == 5 and statuses.count("waitlisted") == 19
    session.refresh_from_db()
    assert session.confirmed_count == 5
    assert Booking.objects.filter(session=session, status="confirmed").count() == 5
