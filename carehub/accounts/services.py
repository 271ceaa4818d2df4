"""Writes for online accounts: a caregiver's sign-up, password reset (an email link or a desk code), email
verification and the caregiver's own profile. docs/accounts.md says why they work this way.

Who may reset their own password: accounts without any staff role (caregivers). A staff account opens many
people's data; its password is reset by an administrator in the admin, never by a link to an inbox or a
code from a colleague at the desk (`account_may_reset_itself`).
"""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carehub import errors, locking, permissions
from carehub.models import Hub, Person, StaffRole
from carehub.notifications import notify
from carehub.permissions import Access
from carehub.services import channel_still_works, clean_contact, clean_person_fields, save_with_actor

from . import ratelimit
from .models import PasswordReset

log = logging.getLogger(__name__)

# Every limit, overridable one by one with settings.ACCOUNTS = {"RESET_LINK_MINUTES": 30, ...}.
DEFAULTS = {
    "RESET_LINK_MINUTES": 60,
    "DESK_CODE_MINUTES": 60,
    "EMAIL_VERIFICATION_DAYS": 7,
    # Reset requests: per email address typed and per client address, in one hour.
    "RESET_REQUESTS_PER_EMAIL": 3,
    "RESET_REQUESTS_PER_ADDRESS": 10,
    # Desk-code tries: per user name typed and per client address, in one hour; and wrong tries that void a code.
    "CODE_TRIES_PER_USERNAME": 10,
    "CODE_TRIES_PER_ADDRESS": 20,
    "CODE_WRONG_TRIES": 5,
    "VERIFICATION_SENDS_PER_HOUR": 3,
}
HOUR = timedelta(hours=1)
# A desk code is read out on the phone: no letters that sound or look alike (I/1/L, O/0).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
VERIFICATION_SALT = "carehub.accounts.email-verification"


def limit(name: str) -> int:
    return {**DEFAULTS, **getattr(settings, "ACCOUNTS", {})}[name]


# --- shared rules -----------------------------------------------------------------------------------------
def account_may_reset_itself(user) -> bool:
    """A caregiver's account, active. Staff accounts (any role, admin flags) are reset by an administrator."""
    return (user.is_active and not user.is_staff and not user.is_superuser
            and not StaffRole.objects.filter(user=user).exists())


def _fingerprint(user) -> str:
    """Of the password hash: a reset is good only against the password it was issued for."""
    return hashlib.sha256(user.password.encode()).hexdigest()


def _refuse_reuse(*, email: str, phone: str, exclude_pk: int | None = None) -> None:
    """An email address or phone already on someone else is never silently taken over: the hub sorts it out
    (perhaps it is the same person, registered at the desk). The message says nothing of whose it is."""
    others = Person.objects.filter(erased_at__isnull=True)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if email and others.filter(email__iexact=email).exists():
        raise errors.Conflict(
            _("This email address is already registered with a hub. Please ask your hub to help you."),
            code="email_in_use", field="email",
        )
    if phone and others.filter(phone=phone).exists():
        raise errors.Conflict(
            _("This phone number is already registered with a hub. Please ask your hub to help you."),
            code="phone_in_use", field="phone",
        )


def _looks_registered(user, hub: Hub, first_name: str, last_name: str) -> bool:
    """Someone of this name is already registered at the hub (the same rule as the desk's duplicates check),
    asked before the new person exists."""
    from carehub.privacy import system_access
    from carehub.selectors import likely_duplicates

    return any(candidate.home_hub_id == hub.pk for candidate in likely_duplicates(
        system_access(user), first_name=first_name, last_name=last_name))


