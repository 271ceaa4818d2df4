"""Attentions at the desk: who sees them, what an anonymous walk-in leaves behind, topics, referrals and
follow-ups, through the API and the services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from carehub.models import Person, Role
from guidance.models import Attention, AttentionTopic, Referral
from tests.conftest import client_for, make_caregiver, make_person, make_user

from .conftest import attention, coordinator_at, get, post, resource, topic

pytestmark = pytest.mark.django_db
URL = "/api/v1/attentions"


def walk_in(hub, **extra):
    return {"hub": hub.slug, "channel": "in_person", "topics": ["respite"], **extra}


# --- recording ------------------------------------------------------------------------------------------
def test_the_desk_records_an_attention_for_a_person_and_gets_its_id(hub, desk):
    person = make_person(hub)
    response = post(desk, URL, walk_in(hub, person=person.pk, outcome="Informada del respir",
                                       topics=["respite", "carers_card"]))
    assert response.status_code == 201
    created = Attention.objects.get(pk=response.json()["id"])
    assert created.person == person and created.hub == hub and created.recorded_by == desk
    assert sorted(created.topics.values_list("key", flat=True)) == ["carers_card", "respite"]
    assert created.status == "recorded" and created.outcome == "Informada del respir"


def test_an_anonymous_walk_in_keeps_only_its_age_band_and_whether_they_care(hub, desk):
    people = Person.objects.count()
    response = post(desk, URL, walk_in(hub, age_band="65_79", is_caregiver=True))
    assert response.status_code == 201
    created = Attention.objects.get(pk=response.json()["id"])
    assert created.person is None and created.age_band == "65_79" and created.is_caregiver is True
    assert Person.objects.count() == people  # no person record was made for them
    columns = {field.name for field in Attention._meta.get_fields()}
    for personal in ("name", "first_name", "last_name", "phone", "email", "document_number", "document"):
        assert personal not in columns


@pytest.mark.parametrize("field", ["name", "first_name", "phone", "email", "document_number"])
def test_a_walk_ins_name_phone_email_or_document_is_refused_not_stored(hub, desk, field):
    response = post(desk, URL, walk_in(hub, **{field: "Joana 612345678"}))
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert not Attention.objects.exists()


def test_a_persons_attention_does_not_keep_walk_in_facts(hub, desk):
    person = make_person(hub)
    created = attention(desk, hub, person_id=person.pk, age_band="80_plus", is_caregiver=True)
    assert created.age_band == "" and created.is_caregiver is None


def test_topics_are_chosen_by_key_or_id_from_the_hubs_own_list(hub, other_hub, desk):
    assert post(desk, URL, walk_in(hub, topics=[topic(hub, "housing").pk, "legal"])).status_code == 201
    foreign = post(desk, URL, walk_in(hub, topics=[topic(other_hub, "housing").pk]))
    assert foreign.status_code == 422 and foreign.json()["code"] == "topic_invalid"
    assert post(desk, URL, walk_in(hub, topics=["no_such_topic"])).json()["code"] == "topic_invalid"
    assert post(desk, URL, walk_in(hub, topics=[])).json()["code"] == "topics_required"


def test_every_hub_starts_with_the_default_topics_in_three_languages(hub):
    response = get(None, "/api/v1/attention-topics", {"hub": hub.slug})
    assert response.status_code == 200
    keys = [row["key"] for row in response.json()]
    assert keys == ["care_resources", "carers_card", "dependency_assessment", "respite", "childcare",
                    "home_help", "housing", "employment", "legal", "emotional_support", "other"]
    card = response.json()[1]
    assert (card["name_ca"], card["name_es"], card["name_en"]) == (
        "Targeta de persona cuidadora", "Tarjeta de persona cuidadora", "Carer's Card")


def test_a_topic_the_coordinator_retired_can_no_longer_be_chosen(hub, desk):
    AttentionTopic.objects.filter(hub=hub, key="housing").update(is_active=False)
    assert post(desk, URL, walk_in(hub, topics=["housing"])).json()["code"] == "topic_invalid"
    assert "housing" not in [r["key"] for r in get(None, "/api/v1/attention-topics", {"hub": hub.slug}).json()]


def test_referrals_to_a_directory_entry_and_to_the_hubs_services(hub, desk):
    entry = resource(hub, name="Respir Plus")
    response = post(desk, URL, walk_in(hub, referrals=[{"resource": entry.pk}, {"service": "advice"},
                                                       {"service": "lending"}, {"service": "advice"}]))
    assert response.status_code == 201
    shown = get(desk, f"{URL}/{response.json()['id']}").json()["referrals"]
    assert [(r["kind"], r["resource"]) for r in shown] == [("resource", entry.pk), ("advice", None),
                                                           ("lending", None)]
    assert shown[0]["name"] == "Respir Plus"


@pytest.mark.parametrize("referral, code", [
    ({"service": "karaoke"}, "referral_service_invalid"),
    ({"resource": 999999}, "resource_not_found"),
    ({}, "referral_invalid"),
])
def test_a_referral_to_nowhere_is_refused_and_nothing_is_recorded(hub, desk, referral, code):
    response = post(desk, URL, walk_in(hub, referrals=[referral]))
    assert response.status_code in (404, 422) and response.json()["code"] == code
    assert not Attention.objects.exists()


def test_one_click_on_the_attention_page_refers_to_a_directory_entry(hub, desk):
    entry = resource(hub, name="Cangur Solidari")
    created = attention(desk, hub)
    response = client_for(desk).post(f"/guidance/attentions/{created.pk}/refer/", {"resource": entry.pk})
    assert response.status_code == 302
    assert list(Referral.objects.filter(attention=created).values_list("resource__name", flat=True)) == \
        ["Cangur Solidari"]
    client_for(desk).post(f"/guidance/attentions/{created.pk}/refer/", {"resource": entry.pk})
    assert Referral.objects.filter(attention=created).count() == 1  # once


# --- follow-ups -----------------------------------------------------------------------------------------
def test_follow_ups_due_are_listed_until_done(hub, desk, clock):
    today = timezone.localdate()
    due = attention(desk, hub, follow_up_on=today)
    attention(desk, hub, follow_up_on=today + timedelta(days=3))
    attention(desk, hub)
    listed = get(desk, URL, {"follow_up_due": "true"}).json()
    assert [row["id"] for row in listed] == [due.pk]
    assert client_for(desk).post(f"/guidance/attentions/{due.pk}/follow-up-done/").status_code == 302
    assert get(desk, URL, {"follow_up_due": "true"}).json() == []
    clock.shift(timedelta(days=3))
    assert len(get(desk, URL, {"follow_up_due": "true"}).json()) == 1


def test_a_follow_up_in_the_past_or_years_ahead_is_refused(hub, desk):
    today = timezone.localdate()
    for day in (today - timedelta(days=1), today + timedelta(days=400)):
        response = post(desk, URL, walk_in(hub, follow_up_on=day.isoformat()))
        assert response.status_code == 422 and response.json()["code"] == "follow_up_invalid"


def test_the_list_filters_by_hub_and_dates(hub, desk, clock):
    first = attention(desk, hub)
    clock.shift(timedelta(days=5))
    second = attention(desk, hub)
    today = timezone.localdate()
    assert [r["id"] for r in get(desk, URL, {"hub": hub.slug}).json()] == [second.pk, first.pk]
    assert [r["id"] for r in get(desk, URL, {"date_from": today.isoformat()}).json()] == [second.pk]
    assert [r["id"] for r in get(desk, URL, {"date_to": (today - timedelta(days=1)).isoformat()}).json()] == \
        [first.pk]


# --- who sees them ----------------------------------------------------------------------------------------
def test_another_hubs_staff_never_see_an_attention(hub, other_hub, desk, other_desk):
    created = attention(desk, hub, person_id=make_person(hub).pk, notes="Situació delicada a casa")
    other_coordinator = coordinator_at(other_hub)
    for user in (other_desk, other_coordinator):
        assert get(user, f"{URL}/{created.pk}").status_code == 404
        assert get(user, URL).json() == []
        assert client_for(user).get(f"/guidance/attentions/{created.pk}/").status_code == 404
        assert "Situació delicada" not in client_for(user).get("/guidance/attentions/").content.decode()


def test_another_hubs_desk_cannot_record_at_this_hub(hub, other_desk):
    response = post(other_desk, URL, walk_in(hub))
    assert response.status_code == 403 and response.json()["code"] == "hub_forbidden"


def test_planners_never_see_an_attention(hub, desk, planner):
    created = attention(desk, hub, notes="Notes de la visita")
    assert get(planner, f"{URL}/{created.pk}").status_code == 404
    assert get(planner, URL).status_code == 403
    assert post(planner, URL, walk_in(hub)).status_code == 403
    assert client_for(planner).get(f"/guidance/attentions/{created.pk}/").status_code == 403


def test_advisors_facilitators_and_caregivers_never_see_an_attention(hub, desk, advisor, facilitator):
    user, person = make_caregiver(hub)
    created = attention(desk, hub, person_id=person.pk, notes="Notes de la visita")
    for someone in (advisor, facilitator, user):
        assert get(someone, f"{URL}/{created.pk}").status_code == 404
    assert get(None, f"{URL}/{created.pk}").status_code == 401


def test_the_hubs_desk_and_coordinator_see_the_attention_with_its_notes(hub, desk):
    created = attention(desk, hub, notes="Notes de la visita")
    for user in (desk, coordinator_at(hub)):
        body = get(user, f"{URL}/{created.pk}").json()
        assert body["notes"] == "Notes de la visita" and body["hub"] == hub.slug


def test_every_change_names_who_made_it(hub, desk):
    created = attention(desk, hub)
    coordinator = coordinator_at(hub)
    client_for(coordinator).post(f"/guidance/attentions/{created.pk}/edit/", {
        "topics": [topic(hub).pk], "outcome": "Derivada", "notes": "", "follow_up_on": ""})
    users = list(created.history.order_by("history_date", "history_id").values_list("history_user", flat=True))
    assert users == [desk.pk, coordinator.pk]


@pytest.mark.parametrize("payload", [
    {"hub": "no-such-hub", "channel": "phone", "topics": ["legal"]},
    {"hub": "sant-antoni", "channel": "telepathy", "topics": ["legal"]},
    {"hub": "sant-antoni", "channel": "phone", "topics": [None]},
    {"hub": "sant-antoni", "channel": "phone", "topics": "legal"},
    {"hub": "sant-antoni", "channel": "phone", "topics": [2**40]},
    {"hub": "sant-antoni", "channel": "phone", "topics": ["legal"], "person": 2**40},
    {"hub": "sant-antoni", "channel": "phone", "topics": ["legal"], "person": 999999},
    {"hub": "sant-antoni", "channel": "phone", "topics": ["legal"], "age_band": "200"},
    {"hub": "sant-antoni", "channel": "phone", "topics": ["legal"], "outcome": "x" * 501},
    {"hub": "sant-antoni", "channel": "phone", "topics": ["legal"], "referrals": [{"resource": "x"}]},
    {"hub": "sant-antoni", "channel": "phone", "topics": ["legal"], "follow_up_on": "2026-02-31"},
    [], "not json", {"hub": ["x"]},
])
def test_no_input_makes_a_500_and_errors_say_detail_and_code(hub, desk, payload):
    response = post(desk, URL, payload)
    assert 400 <= response.status_code < 500
    assert set(response.json()) >= {"detail", "code"}


def test_odd_query_strings_on_the_list_are_4xx(hub, desk):
    for params in ({"date_from": "yesterday"}, {"limit": "0"}, {"offset": str(2**70)}, {"hub": "x" * 200},
                   {"status": "lost"}):
        assert 400 <= get(desk, URL, params).status_code < 500


def test_the_desk_page_records_a_walk_in_in_one_post(hub, desk):
    client = client_for(desk)
    assert client.get("/guidance/attentions/new/").status_code == 200
    response = client.post("/guidance/attentions/new/", {
        "hub": hub.slug, "channel": "phone", "topics": [topic(hub, "respite").pk], "age_band": "50_64",
        "is_caregiver": "yes", "outcome": "Informada", "services": ["activities"]})
    assert response.status_code == 302
    created = Attention.objects.get()
    assert created.channel == "phone" and created.age_band == "50_64" and created.is_caregiver is True
    assert created.referrals.get().kind == "activities"


def test_the_desk_page_shows_errors_next_to_the_form_not_a_500(hub, desk):
    response = client_for(desk).post("/guidance/attentions/new/", {"hub": hub.slug, "channel": "phone"})
    assert response.status_code == 422 and "Topics" in response.content.decode()
    planner = make_user(roles=[(Role.PLANNER, None)])
    assert client_for(planner).get("/guidance/attentions/new/").status_code == 403
