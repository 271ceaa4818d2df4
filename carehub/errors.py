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


# Each app's own kinds live in that app: lending/errors.py, activities/errors.py, advice/errors.py.