# --- sign-up ----------------------------------------------------------------------------------------------
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
    how the hub tells them about their plans (email by default: they gave one to sign up). The address is
    not confirmed yet: a link is sent to it, and until it is opened messages go by SMS or a call."""
    User = get_user_model()
    username = (username or "").strip()
    email = (email or "").strip().lower()
    if not username:
        raise errors.ValidationFailed(_("Choose a user name."), code="username_required", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise errors.Conflict(_("This user name is taken. Choose another."), code="username_taken", field="username")
    clean_person_fields(first_name=first_name, email=email, preferred_language=preferred_language)
    phone, notify_by = clean_contact(phone=phone, email=email, notify_by=notify_by)
    _refuse_reuse(email=email, phone=phone)
    if not consent:
        raise errors.ValidationFailed(
            _("Please accept the data-processing terms to create an account."), code="consent_required", field="consent"
        )
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
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
        email=email,
        email_verified_at=None,
        notify_by=notify_by,
        preferred_language=preferred_language,
        consent_given_at=timezone.now(),
        registered_by=user,
        # The caregiver cannot be shown who else is registered; the desk is (its day lists them to check).
        needs_duplicate_check=_looks_registered(user, home_hub, first_name, last_name),
    )
    if email:
        _send_email_verification(person)
    return user, person


# --- email verification -----------------------------------------------------------------------------------
def verification_token(person: Person) -> str:
    """Signed (person, address): it confirms that address for that person only, and dies when either changes."""
    return signing.dumps({"p": person.pk, "e": person.email}, salt=VERIFICATION_SALT, compress=True)


def _send_email_verification(person: Person) -> None:
    link = settings.SITE_URL + reverse("email-confirm", kwargs={"token": verification_token(person)})
    notify(person, kind="email_verification", channel="email", related=person,
           occasion=f"{person.email}:{secrets.token_hex(8)}",  # each sending is its own message
           context={"link": link, "valid_days": limit("EMAIL_VERIFICATION_DAYS")})


def email_needs_confirmation(person: Person | None) -> bool:
    return bool(person is not None and person.email and person.email_verified_at is None)


@transaction.atomic
def resend_email_verification(*, access: Access) -> Person:
    """Send the confirmation link again (My page), a few times an hour at most."""
    permissions.require_login(access)
    person = access.person
    if person is None:
        raise errors.NotFound(_("This account has no contact details to confirm."), code="no_person")
    if not email_needs_confirmation(person):
        raise errors.Conflict(_("Your email address is already confirmed."), code="email_already_verified")
    if not ratelimit.allow("verification_send", str(person.pk), limit=limit("VERIFICATION_SENDS_PER_HOUR"),
                           window=HOUR):
        raise errors.TooManyAttempts(
            _("We have sent several links in the last hour. Check your inbox (and spam), or try again later."),
            code="verification_rate_limited")
    _send_email_verification(person)
    return person


@transaction.atomic
def confirm_email(*, access: Access, token: str) -> Person:
    """The owner of the account opens the link sent to the address: it is confirmed. Being logged in is
    required, so that a stranger who received a mistyped address's link cannot confirm it."""
    permissions.require_login(access)
    try:
        claim = signing.loads(token, salt=VERIFICATION_SALT, max_age=timedelta(days=limit("EMAIL_VERIFICATION_DAYS")))
    except signing.SignatureExpired:
        raise errors.ValidationFailed(
            _("This confirmation link has expired. Send yourself a new one from My page."), code="verification_expired")
    except signing.BadSignature:
        raise errors.ValidationFailed(
            _("This confirmation link is not valid. Check that you opened all of it, or send yourself a new one "
              "from My page."), code="verification_invalid")
    person = access.person
    if person is None or not isinstance(claim, dict) or claim.get("p") != person.pk:
        raise errors.PermissionDenied(
            _("This link is for another account. Log out, then log in with the account it was sent to."),
            code="verification_other_account")
    person = locking.lock_row(Person.objects.filter(pk=person.pk, erased_at__isnull=True))
    if person is None or claim.get("e") != person.email:
        raise errors.ValidationFailed(
            _("This link is for an email address that is no longer on your account."), code="verification_stale")
    if person.email_verified_at is None:
        person.email_verified_at = timezone.now()
        save_with_actor(person, access.user, "email address confirmed by its owner")
    return person


