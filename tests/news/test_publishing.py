"""Only the coordinators of a hub publish, edit and withdraw its news; every change is in the history with
who made it, from a page or a token."""

from datetime import timedelta

import pytest

from carehub.models import Role
from news.models import NewsItem
from tests.conftest import bearer, client_for, make_user

from .conftest import TODAY, make_news

pytestmark = pytest.mark.django_db

ITEM = {"title": "Tancat per festa major", "body": "Dilluns la Vila Veïna estarà tancada."}


def post_news(user, hub, **payload):
    from django.test import Client

    # The caller reads English: a token caller without Accept-Language would get their profile's language.
    headers = {**(bearer(user) if user is not None else {}), "HTTP_ACCEPT_LANGUAGE": "en"}
    return Client().post(f"/api/v1/hubs/{hub.slug}/news", {**ITEM, **payload}, content_type="application/json",
                         **headers)


def test_the_coordinator_of_the_hub_publishes_and_is_recorded_as_its_author(hub, coordinator):
    response = post_news(coordinator, hub)
    assert response.status_code == 201, response.content
    item = NewsItem.objects.get(pk=response.json()["id"])
    assert item.hub == hub and item.title == ITEM["title"] and item.publish_on == TODAY
    assert item.created_by == coordinator
    assert item.history.get().history_user == coordinator


@pytest.mark.parametrize("who", ["desk", "other_coordinator", "caregiver", "planner"])
def test_nobody_else_may_publish_a_hubs_news(who, hub, other_hub, desk, carer, planner):
    user = {"desk": desk, "caregiver": carer[0], "planner": planner,
            "other_coordinator": make_user(roles=[(Role.COORDINATOR, other_hub)])}[who]
    response = post_news(user, hub)
    assert response.status_code == 403
    body = response.json()
    assert body.pop("request_id") == response["X-Request-ID"]
    assert body == {"detail": "Only the coordinators of this hub can publish its news.", "code": "news_forbidden"}
    assert not NewsItem.objects.exists()


def test_an_anonymous_caller_must_log_in(hub):
    response = post_news(None, hub)
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_the_page_form_publishes_only_at_the_coordinators_hubs(hub, other_hub, coordinator):
    client = client_for(coordinator)
    form = {"hub": hub.slug, "language": "ca", "title": "Xerrada", "body": "Dijous a les 18 h.",
            "publish_on": TODAY.isoformat(), "title_es": "Charla", "body_es": "El jueves a las 18 h."}
    response = client.post("/news/manage/new/", form)
    assert response.status_code == 302
    item = NewsItem.objects.get()
    assert item.translations == {"es": {"title": "Charla", "body": "El jueves a las 18 h."}}
    assert item.history.get().history_user == coordinator
    refused = client.post("/news/manage/new/", {**form, "hub": other_hub.slug})
    assert refused.status_code == 422  # not a choice: another hub is not theirs
    assert NewsItem.objects.count() == 1


def test_the_desk_cannot_open_the_news_pages(hub, desk):
    assert client_for(desk).get("/news/manage/new/").status_code == 403
    assert client_for(desk).get("/news/manage/").status_code == 403


def test_a_coordinator_edits_and_withdraws_with_the_actor_in_the_history(hub, coordinator):
    item = make_news(hub)
    client = client_for(coordinator)
    form = {"language": "ca", "title": "Horari d'estiu (corregit)", "body": item.body,
            "publish_on": item.publish_on.isoformat()}
    assert client.post(f"/news/manage/{item.pk}/", form).status_code == 302
    assert client.post(f"/news/manage/{item.pk}/withdraw/").status_code == 302
    item.refresh_from_db()
    assert item.title == "Horari d'estiu (corregit)" and item.withdrawn_by == coordinator
    changes = list(item.history.order_by("history_id").values_list("history_user", "history_change_reason"))
    assert changes[1:] == [(coordinator.pk, "changed: title"), (coordinator.pk, "withdrawn")]


def test_another_hubs_coordinator_cannot_edit_or_withdraw(hub, other_hub):
    item = make_news(hub)
    stranger = make_user(roles=[(Role.COORDINATOR, other_hub)])
    client = client_for(stranger)
    assert client.get(f"/news/manage/{item.pk}/").status_code == 404
    assert client.post(f"/news/manage/{item.pk}/withdraw/").status_code == 404
    response = client_for(stranger).patch(f"/api/v1/hubs/{hub.slug}/news/{item.pk}", {"title": "X"},
                                          content_type="application/json", **bearer(stranger))
    assert response.status_code == 404 and response.json()["code"] == "news_not_found"
    item.refresh_from_db()
    assert item.title == "Nou horari d'estiu" and item.withdrawn_at is None


def test_a_withdrawn_item_cannot_be_edited_nor_withdrawn_again(hub, coordinator):
    item = make_news(hub)
    url = f"/api/v1/hubs/{hub.slug}/news/{item.pk}"
    from django.test import Client

    assert Client().post(url + "/withdraw", **bearer(coordinator)).status_code == 200
    again = Client().post(url + "/withdraw", **bearer(coordinator))
    assert again.status_code == 409 and again.json()["code"] == "news_withdrawn"
    edit = Client().patch(url, {"title": "Nou"}, content_type="application/json", **bearer(coordinator))
    assert edit.status_code == 409 and edit.json()["code"] == "news_withdrawn"


@pytest.mark.parametrize("payload, code, field", [
    ({"title": " "}, "title_required", "title"),
    ({"publish_on": (TODAY - timedelta(days=1)).isoformat()}, "publish_on_past", "publish_on"),
    ({"publish_on": (TODAY + timedelta(days=5)).isoformat(), "ends_on": (TODAY + timedelta(days=4)).isoformat()},
     "ends_before_publish", "ends_on"),
    ({"link": "javascript:alert(1)"}, "link_invalid", "link"),
    ({"translations": {"es": {"title": "Cerrado", "body": ""}}}, "body_required", "body_es"),
])
def test_a_refused_item_says_why_next_to_the_field(hub, coordinator, payload, code, field):
    response = post_news(coordinator, hub, **payload)
    assert response.status_code == 422
    assert response.json()["code"] == code and response.json()["field"] == field
    assert not NewsItem.objects.exists()


def test_the_form_shows_the_refusal_next_to_the_field(hub, coordinator):
    response = client_for(coordinator).post("/news/manage/new/", {
        "hub": hub.slug, "language": "ca", "title": "Xerrada", "body": "Dijous.",
        "publish_on": (TODAY + timedelta(days=3)).isoformat(), "ends_on": TODAY.isoformat()})
    assert response.status_code == 422
    assert "The last day cannot be before the first." in response.context["form"].errors["ends_on"]
