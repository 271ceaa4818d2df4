"""After logging in, each person lands where their work is; a `next` can never take the page down."""

import pytest
from django.test import Client

from carehub.models import Role
from carehub.web import safe_next_url
from tests.conftest import client_for, make_caregiver, make_hub, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def log_in(user, next_url=None):
    url = "/login/" + (f"?next={next_url}" if next_url else "")
    return Client().post(url, {"username": user.username, "password": PASSWORD})


@pytest.mark.parametrize("role, landing", [
    (Role.DESK, "/desk/"),
    (Role.COORDINATOR, "/desk/"),
    (Role.ADVISOR, "/advice/agenda/"),
    (Role.FACILITATOR, "/activities/groups/"),
])
def test_staff_land_on_their_working_page(role, landing):
    user = make_user(roles=[(role, make_hub())])
    response = log_in(user)
    assert response.status_code == 302
    assert response["Location"] == landing


def test_a_planner_lands_on_the_figures():
    planner = make_user(roles=[(Role.PLANNER, None)])
    assert log_in(planner)["Location"] == "/insights/"


def test_a_caregiver_lands_on_their_own_page():
    user, _person = make_caregiver(make_hub())
    assert log_in(user)["Location"] == "/account/"


def test_a_next_on_the_site_still_wins():
    user, _person = make_caregiver(make_hub())
    assert log_in(user, "/activities/")["Location"] == "/activities/"


def test_a_logged_in_visit_to_login_with_next_login_is_no_redirection_loop():
    user, _person = make_caregiver(make_hub())
    response = client_for(user).get("/login/?next=/login/")
    assert response.status_code == 302
    assert response["Location"] == "/account/"


@pytest.mark.parametrize("value", ["foo", "99999999999999999999", "//evil.example", "/\\evil.example",
                                   "https://evil.example/", "javascript:alert(1)", ""])
def test_only_a_path_on_this_site_is_a_safe_next(rf, value):
    assert safe_next_url(rf.get("/"), value, default="fallback") == "fallback"


def test_a_path_on_this_site_is_a_safe_next(rf):
    assert safe_next_url(rf.get("/"), "/activities/?hub=gracia") == "/activities/?hub=gracia"
