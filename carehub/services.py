"""Writes for the core domain: registering people and caregiver accounts."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import errors, permissions
from .models import Hub, Language, Person
from .permissions import Access


def _clean_person_fields(*, first_name: str, email: str, preferred_language: str) -> None:
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
) -> Person:
    """Register a person at the desk of `hub`. Consent to data processing is recorded with its time."""
    if not permissions.can_act_for_people_at(access, hub.pk):
        raise errors.PermissionDenied(_("You cannot register people at this hub."), code="hub_forbidden")
    _clean_person_fields(first_name=first_name, email=email, preferred_language=preferred_language)
    if not consent:
        raise errors.ValidationFailed(
            _("The person must consent to their data being processed."), code="consent_required", field="consent"
        )
    document_number = (document_number or "").strip().upper()
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
        phone=(phone or "").strip(),
        email=(email or "").strip().lower(),
        preferred_language=preferred_language,
        document_number=document_number,
        consent_given_at=timezone.now(),
        registered_by=access.user,
    )


@transaction.atomic
def register_caregiver_account(
    *,
    username: str,
    password: str,
    email: str,
    first_name: str,
    last_name: str,
    phone: str,
    home_hub: Hub,
    preferred_language: str,
    consent: bool,
):
    """A caregiver creates an online account; it comes with the person record it is linked to."""
    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise errors.ValidationFailed(_("Choose a user name."), code="username_required", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise errors.Conflict(_("This user name is taken. Choose another."), code="username_taken", field="username")
    _clean_person_fields(first_name=first_name, email=email, preferred_language=preferred_language)
    if not consent:
        raise errors.ValidationFailed(
            _("Please accept the data-processing terms to create an account."), code="consent_required", field="consent"
        )
    user = User(username=username, email=(email or "").lower(), first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise errors.ValidationFailed(" ".join(exc.messages), code="password_invalid", field="password1")
    user.set_password(password)
    user.save()
    person = Person.objects.create(
        user=user,
        home_hub=home_hub,
        first_name=first_name.strip(),
        last_name=(last_name or "").strip(),
        phone=(phone or "").strip(),
        email=(email or "").strip().lower(),
        preferred_language=preferred_language,
        consent_given_at=timezone.now(),
        registered_by=user,
    )
    return user, person