# --- password reset by email ------------------------------------------------------------------------------
def _link_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def request_password_reset(*, email: str, client_address: str) -> None:
    """Someone typed an address on the reset page. Counts the request, then leaves the rest to a background
    task: whether an account has that address decides what the task does, never what this request does or
    how long it takes, so the page cannot tell anyone whether the address is known."""
    email = (email or "").strip().lower()
    if not (ratelimit.allow("reset_address", client_address or "-", limit=limit("RESET_REQUESTS_PER_ADDRESS"),
                            window=HOUR)
            and ratelimit.allow("reset_email", email, limit=limit("RESET_REQUESTS_PER_EMAIL"), window=HOUR)):
        raise errors.TooManyAttempts(
            _("Too many requests to reset a password. Wait an hour and try again, or ask your hub for a reset code."),
            code="reset_rate_limited")
    transaction.on_commit(lambda: _enqueue_reset_email(email))


def _enqueue_reset_email(email: str) -> None:
    from .tasks import send_password_reset_email

    try:
        send_password_reset_email.enqueue(email)
    except Exception:  # the backend is down: the person asks again; the page must not fail
        log.exception("accounts: could not enqueue a password reset email")


@transaction.atomic
def send_password_reset_links(*, email: str) -> int:
    """Write a reset link message to every caregiver account with this confirmed address (run by the task).
    Nothing for an unknown, unconfirmed or staff address. Returns how many were written."""
    email = (email or "").strip().lower()
    if not email:
        return 0
    people = (Person.objects.filter(email__iexact=email, erased_at__isnull=True, merged_into__isnull=True,
                                    email_verified_at__isnull=False, user__is_active=True)
              .select_related("user", "home_hub").order_by("pk"))[:5]
    written = 0
    now = timezone.now()
    minutes = limit("RESET_LINK_MINUTES")
    for person in people:
        user = person.user
        if not account_may_reset_itself(user) or not user.has_usable_password():
            continue
        token = secrets.token_urlsafe(32)
        reset = PasswordReset.objects.create(
            kind=PasswordReset.Kind.EMAIL_LINK, user=user, person=person, secret_hash=_link_hash(token),
            password_fingerprint=_fingerprint(user), created_at=now, expires_at=now + timedelta(minutes=minutes),
        )
        link = settings.SITE_URL + reverse("password-reset-link", kwargs={"token": token})
        notify(person, kind="password_reset", channel="email", related=reset,
               context={"link": link, "valid_minutes": minutes})
        written += 1
    return written


# What a reset (link or code) is now. Each state has its own plain sentence on the page.
VALID, USED, EXPIRED, REPLACED, UNKNOWN = "valid", "used", "expired", "replaced", "unknown"


def reset_state(reset: PasswordReset | None) -> str:
    if reset is None:
        return UNKNOWN
    if reset.used_at is not None:
        return USED
    if (reset.voided_at is not None or not reset.user.is_active
            or reset.password_fingerprint != _fingerprint(reset.user)):
        return REPLACED
    if timezone.now() >= reset.expires_at:
        return EXPIRED
    return VALID


def reset_for_link(token: str) -> PasswordReset | None:
    if not token or len(token) > 200:
        return None
    return (PasswordReset.objects.select_related("user")
            .filter(kind=PasswordReset.Kind.EMAIL_LINK, secret_hash=_link_hash(token)).first())


def refusal_for(state: str, kind: str) -> errors.DomainError:
    link = kind == PasswordReset.Kind.EMAIL_LINK
    if state == USED:
        message = (_("This link has already been used. If you need to, ask for a new one.") if link
                   else _("This code has already been used. Ask your hub for a new one if you need to."))
        return errors.Conflict(message, code="reset_used")
    if state == EXPIRED:
        message = (_("This link has expired. Ask for a new one: each link works for a short time only.") if link
                   else _("This code has expired. Ask your hub for a new one."))
        return errors.Conflict(message, code="reset_expired")
    if state == REPLACED:
        message = (_("This link no longer works: the password has been changed since it was sent. Ask for a new "
                     "one if you need to.") if link
                   else _("This code no longer works: a newer code was issued, it was mistyped too many times, or "
                          "the password has been changed since. Ask your hub for a new one."))
        return errors.Conflict(message, code="reset_replaced")
    return errors.NotFound(
        _("This link is not valid. Check that you opened all of it, or ask for a new one."), code="reset_invalid")


