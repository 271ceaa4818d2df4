"""Dates read as each language writes them: Catalan "2 de desembre", "8 d'octubre" and lower-case weekdays,
Spanish "2 de diciembre", English day-first with a 24-hour clock (12/01/2026 is the 12th of January here)."""

from datetime import UTC, date, datetime, time

import pytest
from django import forms
from django.template import Context, Template
from django.utils import formats, timezone, translation

from carehub.formats import EXTRA_FORMATS
from carehub.models import OpeningBlock
from carehub.timezones import LOCAL_TZ
from tests.conftest import make_hub

EXPECTED = {
    # language, date -> (DATE_FORMAT, WEEKDAY_DATE_FORMAT, MONTH_DAY_FORMAT)
    ("ca", date(2026, 12, 1)): ("1 de desembre de 2026", "dimarts, 1 de desembre de 2026", "1 de desembre"),
    ("ca", date(2026, 12, 2)): ("2 de desembre de 2026", "dimecres, 2 de desembre de 2026", "2 de desembre"),
    ("ca", date(2026, 12, 8)): ("8 de desembre de 2026", "dimarts, 8 de desembre de 2026", "8 de desembre"),
    ("ca", date(2026, 10, 1)): ("1 d'octubre de 2026", "dijous, 1 d'octubre de 2026", "1 d'octubre"),
    ("ca", date(2026, 4, 11)): ("11 d'abril de 2026", "dissabte, 11 d'abril de 2026", "11 d'abril"),
    ("ca", date(2026, 8, 3)): ("3 d'agost de 2026", "dilluns, 3 d'agost de 2026", "3 d'agost"),
    ("es", date(2026, 12, 1)): ("1 de diciembre de 2026", "martes, 1 de diciembre de 2026", "1 de diciembre"),
    ("es", date(2026, 12, 2)): ("2 de diciembre de 2026", "miércoles, 2 de diciembre de 2026",
                                "2 de diciembre"),
    ("es", date(2026, 12, 8)): ("8 de diciembre de 2026", "martes, 8 de diciembre de 2026", "8 de diciembre"),
    ("es", date(2026, 10, 1)): ("1 de octubre de 2026", "jueves, 1 de octubre de 2026", "1 de octubre"),
    ("en", date(2026, 12, 1)): ("1 December 2026", "Tuesday 1 December 2026", "1 December"),
    ("en", date(2026, 12, 2)): ("2 December 2026", "Wednesday 2 December 2026", "2 December"),
    ("en", date(2026, 12, 8)): ("8 December 2026", "Tuesday 8 December 2026", "8 December"),
    ("en", date(2026, 10, 1)): ("1 October 2026", "Thursday 1 October 2026", "1 October"),
}


@pytest.mark.parametrize(("language", "day"), list(EXPECTED))
def test_a_date_reads_as_the_language_writes_it(language, day):
    with translation.override(language):
        shown = tuple(formats.date_format(day, name)
                      for name in ("DATE_FORMAT", "WEEKDAY_DATE_FORMAT", "MONTH_DAY_FORMAT"))
    assert shown == EXPECTED[(language, day)]


@pytest.mark.parametrize(("language", "expected"), [
    ("ca", "01/12/2026 9:30"), ("es", "01/12/2026 09:30"), ("en", "01/12/2026 09:30")])
def test_short_dates_put_the_day_first_and_use_a_24_hour_clock(language, expected):
    with translation.override(language):
        assert formats.date_format(datetime(2026, 12, 1, 9, 30), "SHORT_DATETIME_FORMAT") == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("ca", "8 de desembre de 2026, 16:05"), ("es", "8 de diciembre de 2026, 16:05"),
    ("en", "8 December 2026, 16:05")])
def test_a_moment_has_its_date_and_a_24_hour_time(language, expected):
    with translation.override(language):
        assert formats.date_format(datetime(2026, 12, 8, 16, 5), "DATETIME_FORMAT") == expected


@pytest.mark.parametrize("language", ["ca", "es", "en"])
def test_every_language_defines_every_named_format_the_templates_use(language):
    # An undefined name would be printed as a format string of letters ("WEEKDAY_DATE_FORMAT" -> nonsense).
    with translation.override(language):
        for name in EXTRA_FORMATS:
            assert formats.get_format(name) != name


@pytest.mark.parametrize(("language", "expected"), [
    ("ca", "Dimecres, 2 de desembre de 2026 · 2 de desembre, 10:00"),
    ("es", "Miércoles, 2 de diciembre de 2026 · 2 de diciembre, 10:00"),
    ("en", "Wednesday 2 December 2026 · 2 December, 10:00")])
def test_templates_name_the_format_and_show_madrid_time(language, expected):
    moment = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # 10:00 in Madrid
    template = Template('{{ when|date:"WEEKDAY_DATE_FORMAT"|capfirst }} · '
                        '{{ when|date:"MONTH_DAY_TIME_FORMAT" }}')
    with translation.override(language), timezone.override(LOCAL_TZ):
        assert template.render(Context({"when": moment})) == expected


def test_english_reads_a_typed_date_day_first():
    with translation.override("en"):
        assert forms.DateField().clean("02/12/2026") == date(2026, 12, 2)


def test_opening_hours_still_start_with_a_capital(client, db):
    hub = make_hub()
    OpeningBlock.objects.create(hub=hub, weekday=OpeningBlock.Weekday.WEDNESDAY, opens_at=time(9),
                                closes_at=time(14))
    page = client.get(hub.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ca").content.decode()
    assert "<dt>Dimecres</dt>" in page
