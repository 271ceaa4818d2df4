"""The directory of care resources: public pages and API, filters, the printable sheet, coordinator-only edits,
contact published with consent, the map link, and the flag on entries not reviewed for twelve months."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from carehub.permissions import access_for
from guidance import today as guidance_today
from guidance.models import CareResource
from tests.conftest import bearer, client_for

from .conftest import coordinator_at, get, post, resource

pytestmark = pytest.mark.django_db
URL = "/api/v1/resources"


def test_the_public_list_gives_rows_with_id_name_kind_hub_address_and_languages(hub, other_hub):
    entry = resource(hub, name="Respir Plus", kind="respite", languages=["ca", "es"])
    resource(other_hub, name="Casal de Gent Gran")
    response = get(None, URL, {"hub": hub.slug})
    assert response.status_code == 200
    assert response.json() == [{"id": entry.pk, "name": "Respir Plus", "kind": "respite", "hub": hub.slug,
                                "address": "Carrer de Prova, 1", "languages": ["ca", "es"]}]


def test_the_list_filters_by_kind_and_words_and_hides_unpublished_entries(hub):
    resource(hub, name="Cangur Solidari", kind="babysitting", description_ca="Canguratge a preu social")
    resource(hub, name="Centre de Dia Sants", kind="day_centre")
    resource(hub, name="Projecte en preparació", kind="collective", is_published=False)
    names = lambda params: [row["name"] for row in get(None, URL, {"hub": hub.slug, **params}).json()]  # noqa: E731
    assert names({"kind": "babysitting"}) == ["Cangur Solidari"]
    assert names({"q": "preu social"}) == ["Cangur Solidari"]
    assert names({}) == ["Cangur Solidari", "Centre de Dia Sants"]  # by kind, then name
    assert get(None, URL, {"kind": "spaceship"}).status_code == 422
    assert get(None, URL, {"hub": "nowhere"}).status_code == 404


def test_the_public_page_filters_by_kind_without_javascript(hub, client):
    resource(hub, name="Cangur Solidari", kind="babysitting")
    resource(hub, name="Centre de Dia Sants", kind="day_centre")
    page = client.get(f"/guidance/hubs/{hub.slug}/resources/", {"kind": "babysitting"}).content.decode()
    assert "Cangur Solidari" in page and "Centre de Dia Sants" not in page
    assert "<script" not in page and "style=" not in page
    assert client.get("/guidance/hubs/nowhere/resources/").status_code == 404
    assert client.get(f"/guidance/hubs/{hub.slug}/resources/", {"kind": "x" * 500, "q": "%"}).status_code == 200


def test_the_printable_sheet_lists_the_entries_with_its_print_stylesheet(hub, client):
    resource(hub, name="Centre de Dia Sants", weekly_hours="Dilluns a divendres 9–14")
    page = client.get(f"/guidance/hubs/{hub.slug}/resources/print/").content.decode()
    assert "Centre de Dia Sants" in page and "Dilluns a divendres 9–14" in page
    assert "guidance/guidance.css" in page and "style=" not in page


def test_an_entry_with_coordinates_links_to_openstreetmap(hub, client):
    entry = resource(hub, latitude="41.378400", longitude="2.163400")
    assert entry.map_url == "https://www.openstreetmap.org/?mlat=41.378400&mlon=2.163400#map=18/41.378400/2.163400"
    assert entry.map_url.replace("&", "&amp;") in client.get(entry.get_absolute_url()).content.decode()
    assert resource(hub).map_url == ""


def test_a_contact_is_published_only_with_their_consent_recorded(hub):
    coordinator = coordinator_at(hub)
    refused = post(coordinator, URL, {"hub": hub.slug, "name": "Xarxa Veïnal", "kind": "collective",
                                      "contact_name": "Pilar", "contact_phone": "612 345 678"})
    assert refused.status_code == 422 and refused.json()["code"] == "contact_consent_required"
    created = post(coordinator, URL, {"hub": hub.slug, "name": "Xarxa Veïnal", "kind": "collective",
                                      "contact_name": "Pilar", "contact_phone": "612 345 678",
                                      "contact_consent": True})
    assert created.status_code == 201
    entry = CareResource.objects.get(pk=created.json()["id"])
    assert entry.contact_consent_at is not None and entry.contact_consent_by == coordinator


def test_only_the_hubs_coordinator_creates_and_changes_entries(hub, other_hub, desk, planner):
    payload = {"hub": hub.slug, "name": "Respir Plus", "kind": "respite"}
    for someone in (desk, planner, coordinator_at(other_hub)):
        assert post(someone, URL, payload).status_code == 403
    assert post(None, URL, payload).status_code == 401
    entry = resource(hub)
    for someone in (desk, coordinator_at(other_hub)):
        response = Client().patch(f"{URL}/{entry.pk}", {"name": "Canviat"}, content_type="application/json",
                                  **bearer(someone))
        assert response.status_code == 404
    coordinator = coordinator_at(hub)
    response = Client().patch(f"{URL}/{entry.pk}", {"name": "Canviat", "languages": ["ar"]},
                              content_type="application/json", **bearer(coordinator))
    assert response.status_code == 200 and response.json()["name"] == "Canviat"
    assert response.json()["languages"] == ["ar"] and response.json()["kind"] == "day_centre"
    assert entry.history.first().history_user == coordinator


@pytest.mark.parametrize("payload", [
    {"name": "", "kind": "respite"}, {"name": "X", "kind": "spaceship"},
    {"name": "X", "kind": "respite", "latitude": 91, "longitude": 2}, {"name": "X", "kind": "respite", "latitude": 41},
    {"name": "X", "kind": "respite", "languages": ["klingon"]}, {"name": "X", "kind": "respite", "website": "ftp://x"},
    {"name": "X", "kind": "respite", "contact_email": "nope", "contact_consent": True},
    {"name": "X", "kind": "respite", "unknown": 1}, {"name": "X", "kind": "respite", "latitude": "NaN",
                                                     "longitude": "NaN"},
])
def test_a_bad_entry_is_a_422_with_detail_and_code_never_a_500(hub, payload):
    response = post(coordinator_at(hub), URL, {"hub": hub.slug, **payload})
    assert response.status_code == 422, response.content
    assert set(response.json()) >= {"detail", "code"}


def test_the_coordinator_page_edits_an_entry_and_saving_counts_as_a_review(hub, clock):
    coordinator = coordinator_at(hub)
    entry = resource(hub, by=coordinator, name="Casal")
    clock.shift(timedelta(days=30))
    response = client_for(coordinator).post(f"/guidance/manage/resources/{entry.pk}/", {
        "name": "Casal de Gent Gran", "kind": "day_centre", "is_published": "on"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.name == "Casal de Gent Gran" and entry.reviewed_on == timezone.localdate()


def test_the_desk_cannot_open_the_coordinators_pages(hub, desk):
    entry = resource(hub)
    assert client_for(desk).get("/guidance/manage/").status_code == 403
    assert client_for(desk).get(f"/guidance/manage/resources/{entry.pk}/").status_code == 404
    assert client_for(desk).post("/guidance/manage/resources/new/", {"name": "X", "kind": "respite"}).status_code \
        == 403


def test_entries_not_reviewed_for_twelve_months_are_flagged_to_the_coordinator(hub, clock, desk):
    coordinator = coordinator_at(hub)
    old = resource(hub, by=coordinator, name="Associació antiga")
    clock.shift(timedelta(days=200))
    resource(hub, by=coordinator, name="Associació recent")
    clock.shift(timedelta(days=170))  # the first is now a year old, the second six months
    page = client_for(coordinator).get("/guidance/manage/").content.decode()
    assert "1 entry has not been reviewed for twelve months" in page
    day = guidance_today.desk_day(access_for(coordinator), hub_ids=[hub.pk], today=timezone.localdate(),
                                  now=timezone.now())
    assert [r.name for r in day["stale"]] == ["Associació antiga"]
    # The desk's day of the desk does not list them: the directory is the coordinator's.
    assert guidance_today.desk_day(access_for(desk), hub_ids=[hub.pk], today=timezone.localdate(),
                                   now=timezone.now())["stale"] == []
    client_for(coordinator).post(f"/guidance/manage/resources/{old.pk}/reviewed/")
    assert "has not been reviewed" not in client_for(coordinator).get("/guidance/manage/").content.decode()


def test_the_coordinator_keeps_the_topics_list(hub, desk):
    coordinator = coordinator_at(hub)
    response = client_for(coordinator).post("/guidance/manage/topics/", {
        "hub": hub.slug, "name_ca": "Salut mental", "name_es": "Salud mental", "name_en": "Mental health"})
    assert response.status_code == 302
    keys = [row["key"] for row in get(None, "/api/v1/attention-topics", {"hub": hub.slug}).json()]
    assert keys[-1] == "salut_mental"
    assert client_for(desk).post("/guidance/manage/topics/", {"hub": hub.slug, "name_ca": "X"}).status_code == 403
