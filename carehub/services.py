"""Writes for people: registering, editing, de-duplicating and merging them (accounts: carehub.accounts)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import documents, errors, permissions
from .models import Hub, Language, Person
from .permissions import Access


CHANNELS = ("email", "sms", "call")


def clean_contact(*, phone: str, email: str, notify_by: str) -> tuple[str, str]:
    """(phone in E.164, channel) or a field error. The same rule for the desk's form, the sign-up form and the
    API: a number that does not parse is refused here (Person.save would keep it as typed, flagged, which is
    for old rows, not for new ones), and a channel needs its contact data, or the person would never be told."""
    from carehub.notifications import phones

    phone = (phone or "").strip()
    if phone:
        if phones.parse(phone) is None:
            raise errors.ValidationFailed(
                _("Enter a valid phone number, for example 612 345 678."), code="phone_invalid", field="phone"
            )
        phone, _valid = phones.normalise(phone)
    notify_by = (notify_by or "").strip()
    if notify_by and notify_by not in CHANNELS:
        raise errors.ValidationFailed(
            _("Choose email, SMS or a phone call from the desk."), code="notify_by_invalid", field="notify_by"
        )
    if notify_by == "email" and not (email or "").strip():
        raise errors.ValidationFailed(
            _("Add an email address to send messages by email, or choose another channel."),
            code="email_required_for_channel", field="notify_by",
        )
    if notify_by == "sms" and not phones.is_mobile(phone):
        raise errors.ValidationFailed(
            _("SMS needs a mobile number (6xx or 7xx). Add one or choose another channel."),
            code="mobile_required_for_channel", field="notify_by",
        )
    # Left empty, Person.save derives it from the contact data (email, else a mobile, else a call).
    return phone, notify_by


def clean_person_fields(*, first_name: str, email: str, preferred_language: str) -> None:
    if not (first_name or "").strip():
        raise errors.ValidationFailed(_("Enter a first name."), code="first_name_required", field="first_name")
    if preferred_language not in Language.values:
        raise errors.ValidationFailed(
            _("Choose Catalan, Spanish or English."), code="language_invalid", field="preferred_language"
        )
    if email:
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            raise errors.ValidationFailed(_("Enter a valid email address."), code="email_invalid", field="email")


_DOCUMENT_ERRORS = {
    "DNI": _("This is not a valid DNI: check the number and its letter."),
    "NIE": _("This is not a valid NIE: check the number and its letter."),
    "passport": _("Type the document number with letters and digits only."),
}


def clean_document(raw: str) -> str:
    """A DNI or NIE checked and in one shape (12345678-z = 12345678Z), a passport number compacted, or 422."""
    try:
        return documents.normalise(raw)
    except documents.InvalidDocument as exc:
        raise errors.ValidationFailed(_DOCUMENT_ERRORS[str(exc)], code="document_invalid",
                                      field="document_number") from exc


@transaction.atomic
def register_person(
    *,
    access: Access,
    hub: Hub,
    first_name: str,
    last_name: str = "",
    phone: str = "",
    email: str = "",
    preferred_language: str = Language.CATALAN,
    document_number: str = "",
    consent: bool = False,
    notify_by: str = "",
) -> Person:
    """Register a person at the desk of `hub`. Consent to data processing is recorded with its time.

    `notify_by` is how the hub tells them about their plans (email, sms, call); empty = derived from the
    contact data. `phone` must parse as a number (region ES); it is stored in E.164."""
    if not permissions.can_act_for_people_at(access, hub.pk):
        raise errors.PermissionDenied(_("You cannot register people at this hub."), code="hub_forbidden")
    clean_person_fields(first_name=first_name, email=email, preferred_language=preferred_language)
    phone, notify_by = clean_contact(phone=phone, email=email, notify_by=notify_by)
    if not consent:
        raise errors.ValidationFailed(
            _("The person must consent to their data being processed."), code="consent_required", field="consent"
        )
    document_number = clean_document(document_number)
    if document_number and Person.objects.filter(
        home_hub=hub, document_number=document_number, erased_at__isnull=True
    ).exists():
        raise errors.Conflict(
            _("A person with this document number is already registered at this hub."),
            code="person_duplicate",
            field="document_number",
        )
    return Person.objects.create(
        home_hub=hub,
        first_name=first_name.strip(),
        last_name=(last_name or "").strip(),
        phone=phone,
        email=(email or "").strip().lower(),
        notify_by=notify_by,
        preferred_language=preferred_language,
        document_number=document_number,
        consent_given_at=timezone.now(),
        registered_by=access.user,
    )
