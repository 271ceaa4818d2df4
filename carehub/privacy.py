"""A person's data rights: export everything held about them, and erase them.

Each app contributes through the registry (carehub/registry.py):

- ``export_person(person) -> dict``: what the app holds about the person, JSON-ready (strings, numbers, lists);
- ``erase_person(person, *, by) -> None``: wipe the app's personal values of the person, in its live rows
  AND in its history rows, keeping unchanged every field a planners' figure reads (dates, statuses, kinds,
  counts, hubs, record keys), so that no figure of any period moves. It may raise a
  DomainError to refuse (e.g. an item is still on loan); then nothing at all is erased;
- ``erasure_preview(person) -> dict``: counts for the confirmation page.

The erasure is one transaction: the person row is locked first, every app's hook runs, then the core fields
are wiped and the erasure recorded in `PrivacyRecord` (who, when, on what ground — never what). A failure
anywhere rolls everything back. docs/privacy.md describes what is kept and why.
"""

from datetime import datetime
from datetime import timezone as dt_timezone
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import errors, locking, permissions
from .models import ApiToken, Message, PasswordReset, Person, PrivacyRecord
from .permissions import Access
from .registry import hooks

EXPORT_FORMAT = "carehub-person-export/1"
# What an erased person is called wherever a name is still printed (a loan's history, an old booking list).
ERASED_NAME = "[erased]"


def iso(value) -> str | None:
    """Dates and times as ISO 8601 strings (times in UTC), so the export is plain JSON."""
    if value is None:
        return None
    if isinstance(value, datetime) and timezone.is_aware(value):
        return value.astimezone(dt_timezone.utc).isoformat()
    return value.isoformat()


def _person_or_404(access: Access, person_id: int, *, lock: bool = False) -> Person:
    if not access.is_authenticated:
        raise errors.NotAuthenticated()
    people = Person.objects.select_related("home_hub", "user").filter(pk=person_id)
    person = locking.lock_row(people) if lock else people.first()
    # Outside the caller's hubs the person does not exist for them (no leak of who is registered where).
    if person is None or not (access.is_admin or person.home_hub_id in permissions.people_hub_ids(access)):
        raise errors.NotFound(_("No person with this number in your hub."), code="person_not_found")
    return person


def _is_staff_account(user) -> bool:
    from .models import StaffRole

    return user.is_staff or user.is_superuser or StaffRole.objects.filter(user=user).exists()


def _check_reason(reason: str) -> str:
    if reason not in PrivacyRecord.Reason.values:
        raise errors.ValidationFailed(_("Choose the ground for this request."), code="reason_invalid", field="reason")
    return reason


# --- export ---------------------------------------------------------------------------------------------
def _core_export(person: Person) -> dict:
    user = person.user
    history = Person.history.model.objects.filter(id=person.pk).order_by("history_date", "history_id")
    return {
        "id": person.pk,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "phone": person.phone,
        "email": person.email,
        "preferred_language": person.preferred_language,
        "home_hub": {"slug": person.home_hub.slug, "name": person.home_hub.name},
        "document_number": person.document_number,
        "birth_year": person.birth_year,
        "email_verified_at": iso(person.email_verified_at),
        "consent_given_at": iso(person.consent_given_at),
        "registered_at": iso(person.created_at),
        "erased_at": iso(person.erased_at),
        "online_account": None if user is None else {
            "username": user.get_username(),
            "email": user.email,
            "active": user.is_active,
            "joined_at": iso(user.date_joined),
            "last_login_at": iso(user.last_login),
            "api_tokens": [
                {"created_at": iso(t.created_at), "last_used_at": iso(t.last_used_at)}
                for t in ApiToken.objects.filter(user=user).order_by("created_at")
            ],
        },
        "record_history": [
            {
                "at": iso(row.history_date),
                "change": {"+": "created", "~": "changed", "-": "deleted"}.get(row.history_type, row.history_type),
                "first_name": row.first_name,
                "last_name": row.last_name,
                "phone": row.phone,
                "email": row.email,
                "preferred_language": row.preferred_language,
                "document_number": row.document_number,
                "birth_year": row.birth_year,
            }
            for row in history
        ],
        "messages": [
            {"kind": m.kind, "channel": m.channel, "status": m.status, "to": m.recipient, "subject": m.subject,
             "text": m.body, "created_at": iso(m.created_at), "sent_at": iso(m.sent_at)}
            for m in Message.objects.filter(person=person).order_by("created_at", "id")
        ],
        "password_resets": [
            {"kind": r.kind, "issued_at": iso(r.created_at), "valid_until": iso(r.expires_at),
             "used_at": iso(r.used_at), "issued_by_the_desk": r.issued_by_id is not None}
            for r in person.password_resets.order_by("created_at", "id")
        ],
        "privacy_requests": [
            {"kind": r.kind, "reason": r.reason, "at": iso(r.done_at)}
            for r in PrivacyRecord.objects.filter(person=person).order_by("done_at", "id")
        ],
    }


