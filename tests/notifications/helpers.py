from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from carehub.notifications import notify

MADRID = ZoneInfo("Europe/Madrid")
STARTS = datetime(2026, 12, 10, 10, 0, tzinfo=MADRID)
SESSION = {"title": "Grup de suport per a cuidadores de persones amb demència", "starts_at": STARTS,
           "where": "Biblioteca Sant Antoni – Joan Oliver"}


class ServiceFailed(Exception):
    pass


def promote_from_waitlist(person, *, hub=None, occasion="", fail_after_notify=False):
    """What a service does: change rows and notify, in one transaction (here the change is the notify)."""
    with transaction.atomic():
        message = notify(person, kind="booking_promoted", hub=hub, related=person, occasion=occasion,
                         context=SESSION)
        if fail_after_notify:
            raise ServiceFailed("a later rule refused the change")
    return message
