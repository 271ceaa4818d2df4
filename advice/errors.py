"""Every advice domain error, in one place, with its messages in advice's own catalogue.

Advice code and tests import errors only from here: the advice-specific ones below and the generic ones
re-exported from carehub.errors (so a service needs one module). Each keeps the stable `code` and the HTTP
status (through its base class) that API clients already rely on.
"""

from django.utils.translation import gettext_lazy as _

from carehub.errors import (  # noqa: F401 (re-exported: advice's one import for errors)
    Busy,
    Conflict,
    DomainError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)


class SlotUnavailable(Conflict):
    """The advisor does not give this service at that time (no availability, an exception, or too soon)."""

    code = "slot_unavailable"
    default_message = _("The advisor is not available for this service at that time. Choose one of the free slots.")


class SlotTaken(Conflict):
    code = "slot_taken"
    default_message = _("Someone has just booked this time. Choose another free slot.")


class SlotInPast(ValidationFailed):
    code = "slot_in_past"
    default_message = _("This time has already passed. Choose a future slot.")


class PersonBusy(Conflict):
    code = "person_busy"
    default_message = _("This person already has an advice appointment at that time.")


class AppointmentNotChangeable(Conflict):
    code = "appointment_not_changeable"
    default_message = _("This appointment can no longer be changed.")