def export_person(*, access: Access, person_id: int, reason: str = PrivacyRecord.Reason.PERSON_REQUEST) -> dict:
    """Everything carehub holds about a person, from every app, as a JSON-ready dict. The export is recorded.

    Advisors' case notes are not in it: they are the advisor's working notes and only the advisor reads them
    (docs/privacy.md says how a person gets them).
    """
    person = _person_or_404(access, person_id)
    if not permissions.can_manage_privacy_of(access, person):
        raise errors.PermissionDenied(_("Only the coordinators of the person's hub can export their data."),
                                      code="export_forbidden")
    _check_reason(reason)
    with transaction.atomic():
        data = {
            "format": EXPORT_FORMAT,
            "exported_at": iso(timezone.now()),
            "person": _core_export(person),
        }
        for app, export in hooks("export_person"):
            data[app] = export(person)
        PrivacyRecord.objects.create(kind=PrivacyRecord.Kind.EXPORT, person=person, hub=person.home_hub,
                                     done_by=access.user, reason=reason)
    return data


# --- erasure --------------------------------------------------------------------------------------------
def _deactivate_account(user) -> None:
    """The caregiver's login stops working: no password, no tokens, no name left on the account."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    old_username = user.get_username()
    ApiToken.objects.filter(user=user).delete()
    user.username = f"erased-{user.pk}"
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.is_active = False
    user.set_unusable_password()  # also ends every session: the session hash no longer matches
    user.save()
    # Login attempts keep the user name typed; they go with the account.
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username=old_username).delete()


# What identifies a person on their row, and the value each becomes. Everything else stays exactly as it was,
# because the planners' figures read it: `created_at` (new people per day, month, year), `home_hub`,
# `record_key` (disclosure control: the noise of every cell the person is in); `preferred_language` and
# `notify_by` identify nobody.
PERSONAL_FIELDS = {
    "first_name": ERASED_NAME, "last_name": "", "phone": "", "email": "", "email_verified_at": None,
    "document_number": "", "birth_year": None, "consent_given_at": None, "user": None,
}


def _wipe(person: Person, by) -> None:
    """Wipe the person row's identifying values (live row, then every earlier version of it)."""
    for name, value in PERSONAL_FIELDS.items():
        setattr(person, name, value)
    person.registered_by = None
    person.erased_at = timezone.now()
    person._history_user = by
    person.save()
    _scrub_person_history(person)


def _scrub_person_history(person: Person) -> None:
    """Every earlier version of the person row loses its personal values (the history table is not
    audited itself, so an UPDATE is the right tool here). Dates stay: the versions' own and `created_at`."""
    history = Person.history.model
    tracked = {field.name for field in history._meta.fields}
    Person.history.model.objects.filter(id=person.pk).update(
        **{name: value for name, value in PERSONAL_FIELDS.items() if name in tracked},
        history_change_reason=None,
    )
    # Admin log lines name the object they changed.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk)
    ).update(object_repr=ERASED_NAME, change_message="")


