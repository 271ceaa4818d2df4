"""The committed catalogues hold exactly the strings the code and templates mark for translation.

Otherwise a new string shows in English on a Catalan page however complete the catalogue looks (and
test_translations.py only checks the entries that are there). It happened: xgettext does not know a
`gettext_lazy as _lazy` alias, so `make messages` silently dropped lending's list titles. This runs the same
extraction as `make messages` (scripts/make-messages.sh) on a copy of the tree and compares."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).parents[2]
APPS = ("carehub", "lending", "activities", "advice", "news", "guidance")


def keys(po_path: Path) -> set:
    return {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(po_path)) if not entry.obsolete}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    if shutil.which("xgettext") is None:
        pytest.skip("needs GNU gettext's xgettext (apt-get install gettext; make test installs it)")
    copy = tmp_path_factory.mktemp("tree")
    for name in ("manage.py", "scripts", "templates", "static", *APPS):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy2(source, copy / name)
    subprocess.run(["bash", "scripts/make-messages.sh"], cwd=copy, check=True, capture_output=True,
                   env={"PATH": "/usr/bin:/bin", "ROOT": str(copy), "PYTHON": sys.executable})
    return copy


@pytest.mark.parametrize("app", APPS)
def test_every_marked_string_is_in_the_catalogue_and_nothing_else(app, extracted):
    committed = keys(ROOT / app / "locale" / "ca" / "LC_MESSAGES" / "django.po")
    current = keys(extracted / app / "locale" / "ca" / "LC_MESSAGES" / "django.po")
    missing = sorted(msgid for _ctx, msgid in current - committed)
    stale = sorted(msgid for _ctx, msgid in committed - current)
    assert missing == [], "strings not in the catalogue yet: run `make messages` and translate them"
    assert stale == [], "catalogue entries no code uses any more: run `make messages`"
