"""Writes for people: registering, editing, de-duplicating and merging them (accounts: carehub.accounts)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import documents, errors, locking, permissions
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
        if len(email) > Person._meta.get_field("email").max_length:
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
    birth_year: int | None = None,
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
    birth_year = clean_birth_year(birth_year)
    _check_document_free(document_number, hub)
    return Person.objects.create(
        home_hub=hub,
        first_name=first_name.strip(),
        last_name=(last_name or "").strip(),
        phone=phone,
        email=(email or "").strip().lower(),
        notify_by=notify_by,
        preferred_language=preferred_language,
        document_number=document_number,
        birth_year=birth_year,
        # Typed by the desk with the person there: as good as confirmed.
        email_verified_at=timezone.now() if email else None,
        consent_given_at=timezone.now(),
        registered_by=access.user,
    )


# --- editing a person -------------------------------------------------------------------------------------
EDITABLE_FIELDS = ("first_name", "last_name", "phone", "email", "notify_by", "preferred_language",
                   "document_number", "birth_year")
CONTACT_FIELDS = ("phone", "email", "notify_by")


def clean_birth_year(value) -> int | None:
    if value in (None, ""):
        return None
    this_year = timezone.localdate().year
    try:
        year = int(value)
    except (TypeError, ValueError):
        year = 0
    if not 1900 <= year <= this_year:
        raise errors.ValidationFailed(
            _("Enter a year of birth between 1900 and %(year)s.") % {"year": this_year},
            code="birth_year_invalid", field="birth_year",
        )
    return year


def _check_document_free(document_number: str, hub: Hub, *, exclude: tuple = ()) -> None:
    if not document_number:
        return
    taken = Person.objects.filter(home_hub=hub, document_number=document_number, erased_at__isnull=True,
                                  merged_into__isnull=True)
    if exclude:
        taken = taken.exclude(pk__in=exclude)
    if taken.exists():
        raise errors.Conflict(
            _("A person with this document number is already registered at this hub."),
            code="person_duplicate", field="document_number",
        )


def save_with_actor(person: Person, user, reason: str) -> Person:
    """Save so that the history row names who changed the person and why (also without a request)."""
    person._history_user = user if getattr(user, "is_authenticated", False) else None
    person._change_reason = reason
    person.save()
    return person


@transaction.atomic
def update_person(*, access: Access, person_id: int, hub: Hub | None = None, **changes) -> Person:
    """The desk corrects or updates a person's details. Only the fields given change; the same rules as at
    registration apply (a valid phone, a checked DNI/NIE, a channel with its contact data). The history
    keeps the old values, who changed them and when. Moving the person to another home hub needs the desk
    of both hubs. An email the desk types counts as confirmed: the person gave it in person."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise errors.ValidationFailed(_("These details cannot be changed here."), code="field_not_editable",
                                      field=sorted(unknown)[0])
    from .selectors import people_visible_to

    person = locking.lock_row(people_visible_to(access).filter(pk=person_id))
    if person is None:
        raise errors.NotFound(_("No person with this number in your hub."), code="person_not_found")
    if not permissions.can_edit_person(access, person):
        raise errors.PermissionDenied(_("You cannot change this person's details."), code="person_edit_forbidden")
    if hub is not None and hub.pk != person.home_hub_id and not permissions.can_act_for_people_at(access, hub.pk):
        raise errors.PermissionDenied(_("You cannot move people to this hub."), code="hub_forbidden", field="hub")

    values = {name: getattr(person, name) for name in EDITABLE_FIELDS}
    values.update({name: value for name, value in changes.items() if value is not None or name == "birth_year"})
    values["first_name"] = (values["first_name"] or "").strip()
    values["last_name"] = (values["last_name"] or "").strip()
    values["email"] = (values["email"] or "").strip().lower()
    clean_person_fields(first_name=values["first_name"], email=values["email"],
                        preferred_language=values["preferred_language"])
    # A channel left as it was, but whose contact data is now gone, is chosen again from what is left.
    notify_by = values["notify_by"] if "notify_by" in changes else (
        values["notify_by"] if channel_still_works(values) else "")
    # An old number that never parsed is kept as it was (flagged on the person's page) unless the desk changes
    # it: correcting a name must not wait for a number nobody has to hand.
    kept_as_typed = values["phone"] == person.phone and not person.phone_valid
    phone, values["notify_by"] = clean_contact(phone="" if kept_as_typed else values["phone"],
                                               email=values["email"], notify_by=notify_by)
    values["phone"] = person.phone if kept_as_typed else phone
    values["document_number"] = clean_document(values["document_number"])
    values["birth_year"] = clean_birth_year(values["birth_year"])
    target_hub = hub or person.home_hub
    _check_document_free(values["document_number"], target_hub, exclude=(person.pk,))

    changed = [name for name in EDITABLE_FIELDS if getattr(person, name) != values[name]]
    if hub is not None and hub.pk != person.home_hub_id:
        person.home_hub = hub
        changed.append("home_hub")
    if not changed:
        return person
    email_changed = values["email"] != person.email
    for name in EDITABLE_FIELDS:
        setattr(person, name, values[name])
    if email_changed:
        person.email_verified_at = timezone.now() if person.email else None
    return save_with_actor(person, access.user, "changed by the desk: " + ", ".join(changed))


