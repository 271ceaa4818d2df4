"""What advice tells a person about their appointment, through carehub's one notification layer.

Called inside the service's (or the reminder's) transaction, after the change: `notify()` writes the message
with the change and the worker delivers it after commit (docs/notifications.md). A rollback takes the message
back with the change, and a mail server or SMS gateway that is down can neither fail nor slow a booking.

What a message says: the service's name, the time, how (in person, by phone, by video) and where; never the
reason nor case notes. The SMS names nothing but the hub (carehub's SMS template), since someone else may
read the phone. The appointment's hub signs the message and gets it on its call list, whatever the person's
home hub: that desk is the one that can answer questions about it.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from carehub import i18n
from carehub.notifications import notify
from carehub.notifications.models import Channel
from carehub.notifications.services import channel_for

from .ical import ics_for
from .models import Appointment, Mode


def tell(appointment: Appointment, kind: str, *, occasion: str = "", **context):
    """Write message `kind` about `appointment` for its person, with the appointment's .ics attached to an email
    (a CANCEL for a cancellation, so calendars drop the event). No query but notify()'s when the caller loaded
    the appointment's service, hub and person (the services and reminders do)."""
    person = appointment.person
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        # `mode` is given to the templates already translated; the .ics description too is in their language.
        mode = str(appointment.get_mode_display())
        ics = ics_for(appointment, cancelled=kind == "appointment_cancelled").decode()
    values = {"service": i18n.content(appointment.service, "name"), "starts_at": appointment.starts_at, "mode": mode}
    if kind != "appointment_cancelled":
        # "Please cancel if you cannot come: <link>" leads to the appointment; a cancellation keeps the default
        # link, the person's page, where they book another time.
        values["link"] = settings.SITE_URL + reverse("advice:appointment", args=[appointment.pk])
    if appointment.mode != Mode.IN_PERSON:
        values["where"] = ""  # by phone or video: no address to go to (the default would be the hub's)
    return notify(person, kind=kind, hub=appointment.hub, related=appointment, occasion=occasion,
                  context={**values, **context}, attachments=[("appointment.ics", ics, "text/calendar")])


def reached_only_by_call(person) -> bool:
    """Whether a message to `person` would only land on the desk's call list (no email, no mobile)."""
    return channel_for(person)[0] == Channel.CALL
