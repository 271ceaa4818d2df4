"""A person's attentions in their export, scrubbed by erasure, moved by a merge, and shown on their page; the
desk's day; the Carer's Card guide; the demo."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from carehub.models import Hub, Role
from guidance.models import Attention, CareResource
from tests.conftest import bearer, client_for, load_demo, make_person, make_user

from .conftest import attention, coordinator_at, resource

pytestmark = pytest.mark.django_db


def privacy_coordinator(hub):
    return make_user(roles=[(Role.COORDINATOR, hub)])


def test_the_export_holds_the_persons_attentions_with_the_desks_notes(hub, desk, client):
    person = make_person(hub)
    entry = resource(hub, name="Respir Plus")
    attention(desk, hub, person_id=person.pk, topics=["respite"], outcome="Informada", notes="Cuida la mare",
              referrals=[{"resource": entry.pk}])
    response = client.get(f"/api/v1/people/{person.pk}/export", **bearer(privacy_coordinator(hub)))
    assert response.status_code == 200
    [row] = response.json()["guidance"]["attentions"]
    assert row["topics"] == ["respite"] and row["outcome"] == "Informada" and row["notes"] == "Cuida la mare"
    assert row["referrals"] == [{"kind": "resource", "resource": "Respir Plus"}]


def test_erasure_wipes_the_free_text_and_keeps_what_the_figures_count(hub, desk, client):
    person = make_person(hub)
    today = timezone.localdate()
    kept = attention(desk, hub, person_id=person.pk, topics=["housing", "legal"], outcome="Parla del pis",
                     notes="Desnonament a la vista", follow_up_on=today + timedelta(days=3),
                     referrals=[{"service": "advice"}])
    response = client.post(f"/api/v1/people/{person.pk}/erase", {"reason": "person_request", "confirm": True},
                           content_type="application/json", **bearer(privacy_coordinator(hub)))
    assert response.status_code == 200
    kept.refresh_from_db()
    assert (kept.outcome, kept.notes, kept.question, kept.answer) == ("", "", "", "")
    assert kept.hub == hub and kept.channel == "in_person" and kept.follow_up_on == today + timedelta(days=3)
    assert sorted(kept.topics.values_list("key", flat=True)) == ["housing", "legal"]
    assert kept.referrals.get().kind == "advice"
    for row in Attention.history.filter(id=kept.pk):
        assert "Desnonament" not in (row.notes + row.outcome + (row.history_change_reason or ""))
    out = StringIO()
    call_command("check_integrity", "--check", "erased_attentions_wiped", stdout=out)
    assert "still holds free text" not in out.getvalue()


def test_a_merge_moves_the_attentions_to_the_person_kept(hub, desk, client):
    duplicate, kept = make_person(hub, first_name="Montse"), make_person(hub, first_name="Montserrat")
    moved = attention(desk, hub, person_id=duplicate.pk)
    coordinator = coordinator_at(hub)
    response = client.post(f"/api/v1/people/{duplicate.pk}/merge", {"into": kept.pk},
                           content_type="application/json", **bearer(coordinator))
    assert response.status_code == 200
    moved.refresh_from_db()
    assert moved.person == kept and moved.history.first().history_user == coordinator


def test_the_person_page_shows_their_attentions_to_the_hubs_desk_only(hub, other_hub, desk, other_desk):
    person = make_person(hub)
    attention(desk, hub, person_id=person.pk, outcome="Li hem donat el full de recursos")
    page = client_for(desk).get(person.get_absolute_url()).content.decode()
    assert "Li hem donat el full de recursos" in page
    assert f"/guidance/attentions/new/?person={person.pk}" in page
    assert client_for(other_desk).get(person.get_absolute_url()).status_code == 404


def test_the_desks_day_lists_questions_waiting_and_follow_ups_due(hub, desk):
    person = make_person(hub, first_name="Núria", last_name="Puig")
    attention(desk, hub, person_id=person.pk, follow_up_on=timezone.localdate(), outcome="Trucar-la")
    page = client_for(desk).get("/desk/today/").content.decode()
    assert "Follow-ups due" in page or "Seguiments" in page
    assert "Núria Puig" in page


def test_the_carers_card_guide_shows_the_built_in_text_then_the_hubs_own(hub, client):
    page = client.get("/guidance/carers-card/", {"hub": hub.slug}).content.decode()
    assert "DNI" in page
    coordinator = coordinator_at(hub)
    response = client_for(coordinator).post("/guidance/manage/carers-card/", {
        "hub": hub.slug, "documents_ca": "DNI\nPadró\nInforme mèdic", "documents_en": "ID card\nRegistration"})
    assert response.status_code == 302
    page = client.get("/guidance/carers-card/", {"hub": hub.slug}, HTTP_ACCEPT_LANGUAGE="ca").content.decode()
    assert "Informe mèdic" in page


def test_only_administrators_edit_the_city_wide_guide_and_coordinators_their_hubs(hub, other_hub, desk):
    coordinator = coordinator_at(hub)
    assert client_for(coordinator).get("/guidance/manage/carers-card/").status_code == 403
    assert client_for(coordinator).get(f"/guidance/manage/carers-card/?hub={other_hub.slug}").status_code == 404
    assert client_for(desk).get(f"/guidance/manage/carers-card/?hub={hub.slug}").status_code == 404


def test_the_attention_page_links_the_carers_card_topic_to_its_guide(hub, desk):
    created = attention(desk, hub, topics=["carers_card"])
    page = client_for(desk).get(created.get_absolute_url()).content.decode()
    assert f"/guidance/carers-card/?hub={hub.slug}" in page


def test_the_demo_gives_every_hub_a_directory_and_attentions():
    load_demo(stdout=StringIO())
    today = timezone.localdate()
    for hub in Hub.objects.all():
        assert 10 <= CareResource.objects.filter(hub=hub).count() <= 20
        assert Attention.objects.filter(hub=hub).exists()
    assert Attention.objects.filter(follow_up_on__lte=today, follow_up_done_at__isnull=True).exists()
    assert Attention.objects.filter(status="waiting").exists()
