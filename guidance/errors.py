"""Every guidance domain error, in one place, with its messages in guidance's own catalogue.

Guidance code and tests import errors only from here: the guidance-specific ones below and the generic ones
re-exported from carehub.errors. Each keeps a stable `code` and the HTTP status of its base class.
"""

from django.utils.translation import gettext_lazy as _

from carehub.errors import (  # noqa: F401 (re-exported: guidance's one import for errors)
    Busy,
    Conflict,
    DomainError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TooManyAttempts,
    ValidationFailed,
)


class AttentionNotFound(NotFound):
    code = "attention_not_found"
    default_message = _("No such attention at your hubs.")


class ResourceNotFound(NotFound):
    code = "resource_not_found"
    default_message = _("No such entry in the directory.")


class TopicInvalid(ValidationFailed):
    code = "topic_invalid"
    default_message = _("Choose topics from this hub's list.")


class AlreadyAnswered(Conflict):
    code = "already_answered"
    default_message = _("This question has already been answered.")


class RequestRateLimited(TooManyAttempts):
    code = "request_rate_limited"
    default_message = _("Too many questions from here in a short time. Wait an hour, or call the hub.")