def reset_password_with_link(*, token: str, new_password: str):
    """Set a new password through an email link. The link works once, until it expires."""
    reset = reset_for_link(token)
    state = reset_state(reset)
    if state != VALID:
        raise refusal_for(state, PasswordReset.Kind.EMAIL_LINK)
    return _complete_reset(reset_id=reset.pk, new_password=new_password)


@transaction.atomic
def _complete_reset(*, reset_id: int, new_password: str):
    """Under the account's row lock, so that one reset is used once even by two clicks at the same moment.
    The new password ends the account's other sessions and its API tokens (carehub.signals), every other
    reset issued before it (their fingerprint no longer matches) and the login lockout of its name."""
    from axes.utils import reset as reset_lockout

    User = get_user_model()
    user_id = PasswordReset.objects.filter(pk=reset_id).values_list("user_id", flat=True).first()
    user = locking.lock_row(User.objects.filter(pk=user_id))
    reset = PasswordReset.objects.select_related("user").get(pk=reset_id)
    reset.user = user
    state = reset_state(reset)
    if state != VALID:
        raise refusal_for(state, reset.kind)
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise errors.ValidationFailed(" ".join(exc.messages), code="password_invalid", field="new_password1")
    user.set_password(new_password)
    user.save()
    reset.used_at = timezone.now()
    reset.save(update_fields=["used_at"])
    reset_lockout(username=user.get_username())
    return user


