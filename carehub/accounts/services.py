"""Writes for online accounts: a caregiver's sign-up (and, beside it, password reset and verification)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carehub import errors
from carehub.models import Hub, Person
from carehub.services import clean_contact, clean_person_fields


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
    notify_by: str = "email",
):
    """A caregiver creates an online account; it comes with the person record it is linked to. They choose
    how the hub tells them about their plans (email by default: they gave one to sign up)."""
    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise errors.ValidationFailed(_("Choose a user name."), code="username_required", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise errors.Conflict(_("This user name is taken. Choose another."), code="username_taken", field="username")
    clean_person_fields(first_name=first_name, email=email, preferred_language=preferred_language)
    phone, notify_by = clean_contact(phone=phone, email=email, notify_by=notify_by)
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
        phone=phone,
        email=(email or "").strip().lower(),
        notify_by=notify_by,
        preferred_language=preferred_language,
        consent_given_at=timezone.now(),
        registered_by=user,
    )
    return user, person
