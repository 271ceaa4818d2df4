"""A hub's news page, its feed and the public API show only current items, each in the reader's language
(else the one it was written in); the hub's page links to its news."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import Client

from .conftest import TODAY, make_news

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def news(hub, other_hub, coordinator):
    translated = make_news(hub, title="Tramitem la Targeta Cuidadora", body="Porta el DNI.",
                           publish_on=TODAY - timedelta(days=3),
                           translations={"es": {"title": "Tramitamos la Tarjeta Cuidadora", "body": "Trae el DNI."}})
    only_catalan = make_news(hub, title="Cerquem voluntàries", body="Els dijous al matí.",
                             publish_on=TODAY, ends_on=TODAY)
    make_news(hub, title="Programat", publish_on=TODAY + timedelta(days=1))
    make_news(hub, title="Acabat", publish_on=TODAY - timedelta(days=9), ends_on=TODAY - timedelta(days=1))
    make_news(hub, title="Sense data de fi", publish_on=TODAY - timedelta(days=1))
    withdrawn = make_news(hub, title="Retirada de veritat")
    from news import services
    from carehub.permissions import access_for

    services.withdraw_news(access=access_for(coordinator), item_id=withdrawn.pk)
    make_news(other_hub, title="D'un altre barri")
    return translated, only_catalan


def test_the_page_shows_only_current_news_newest_first(hub, news):
    response = Client().get(f"/hubs/{hub.slug}/news/", HTTP_ACCEPT_LANGUAGE="ca")
    assert response.status_code == 200
    titles = [shown.title for shown in response.context["items"]]
    assert titles == ["Cerquem voluntàries", "Sense data de fi", "Tramitem la Targeta Cuidadora"]


def test_a_reader_gets_their_language_and_else_the_written_one(hub, news):
    response = Client().get(f"/hubs/{hub.slug}/news/", HTTP_ACCEPT_LANGUAGE="es")
    shown = {s.item.pk: s for s in response.context["items"]}
    translated, only_catalan = news
    assert (shown[translated.pk].title, shown[translated.pk].body) == ("Tramitamos la Tarjeta Cuidadora",
                                                                       "Trae el DNI.")
    assert shown[only_catalan.pk].title == "Cerquem voluntàries" and shown[only_catalan.pk].language == "ca"
    page = response.content.decode()  # each text is marked with its language, for screen readers
    assert f'aria-labelledby="news-{only_catalan.pk}-h" lang="ca"' in page
    assert f'aria-labelledby="news-{translated.pk}-h" lang="es"' in page


def test_the_api_lists_current_news_in_the_asked_language(hub, news):
    response = Client().get(f"/api/v1/hubs/{hub.slug}/news", {"lang": "es"})
    assert response.status_code == 200
    rows = response.json()
    assert [row["title"] for row in rows] == ["Cerquem voluntàries", "Sense data de fi", "Tramitamos la Tarjeta Cuidadora"]
    translated = rows[2]
    assert translated["language"] == "es" and translated["written_in"] == "ca" and translated["status"] == "current"
    assert set(translated) == {"id", "hub", "title", "body", "language", "written_in", "link", "publish_on",
                               "ends_on", "url", "status", "translations"}
    assert translated["url"].endswith(f"/hubs/{hub.slug}/news/#news-{translated['id']}")


def test_the_feed_is_valid_atom_with_the_current_items(hub, news):
    response = Client().get(f"/hubs/{hub.slug}/news/feed/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}title").text == "News of Vila Veïna Sant Antoni"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Cerquem voluntàries", "Sense data de fi",
                                                              "Tramitem la Targeta Cuidadora"]
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == 3
    for entry in entries:
        assert entry.find(f"{ATOM}updated").text and entry.find(f"{ATOM}link").get("href").startswith("http")


def test_an_unknown_hub_has_no_news(db):
    assert Client().get("/hubs/no-such-hub/news/").status_code == 404
    assert Client().get("/hubs/no-such-hub/news/feed/").status_code == 404
    response = Client().get("/api/v1/hubs/no-such-hub/news")
    assert response.status_code == 404 and response.json()["code"] == "hub_not_found"


def test_the_hubs_page_links_to_its_news_and_the_news_page_to_its_feed(hub):
    page = Client().get(f"/hubs/{hub.slug}/").content.decode()
    assert f'href="/hubs/{hub.slug}/news/"' in page
    news_page = Client().get(f"/hubs/{hub.slug}/news/").content.decode()
    assert f'type="application/atom+xml" href="/hubs/{hub.slug}/news/feed/"' in news_page


def test_every_item_is_listed_to_the_hubs_coordinator_only(hub, coordinator, desk, news):
    from tests.conftest import bearer

    everything = Client().get(f"/api/v1/hubs/{hub.slug}/news", {"all": "true"}, **bearer(coordinator))
    assert everything.status_code == 200
    statuses = sorted(row["status"] for row in everything.json())
    assert statuses == ["current", "current", "current", "ended", "scheduled", "withdrawn"]
    refused = Client().get(f"/api/v1/hubs/{hub.slug}/news", {"all": "true"}, **bearer(desk))
    assert refused.status_code == 403 and refused.json()["code"] == "news_forbidden"