def channel_still_works(values: dict) -> bool:
    from carehub.notifications import phones

    channel = values["notify_by"]
    if channel == "email":
        return bool(values["email"])
    if channel == "sms":
        return phones.is_mobile(values["phone"])
    return True


# --- merging two records of one person ----------------------------------------------------------------------
# Filled on the kept person from the duplicate when the kept one lacks them.
MERGE_FILLS = ("last_name", "phone", "email", "document_number", "birth_year")


@transaction.atomic
def merge_people(*, access: Access, duplicate_id: int, kept_id: int) -> Person:
    """Merge `duplicate` into `kept`: their loans, holds, bookings, group memberships, appointments and
    messages move to the kept person (each app's `merge_person` hook, carehub/registry.py), details the kept
    person lacks are filled from the duplicate, and the duplicate stays as a tombstone pointing to the kept
    one. One transaction: if any app refuses (the two are booked on the same session, their appointments
    overlap...), nothing changes and the error says which. The history records who merged what and when."""
    from .registry import hooks
    from .selectors import people_visible_to

    if duplicate_id == kept_id:
        raise errors.ValidationFailed(_("Choose two different people to merge."), code="merge_same_person",
                                      field="into")
    # Both rows, in primary-key order (carehub.locking), before anything of theirs.
    locked = {p.pk: p for p in locking.lock_rows(
        people_visible_to(access).filter(pk__in=[duplicate_id, kept_id]).select_related("user"))}
    duplicate, kept = locked.get(duplicate_id), locked.get(kept_id)
    if duplicate is None or kept is None:
        raise errors.NotFound(_("No person with this number in your hub."), code="person_not_found",
                              field=None if duplicate is None else "into")
    if not permissions.can_merge_people(access, duplicate, kept):
        raise errors.PermissionDenied(
            _("Only a coordinator of both people's hubs can merge them."), code="merge_forbidden")
    if duplicate.user_id and kept.user_id:
        raise errors.Conflict(
            _("Both people have an online account. Keep the one with the account the person uses, and ask "
              "them to stop using the other before merging."), code="merge_two_accounts")
    for name in MERGE_FILLS:
        if getattr(kept, name) in ("", None) and getattr(duplicate, name) not in ("", None):
            setattr(kept, name, getattr(duplicate, name))
            if name == "email":
                kept.email_verified_at = duplicate.email_verified_at
    _check_document_free(kept.document_number, kept.home_hub, exclude=(kept.pk, duplicate.pk))

    reason = f"merged person #{duplicate.pk} into #{kept.pk}"
    kept.needs_duplicate_check = duplicate.needs_duplicate_check = False
    for _app, merge in hooks("merge_person"):
        merge(duplicate, kept, by=access.user)
    from .models import Message, PasswordReset

    Message.objects.filter(person=duplicate).update(person=kept)
    PasswordReset.objects.filter(person=duplicate).update(person=kept)
    account = duplicate.user
    duplicate.merged_into = kept
    if account is not None:
        duplicate.user = None
    save_with_actor(duplicate, access.user, reason)
    if account is not None:
        kept.user = account
    return save_with_actor(kept, access.user, reason)


def reassign(rows, *, fields: tuple[str, ...], duplicate: Person, kept: Person, by) -> int:
    """For the apps' `merge_person` hooks: point `fields` of `rows` (instances of one model) that name the
    duplicate at the kept person, with a history row per change naming who merged and why."""
    from simple_history.utils import bulk_update_with_history

    rows = list(rows)
    changed = []
    for row in rows:
        touched = False
        for name in fields:
            if getattr(row, f"{name}_id") == duplicate.pk:
                setattr(row, name, kept)
                touched = True
        if touched:
            changed.append(row)
    if not changed:
        return 0
    model = type(changed[0])
    reason = f"merged person #{duplicate.pk} into #{kept.pk}"
    user = by if getattr(by, "is_authenticated", False) else None
    if hasattr(model, "history"):  # django-simple-history's manager: the model keeps an audit trail
        bulk_update_with_history(changed, model, list(fields), default_user=user, default_change_reason=reason)
    else:
        model.objects.bulk_update(changed, list(fields))
    return len(changed)


@transaction.atomic
def dismiss_duplicate_check(*, access: Access, person_id: int) -> Person:
    """The desk has looked: the person who signed up online is not anyone already registered."""
    from .selectors import people_visible_to

    person = locking.lock_row(people_visible_to(access).filter(pk=person_id))
    if person is None:
        raise errors.NotFound(_("No person with this number in your hub."), code="person_not_found")
    if not permissions.can_edit_person(access, person):
        raise errors.PermissionDenied(_("You cannot change this person's details."), code="person_edit_forbidden")
    if person.needs_duplicate_check:
        person.needs_duplicate_check = False
        save_with_actor(person, access.user, "checked by the desk: not a duplicate")
    return person
