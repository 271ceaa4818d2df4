"""Inputs the page fuzz (tests/hardening/test_page_fuzz.py) found to give a 500 on the core's pages."""

import pytest

from carehub.models import Hub, Person
from tests.conftest import client_for


@pytest.mark.django_db
@pytest.mark.parametrize("next_value", ["foo", "99999999999999999999", "account"])
def test_registering_a_person_with_a_next_that_is_no_path_goes_to_the_person(desk, hub, next_value):
    response = client_for(desk).post(f"/people/new/?next={next_value}", {
        "first_name": "Rosa", "last_name": "Pujol", "preferred_language": "ca", "hub": hub.pk, "consent": "on"})
    person = Person.objects.get(first_name="Rosa")
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()


@pytest.mark.django_db
def test_signing_up_with_a_next_that_is_no_path_goes_to_the_account(hub):
    from django.test import Client

    response = Client().post("/signup/?next=foo", {
        "first_name": "Anna", "email": "anna@example.org", "home_hub": Hub.objects.get().pk,
        "preferred_language": "ca", "username": "anna", "password1": "a-long-test-password", "consent": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/account/"


# --- a body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) -----------------------------------------------------------
THREE_MB = 3 * 1024 * 1024


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
def test_a_json_body_over_the_limit_is_refused_with_413_and_the_api_shape(coordinator, debug):
    import json

    from django.test import override_settings

    from tests.conftest import bearer

    body = json.dumps({"asset_tag": "SA-WC-900", "notes": "x" * THREE_MB})
    with override_settings(DEBUG=debug):
        response = client_for(coordinator).post("/api/v1/lending/items", body, content_type="application/json",
                                                HTTP_ACCEPT_LANGUAGE="en", **bearer(coordinator))
    assert response.status_code == 413
    body = response.json()
    assert body["request_id"] == response["X-Request-ID"]
    assert {k: v for k, v in body.items() if k != "request_id"} == {"detail": "The request is too large.",
                                                                    "code": "too_large"}


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
def test_a_form_over_the_limit_gets_a_friendly_page(desk, hub, debug):
    from django.test import override_settings

    with override_settings(DEBUG=debug):
        response = client_for(desk).post("/people/new/", {"first_name": "x" * THREE_MB, "hub": hub.pk},
                                         HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert "Too much at once" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_a_body_too_large_without_a_length_is_refused_too(rf):
    """Without Content-Length the size shows only when the body is read: RequestDataTooBig, mapped the same."""
    from django.core.exceptions import RequestDataTooBig

    from carehub.middleware import ApiErrorShapeMiddleware

    request = rf.post("/api/v1/lending/items", "{}", content_type="application/json")
    response = ApiErrorShapeMiddleware(lambda r: None).process_exception(request, RequestDataTooBig("too big"))
    assert response.status_code == 413
