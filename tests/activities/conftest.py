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


@pytest.fixture
def refused_mail(settings):
    """The real SMTP backend pointed at a port of 127.0.0.1 where nothing listens: every connection is refused."""
    import socket

    with socket.socket() as sock:  # a port that was free a moment ago, closed again: nobody listens on it
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2
    return port
