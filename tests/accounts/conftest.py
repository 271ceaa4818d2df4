from datetime import datetime

import pytest

from carehub.timezones import LOCAL_TZ

# Every accounts test starts at this instant; expiry tests move the clock on from here.
FROZEN_AT = datetime(2026, 6, 2, 9, 0, tzinfo=LOCAL_TZ)
PASSWORD = "a-long-test-password"
NEW_PASSWORD = "a-brand-new-long-password"


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(FROZEN_AT, tick=False)
    return time_machine


@pytest.fixture(autouse=True)
def english_pages(settings):
    """Pages in English, so that assertions read the msgids; messages follow each person's language."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def tasks_run_at_once(settings):
    """The reset request's background task runs when the request's transaction commits (the worker, in
    production); use with django_capture_on_commit_callbacks(execute=True)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
