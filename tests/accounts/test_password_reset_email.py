"""Password reset by email: a link through the notification layer, once, for a short time; the page never
tells whether an address has an account; requests are rate-limited."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from carehub.models import ApiToken, Message, PasswordReset, Role
from carehub.accounts import services
from tests.conftest import make_caregiver, make_hub, make_person, make_user

from .conftest import NEW_PASSWORD, PASSWORD

pytestmark = pytest.mark.django_db


def ask(client, email, address="198.51.100.4"):
    return client.post("/account/reset/", {"email": email}, REMOTE_ADDR=address)


def reset_messages():
    return list(Message.objects.filter(kind="password_reset"))


def link_of(message):
    [line] = [word for word in message.body.split() if "/account/reset/link/" in word]
    return line[line.index("/account/reset/link/"):]


@pytest.fixture
def carer(db):
    return make_caregiver(make_hub(), "rosa", first_name="Rosa", email="rosa@example.org", preferred_language="es")


def request_link(client, carer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(client, "Rosa@Example.org").status_code == 302
    [message] = reset_messages()
    return message


def test_the_link_goes_by_email_through_the_notification_layer_in_the_persons_language(
        carer, tasks_run_at_once, django_capture_on_commit_callbacks):
    message = request_link(Client(), carer, django_capture_on_commit_callbacks)
    assert message.channel == "email" and message.recipient == "rosa@example.org"
    assert message.person == carer[1] and message.language == "es"
    assert "/account/reset/link/" in message.body
    # The link is a secret: the desk's call list and an SMS never carry it.
    assert "/account/reset/" not in message.call_text
    reset = PasswordReset.objects.get()
    assert reset.kind == "email_link" and reset.user == carer[0] and reset.issued_by is None
    assert link_of(message).split("/")[-2] not in reset.secret_hash  # only a hash is kept


def test_a_known_and_an_unknown_address_get_the_same_answer_and_the_same_work_in_the_request(carer):
    client = Client()
    with CaptureQueriesContext(connection) as known:
        known_answer = ask(client, "rosa@example.org", address="198.51.100.5")
    with CaptureQueriesContext(connection) as unknown:
        unknown_answer = ask(client, "nobody@example.org", address="198.51.100.6")
    assert known_answer.status_code == unknown_answer.status_code == 302
    assert known_answer["Location"] == unknown_answer["Location"] == "/account/reset/sent/"
    # The request only counts and enqueues: the lookup happens in the background task.
    strip = lambda queries: [re.sub(r"s\d+_x\d+", "sp", re.split(" WHERE | VALUES ", q["sql"])[0])  # noqa: E731
                             for q in queries]
    assert strip(known.captured_queries) == strip(unknown.captured_queries)
    assert not reset_messages()
    page = client.get("/account/reset/sent/").content.decode()
    assert "If the address you typed is the confirmed address of an account" in page


def test_nothing_is_sent_for_an_unknown_an_unconfirmed_or_a_staff_address(tasks_run_at_once,
                                                                         django_capture_on_commit_callbacks):
    hub = make_hub()
    make_caregiver(hub, email="unconfirmed@example.org", email_verified_at=None)
    staff = make_user("desk9", roles=[(Role.DESK, hub)])
    make_person(hub, user=staff, email="staff@example.org")
    for email in ("nobody@example.org", "unconfirmed@example.org", "staff@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            assert ask(Client(), email).status_code == 302
    assert not reset_messages() and not PasswordReset.objects.exists()


def test_the_link_sets_a_new_password_once_and_ends_the_tokens(carer, tasks_run_at_once,
                                                              django_capture_on_commit_callbacks):
    user, _person = carer
    token = ApiToken.issue(user)
    message = request_link(Client(), carer, django_capture_on_commit_callbacks)
    client = Client()
    opened = client.get(link_of(message))
    assert opened.status_code == 302 and opened["Location"] == "/account/reset/new/"  # the token leaves the URL
    form = client.get("/account/reset/new/")
    assert form.status_code == 200 and "Choose a new password" in form.content.decode()
    done = client.post("/account/reset/new/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/login/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not ApiToken.objects.filter(key_hash=ApiToken.hash(token)).exists()
    assert PasswordReset.objects.get().used_at is not None

    again = Client()
    again.get(link_of(message))
    page = again.get("/account/reset/new/")
    assert page.status_code == 410
    assert "This link has already been used." in page.content.decode()
    refused = again.post("/account/reset/new/", {"new_password1": "another-long-password-2",
                                                 "new_password2": "another-long-password-2"})
    assert refused.status_code == 404 or refused.status_code == 410
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_an_expired_link_says_so_and_changes_nothing(carer, tasks_run_at_once, django_capture_on_commit_callbacks,
                                                     frozen_clock, settings):
    settings.ACCOUNTS = {"RESET_LINK_MINUTES": 30}
    message = request_link(Client(), carer, django_capture_on_commit_callbacks)
    assert "30 minutos" in message.body or "30 minutes" in message.body
    frozen_clock.shift(timedelta(minutes=31))
    client = Client()
    client.get(link_of(message))
    page = client.get("/account/reset/new/")
    assert page.status_code == 410 and "This link has expired." in page.content.decode()
    client.get(link_of(message))
    client.post("/account/reset/new/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    carer[0].refresh_from_db()
    assert carer[0].check_password(PASSWORD)


def test_a_link_still_unused_stops_working_once_the_password_is_changed(carer, tasks_run_at_once,
                                                                       django_capture_on_commit_callbacks):
    message = request_link(Client(), carer, django_capture_on_commit_callbacks)
    user = carer[0]
    user.set_password("changed-on-the-password-page")
    user.save()
    client = Client()
    client.get(link_of(message))
    page = client.get("/account/reset/new/")
    assert page.status_code == 410 and "the password has been changed since" in page.content.decode()


def test_a_made_up_link_says_it_is_not_valid():
    client = Client()
    client.get("/account/reset/link/not-a-real-token/")
    page = client.get("/account/reset/new/")
    assert page.status_code == 404 and "This link is not valid." in page.content.decode()
    assert Client().get("/account/reset/new/").status_code == 404  # no link at all


def test_a_weak_new_password_is_refused_next_to_its_field_and_the_link_still_works(
        carer, tasks_run_at_once, django_capture_on_commit_callbacks):
    message = request_link(Client(), carer, django_capture_on_commit_callbacks)
    client = Client()
    client.get(link_of(message))
    weak = client.post("/account/reset/new/", {"new_password1": "password1", "new_password2": "password1"})
    assert weak.status_code == 200 and 'id="id_new_password1_error"' in weak.content.decode()
    mismatch = client.post("/account/reset/new/", {"new_password1": NEW_PASSWORD, "new_password2": "other"})
    assert 'id="id_new_password2_error"' in mismatch.content.decode()
    assert client.post("/account/reset/new/", {"new_password1": NEW_PASSWORD,
                                               "new_password2": NEW_PASSWORD}).status_code == 302


def test_requests_for_one_address_are_limited_whoever_asks(carer, settings):
    settings.ACCOUNTS = {"RESET_REQUESTS_PER_EMAIL": 3}
    answers = [ask(Client(), "rosa@example.org", address=f"198.51.100.{n}").status_code for n in range(5)]
    assert answers == [302, 302, 302, 429, 429]
    # The same answer for an address nobody has: the limit says nothing about accounts.
    nobody = [ask(Client(), "nobody@example.org", address=f"203.0.113.{n}").status_code for n in range(5)]
    assert nobody == answers


def test_requests_from_one_client_are_limited_across_addresses(settings, frozen_clock):
    settings.ACCOUNTS = {"RESET_REQUESTS_PER_ADDRESS": 4}
    answers = [ask(Client(), f"person{n}@example.org", address="203.0.113.9").status_code for n in range(6)]
    assert answers == [302] * 4 + [429] * 2
    page = ask(Client(), "another@example.org", address="203.0.113.9")
    assert "Too many requests to reset a password." in page.content.decode()
    assert ask(Client(), "another@example.org", address="203.0.113.10").status_code == 302
    frozen_clock.shift(timedelta(hours=1, minutes=1))  # a sliding hour
    assert ask(Client(), "again@example.org", address="203.0.113.9").status_code == 302


def test_a_reset_ends_the_login_lockout_of_the_account(carer, tasks_run_at_once, django_capture_on_commit_callbacks,
                                                      settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        Client(REMOTE_ADDR="198.51.100.30").post("/login/", {"username": "rosa", "password": "wrong"})
    locked = Client(REMOTE_ADDR="198.51.100.30").post("/login/", {"username": "rosa", "password": PASSWORD})
    assert locked.status_code == 429
    page = locked.content.decode()
    assert 'href="/account/reset/"' in page and 'href="/account/reset/code/"' in page
    message = request_link(Client(), carer, django_capture_on_commit_callbacks)
    client = Client()
    client.get(link_of(message))
    client.post("/account/reset/new/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    logged_in = Client(REMOTE_ADDR="198.51.100.30").post("/login/", {"username": "rosa", "password": NEW_PASSWORD})
    assert logged_in.status_code == 302


def test_the_login_page_links_to_both_ways_of_resetting():
    page = Client().get("/login/").content.decode()
    assert 'href="/account/reset/"' in page and 'href="/account/reset/code/"' in page


def test_the_service_writes_one_link_per_caregiver_account_and_none_without_usable_password(db):
    hub = make_hub()
    user, _ = make_caregiver(hub, email="shared@example.org")
    other, _ = make_caregiver(hub, email="shared@example.org")
    other.set_unusable_password()
    other.save()
    assert services.send_password_reset_links(email="SHARED@example.org ") == 1
    assert PasswordReset.objects.get().user == user
