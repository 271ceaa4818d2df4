"""The guarantee: on every page of a caregiver's flows in Spanish and in English, no catalogue text shows in
another language when its translation exists, and a text shown in Catalan for want of one carries lang="ca"."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from lending.models import ItemType

from tests.conftest import client_for

from .conftest import CATALAN_ONLY, TRANSLATED

LANGUAGES = {"es": 1, "en": 2}


def caregiver_pages(catalogue) -> dict[str, str]:
    hub = catalogue.hub
    return {
        "programme": reverse("activities:programme"),
        "session (translated)": catalogue.walk.sessions.get().get_absolute_url(),
        "session (Catalan only)": catalogue.talk.sessions.get().get_absolute_url(),
        "activity": reverse("activities:activity", args=[catalogue.walk.pk]),
        "my bookings": reverse("activities:mine"),
        "advice services": reverse("advice:services"),
        "advice slots (translated)": reverse("advice:slots", args=[catalogue.legal.pk]),
        "advice slots (Catalan only)": reverse("advice:slots", args=[catalogue.employment.pk]),
        "my appointments": reverse("advice:mine"),
        "equipment": reverse("lending:availability"),
        "hubs": reverse("hub-list"),
        "hub": reverse("hub-detail", args=[hub.slug]),
        "account": reverse("account"),
    }


def body(page: str) -> str:
    return page.split("<body", 1)[1]


def fallbacks_unmarked(page: str, text: str) -> int:
    """How many times `text` shows in the body without lang="ca" on the element around it."""
    shown = body(page).count(text)
    marked = len(re.findall(r'lang="ca">(?:<p>)?' + re.escape(text), body(page)))
    return shown - marked


@pytest.mark.parametrize("language", ["es", "en"])
def test_caregiver_pages_show_the_translation_or_a_marked_original(catalogue, language):
    catalogue.person.preferred_language = language
    catalogue.person.save(update_fields=["preferred_language"])
    client = client_for(catalogue.user)
    seen_translated, seen_fallback = set(), set()
    for name, url in caregiver_pages(catalogue).items():
        response = client.get(url)
        assert response.status_code == 200, name
        page = response.content.decode()
        assert f'<html lang="{language}">' in page, name
        for key, texts in TRANSLATED.items():
            assert texts[0] not in page, f"{name}: Catalan {key} {texts[0]!r} on a {language} page"
            for other, index in LANGUAGES.items():
                if other != language:
                    assert texts[index] not in page, f"{name}: {other} {key} on a {language} page"
            if texts[LANGUAGES[language]] in page:
                seen_translated.add(key)
        for key, text in CATALAN_ONLY.items():
            assert fallbacks_unmarked(page, text) == 0, f"{name}: {key} {text!r} shown without lang=ca"
            if text in body(page):
                seen_fallback.add(key)
    # The pages did show the catalogue: every translated text and every fallback somewhere.
    assert seen_translated == set(TRANSLATED)
    assert seen_fallback == set(CATALAN_ONLY)


def test_a_catalan_page_shows_the_originals_unmarked(catalogue):
    catalogue.person.preferred_language = "ca"
    catalogue.person.save(update_fields=["preferred_language"])
    page = client_for(catalogue.user).get(catalogue.talk.sessions.get().get_absolute_url()).content.decode()
    assert f"<h1>{CATALAN_ONLY['title']}</h1>" in page
    page = client_for(catalogue.user).get(catalogue.walk.sessions.get().get_absolute_url()).content.decode()
    assert f"<h1>{TRANSLATED['title'][0]}</h1>" in page and TRANSLATED["title"][2] not in page


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_item_catalogue_of_one_type_names_it_in_the_visitors_language(catalogue, language):
    bed = ItemType.objects.get(name_ca=TRANSLATED["item_type"][0])
    hoist = ItemType.objects.get(name_ca=CATALAN_ONLY["item_type"])
    url = reverse("lending:availability")
    page = Client().get(url, {"type": bed.pk}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert TRANSLATED["item_type"][0] not in page and TRANSLATED["item_type"][LANGUAGES[language]] in page
    page = Client().get(url, {"type": hoist.pk}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert CATALAN_ONLY["item_type"] in body(page) and fallbacks_unmarked(page, CATALAN_ONLY["item_type"]) == 0
