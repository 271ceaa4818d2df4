"""The JSON request log: one line per request with its id, route, status, duration and user, and never a path,
a query string, a searched name or a calendar feed's secret (issue 18)."""

import json
import logging

import pytest

from tests.conftest import bearer, client_for, make_person

from tests.ops.obs_helpers import lines, log_output, request_lines


@pytest.mark.django_db
def test_one_json_line_per_request_with_route_status_duration_and_user(desk):
    with log_output() as out:
        response = client_for(desk).get("/people/", HTTP_ACCEPT_LANGUAGE="en")
    [line] = request_lines(out)
    assert response.status_code == 200
    assert line["request_id"] == response["X-Request-ID"]
    assert line["method"] == "GET" and line["status"] == 200
    assert line["route"] == "people/" and line["view"] == "people-search"
    assert line["user_id"] == desk.pk
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert {"ts", "level"} <= set(line)


@pytest.mark.django_db
def test_a_people_search_leaves_no_name_and_no_query_string_in_the_log(desk, hub):
    make_person(hub, first_name="Remedios", last_name="Villalonga")
    with log_output() as out:
        page = client_for(desk).get("/people/?q=Remedios+Villalonga&page=1", HTTP_ACCEPT_LANGUAGE="en")
        api = client_for(desk).get("/api/v1/people?search=Villalonga", **bearer(desk))
    assert "Remedios" in page.content.decode() and api.json()["items"]
    written = out.getvalue()
    assert len(request_lines(out)) == 2
    assert "Remedios" not in written and "Villalonga" not in written
    assert "q=" not in written and "search=" not in written and "?" not in written


@pytest.mark.django_db
def test_a_calendar_feed_secret_is_never_logged_found_or_not(hub):
    from activities.models import CalendarFeedToken

    token = CalendarFeedToken.objects.create(person=make_person(hub))
    with log_output() as out:
        found = client_for_anonymous().get(token.get_absolute_url())
        revoked_like = client_for_anonymous().get("/activities/feeds/not-a-real-secret-4f9a2c.ics")
    assert found.status_code == 200 and revoked_like.status_code == 404
    written = out.getvalue()
    assert token.secret not in written and "not-a-real-secret-4f9a2c" not in written
    routes = [line["route"] for line in request_lines(out)]
    assert routes == ["activities/feeds/<str:secret>.ics"] * 2
    # Django's own "Not Found: <path>" line names the route pattern instead.
    [not_found] = [line for line in lines(out) if line["logger"] == "django.request"]
    assert not_found["message"] == "Not Found: activities/feeds/<str:secret>.ics"
    assert not_found["request_id"] == revoked_like["X-Request-ID"]


def client_for_anonymous():
    from django.test import Client

    return Client()


def test_runserver_request_lines_keep_the_method_only():
    """runserver's access line is '"GET /people/?q=Rosa HTTP/1.1" 200 512': the path goes, the rest stays."""
    with log_output() as out:
        logging.getLogger("django.server").warning('"%s" %s %s', "GET /people/?q=Rosa HTTP/1.1", "404", "512")
    [line] = lines(out)
    assert line["message"] == '"GET [path not logged]" 404 512'


@pytest.mark.django_db
def test_a_safe_incoming_request_id_is_kept_and_an_unsafe_one_replaced(db):
    client = client_for_anonymous()
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a9c21-0001")
    assert kept["X-Request-ID"] == "lb-7f3a9c21-0001"
    for unsafe in ["short", "x" * 65, "has spaces in it", 'inject"\n{"level":"ERROR"}', "Rosa.Pujol@example.org"]:
        with log_output() as out:
            response = client.get("/healthz", HTTP_X_REQUEST_ID=unsafe)
        assert response["X-Request-ID"] != unsafe
        assert len(response["X-Request-ID"]) == 16
        assert unsafe not in out.getvalue()


@pytest.mark.django_db
def test_logging_the_request_adds_no_query(desk, settings):
    """The user id is taken only from a user the request already loaded; the log never loads it itself."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(desk)
    with log_output() as out, CaptureQueriesContext(connection) as logged:
        client.get("/hubs/")
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "observability" not in m]
    with CaptureQueriesContext(connection) as unlogged:
        client.get("/hubs/")
    assert len(logged) == len(unlogged)
    assert request_lines(out)[0]["user_id"] == desk.pk


def test_the_user_is_not_loaded_for_the_log():
    from types import SimpleNamespace

    from django.utils.functional import SimpleLazyObject

    from carehub.observability.middleware import user_id_of

    def load():
        raise AssertionError("the log loaded the user")

    assert user_id_of(SimpleNamespace(user=SimpleLazyObject(load))) is None
    assert user_id_of(SimpleNamespace()) is None
    loaded = SimpleNamespace(pk=7, is_authenticated=True)
    assert user_id_of(SimpleNamespace(user=loaded)) == 7


@pytest.mark.django_db
def test_api_errors_carry_the_request_id_beside_detail_and_code(desk):
    client = client_for(desk)
    handled = client.get("/api/v1/people/999999", **bearer(desk), HTTP_X_REQUEST_ID="support-ticket-42")
    unknown_path = client.get("/api/v1/no-such-thing", HTTP_X_REQUEST_ID="support-ticket-43")
    refused = client_for_anonymous().get("/api/v1/people")
    assert handled.status_code == 404 and handled.json()["request_id"] == "support-ticket-42"
    assert unknown_path.status_code == 404 and unknown_path.json()["request_id"] == "support-ticket-43"
    assert refused.status_code == 401 and refused.json()["request_id"] == refused["X-Request-ID"]
    for response in (handled, unknown_path, refused):
        assert {"detail", "code", "request_id"} <= set(response.json())


@pytest.mark.django_db
def test_successful_api_answers_are_left_as_they_are(desk):
    response = client_for(desk).get("/api/v1/me", **bearer(desk))
    assert response.status_code == 200 and "request_id" not in response.json()


def test_every_log_line_is_one_json_object_with_the_exception(db):
    with log_output() as out:
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("carehub.test").exception("it failed")
    [line] = out.getvalue().splitlines()
    record = json.loads(line)
    assert record["level"] == "ERROR" and record["exc_type"] == "ValueError" and "boom" in record["traceback"]
