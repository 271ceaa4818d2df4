"""Catalan elides "de" before a vowel sound and the article before the days 1 and 11, wherever a name or a
date is put into a sentence: "la teva cita d'Assessorament", "Hores lliures de l'1 de desembre"."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from carehub.i18n import elide
from carehub.notifications.rendering import render
from tests.conftest import make_hub, make_person


@pytest.mark.parametrize(("text", "expected"), [
    ("La teva cita de Assessorament", "La teva cita d'Assessorament"),
    ("La teva cita de Llit articulat", "La teva cita de Llit articulat"),
    ("Dades de Òscar", "Dades d'Òscar"),
    ("Dades de Helena", "Dades d'Helena"),  # h + vowel
    ("Dades de Iolanda", "Dades de Iolanda"),  # semivowel: no elision
    ("cita de Huelva", "cita de Huelva"),
    ("Torna a la pàgina de <strong>Anna</strong>", "Torna a la pàgina d'<strong>Anna</strong>"),
    ("Hores lliures del 1 de desembre al 11 de desembre",
     "Hores lliures de l'1 de desembre a l'11 de desembre"),
    ("Hores lliures del 2 de desembre al 8 de desembre", "Hores lliures del 2 de desembre al 8 de desembre"),
    ("Cal retornar-lo el 1 d'octubre de 2026", "Cal retornar-lo l'1 d'octubre de 2026"),
    ("El 11 d&#x27;octubre", "L'11 d&#x27;octubre"),  # as a page escapes the date's apostrophe
    ("el 1 %", "el 1 %"),  # not a date
    ("Pàgina 1 de 11", "Pàgina 1 de 11"),
])
def test_catalan_elides_where_a_name_or_a_date_needs_it(text, expected):
    assert elide(text, "ca") == expected


@pytest.mark.parametrize("language", ["es", "en"])
def test_other_languages_are_left_alone(language):
    assert elide("de Assessorament del 1 de diciembre", language) == "de Assessorament del 1 de diciembre"


def test_safe_text_stays_safe():
    assert isinstance(elide(mark_safe("de <em>Anna</em>"), "ca"), SafeString)


@pytest.mark.parametrize(("language", "expected"), [
    ("ca", "Hores lliures de l'1 de desembre al 7 de desembre"),
    ("es", "Horas libres del 1 de diciembre al 7 de diciembre"),
    ("en", "Free times from 1 December to 7 December")])
def test_the_elide_tag_fixes_a_translated_sentence(language, expected):
    template = Template('{% load i18n carehub_language %}{% elide %}{% blocktranslate with '
                        'start=start|date:"MONTH_DAY_FORMAT" end=end|date:"MONTH_DAY_FORMAT" %}'
                        'Free times from {{ start }} to {{ end }}{% endblocktranslate %}{% endelide %}')
    with translation.override(language):
        shown = template.render(Context({"start": date(2026, 12, 1), "end": date(2026, 12, 7)}))
    assert shown.replace("&#x27;", "'") == expected


@pytest.mark.django_db
def test_a_catalan_notification_elides_the_service_and_the_date():
    hub = make_hub()
    person = make_person(hub, first_name="Anna")
    rendered = render("appointment_confirmed", person=person, hub=hub, channel="email", language="ca",
                      context={"service": "Assessorament", "starts_at": datetime(2026, 12, 1, 9, tzinfo=UTC)})
    assert "La teva cita d'Assessorament" in rendered["body"]
    assert "1 de desembre de 2026, 10:00" in rendered["body"]
    call = render("appointment_confirmed", person=person, hub=hub, channel="call", language="ca",
                  context={"service": "Assessorament", "starts_at": datetime(2026, 12, 1, 9, tzinfo=UTC)})
    assert "té cita d'Assessorament l'1 de desembre de 2026, 10:00" in call["body"]
