"""People opt in to their hub's monthly digest and out again: a caregiver on My page (or the hub's news page),
the desk on the person's page, a program through PUT /api/v1/news/subscription. Each change is audited."""

import pytest

from carehub.models import Person
from django.test import Client

from news.models import DigestSubscription
from tests.conftest import bearer, client_for, make_person

pytestmark = pytest.mark.django_db


def test_a_caregiver_opts_in_and_out_on_my_page(hub, carer):
    user, person = carer
    Person.objects.filter(pk=person.pk).update(preferred_language="en")  # their own pages follow their language
    client = client_for(user)
    page = client.get("/account/").content.decode()
    assert "Get the monthly digest" in page
    response = client.post("/news/subscription/", {"subscribed": "1", "hub": hub.slug, "next": "/account/"})
    assert response.status_code == 302 and response["Location"] == "/account/"
    subscription = DigestSubscription.objects.get(person=person, hub=hub)
    assert subscription.is_active
    assert "Stop the monthly digest" in client.get("/account/").content.decode()
    client.post("/news/subscription/", {"subscribed": "0", "hub": hub.slug, "next": "/account/"})
    subscription.refresh_from_db()
    assert not subscription.is_active
    history = list(subscription.history.order_by("history_id").values_list("history_user", "history_change_reason"))
    assert history == [(user.pk, "subscribed by the person"), (user.pk, "unsubscribed by the person")]


def test_saying_it_twice_changes_nothing(hub, carer):
    user, person = carer
    client = client_for(user)
    for _ in range(2):
        client.post("/news/subscription/", {"subscribed": "1"})
    subscription = DigestSubscription.objects.get(person=person)
    assert subscription.hub == hub and subscription.history.count() == 1


def test_the_desk_opts_a_person_of_their_hub_in_on_the_persons_page(hub, desk):
    person = make_person(hub)
    client = client_for(desk)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "Does not get the monthly digest" in page
    response = client.post("/news/subscription/", {"subscribed": "1", "person": person.pk,
                                                   "next": f"/people/{person.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/people/{person.pk}/"
    subscription = DigestSubscription.objects.get(person=person)
    assert subscription.history.get().history_user == desk
    assert "Gets the monthly digest" in client.get(f"/people/{person.pk}/").content.decode()


def test_the_desk_of_another_hub_cannot_touch_a_persons_subscription(hub, other_desk):
    person = make_person(hub)
    response = client_for(other_desk).post("/news/subscription/", {"subscribed": "1", "person": person.pk})
    assert response.status_code == 404
    api = Client().put("/api/v1/news/subscription", {"subscribed": True, "person": person.pk},
                       content_type="application/json", **bearer(other_desk))
    assert api.status_code == 404 and api.json()["code"] == "person_not_found"
    assert not DigestSubscription.objects.exists()


def test_without_an_email_or_a_mobile_there_is_nothing_to_send_it_by(hub, desk):
    person = make_person(hub, email="", phone="93 256 41 00")  # a landline: the desk could only call
    page = client_for(desk).get(f"/people/{person.pk}/").content.decode()
    assert "add an email address or a mobile number first" in page
    response = Client().put("/api/v1/news/subscription", {"subscribed": True, "person": person.pk},
                            content_type="application/json", **bearer(desk))
    assert response.status_code == 422 and response.json()["code"] == "digest_needs_address"
    assert not DigestSubscription.objects.exists()


def test_the_api_opts_in_the_caller_and_answers_the_state(hub, other_hub, carer):
    user, person = carer
    client = Client()
    response = client.put("/api/v1/news/subscription", {"subscribed": True}, content_type="application/json",
                          **bearer(user))
    assert response.status_code == 200
    body = response.json()
    assert body["hub"] == hub.slug and body["subscribed"] is True and body["ended_at"] is None
    other = client.put("/api/v1/news/subscription", {"subscribed": True, "hub": other_hub.slug},
                       content_type="application/json", **bearer(user))
    assert other.status_code == 200 and other.json()["hub"] == other_hub.slug
    listed = client.get("/api/v1/news/subscription", **bearer(user)).json()
    assert sorted(row["hub"] for row in listed if row["subscribed"]) == sorted([hub.slug, other_hub.slug])
    off = client.put("/api/v1/news/subscription", {"subscribed": False}, content_type="application/json",
                     **bearer(user))
    assert off.json()["subscribed"] is False and off.json()["ended_at"] is not None


def test_the_api_needs_a_login_and_a_known_hub(hub, carer):
    anonymous = Client().put("/api/v1/news/subscription", {"subscribed": True}, content_type="application/json")
    assert anonymous.status_code == 401 and set(anonymous.json()) >= {"detail", "code"}
    unknown = Client().put("/api/v1/news/subscription", {"subscribed": True, "hub": "no-such-hub"},
                           content_type="application/json", **bearer(carer[0]))
    assert unknown.status_code == 404 and unknown.json()["code"] == "hub_not_found"


def test_a_staff_account_without_a_person_must_say_whose(desk):
    response = Client().put("/api/v1/news/subscription", {"subscribed": True}, content_type="application/json",
                            **bearer(desk))
    assert response.status_code == 422 and response.json()["code"] == "person_required"


def test_a_caregiver_opts_in_from_the_hubs_news_page(hub, other_hub, carer):
    user, person = carer
    client = client_for(user)
    page = client.get(f"/hubs/{other_hub.slug}/news/").content.decode()
    assert f'name="hub" value="{other_hub.slug}"' in page
    client.post("/news/subscription/", {"subscribed": "1", "hub": other_hub.slug,
                                        "next": f"/hubs/{other_hub.slug}/news/"})
    assert DigestSubscription.objects.get(person=person).hub == other_hub
    anonymous = Client().get(f"/hubs/{hub.slug}/news/").content.decode()
    assert "Log in to get it" in anonymous
