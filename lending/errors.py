"""The lending bank's domain errors (the shared bases, `Conflict` and friends, stay in `carehub.errors`).

Each has a stable `code` for API clients and a translated default message; services raise them with a
more precise message where they know one. `carehub.api` maps any `DomainError` to its status.
"""

from django.utils.translation import gettext_lazy as _

from carehub.errors import Conflict, ValidationFailed


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


class InvalidAssetTag(ValidationFailed):
    """A tag must survive a URL, a QR label and a barcode scanner: letters, digits and hyphens."""

    code = "asset_tag_invalid"
    default_message = _("An asset tag has only letters, digits and hyphens (e.g. SA-WC-001).")
