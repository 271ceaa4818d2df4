"""The link in every digest stops it in one click, without logging in; a changed or made-up link is refused
with a clear page, never a 500."""

import re

import pytest
from django.test import Client

from news import digest, links
from news.models import DigestSubscription
from tests.conftest import make_person

from .conftest import TODAY, digests_of, make_news, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def rosa_subscribed(hub):
    rosa = make_person(hub, first_name="Rosa", preferred_language="en")
    subscription = subscribe(rosa)
    make_news(hub, title="Obrim el dissabte")
    digest.send(today=TODAY)
    return rosa, subscription


def link_in(message) -> str:
    [url] = re.findall(r"https?://\S+/news/digest/\S+/", message.body)
    return url.split("127.0.0.1:8000", 1)[-1]


def test_the_link_in_the_digest_stops_it_without_a_login(hub, rosa_subscribed):
    rosa, subscription = rosa_subscribed
    path = link_in(digests_of(rosa)[0])
    client = Client()  # nobody logged in
    page = client.get(path)
    assert page.status_code == 200 and "Stop the monthly digest" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.is_active  # opening the link (a mail scanner does) changes nothing
    done = client.post(path)
    assert done.status_code == 302
    subscription.refresh_from_db()
    assert not subscription.is_active
    last = subscription.history.order_by("-history_id").first()
    assert last.history_user is None and last.history_change_reason == "unsubscribed through the link in the digest"
    assert "You do not get this hub's monthly digest." in client.get(path).content.decode()


def test_after_unsubscribing_the_next_edition_is_not_sent(hub, rosa_subscribed, frozen_clock):
    rosa, subscription = rosa_subscribed
    Client().post(link_in(digests_of(rosa)[0]))
    from datetime import timedelta

    from .conftest import FROZEN_NOW

    frozen_clock.move_to(FROZEN_NOW + timedelta(days=31))
    assert digest.send(today=TODAY + timedelta(days=31)) == 0
    assert len(digests_of(rosa)) == 1


@pytest.mark.parametrize("tamper", [
    lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # a changed signature
    lambda token: str(int(token.split(":")[0]) + 1) + ":" + token.split(":", 1)[1],  # another subscription's id
    lambda token: token.split(":")[0],  # the id alone
    lambda token: "x" * 5000,
    lambda token: "1:%00",
])
def test_a_tampered_link_is_refused_with_a_clear_message(hub, rosa_subscribed, tamper):
    rosa, subscription = rosa_subscribed
    other = subscribe(make_person(hub))
    token = tamper(links.token_for(subscription))
    for method in ("get", "post"):
        response = getattr(Client(), method)(f"/news/digest/{token}/")
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    assert DigestSubscription.objects.filter(pk__in=[subscription.pk, other.pk], ended_at__isnull=True).count() == 2


def test_a_link_made_for_something_else_is_not_an_unsubscribe_link(hub, rosa_subscribed):
    from django.core import signing

    rosa, subscription = rosa_subscribed
    forged = signing.Signer().sign(str(subscription.pk))  # signed by this site, but not for this purpose
    assert Client().post(f"/news/digest/{forged}/").status_code == 400
    subscription.refresh_from_db()
    assert subscription.is_active