def _merged_into(person_id: int) -> list[int]:
    """The tombstones of duplicates merged into this person, directly or through another merge: they still
    hold the person's details as typed the other time, so they go with the person."""
    found, frontier = [], [person_id]
    while frontier:
        frontier = list(Person.objects.filter(merged_into_id__in=frontier).exclude(pk__in=found)
                        .values_list("pk", flat=True))
        found += frontier
    return found


def erase_person(*, access: Access, person_id: int, reason: str) -> PrivacyRecord:
    """Erase a person: personal values go everywhere (live rows and history); what the figures need stays.

    Kept, unchanged, so that no published figure of any period moves: the person row's id, home hub,
    registration time, record key and preferred language; loans, holds, bookings and appointments with their
    dates, statuses, kinds, counts and hubs. Wiped: names, contacts, document number, year of birth, consent
    time, free text (notes, reasons), the online account's login; the same on the tombstones of duplicates
    merged into the person. Upcoming bookings, appointments and open holds are cancelled (places go to the
    next in line). Refused while an item is still on loan to the person.

    Locks the person row (with their tombstones), then lets each app lock its own rows; one transaction, so a
    refusal or a failure leaves everything as it was.
    """
    _check_reason(reason)
    with transaction.atomic():
        # The person and the tombstones of their merged duplicates, locked in one call (primary-key order).
        _person_or_404(access, person_id)
        people = Person.objects.select_related("home_hub", "user")
        rows = {row.pk: row for row in locking.lock_rows(
            people.filter(pk__in=[person_id, *_merged_into(person_id)]))}
        person = rows.pop(person_id, None)
        if person is None:  # gone since it was looked up
            raise errors.NotFound(_("No person with this number in your hub."), code="person_not_found")
        tombstones = list(rows.values())
        if not permissions.can_manage_privacy_of(access, person):
            raise errors.PermissionDenied(_("Only the coordinators of the person's hub can erase their data."),
                                          code="erase_forbidden")
        if person.erased_at is not None:
            raise errors.Conflict(_("This person has already been erased."), code="already_erased")
        if person.user_id is not None and _is_staff_account(person.user):
            # Erasing would deactivate a colleague's login: their roles must be removed by an administrator first.
            raise errors.Conflict(
                _("This person's account is also a staff account. An administrator must first remove its staff "
                  "roles; then the person can be erased."), code="person_is_staff")
        for _app, erase in hooks("erase_person"):
            erase(person, by=access.user)

        user = person.user
        _wipe(person, access.user)
        for tombstone in tombstones:
            if tombstone.erased_at is None:
                _wipe(tombstone, access.user)
        # Messages repeat the person's name and contact; none is needed by a figure. Undelivered ones go too
        # (a worker that had claimed one finds nothing left to send).
        Message.objects.filter(person__in=[person, *tombstones]).delete()
        # When the person reset their password says nothing a figure needs; the account is closed anyway.
        PasswordReset.objects.filter(person__in=[person, *tombstones]).delete()
        if user is not None:
            _deactivate_account(user)
        return PrivacyRecord.objects.create(kind=PrivacyRecord.Kind.ERASURE, person=person, hub=person.home_hub,
                                            done_by=access.user, reason=reason)


def erasure_preview(person: Person) -> dict:
    """What an erasure will touch, for the confirmation step: counts only, from each app's `preview`."""
    preview = {"account": person.user_id is not None}
    for app, count in hooks("erasure_preview"):
        preview[app] = count(person)
    return preview


def system_access(user) -> Access:
    """The access an app's erase hook acts with: the erasure was authorised as a whole (the coordinator of the
    person's home hub), so cancelling the person's bookings or holds at another hub is part of it."""
    from .models import Role

    return Access(user=user, roles=frozenset({(Role.ADMIN, None)}))
