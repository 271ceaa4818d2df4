"""Every news domain error, in one place (the generic ones re-exported from carehub.errors)."""

from django.utils.translation import gettext_lazy as _

from carehub.errors import (  # noqa: F401 (re-exported: news's one import for errors)
    Conflict,
    DomainError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)


class NewsItemNotFound(NotFound):
    code = "news_not_found"
    default_message = _("This news item does not exist.")


class NewsForbidden(PermissionDenied):
    code = "news_forbidden"
    default_message = _("Only the coordinators of this hub can publish its news.")


class NewsWithdrawn(Conflict):
    code = "news_withdrawn"
    default_message = _("This news item has been withdrawn; publish a new one instead.")


class DigestNeedsAddress(ValidationFailed):
    code = "digest_needs_address"
    default_message = _("The monthly digest goes by email or SMS: add an email address or a mobile number first.")


class DigestLinkInvalid(ValidationFailed):
    code = "digest_link_invalid"
    default_message = _("This link is not valid: it may have been cut or changed. Copy the whole link from the "
                        "message, or stop the digest on My page or at your hub's desk.")
