import pytest

from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_token_is_issued_for_right_password_and_opens_the_api(client):
    make_user("marta", password="a-long-test-password")
    response = client.post("/api/v1/auth/token", {"username": "marta", "password": "a-long-test-password"},
                           content_type="application/json")
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200
    assert me.json()["username"] == "marta"


def test_wrong_password_is_401_with_detail_and_code(client):
    make_user("marta", password="a-long-test-password")
    response = client.post("/api/v1/auth/token", {"username": "marta", "password": "nope"},
                           content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert response.json()["detail"]


def test_missing_fields_are_422_not_500(client):
    response = client.post("/api/v1/auth/token", {"username": "marta"}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and "password" in body["detail"]


def test_malformed_json_is_a_4xx_with_code(client):
    response = client.post("/api/v1/auth/token", "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert set(response.json()) >= {"detail", "code"}


def test_unknown_token_is_401(client):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer not-a-real-token")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_anonymous_me_is_401(client):
    assert client.get("/api/v1/me").status_code == 401


def test_token_of_deactivated_user_stops_working(client):
    user = make_user("leaver")
    from tests.conftest import token_for

    token = token_for(user)
    user.is_active = False
    user.save()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_only_a_hash_of_the_token_is_stored(client):
    from carehub.models import ApiToken
    from tests.conftest import token_for

    token = token_for(make_user())
    assert not ApiToken.objects.filter(key_hash=token).exists()
    assert ApiToken.objects.filter(key_hash=ApiToken.hash(token)).exists()


def test_me_lists_roles_with_hub_slugs(client, hub, desk, planner):
    from tests.conftest import bearer

    assert client.get("/api/v1/me", **bearer(desk)).json()["roles"] == [{"role": "desk", "hub": hub.slug}]
    assert client.get("/api/v1/me", **bearer(planner)).json()["roles"] == [{"role": "planner", "hub": None}]


def test_session_post_without_csrf_token_is_refused():
    from django.test import Client

    from tests.conftest import make_hub

    hub = make_hub()
    user = make_user(roles=[("desk", hub)])
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/v1/people", {"first_name": "Ona", "hub": hub.slug, "consent": True},
                           content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] in {"csrf", "permission_denied", "not_authenticated"}


def test_openapi_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/people" in schema.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_five_wrong_passwords_lock_the_token_endpoint_even_for_the_right_one(client):
    make_user("marta", password="a-long-test-password")
    for _ in range(5):
        client.post("/api/v1/auth/token", {"username": "marta", "password": "guess"}, content_type="application/json")
    locked = client.post("/api/v1/auth/token", {"username": "marta", "password": "a-long-test-password"},
                         content_type="application/json")
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"


def test_login_page_locks_out_after_five_wrong_passwords(client):
    make_user("marta", password="a-long-test-password")
    for _ in range(5):
        client.post("/login/", {"username": "marta", "password": "guess"})
    locked = client.post("/login/", {"username": "marta", "password": "a-long-test-password"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_is_per_account_not_for_the_whole_desk(client):
    make_user("marta", password="a-long-test-password")
    make_user("jordi", password="another-long-password")
    for _ in range(5):
        client.post("/login/", {"username": "marta", "password": "guess"})
    assert client.post("/login/", {"username": "jordi", "password": "another-long-password"}).status_code == 302
