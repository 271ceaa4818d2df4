"""Every account can change its password; the old one, the other sessions and the API tokens stop working."""

import pytest
from django.test import Client

from carehub.models import ApiToken
from tests.conftest import make_caregiver, make_hub

pytestmark = pytest.mark.django_db

OLD, NEW = "a-long-test-password", "a-brand-new-long-password"


def change(client, old=OLD, new=NEW, again=None):
    return client.post("/account/password/", {"old_password": old, "new_password1": new,
                                              "new_password2": again or new}, HTTP_ACCEPT_LANGUAGE="en")


def test_changing_the_password_keeps_this_session_and_ends_the_others_and_the_tokens():
    user, _person = make_caregiver(make_hub())
    token = ApiToken.issue(user)
    here, elsewhere = Client(), Client()
    here.force_login(user)
    elsewhere.force_login(user)
    response = change(here)
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert here.get("/account/").status_code == 200
    assert elsewhere.get("/account/").status_code == 302  # sent to log in again
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.check_password(OLD)


def test_a_wrong_current_password_is_shown_next_to_its_field_and_changes_nothing():
    user, _person = make_caregiver(make_hub())
    client = Client()
    client.force_login(user)
    page = change(client, old="not-my-password")
    assert page.status_code == 200
    assert 'id="id_old_password_error"' in page.content.decode()
    user.refresh_from_db()
    assert user.check_password(OLD)


def test_a_weak_new_password_is_refused():
    user, _person = make_caregiver(make_hub())
    client = Client()
    client.force_login(user)
    page = change(client, new="password1")
    assert page.status_code == 200
    assert 'id="id_new_password2_error"' in page.content.decode()


def test_the_page_needs_a_login():
    response = Client().get("/account/password/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_my_page_links_to_the_password_change():
    user, _person = make_caregiver(make_hub())
    client = Client()
    client.force_login(user)
    assert 'href="/account/password/"' in client.get("/account/").content.decode()