# --- password reset from the desk -------------------------------------------------------------------------
def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """What was typed, without spaces and dashes, in capitals: "abcd-efgh" = "ABCDEFGH"."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:32]


def format_code(code: str) -> str:
    """As the desk reads it out and the print shows it: two groups of four."""
    return f"{code[:4]}-{code[4:]}"


@transaction.atomic
def issue_desk_reset_code(*, access: Access, person_id: int) -> tuple[PasswordReset, str]:
    """The desk of the person's hub gives them a one-time code to set a new password (read out on the phone or
    printed). Returns the record and the code, shown once; only a hash is kept. A newer code replaces any
    earlier one still unused. Refused for a person without an online account and for staff accounts."""
    from carehub.selectors import people_visible_to

    permissions.require_login(access)
    person = people_visible_to(access).filter(pk=person_id).first()
    if person is None:
        raise errors.NotFound(_("No person with this number in your hub."), code="person_not_found")
    if not permissions.can_issue_reset_code(access, person):
        raise errors.PermissionDenied(_("Only the desk of the person's hub can give a reset code."),
                                      code="reset_code_forbidden")
    if person.user_id is None:
        raise errors.Conflict(_("This person has no online account."), code="no_account")
    User = get_user_model()
    user = locking.lock_row(User.objects.filter(pk=person.user_id))
    if not account_may_reset_itself(user):
        raise errors.Conflict(
            _("This is a staff account or it is closed: an administrator resets its password."),
            code="reset_staff_account")
    now = timezone.now()
    PasswordReset.objects.filter(user=user, kind=PasswordReset.Kind.DESK_CODE, used_at__isnull=True,
                                 voided_at__isnull=True).update(voided_at=now)
    code = _new_code()
    reset = PasswordReset.objects.create(
        kind=PasswordReset.Kind.DESK_CODE, user=user, person=person, secret_hash=make_password(code),
        password_fingerprint=_fingerprint(user), issued_by=access.user, hub=person.home_hub, created_at=now,
        expires_at=now + timedelta(minutes=limit("DESK_CODE_MINUTES")),
    )
    return reset, code


def reset_password_with_code(*, username: str, code: str, new_password: str, client_address: str):
    """A caregiver types their user name, the desk's code and a new password. The same answer for an unknown
    user name and a wrong code; each wrong try counts, and CODE_WRONG_TRIES of them end the code."""
    with transaction.atomic():  # the tries are counted even when the answer is a refusal
        reset, state = _try_desk_code(username=username, code=code, client_address=client_address)
    if state != VALID:
        if state == "throttled":
            raise errors.TooManyAttempts(
                _("Too many tries. Wait an hour, or ask your hub for a new code."), code="reset_code_rate_limited")
        if state == "wrong":
            raise errors.ValidationFailed(
                _("This user name and code do not match. Check both, or ask your hub for a new code."),
                code="reset_code_wrong", field="code")
        raise refusal_for(state, PasswordReset.Kind.DESK_CODE)
    return _complete_reset(reset_id=reset.pk, new_password=new_password)


def _try_desk_code(*, username: str, code: str, client_address: str) -> tuple[PasswordReset | None, str]:
    username = (username or "").strip()[:150]
    if not (ratelimit.allow("code_address", client_address or "-", limit=limit("CODE_TRIES_PER_ADDRESS"),
                            window=HOUR)
            and ratelimit.allow("code_username", username, limit=limit("CODE_TRIES_PER_USERNAME"), window=HOUR)):
        return None, "throttled"
    code = normalise_code(code)
    user = get_user_model().objects.filter(username__iexact=username).first() if username else None
    # Recent codes only: older ones can say nothing useful, and each check costs a slow hash.
    candidates = list(
        PasswordReset.objects.select_related("user")
        .filter(user=user, kind=PasswordReset.Kind.DESK_CODE, created_at__gte=timezone.now() - timedelta(days=2))
        .order_by("-created_at")[:3]) if user is not None else []
    if not candidates:
        make_password(code)  # as long as a real check: the time taken says nothing about the user name
        return None, "wrong"
    for reset in candidates:
        if code and check_password(code, reset.secret_hash):
            return reset, reset_state(reset)
    current = next((r for r in candidates if reset_state(r) == VALID), None)
    if current is not None:
        current.failed_attempts += 1
        if current.failed_attempts >= limit("CODE_WRONG_TRIES"):
            current.voided_at = timezone.now()
        current.save(update_fields=["failed_attempts", "voided_at"])
    return None, "wrong"


# --- the caregiver's own profile --------------------------------------------------------------------------
PROFILE_FIELDS = ("phone", "email", "preferred_language", "notify_by")


@transaction.atomic
def update_own_profile(*, access: Access, **changes) -> Person:
    """A caregiver changes their own contact details, language and channel. The same rules as at the desk
    (carehub.services.clean_contact / clean_person_fields); a new email address waits for its confirmation
    link like one given at sign-up; an address or phone of someone else is refused. History names the person."""
    permissions.require_login(access)
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise errors.ValidationFailed(_("These details cannot be changed here."), code="field_not_editable",
                                      field=sorted(unknown)[0])
    if access.person is None:
        raise errors.NotFound(_("This account has no contact details: it is a staff account."), code="no_person")
    person = locking.lock_row(Person.objects.filter(pk=access.person.pk, erased_at__isnull=True))
    if person is None:
        raise errors.NotFound(_("This account has no contact details: it is a staff account."), code="no_person")
    values = {name: getattr(person, name) for name in PROFILE_FIELDS}
    values.update({name: value for name, value in changes.items() if value is not None})
    for name in PROFILE_FIELDS:
        if not isinstance(values[name], str):
            raise errors.ValidationFailed(_("Some of the information is not valid."), code="invalid", field=name)
    values["email"] = values["email"].strip().lower()
    clean_person_fields(first_name=person.first_name, email=values["email"],
                        preferred_language=values["preferred_language"])
    notify_by = values["notify_by"] if "notify_by" in changes else (
        values["notify_by"] if channel_still_works(values) else "")
    values["phone"], values["notify_by"] = clean_contact(phone=values["phone"], email=values["email"],
                                                         notify_by=notify_by)
    email_changed = values["email"] != person.email
    phone_changed = values["phone"] != person.phone
    _refuse_reuse(email=values["email"] if email_changed else "", phone=values["phone"] if phone_changed else "",
                  exclude_pk=person.pk)
    changed = [name for name in PROFILE_FIELDS if getattr(person, name) != values[name]]
    if not changed:
        return person
    for name in PROFILE_FIELDS:
        setattr(person, name, values[name])
    if email_changed:
        person.email_verified_at = None
    save_with_actor(person, access.user, "changed by the person: " + ", ".join(changed))
    if email_changed and person.user_id:
        get_user_model().objects.filter(pk=person.user_id).update(email=person.email)
    if email_changed and person.email:
        _send_email_verification(person)
    return person
