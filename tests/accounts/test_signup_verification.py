"""Sign-up verifies: a self-registered address is confirmed by a link before anything else is sent to it, and
an address or phone already on someone else is refused with a pointer to the hub."""

from datetime import timedelta

import pytest
from django.test import Client

from carehub.models import Message, Person
from carehub.notifications import notify
from carehub.notifications.services import channel_for
from tests.conftest import client_for, make_caregiver, make_hub, make_person

pytestmark = pytest.mark.django_db


def signup_data(hub, **changes):
    return {"first_name": "Laia", "last_name": "Puig", "email": "laia@example.org", "phone": "612 345 600",
            "notify_by": "email", "home_hub": hub.pk, "preferred_language": "en", "username": "laia",
            "password1": "a-long-test-password", "consent": "on", **changes}


def sign_up(hub, **changes):
    client = Client()
    return client, client.post("/signup/", signup_data(hub, **changes))


def field_error(page, field):
    html = page.content.decode()
    marker = f'id="id_{field}_error">'
    assert marker in html, f"no error next to {field}"
    return html.split(marker, 1)[1].split("</p>", 1)[0]


def link_in(message):
    [word] = [w for w in message.body.split() if "/account/email/confirm/" in w]
    return word[word.index("/account/"):]


def test_a_new_address_gets_only_its_confirmation_link_until_it_is_confirmed(hub):
    client, response = sign_up(hub)
    assert response.status_code == 302
    person = Person.objects.get(email="laia@example.org")
    assert person.email_verified_at is None
    [verification] = Message.objects.filter(person=person)
    assert verification.kind == "email_verification" and verification.channel == "email"
    assert verification.recipient == "laia@example.org" and verification.language == "en"
    assert "/account/email/confirm/" not in verification.call_text
    # Anything else goes by SMS to the mobile meanwhile, though the person chose email.
    booked = notify(person, kind="booking_confirmed", related=hub, context={"title": "Taller", "starts_at": hub.created_at})
    assert booked.channel == "sms" and booked.recipient == "+34612345600"
    assert "Please confirm your email address" in client.get("/account/").content.decode()

    assert client.get(link_in(verification)).status_code == 302
    person.refresh_from_db()
    assert person.email_verified_at is not None
    assert channel_for(person) == ("email", "laia@example.org")
    history = person.history.latest()
    assert history.history_user == person.user and "confirmed" in history.history_change_reason


def test_without_a_mobile_an_unconfirmed_address_falls_back_to_a_call(hub):
    sign_up(hub, phone="")
    person = Person.objects.get(email="laia@example.org")
    message = notify(person, kind="booking_confirmed", related=hub, context={"title": "Taller", "starts_at": hub.created_at})
    assert message.channel == "call" and message.status == "to_call"


def test_the_link_needs_the_accounts_owner_logged_in(hub):
    _client, _response = sign_up(hub)
    person = Person.objects.get(email="laia@example.org")
    link = link_in(Message.objects.get(person=person))
    stranger = Client().get(link)
    assert stranger.status_code == 302 and stranger["Location"].startswith("/login/?next=")
    other_user, _other = make_caregiver(hub)
    assert client_for(other_user).get(link).status_code == 403
    person.refresh_from_db()
    assert person.email_verified_at is None


def test_an_expired_or_tampered_link_says_so(hub, frozen_clock):
    client, _response = sign_up(hub)
    link = link_in(Message.objects.get(kind="email_verification"))
    tampered = client.get(link.replace("/confirm/", "/confirm/x"))
    assert tampered.status_code == 422 and "This confirmation link is not valid." in tampered.content.decode()
    frozen_clock.shift(timedelta(days=8))
    client.force_login(Person.objects.get(email="laia@example.org").user)  # the session itself ended meanwhile
    expired = client.get(link)
    assert expired.status_code == 422 and "This confirmation link has expired." in expired.content.decode()
    assert Person.objects.get(email="laia@example.org").email_verified_at is None


def test_the_link_can_be_sent_again_from_my_page_a_few_times_an_hour(hub):
    client, _response = sign_up(hub)
    for _ in range(3):
        client.post("/account/email/resend/")
    assert Message.objects.filter(kind="email_verification").count() == 4  # sign-up's and three more
    page = client.post("/account/email/resend/", follow=True).content.decode()
    assert "We have sent several links in the last hour." in page
    assert Message.objects.filter(kind="email_verification").count() == 4


def test_a_link_for_an_address_since_replaced_does_not_confirm_the_new_one(hub):
    client, _response = sign_up(hub)
    old_link = link_in(Message.objects.get(kind="email_verification"))
    client.post("/account/profile/", {"phone": "612 345 600", "email": "laia.nova@example.org",
                                      "notify_by": "email", "preferred_language": "en"})
    page = client.get(old_link)
    assert page.status_code == 422 and "no longer on your account" in page.content.decode()
    assert Person.objects.get(email="laia.nova@example.org").email_verified_at is None


def test_an_address_already_on_another_person_is_refused_without_saying_whose(hub):
    make_person(make_hub(), first_name="Montserrat", email="laia@example.org")
    _client, page = sign_up(hub, email="LAIA@example.org")
    assert page.status_code == 200
    error = field_error(page, "email")
    assert "already registered with a hub" in error and "ask your hub" in error
    assert "Montserrat" not in page.content.decode()
    assert not Person.objects.filter(first_name="Laia").exists()


def test_a_phone_already_on_another_person_is_refused(hub):
    make_person(hub, phone="+34612345600", email="")
    _client, page = sign_up(hub, phone="612 34 56 00")
    assert "already registered with a hub" in field_error(page, "phone")
    assert not Person.objects.filter(first_name="Laia").exists()


def test_an_erased_persons_old_address_is_free_again(hub):
    make_person(hub, email="laia@example.org", erased_at=hub.created_at)
    _client, page = sign_up(hub)
    assert page.status_code == 302


def test_user_names_stay_unique_whatever_the_case(hub):
    sign_up(hub)
    _client, page = sign_up(hub, username="LAIA", email="other@example.org", phone="")
    assert "This user name is taken" in field_error(page, "username")
