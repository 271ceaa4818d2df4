"""Login protection (django-axes), security headers, and the API's one error shape for requests refused
before any handler runs."""

import pytest
from django.conf import settings

from carehub import errors
from carehub.accounts import services as account_services
from tests.conftest import make_user

WRONG = {"username": "marta", "password": "not-her-password"}
RIGHT = {"username": "marta", "password": "a-long-test-password"}


@pytest.fixture
def marta(db):
    return make_user("marta", password="a-long-test-password")


def token(client, credentials):
    return client.post("/api/v1/auth/token", credentials, content_type="application/json")


def test_the_sixth_wrong_password_on_the_login_page_is_locked_out(client, marta):
    for _ in range(4):
        assert client.post("/login/", WRONG).status_code == 200  # the form again, with its error
    assert client.post("/login/", WRONG).status_code == 429  # the fifth failure locks
    sixth = client.post("/login/", WRONG)
    assert sixth.status_code == 429
    assert client.post("/login/", RIGHT).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_sixth_wrong_password_on_the_token_endpoint_is_locked_out(client, marta):
    for _ in range(4):
        assert token(client, WRONG).status_code == 401
    assert token(client, WRONG).status_code == 429  # the fifth failure locks
    sixth = token(client, WRONG)
    assert sixth.status_code == 429
    assert sixth.json()["code"] == "locked_out" and sixth.json()["detail"]
    assert token(client, RIGHT).status_code == 429


def test_failures_on_the_page_lock_the_token_endpoint_too(client, marta):
    # One counter per account and address, whichever door is knocked on.
    for _ in range(5):
        client.post("/login/", WRONG)
    assert token(client, RIGHT).status_code == 429


def test_a_right_password_before_the_limit_resets_the_count(client, marta):
    for _ in range(4):
        token(client, WRONG)
    assert token(client, RIGHT).status_code == 200
    for _ in range(4):
        token(client, WRONG)
    assert token(client, RIGHT).status_code == 200


def test_a_short_or_common_password_is_refused_at_signup(hub):
    with pytest.raises(errors.ValidationFailed) as refused:
        account_services.register_caregiver_account(
            username="nou", password="password1", email="nou@example.org", first_name="Nou", last_name="", phone="",
            home_hub=hub, preferred_language="ca", consent=True)
    assert refused.value.code == "password_invalid"


def test_pages_send_a_content_security_policy_without_inline_scripts(client, db):
    policy = client.get("/hubs/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy or "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[-1].split(";", 1)[0]


def test_session_and_csrf_cookies_are_http_only_and_secure_outside_debug():
    assert settings.SESSION_COOKIE_HTTPONLY
    if not settings.DEBUG:
        assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE


# --- the API's error shape ------------------------------------------------------------------------------
@pytest.mark.parametrize("method, path, status, code", [
    ("get", "/api/v1/no-such-endpoint", 404, "not_found"),
    ("delete", "/api/v1/hubs", 405, "method_not_allowed"),
    ("get", "/api/v1/people?offset=9223372036854775808", 401, "not_authenticated"),
])
def test_requests_refused_before_a_handler_still_get_detail_and_code(client, db, method, path, status, code):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["detail"]


def test_a_405_keeps_its_allow_header(client, db):
    assert "GET" in client.delete("/api/v1/hubs")["Allow"]


def test_a_number_too_large_for_the_database_is_a_422_not_a_500(client, coordinator):
    from tests.conftest import bearer

    response = client.get("/api/v1/people?limit=1&offset=9223372036854775808", **bearer(coordinator))
    assert response.status_code == 422
    assert response.json()["code"] == "out_of_range"


def test_a_malformed_multipart_body_is_a_400_with_the_error_shape(client, marta):
    response = client.post("/api/v1/auth/token", b"--x\r\n", content_type="multipart/form-data")
    assert response.status_code in (400, 422)
    assert {"detail", "code"} <= set(response.json())


def test_pages_outside_the_api_keep_their_html_errors(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
