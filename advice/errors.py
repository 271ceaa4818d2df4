"""Advice's domain errors, with their messages in advice's own catalogue.

Each subclasses the class of the same name in carehub.errors (so the API maps it to the same status and code,
and `except carehub.errors.SlotTaken` still catches it); the generic errors are re-exported so that the
services need only this module.
"""

from django.utils.translation import gettext_lazy as _

from carehub import errors as core
from carehub.errors import (  # noqa: F401 (re-exported)
    Conflict,
    DomainError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)


class SlotUnavailable(core.SlotUnavailable):
    """The advisor does not give this service at that time (no availability, an exception, or too soon)."""

    default_message = _("The advisor is not available for this service at that time. Choose one of the free slots.")


class SlotTaken(core.SlotTaken):
    default_message = _("Someone has just booked this time. Choose another free slot.")


class SlotInPast(core.SlotInPast):
    default_message = _("This time has already passed. Choose a future slot.")


class PersonBusy(core.PersonBusy):
    default_message = _("This person already has an advice appointment at that time.")


class AppointmentNotChangeable(core.AppointmentNotChangeable):
    default_message = _("This appointment can no longer be changed.")
