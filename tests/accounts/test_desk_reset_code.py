"""A reset code from the desk for people without email: the desk of the person's hub issues it, it works once
and for a short time, only its hash is kept, every issue is on record, and guessing is stopped."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from carehub.models import PasswordReset
from tests.conftest import client_for, make_caregiver, make_person

from .conftest import NEW_PASSWORD, PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def person_with_account(hub):
    return make_caregiver(hub, "jordi", first_name="Jordi", email="", phone="93 256 41 00")


def issue(client, person):
    return client.post(f"/people/{person.pk}/reset-code/")


def code_on(page) -> str:
    return re.search(r'class="reset-code">([A-Z0-9-]+)<', page.content.decode()).group(1)


def use(code, username="jordi", password=NEW_PASSWORD, address="198.51.100.8"):
    return Client(REMOTE_ADDR=address).post("/account/reset/code/", {
        "username": username, "code": code, "new_password1": password, "new_password2": password})


def test_the_desk_of_the_persons_hub_issues_a_code_that_is_recorded_and_kept_only_as_a_hash(
        desk, person_with_account, hub):
    user, person = person_with_account
    page = issue(client_for(desk), person)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    code = code_on(page)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert "jordi" in page.content.decode()  # the slip names the user name to type
    reset = PasswordReset.objects.get()
    assert (reset.kind, reset.user, reset.person, reset.issued_by, reset.hub) == ("desk_code", user, person, desk, hub)
    assert code.replace("-", "") not in reset.secret_hash
    assert reset.expires_at - reset.created_at == timedelta(minutes=60)
    # The person's page says who issued it and when.
    person_page = client_for(desk).get(f"/people/{person.pk}/").content.decode()
    assert "Code issued by desk" in person_page and "Issue a reset code" in person_page


def test_the_code_sets_a_new_password_once(desk, person_with_account):
    user, person = person_with_account
    code = code_on(issue(client_for(desk), person))
    done = use(code.lower().replace("-", " "))  # typed as heard: lower case, a space
    assert done.status_code == 302 and done["Location"] == "/login/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert PasswordReset.objects.get().used_at is not None
    again = use(code, password="yet-another-long-password")
    assert again.status_code == 409
    assert "This code has already been used." in again.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_an_expired_code_says_so(desk, person_with_account, frozen_clock, settings):
    settings.ACCOUNTS = {"DESK_CODE_MINUTES": 15}
    user, person = person_with_account
    code = code_on(issue(client_for(desk), person))
    frozen_clock.shift(timedelta(minutes=16))
    page = use(code)
    assert page.status_code == 409 and "This code has expired." in page.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_newer_code_replaces_the_earlier_one(desk, person_with_account):
    _user, person = person_with_account
    first = code_on(issue(client_for(desk), person))
    second = code_on(issue(client_for(desk), person))
    assert "a newer code was issued" in use(first).content.decode()
    assert use(second).status_code == 302


def test_a_desk_of_another_hub_cannot_issue_a_code(other_desk, person_with_account):
    _user, person = person_with_account
    assert issue(client_for(other_desk), person).status_code == 404
    assert not PasswordReset.objects.exists()


def test_a_caregiver_cannot_issue_a_code_and_anonymous_visitors_are_sent_to_log_in(person_with_account, hub):
    _user, person = person_with_account
    other_user, _other = make_caregiver(hub)
    assert issue(client_for(other_user), person).status_code == 403
    assert issue(Client(), person).status_code == 302
    assert not PasswordReset.objects.exists()


def test_no_code_for_a_staff_account_or_a_person_without_account(desk, coordinator, hub):
    staff_person = make_person(hub, user=coordinator)
    client = client_for(desk)
    refused = client.post(f"/people/{staff_person.pk}/reset-code/", follow=True)
    assert "an administrator resets its password" in refused.content.decode()
    nobody = make_person(hub)
    refused = client.post(f"/people/{nobody.pk}/reset-code/", follow=True)
    assert "This person has no online account." in refused.content.decode()
    assert not PasswordReset.objects.exists()


def test_an_unknown_user_name_and_a_wrong_code_get_the_same_answer(desk, person_with_account):
    _user, person = person_with_account
    issue(client_for(desk), person)
    wrong = use("ZZZZ-ZZZZ")
    unknown = use("ZZZZ-ZZZZ", username="nobody-here")
    assert wrong.status_code == unknown.status_code == 422
    message = "This user name and code do not match."
    assert message in wrong.content.decode() and message in unknown.content.decode()
    assert 'id="id_code_error"' in wrong.content.decode()


def test_five_wrong_codes_end_the_code(desk, person_with_account):
    _user, person = person_with_account
    code = code_on(issue(client_for(desk), person))
    for n in range(5):
        assert use("ZZZZ-ZZZZ", address=f"198.51.100.{n}").status_code == 422
    page = use(code)
    assert page.status_code == 409 and "mistyped too many times" in page.content.decode()
    assert PasswordReset.objects.get().voided_at is not None


def test_tries_are_limited_per_client_and_per_user_name(settings, desk, person_with_account):
    settings.ACCOUNTS = {"CODE_TRIES_PER_ADDRESS": 3, "CODE_TRIES_PER_USERNAME": 4, "CODE_WRONG_TRIES": 100}
    _user, person = person_with_account
    code = code_on(issue(client_for(desk), person))
    answers = [use("ZZZZ-ZZZZ", username=f"user{n}", address="203.0.113.3").status_code for n in range(4)]
    assert answers == [422, 422, 422, 429]
    per_name = [use("ZZZZ-ZZZZ", address=f"203.0.113.{10 + n}").status_code for n in range(4)]
    assert per_name == [422, 422, 422, 422]
    # Even the right code waits now: the user name had its tries this hour.
    assert use(code, address="203.0.113.50").status_code == 429


def test_a_weak_password_keeps_the_code_usable(desk, person_with_account):
    _user, person = person_with_account
    code = code_on(issue(client_for(desk), person))
    weak = use(code, password="password1")
    assert weak.status_code == 422 and 'id="id_new_password1_error"' in weak.content.decode()
    assert use(code).status_code == 302


def test_the_code_page_is_linked_from_login_and_works_without_javascript():
    page = Client().get("/account/reset/code/")
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("username", "code", "new_password1", "new_password2"):
        assert f'for="id_{name}"' in html
