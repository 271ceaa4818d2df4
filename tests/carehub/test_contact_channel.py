"""How the hub reaches a person: a valid phone stored in E.164 and a channel the contact data can serve."""

import pytest
from django.conf import settings
from django.urls import reverse

from carehub.models import Person
from tests.conftest import bearer
from tests.conftest import client_for as logged_in

JSON = "application/json"


def client_for(user):
    client = logged_in(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def register_page(client, hub, **fields):
    data = {"first_name": "Roser", "last_name": "Puig", "phone": "", "email": "", "notify_by": "",
            "preferred_language": "ca", "document_number": "", "hub": hub.pk, "consent": "on"}
    data.update(fields)
    return client.post(reverse("person-register"), data)


def register_api(client, hub, user, **fields):
    data = {"first_name": "Roser", "hub": hub.slug, "consent": True}
    data.update(fields)
    return client.post("/api/v1/people", data, content_type=JSON, **bearer(user))


def field_error(response, field: str) -> str:
    html = response.content.decode()
    return html.split(f'id="id_{field}_error">')[1].split("</p>")[0] if f'id="id_{field}_error"' in html else ""


def test_a_phone_that_is_not_a_number_is_refused_next_to_the_field(hub, desk):
    response = register_page(client_for(desk), hub, phone="abc")
    assert response.status_code == 200
    assert "valid phone number" in field_error(response, "phone")
    assert not Person.objects.exists()


def test_the_api_refuses_a_phone_that_is_not_a_number_with_422(client, hub, desk):
    response = register_api(client, hub, desk, phone="abc")
    assert response.status_code == 422
    assert response.json()["code"] == "phone_invalid"
    assert response.json()["field"] == "phone"
    assert set(response.json()) >= {"detail", "code"}
    assert not Person.objects.exists()


def test_a_spanish_number_typed_with_spaces_is_stored_e164_and_shown_readable(hub, desk):
    client = client_for(desk)
    response = register_page(client, hub, phone="612 345 678")
    person = Person.objects.get()
    assert response.status_code == 302
    assert person.phone == "+34612345678"
    assert person.notify_by == "sms"  # no email, a mobile: derived when left empty
    page = client.get(person.get_absolute_url()).content.decode()
    assert "612 34 56 78" in page and 'href="tel:+34612345678"' in page
    assert "SMS" in page


def test_the_api_stores_and_returns_the_e164_phone_and_the_channel(client, hub, desk):
    response = register_api(client, hub, desk, phone="612 345 678", email="roser@example.org", notify_by="sms")
    assert response.status_code == 201
    assert response.json()["phone"] == "+34612345678"
    assert response.json()["notify_by"] == "sms"
    assert Person.objects.get().notify_by == "sms"


def test_sms_without_a_mobile_is_refused_next_to_the_channel(hub, desk):
    response = register_page(client_for(desk), hub, phone="932 56 41 00", notify_by="sms")
    assert "mobile number" in field_error(response, "notify_by")
    assert not Person.objects.exists()


def test_the_api_refuses_sms_without_a_mobile(client, hub, desk):
    response = register_api(client, hub, desk, phone="932 56 41 00", notify_by="sms")
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("mobile_required_for_channel", "notify_by")


def test_email_without_an_address_is_refused(client, hub, desk):
    response = register_page(client_for(desk), hub, phone="612 345 678", notify_by="email")
    assert "email address" in field_error(response, "notify_by")
    assert register_api(client, hub, desk, notify_by="email").json()["code"] == "email_required_for_channel"
    assert not Person.objects.exists()


def test_a_call_from_the_desk_can_be_chosen_with_no_contact_data_and_the_desk_is_told(hub, desk):
    client = client_for(desk)
    response = register_page(client, hub, notify_by="call")
    assert Person.objects.get().notify_by == "call"
    page = client.get(response.url).content.decode()
    assert "call list" in page  # the success message follows the channel, no promise of an email


def test_the_registration_message_promises_the_persons_channel(hub, desk):
    client = client_for(desk)
    response = register_page(client, hub, email="roser@example.org")
    page = client.get(response.url).content.decode()
    assert "by email" in page


@pytest.mark.parametrize("channel, extra, expected", [
    ("", {}, "email"),
    ("sms", {"phone": "612345678"}, "sms"),
])
def test_the_caregiver_chooses_the_channel_at_sign_up_email_by_default(client, hub, channel, extra, expected):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = {"first_name": "Rosa", "last_name": "Serra", "email": "rosa@example.org", "phone": "",
            "home_hub": hub.pk, "preferred_language": "es", "username": "rosa", "password1": "cuidar-es-estimar-42",
            "consent": "on", "notify_by": channel, **extra}
    assert client.post("/signup/", data).status_code == 302
    assert Person.objects.get().notify_by == expected


def test_sign_up_refuses_sms_without_a_mobile_and_a_bad_phone(client, hub):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = {"first_name": "Rosa", "email": "rosa@example.org", "home_hub": hub.pk, "preferred_language": "es",
            "username": "rosa", "password1": "cuidar-es-estimar-42", "consent": "on", "notify_by": "sms"}
    assert "mobile number" in field_error(client.post("/signup/", data), "notify_by")
    assert "valid phone number" in field_error(client.post("/signup/", {**data, "phone": "12"}), "phone")
    assert not Person.objects.exists()


def test_the_sign_up_page_offers_the_channels_as_labelled_radio_buttons(client, hub):
    html = client.get("/signup/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<fieldset" in html and "<legend>" in html
    assert 'type="radio" name="notify_by" value="email"' in html and "checked" in html
