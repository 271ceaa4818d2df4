from datetime import datetime

import pytest

from carehub.timezones import LOCAL_TZ

# The desk's day is read at this instant: a Tuesday morning in June (far from a DST change), before the day's
# 10:00 session starts; tests move the clock on to "once it has started" with `clock.move_to(...)`.
FROZEN_AT = datetime(2026, 6, 2, 8, 30, tzinfo=LOCAL_TZ)


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(FROZEN_AT, tick=False)
    return time_machine


@pytest.fixture(autouse=True)
def english_pages(settings):
    """Pages in English, so that the assertions read the msgids."""
    settings.LANGUAGE_CODE = "en"
