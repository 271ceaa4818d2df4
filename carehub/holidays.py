"""Public holidays at the hubs: Catalonia's (the `holidays` package, ES / CT) plus the city's local ones.

One place for every module that plans dates (series of sessions, advice availability). Barcelona sets two
local holidays a year; `settings.LOCAL_HOLIDAYS` lists them as rules, so a new year needs no code:

- ``"MM-DD"``: the same day every year (La Mercè, ``"09-24"``);
- ``"easter+N"`` / ``"easter-N"``: N days after (before) Easter Sunday (Whit Monday, ``"easter+50"``).

Each entry is ``(rule, name)``; the name is an English msgid, shown translated. The package's Catalan
calendar has Easter Monday but not Whit Monday, so the two never count twice; a local rule falling on a day
the region already keeps adds nothing (the regional name wins).
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays as holidays_package
from dateutil.easter import easter
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

COUNTRY = "ES"
SUBDIVISION = "CT"
# The package's own translations of its names; any other language reads English.
PACKAGE_LANGUAGES = {"ca": "ca", "es": "es", "en": "en_US"}

# The defaults in settings.LOCAL_HOLIDAYS, so that makemessages finds their names.
LOCAL_NAMES = (gettext_noop("Whit Monday"), gettext_noop("La Mercè"))


def local_rule_date(rule: str, year: int) -> date:
    """The day a LOCAL_HOLIDAYS rule falls on in `year`."""
    rule = rule.strip().lower()
    try:
        if rule.startswith("easter"):
            offset = int(rule[len("easter"):] or 0)
            return easter(year) + timedelta(days=offset)
        month, day = (int(part) for part in rule.split("-"))
        return date(year, month, day)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"LOCAL_HOLIDAYS: {rule!r} is neither MM-DD nor easter+N ({exc})") from exc


@lru_cache(maxsize=256)
def _year(year: int, language: str, local: tuple) -> dict[date, str]:
    package_language = PACKAGE_LANGUAGES.get(language, "en_US")
    days = dict(holidays_package.country_holidays(COUNTRY, subdiv=SUBDIVISION, years=[year],
                                                  language=package_language))
    for rule, name in local:
        days.setdefault(local_rule_date(rule, year), _(name))
    return days


def holidays_between(first: date, last: date) -> dict[date, str]:
    """Public holidays from `first` to `last` (both included), with their names in the active language."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    local = tuple((rule, name) for rule, name in getattr(settings, "LOCAL_HOLIDAYS", ()))
    found = {}
    for year in range(first.year, last.year + 1):
        found.update({day: name for day, name in _year(year, language, local).items() if first <= day <= last})
    return found


def holiday_name(day: date) -> str | None:
    """The holiday on `day`, or None on a working day."""
    return holidays_between(day, day).get(day)
