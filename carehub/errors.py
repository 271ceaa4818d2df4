"""Domain errors: what a service raises when a business rule refuses an operation.

Each has a stable `code` (for API clients) and a translated message (for people). The API maps the
HTTP status with `status`; pages show the message next to the form.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    code = "invalid"
    default_message = _("The request could not be completed.")

    def __init__(self, message=None, *, code: str | None = None, field: str | None = None):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        # The form field the problem belongs to, so a page can show it next to that field.
        self.field = field
        super().__init__(str(self.message))

    def as_dict(self) -> dict:
        return {"detail": str(self.message), "code": self.code}


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    default_message = _("Please log in.")


class TooManyAttempts(DomainError):
    status = 429
    code = "locked_out"
    default_message = _("Too many failed attempts. Wait 15 minutes or ask your hub's coordinator.")


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    default_message = _("You do not have permission to do this.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Conflict(DomainError):
    """The request is valid but the current state refuses it (e.g. the item is already on loan)."""

    status = 409
    code = "conflict"
    default_message = _("This conflicts with the current state. Please reload and try again.")


class Busy(Conflict):
    """Someone else is changing the same rows right now and the lock could not be had in time (or the
    database broke a deadlock). Nothing was changed; trying again a moment later works."""

    code = "busy"
    default_message = _("Someone else is changing this at the same moment. Nothing was changed: please try again.")


class ValidationFailed(DomainError):
    status = 422
    code = "invalid"
    default_message = _("Some of the information is not valid.")


# --- activities and support groups: their errors live in activities/errors.py (its own catalogue) ------


# --- lending bank ---------------------------------------------------------------------------------------
class ItemUnavailable(Conflict):
    code = "item_unavailable"
    default_message = _("This item is not available to lend.")


class ItemReserved(Conflict):
    code = "item_reserved"
    default_message = _("This item is reserved for someone else.")


class BorrowerHasOverdue(Conflict):
    code = "borrower_has_overdue"
    default_message = _("This person has an overdue item. Give a reason to lend anyway.")


class LoanAlreadyReturned(Conflict):
    code = "loan_already_returned"
    default_message = _("This loan has already been returned.")


# --- advice (legal and employment) ----------------------------------------------------------------------
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
