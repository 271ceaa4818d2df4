"""People tests run on a frozen clock: a Tuesday mid-morning in Barcelona."""

from datetime import datetime

import pytest
import time_machine

from carehub.timezones import LOCAL_TZ

FROZEN_AT = datetime(2026, 3, 10, 10, 0, tzinfo=LOCAL_TZ)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(FROZEN_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def english_pages(settings):
    """Pages in English, so that assertions read the msgids; messages still follow each person's language."""
    settings.LANGUAGE_CODE = "en"
