"""API tokens end when they should: after their lifetime unused, on revocation, and when the credentials or the
roles they were issued for go."""

from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
import time_machine
from django.test import Client

from carehub.models import ApiToken, Role, StaffRole
from tests.conftest import make_hub, make_user

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=dt_timezone.utc)


def me(token):
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def test_a_token_unused_for_longer_than_its_lifetime_stops_working():
    user = make_user()
    with time_machine.travel(START, tick=False):
        token = ApiToken.issue(user)
    with time_machine.travel(START + timedelta(days=30, hours=-1), tick=False):
        assert me(token) == 200
    with time_machine.travel(START + timedelta(days=61), tick=False):
        assert me(token) == 401


def test_a_token_used_regularly_keeps_working_beyond_its_lifetime():
    user = make_user()
    with time_machine.travel(START, tick=False):
        token = ApiToken.issue(user)
    for week in range(1, 10):
        with time_machine.travel(START + timedelta(weeks=week), tick=False):
            assert me(token) == 200


def test_the_caller_revokes_its_own_token_and_only_that_one():
    user = make_user()
    token, other = ApiToken.issue(user), ApiToken.issue(user)
    response = Client().delete("/api/v1/auth/token", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 204
    assert me(token) == 401
    assert me(other) == 200


def test_revoking_without_a_token_is_401():
    assert Client().delete("/api/v1/auth/token").status_code == 401


def test_a_password_change_revokes_every_token():
    user = make_user()
    token = ApiToken.issue(user)
    user.set_password("another-long-password")
    user.save()
    assert me(token) == 401


def test_a_password_change_logs_out_the_other_sessions():
    user = make_user()
    elsewhere = Client()
    elsewhere.force_login(user)
    assert elsewhere.get("/api/v1/me").status_code == 200
    user.set_password("another-long-password")
    user.save()
    assert elsewhere.get("/api/v1/me").status_code == 401


def test_deactivating_an_account_revokes_its_tokens():
    user = make_user()
    token = ApiToken.issue(user)
    user.is_active = False
    user.save()
    assert not ApiToken.objects.filter(user=user).exists()
    assert me(token) == 401


def test_logging_in_again_does_not_revoke_tokens():
    user = make_user(password="a-long-test-password")
    token = ApiToken.issue(user)
    response = Client().post("/api/v1/auth/token", {"username": user.username, "password": "a-long-test-password"},
                             content_type="application/json")
    assert response.status_code == 200
    assert me(token) == 200


def test_removing_the_last_role_revokes_the_tokens_but_not_before():
    hub, other = make_hub(), make_hub()
    user = make_user(roles=[(Role.DESK, hub), (Role.DESK, other)])
    token = ApiToken.issue(user)
    StaffRole.objects.filter(user=user, hub=hub).delete()
    assert me(token) == 200
    StaffRole.objects.get(user=user).delete()
    assert me(token) == 401
