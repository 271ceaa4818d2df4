"""The Catalan and Spanish catalogues are complete and speak with one voice.

Django merges every app's catalogue into one and the first app in INSTALLED_APPS wins for a shared msgid, so
two apps translating "Cancel" differently would show the wording of the wrong app, on every page."""

from collections import defaultdict
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).parents[2]
APPS = ("carehub", "lending", "activities", "advice", "news", "guidance")


def catalogue(app: str, lang: str) -> polib.POFile:
    return polib.pofile(str(ROOT / app / "locale" / lang / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("lang", ["ca", "es"])
@pytest.mark.parametrize("app", APPS)
def test_every_string_is_translated(app, lang):
    po = catalogue(app, lang)
    assert len(po) > 0
    assert [e.msgid for e in po.untranslated_entries() if not e.obsolete] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.parametrize("lang", ["ca", "es"])
def test_a_string_shared_by_several_apps_is_translated_the_same_everywhere(lang):
    translations = defaultdict(dict)
    for app in APPS:
        for entry in catalogue(app, lang).translated_entries():
            translations[(entry.msgctxt, entry.msgid)][app] = entry.msgstr
    disagreements = {key[1]: by_app for key, by_app in translations.items() if len(set(by_app.values())) > 1}
    assert disagreements == {}
