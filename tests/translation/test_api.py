"""The API answers in the caller's language (Accept-Language, else the profile) and takes every language on write."""

import pytest

from activities.models import Activity
from tests.activities.helpers import at, coordinator_of
from tests.conftest import bearer

from .conftest import CATALAN_ONLY, TRANSLATED

JSON = "application/json"


@pytest.mark.parametrize("language, index", [("ca", 0), ("es", 1), ("en", 2)])
def test_public_lists_answer_in_the_accept_language(client, catalogue, language, index):
    sessions = client.get("/api/v1/activities/sessions", HTTP_ACCEPT_LANGUAGE=language).json()["items"]
    assert {s["title"] for s in sessions} == {TRANSLATED["title"][index], CATALAN_ONLY["title"]}
    services = client.get("/api/v1/advice/services", HTTP_ACCEPT_LANGUAGE=language).json()
    assert {s["name"] for s in services} == {TRANSLATED["service"][index], CATALAN_ONLY["service"]}
    types = client.get("/api/v1/lending/item-types", HTTP_ACCEPT_LANGUAGE=language).json()
    assert {t["name"] for t in types} == {TRANSLATED["item_type"][index], CATALAN_ONLY["item_type"]}
    available = client.get("/api/v1/lending/availability", HTTP_ACCEPT_LANGUAGE=language).json()
    available = available["items"] if isinstance(available, dict) else available
    assert {row["type"] for row in available} == {TRANSLATED["item_type"][index], CATALAN_ONLY["item_type"]}


@pytest.mark.parametrize("language, index", [("es", 1), ("en", 2)])
def test_a_token_without_accept_language_gets_the_profile_language(client, catalogue, language, index):
    catalogue.person.preferred_language = language
    catalogue.person.save(update_fields=["preferred_language"])
    mine = client.get("/api/v1/activities/bookings/mine", **bearer(catalogue.user)).json()
    assert TRANSLATED["title"][index] in {b["title"] for b in mine}
    # An explicit Accept-Language still wins.
    mine = client.get("/api/v1/activities/bookings/mine", HTTP_ACCEPT_LANGUAGE="ca", **bearer(catalogue.user)).json()
    assert TRANSLATED["title"][0] in {b["title"] for b in mine}


def test_the_api_writes_every_language_of_an_activity(client, catalogue):
    coordinator = coordinator_of(catalogue.hub)
    texts = {f"{field}_{code}": f"{field} {code}" for field in ("title", "description", "place",
             "accessibility_notes") for code in ("ca", "es", "en")}
    response = client.post("/api/v1/activities", {
        "hub": catalogue.hub.slug, "kind": "talk", "capacity": 8, "starts_at": at(5, 17).isoformat(),
        "ends_at": at(5, 18).isoformat(), **texts}, content_type=JSON, HTTP_ACCEPT_LANGUAGE="es",
        **bearer(coordinator))
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "title es"
    activity = Activity.objects.get(pk=response.json()["id"])
    assert {name: getattr(activity, name) for name in texts} == texts
    changed = client.patch(f"/api/v1/activities/{activity.pk}", {"title_en": "New title", "place_es": ""},
                           content_type=JSON, HTTP_ACCEPT_LANGUAGE="en", **bearer(coordinator))
    assert changed.status_code == 200 and changed.json()["title"] == "New title"
    activity.refresh_from_db()
    assert (activity.title_ca, activity.title_es, activity.title_en) == ("title ca", "title es", "New title")
    assert not activity.place_es


def test_a_plain_title_on_the_api_is_the_catalan_original_whatever_the_language(client, catalogue):
    coordinator = coordinator_of(catalogue.hub)
    response = client.post("/api/v1/activities", {
        "hub": catalogue.hub.slug, "kind": "talk", "capacity": 8, "starts_at": at(5, 17).isoformat(),
        "ends_at": at(5, 18).isoformat(), "title": "Xerrada", "title_es": "Charla"}, content_type=JSON,
        HTTP_ACCEPT_LANGUAGE="en", **bearer(coordinator))
    assert response.status_code == 201, response.content
    activity = Activity.objects.get(pk=response.json()["id"])
    assert (activity.title_ca, activity.title_es, activity.title_en) == ("Xerrada", "Charla", None)
    client.patch(f"/api/v1/activities/{activity.pk}", {"title": "Xerrada nova"}, content_type=JSON,
                 HTTP_ACCEPT_LANGUAGE="es", **bearer(coordinator))
    activity.refresh_from_db()
    assert (activity.title_ca, activity.title_es) == ("Xerrada nova", "Charla")


def test_an_activity_without_any_title_is_refused_with_422(client, catalogue):
    response = client.post("/api/v1/activities", {
        "hub": catalogue.hub.slug, "kind": "talk", "capacity": 8, "starts_at": at(5, 17).isoformat(),
        "ends_at": at(5, 18).isoformat(), "title_es": "Charla"}, content_type=JSON,
        **bearer(coordinator_of(catalogue.hub)))
    assert response.status_code == 422 and response.json()["code"] == "title_required"
