"""SENTRY_DSN turns on error tracking with personal data scrubbed (issue 18)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import client_for, make_person

pytestmark = pytest.mark.urls("tests.ops.obs_urls")


@pytest.fixture
def sentry_events():
    """Sentry on, with a transport that keeps the events here instead of sending them."""
    import sentry_sdk
    from sentry_sdk.transport import Transport

    from carehub.observability import sentry

    events = []

    class Keep(Transport):
        def capture_envelope(self, envelope):
            for item in envelope.items:
                if item.type in ("event", "transaction"):
                    events.append(item.payload.json)

    sentry.init("https://public@errors.example.invalid/1", transport=Keep({"dsn": None}))
    yield events
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # off again: no DSN


@pytest.mark.django_db
def test_an_error_report_holds_no_path_query_body_cookie_user_or_local_value(desk, hub, sentry_events):
    import sentry_sdk

    make_person(hub, first_name="Remedios")
    client = client_for(desk)
    client.raise_request_exception = False
    client.cookies["sessionid_extra"] = "cookie-value-xyz"
    response = client.post("/test-errors/boom/feed-secret-81c2/?q=Remedios", {"note": "Remedios needs a wheelchair"},
                           HTTP_X_REQUEST_ID="ticket-sentry-01", HTTP_USER_AGENT="Remedios-phone")
    sentry_sdk.flush()
    assert response.status_code == 500
    [error] = [e for e in sentry_events if e.get("exception")]
    assert error["exception"]["values"][-1]["type"] == "RuntimeError"
    assert error["transaction"] == "/test-errors/boom/{secret}/"  # the route, not the path
    assert error["tags"]["request_id"] == "ticket-sentry-01"
    assert set(error.get("request", {})) <= {"method"}
    assert "user" not in error
    everything = json.dumps(sentry_events)
    for secret in ("Remedios", "feed-secret-81c2", "cookie-value-xyz", "wheelchair", desk.username, "sessionid"):
        assert secret not in everything, secret
    for frame in error["exception"]["values"][-1]["stacktrace"]["frames"]:
        assert "vars" not in frame


def test_scrub_keeps_the_words_of_a_path_logger_message():
    from carehub.observability.sentry import scrub

    event = scrub({"logger": "django.request", "logentry": {"message": "Internal Server Error: %s",
                                                            "params": ["/activities/feeds/s3cret.ics"]},
                   "request": {"url": "https://x/activities/feeds/s3cret.ics", "method": "GET",
                               "query_string": "q=Rosa", "cookies": {"a": "b"}, "data": {"n": "Rosa"}},
                   "user": {"id": 3}})
    assert "s3cret" not in json.dumps(event) and "Rosa" not in json.dumps(event)
    assert event["logentry"] == {"message": "Internal Server Error", "params": []}
    assert event["request"] == {"method": "GET"} and "user" not in event


def _sentry_options_at_startup(**env) -> dict:
    script = ("import json, sentry_sdk, carehub.settings; c = sentry_sdk.get_client(); "
              "print(json.dumps({'active': c.is_active(), 'pii': c.options['send_default_pii'], "
              "'body': c.options['max_request_body_size'], 'locals': c.options['include_local_variables']}))")
    environment = {k: v for k, v in os.environ.items() if k != "SENTRY_DSN"} | {"DEBUG": "1"} | env
    done = subprocess.run([sys.executable, "-c", script], env=environment, cwd=settings.BASE_DIR,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_sentry_is_on_only_with_a_dsn_and_then_without_personal_data():
    assert _sentry_options_at_startup()["active"] is False
    on = _sentry_options_at_startup(SENTRY_DSN="https://public@errors.example.invalid/1")
    assert on == {"active": True, "pii": False, "body": "never", "locals": False}
