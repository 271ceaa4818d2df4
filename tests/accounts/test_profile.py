"""A caregiver edits their own contact details, language and channel, on My page and over the API; each change
is in the history with the person as actor; a new email address waits for its confirmation link."""

import pytest
from django.test import Client

from carehub.models import Message, Person
from tests.conftest import bearer, client_for, make_caregiver, make_person, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def carer(hub):
    return make_caregiver(hub, "carer", first_name="Montserrat", phone="612 345 678", email="montse@example.org",
                          notify_by="email", preferred_language="en")  # their pages follow it: read the msgids


def form(**changes):
    return {"phone": "612 345 678", "email": "montse@example.org", "notify_by": "email",
            "preferred_language": "en", **changes}


def patch(user, body, headers=None):
    return Client().patch("/api/v1/me/profile", body, content_type="application/json", **(headers or bearer(user)))


def test_my_page_shows_the_details_and_links_to_the_form(carer):
    user, _person = carer
    page = client_for(user).get("/account/").content.decode()
    assert "montse@example.org" in page and 'href="/account/profile/"' in page
    assert "Please confirm your email address" not in page  # registered at the desk: confirmed


def test_the_page_changes_phone_language_and_channel_with_the_person_as_actor(carer):
    user, person = carer
    client = client_for(user)
    assert client.get("/account/profile/").status_code == 200
    response = client.post("/account/profile/", form(phone="699 111 222", notify_by="sms", preferred_language="es"))
    assert response.status_code == 302 and response["Location"] == "/account/"
    person.refresh_from_db()
    assert (person.phone, person.notify_by, person.preferred_language) == ("+34699111222", "sms", "es")
    assert person.email_verified_at is not None  # the address did not change
    latest = person.history.latest()
    assert latest.history_user == user
    assert latest.history_change_reason == "changed by the person: phone, preferred_language, notify_by"
    assert person.history.earliest().phone == "+34612345678"  # the old value is kept


def test_a_new_email_address_is_confirmed_again_and_meanwhile_gets_nothing_else(carer):
    user, person = carer
    client = client_for(user)
    client.post("/account/profile/", form(email="Montse.Nova@example.org"))
    person.refresh_from_db()
    user.refresh_from_db()
    assert person.email == user.email == "montse.nova@example.org"
    assert person.email_verified_at is None
    [link] = Message.objects.filter(kind="email_verification")
    assert link.recipient == "montse.nova@example.org"
    assert "Please confirm your email address" in client.get("/account/").content.decode()


def test_page_refusals_are_shown_next_to_the_field(carer, hub):
    user, _person = carer
    client = client_for(user)
    page = client.post("/account/profile/", form(notify_by="sms", phone="93 256 41 00"))
    assert 'id="id_notify_by_error"' in page.content.decode()
    make_person(hub, email="taken@example.org")
    page = client.post("/account/profile/", form(email="taken@example.org"))
    assert "already registered with a hub" in page.content.decode() and 'id="id_email_error"' in page.content.decode()


def test_a_staff_account_without_a_person_has_no_profile(desk):
    assert client_for(desk).get("/account/profile/").status_code == 404
    response = Client().get("/api/v1/me/profile", **bearer(desk))
    assert response.status_code == 404 and response.json()["code"] == "no_person"


def test_the_api_reads_the_own_profile(carer):
    user, _person = carer
    response = Client().get("/api/v1/me/profile", **bearer(user))
    assert response.status_code == 200
    assert response.json() == {"first_name": "Montserrat", "last_name": "Garcia", "phone": "+34612345678",
                               "email": "montse@example.org", "email_verified": True, "notify_by": "email",
                               "preferred_language": "en", "hub": "sant-antoni"}
    assert Client().get("/api/v1/me/profile").status_code == 401


def test_the_api_patch_changes_only_what_is_sent_and_records_the_token_user(carer):
    user, person = carer
    response = patch(user, {"preferred_language": "en", "email": "montse.nova@example.org"})
    assert response.status_code == 200
    body = response.json()
    assert body["preferred_language"] == "en" and body["email_verified"] is False
    assert body["phone"] == "+34612345678" and body["notify_by"] == "email"
    latest = Person.objects.get(pk=person.pk).history.latest()
    assert latest.history_user == user and "email" in latest.history_change_reason


@pytest.mark.parametrize("body, code, field", [
    ({"phone": "abc"}, "phone_invalid", "phone"),
    ({"email": "not-an-address"}, "email_invalid", "email"),
    ({"email": "x" * 250 + "@example.org"}, "email_invalid", "email"),
    ({"preferred_language": "fr"}, "language_invalid", "preferred_language"),
    ({"notify_by": "pigeon"}, "notify_by_invalid", "notify_by"),
    ({"notify_by": "sms", "phone": "93 256 41 00"}, "mobile_required_for_channel", "notify_by"),
    ({"email": "", "notify_by": "email"}, "email_required_for_channel", "notify_by"),
])
def test_the_api_refuses_invalid_details_with_the_field(carer, body, code, field):
    user, person = carer
    response = patch(user, body)
    assert response.status_code == 422
    assert response.json()["code"] == code and response.json()["field"] == field and response.json()["detail"]
    assert Person.objects.get(pk=person.pk).history.count() == person.history.count()


def test_the_api_refuses_an_address_or_phone_of_someone_else(carer, hub):
    user, _person = carer
    make_person(hub, email="taken@example.org", phone="699 000 111")
    taken = patch(user, {"email": "Taken@example.org"})
    assert taken.status_code == 409 and taken.json()["code"] == "email_in_use" and taken.json()["field"] == "email"
    taken = patch(user, {"phone": "699 000 111"})
    assert taken.status_code == 409 and taken.json()["field"] == "phone"


def test_the_api_refuses_a_wrongly_typed_body_without_a_500(carer):
    user, _person = carer
    response = patch(user, {"phone": 612345678})
    assert response.status_code == 422 and response.json()["code"] == "invalid"
    assert patch(user, {"name": "x"}).status_code == 200  # unknown keys are ignored, nothing changes


def test_a_caregiver_changes_only_their_own_record(carer, hub):
    user, person = carer
    other = make_person(hub, phone="699 999 999")
    patch(user, {"phone": "611 222 333"})
    other.refresh_from_db()
    assert other.phone == "+34699999999"
    staff = make_user("desk7")
    assert patch(staff, {"phone": "611 222 444"}).status_code == 404
