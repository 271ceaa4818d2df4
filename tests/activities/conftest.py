from datetime import datetime

import pytest

from carehub.timezones import LOCAL_TZ

# Every activities test runs at this instant: a Tuesday morning in June, far from a DST change, so that "in
# three days at 10:00", the desk's day and the weekday are the same on every run and in every time zone.
FROZEN_AT = datetime(2026, 6, 2, 8, 30, tzinfo=LOCAL_TZ)


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(FROZEN_AT, tick=False)


@pytest.fixture(autouse=True)
def english_pages(settings):
    """Pages in English, so that assertions read the msgids; emails still follow each person's language."""
    settings.LANGUAGE_CODE = "en"
