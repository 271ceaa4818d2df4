"""Figures read grouped (22.800 / 22,800) without grouping ids, years or form values; the hubs' name is
spelled one way per language; a count is always said through ngettext ("1 sessió", "6 sessions", never
"sessió(ns)")."""

import os
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from tests.conftest import make_hub

ROOT = Path(__file__).parents[2]
APPS = ("carehub", "lending", "activities", "advice", "news", "guidance")


@pytest.mark.parametrize(("language", "expected"), [("ca", "22.800"), ("es", "22.800"), ("en", "22,800")])
def test_a_population_reads_grouped(language, expected):
    with translation.override(language):
        shown = Template("{% load carehub_language %}{{ n|grouped }}").render(Context({"n": 22800}))
    assert shown == expected


def test_ids_and_years_are_never_grouped():
    # Grouping is asked for where a figure is read; turned on globally it would write ?person=1.234 and 2.026.
    assert not settings.USE_THOUSAND_SEPARATOR
    with translation.override("ca"):
        assert Template("{{ n }}").render(Context({"n": 2026})) == "2026"


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "expected"), [("ca", "22.800"), ("es", "22.800"), ("en", "22,800")])
def test_the_hub_page_shows_its_population_grouped(client, language, expected):
    hub = make_hub(population=22800)
    page = client.get(hub.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert expected in page and "22800" not in page


MIXED = re.compile(r"Vilas Ve[iï]n|Viles Ve[iï]nas", re.IGNORECASE)


SKIPPED_FOLDERS = {".git", ".venv", "node_modules", "staticfiles", "__pycache__", "test-artifacts"}


def test_the_hubs_name_has_one_spelling_everywhere():
    wrong = []
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders
                         if name not in SKIPPED_FOLDERS and not name.endswith(".egg-info")]
        for name in names:
            path = Path(folder) / name
            if path.suffix not in {".po", ".html", ".txt", ".py", ".json", ".md"}:
                continue
            if path.parent == Path(__file__).parent:
                continue  # this folder's tests spell the wrong forms out to look for them
            text = path.read_text(errors="ignore")
            wrong += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in MIXED.finditer(text)]
    assert wrong == []


def test_spanish_says_vila_veina_and_viles_veines():
    for app in APPS:
        for entry in polib.pofile(str(ROOT / app / "locale" / "es" / "LC_MESSAGES" / "django.po")):
            for text in (entry.msgstr, *entry.msgstr_plural.values()):
                assert not MIXED.search(text), text


COUNT_IN_PARENTHESES = re.compile(r"\w\((s|ns|es|as|os|a|e)\)")


@pytest.mark.parametrize("app", APPS)
def test_no_message_counts_with_a_parenthesised_plural(app):
    for lang in ("ca", "es", "en"):
        for entry in polib.pofile(str(ROOT / app / "locale" / lang / "LC_MESSAGES" / "django.po")):
            for text in (entry.msgid, entry.msgid_plural, entry.msgstr, *entry.msgstr_plural.values()):
                assert not COUNT_IN_PARENTHESES.search(text or ""), text


@pytest.mark.parametrize(("language", "n", "expected"), [
    ("ca", 1, "«Caminada» s'ha programat amb 1 sessió."),
    ("ca", 6, "«Caminada» s'ha programat amb 6 sessions."),
    ("es", 1, "«Caminada» se ha programado con 1 sesión."),
    ("es", 6, "«Caminada» se ha programado con 6 sesiones.")])
def test_a_programmed_activity_counts_its_sessions(language, n, expected):
    with translation.override(language):
        text = translation.ngettext("“%(title)s” is programmed with %(n)d session.",
                                    "“%(title)s” is programmed with %(n)d sessions.", n)
    assert text % {"title": "Caminada", "n": n} == expected
