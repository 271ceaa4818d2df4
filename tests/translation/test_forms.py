"""Coordinators enter catalogue texts in the three languages; only the Catalan original is required."""

import re
from datetime import timedelta

from django.apps import apps
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from activities.models import Activity
from advice.models import AdviceService
from carehub.models import Role
from tests.activities.helpers import coordinator_of
from tests.conftest import client_for, make_user

ACTIVITY_TEXTS = {
    "title": "Taller de memòria", "title_es": "Taller de memoria", "title_en": "Memory workshop",
    "description": "Exercicis senzills.", "description_es": "Ejercicios sencillos.",
    "description_en": "Simple exercises.", "place": "Sala 2", "place_es": "Sala 2", "place_en": "Room 2",
    "accessibility_notes": "Ascensor.", "accessibility_notes_es": "Ascensor.", "accessibility_notes_en": "Lift.",
}


def one_off(**texts) -> dict:
    day = timezone.localdate() + timedelta(days=5)
    return {"kind": "talk", "language": "ca", "capacity": 12, "date": day.isoformat(), "start_time": "10:00",
            "end_time": "11:30", "frequency": "once", **texts}


def test_the_activity_form_shows_each_language_labelled_and_with_its_lang(catalogue):
    client = client_for(coordinator_of(catalogue.hub))
    page = client.get(reverse("activities:activity-new"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for field, code in (("title", "ca"), ("title_es", "es"), ("title_en", "en"), ("description_en", "en")):
        tag = re.search(rf'<(?:input|textarea)[^>]*name="{field}"[^>]*>', page).group(0)
        assert f'lang="{code}"' in tag
    assert "Title (Català)" in page and "Title (Español)" in page and "Title (English)" in page
    # Only the original is required.
    assert re.search(r'<input[^>]*name="title"[^>]*required', page)
    assert not re.search(r'<input[^>]*name="title_es"[^>]*required', page)


def test_the_activity_form_saves_the_three_languages_and_edits_them(catalogue):
    client = client_for(coordinator_of(catalogue.hub))
    response = client.post(reverse("activities:activity-new"), one_off(**ACTIVITY_TEXTS), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = Activity.objects.get(title_ca="Taller de memòria")
    assert (activity.title_es, activity.title_en) == ("Taller de memoria", "Memory workshop")
    assert (activity.description_en, activity.place_en, activity.accessibility_notes_en) == (
        "Simple exercises.", "Room 2", "Lift.")
    # Editing from a Spanish page: the Catalan field holds the Catalan text, not the page language's.
    url = reverse("activities:activity-edit", args=[activity.pk])
    form = client.get(url, HTTP_ACCEPT_LANGUAGE="es").context["form"]
    assert form["title"].value() == "Taller de memòria" and form["title_es"].value() == "Taller de memoria"
    response = client.post(url, {**ACTIVITY_TEXTS, "language": "ca", "title_en": "", "place": "Sala 3"},
                           HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title_ca, activity.title_es, activity.place_ca) == ("Taller de memòria", "Taller de memoria",
                                                                        "Sala 3")
    assert not activity.title_en  # emptied: English readers get the original, marked


def test_only_the_catalan_title_is_required(catalogue):
    client = client_for(coordinator_of(catalogue.hub))
    response = client.post(reverse("activities:activity-new"), one_off(title="", title_es="Charla"))
    assert response.status_code == 200 and "title" in response.context["form"].errors
    assert not Activity.objects.filter(title_es="Charla").exists()
    response = client.post(reverse("activities:activity-new"), one_off(title="Xerrada"))
    assert response.status_code == 302
    activity = Activity.objects.get(title_ca="Xerrada")
    assert activity.title_es is None and activity.title_en is None


def test_the_advice_service_form_saves_the_three_languages(catalogue):
    client = client_for(make_user(roles=[(Role.COORDINATOR, catalogue.hub)]))
    fields = {"hub": catalogue.hub.slug, "kind": "other", "appointment_minutes": 40, "buffer_minutes": 10,
              "by_phone": "on", "cancel_notice_hours": 0, "is_active": "on"}
    missing = client.post(reverse("advice:manage-services"), {**fields, "name_es": "Vivienda"})
    assert missing.status_code == 422 and "name" in missing.context["form"].errors
    response = client.post(reverse("advice:manage-services"), {
        **fields, "name": "Habitatge", "name_es": "Vivienda", "name_en": "Housing",
        "description": "Lloguers.", "description_en": "Rents."}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    service = AdviceService.objects.get(name_ca="Habitatge")
    assert (service.name_es, service.name_en, service.description_ca, service.description_en) == (
        "Vivienda", "Housing", "Lloguers.", "Rents.")
    url = reverse("advice:edit-service", args=[service.pk])
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").context["form"]["name"].value() == "Habitatge"
    response = client.post(url, {**fields, "name": "Habitatge i llum", "name_es": "Vivienda y luz",
                                 "name_en": "Housing"}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.name_ca, service.name_es, service.name_en) == ("Habitatge i llum", "Vivienda y luz", "Housing")
    assert service.history.exists()  # still audited


def test_the_content_tag_marks_only_a_fallback(catalogue):
    template = Template('{% load content %}{% content a "title" %}|{% content a "description" linebreaks=True %}')
    walk, talk = catalogue.walk, catalogue.talk
    with translation.override("es"):
        assert template.render(Context({"a": walk})) == "Paseo por el barrio|<p>Caminamos despacio.</p>"
        assert template.render(Context({"a": talk})) == '<span lang="ca">Xerrada de la infermera</span>|'
    with translation.override("ca"):
        assert template.render(Context({"a": talk})) == "Xerrada de la infermera|"
    row = {"item_type__name": "Grua", "item_type__name_ca": "Grua", "item_type__name_es": None,
           "item_type__name_en": "Hoist"}
    with translation.override("es"):
        assert Template('{% load content %}{% content r "item_type__name" %}').render(
            Context({"r": row})) == '<span lang="ca">Grua</span>'


def test_existing_texts_become_the_catalan_original(catalogue):
    """The data migrations copy each text typed before translation into its Catalan column."""
    from importlib import import_module

    Activity.objects.filter(pk=catalogue.talk.pk).update(title="Abans", title_ca=None)
    migration = import_module("activities.migrations.0005_activity_texts_in_three_languages")
    migration.original_is_catalan(apps, None)
    assert Activity.objects.get(pk=catalogue.talk.pk).title_ca == "Abans"
