"""Write a message in the caller's transaction; hand it to the worker after commit. The desk marks calls done.

    from carehub.notifications import notify

    @transaction.atomic
    def cancel_booking(...):
        ...
        notify(promoted.person, kind="booking_promoted", related=promoted,
               context={"title": activity.title, "starts_at": session.starts_at, "where": activity.where,
                        "link": settings.SITE_URL + session.get_absolute_url()})

Nothing is sent inside the transaction: a rollback takes the message back with the change, and a commit is
followed (`transaction.on_commit`) by one delivery task. If the process dies between the commit and the
enqueue, the worker's sweep finds the queued message and enqueues it (carehub.notifications.delivery.sweep).
"""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carehub import errors, permissions

from . import phones
from .models import Channel, Message, MessageStatus
from .rendering import render

log = logging.getLogger(__name__)


def idempotency_key(*, kind: str, person, related=None, occasion: str = "") -> str:
    """kind:app.model:pk:person:occasion — one message per (kind, object, recipient, occasion)."""
    target = f"{related._meta.label_lower}:{related.pk}" if related is not None else "-:-"
    key = f"{kind}:{target}:{person.pk}:{occasion}"
    if len(key) > 255:
        key = f"{kind}:{hashlib.sha256(key.encode()).hexdigest()}"
    return key


# The only kind that may go to an address nobody has confirmed yet: the link that confirms it.
UNVERIFIED_EMAIL_KINDS = frozenset({"email_verification"})


def channel_for(person, preferred: str | None = None, *, kind: str = "") -> tuple[str, str]:
    """(channel, recipient address) for `person`: their choice when its contact data exists, else the next one
    that works (email, SMS to a mobile), else a call from the desk. A call needs no address to be listed.
    An email address not yet confirmed (`email_verified_at` empty) counts as missing, except for the message
    that confirms it: a typo at sign-up must not send someone's plans to a stranger."""
    choice = preferred or person.notify_by or phones.default_channel(email=person.email, phone=person.phone)
    mobile = phones.is_mobile(person.phone)
    email = person.email if person.email_verified_at is not None or kind in UNVERIFIED_EMAIL_KINDS else ""
    if choice == Channel.EMAIL and email:
        return Channel.EMAIL, email
    if choice == Channel.SMS and mobile:
        return Channel.SMS, person.phone
    if choice != Channel.CALL:
        if email:
            return Channel.EMAIL, email
        if mobile:
            return Channel.SMS, person.phone
    return Channel.CALL, person.phone


def notify(person, *, kind: str, context: dict | None = None, hub=None, related=None, occasion: str = "",
           channel: str | None = None, attachments=()) -> Message | None:
    """Record that `person` must be told about `kind`, in the caller's transaction, and deliver it after commit.

    - `context`: what the kind's templates name (carehub.notifications.kinds.KINDS); datetimes and dates
      are formatted in the person's language, Europe/Madrid.
    - `hub`: whose desk answers (its name signs the message, its call list gets it); the person's home hub
      by default.
    - `related` + `occasion`: the idempotency key. The same (kind, related, person, occasion) writes one
      message however often the service or a reminder run is retried: pass e.g. the new start time as the
      occasion of a reschedule, the date as the occasion of a reminder.
    - `channel`: force one ("call" for something the desk must say in person); else the person's choice.
    - `attachments`: [(filename, text content, mimetype)], emails only (an appointment's .ics).

    Returns the message (an existing one for a repeated key), or None for an erased person. Never sends.
    """
    if person.erased_at is not None:
        return None
    hub = hub or person.home_hub
    key = idempotency_key(kind=kind, person=person, related=related, occasion=occasion)
    channel, recipient = channel_for(person, channel, kind=kind)
    language = person.preferred_language or settings.LANGUAGE_CODE
    rendered = render(kind, person=person, hub=hub, context=context or {}, channel=channel, language=language)
    now = timezone.now()
    fields = dict(
        person=person, hub=hub, kind=kind, channel=channel, language=language, recipient=recipient,
        attachments=[{"filename": f, "content": c, "mimetype": m} for f, c, m in attachments]
        if channel == Channel.EMAIL else [],
        related_type=ContentType.objects.get_for_model(related) if related is not None else None,
        related_id=str(related.pk) if related is not None else "",
        idempotency_key=key, next_attempt_at=now, created_at=now,
        # Reachable by phone only: straight onto the hub's call list, nothing to send.
        status=MessageStatus.TO_CALL if channel == Channel.CALL else MessageStatus.QUEUED,
        **rendered,
    )
    # No look-up by key first: the unique key answers a repeat here, and a booking storm spares a query while it
    # holds the session's lock (docs/performance.md, "Request path").
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin must not break the caller's transaction
            message = Message.objects.create(**fields)
    except IntegrityError:
        twin = Message.objects.filter(idempotency_key=key).first()
        if twin is None:
            raise
        return twin
    if message.status == MessageStatus.QUEUED:
        transaction.on_commit(lambda pk=message.pk: enqueue_delivery(pk))
    return message


def enqueue_delivery(message_id: int, *, run_after=None) -> bool:
    """Hand one message to the task backend. Never raises: a backend that is down leaves the message queued,
    and the sweep enqueues it again later (a committed request must not fail because of it)."""
    from .tasks import deliver_message

    task = deliver_message
    try:
        if run_after is not None and task.get_backend().supports_defer:
            task = task.using(run_after=run_after)
        Message.objects.filter(pk=message_id).update(enqueued_at=timezone.now())
        task.enqueue(message_id)
    except Exception:
        log.exception("notifications: could not enqueue message %s; the sweep will retry", message_id)
        return False
    return True


def mark_called(access, message: Message) -> Message:
    """The desk phoned the person about `message`: it leaves the call list, recording who and when."""
    permissions.require_login(access)
    if not permissions.can_act_for_people_at(access, message.hub_id):
        raise errors.PermissionDenied(_("You cannot act for this hub's people."), code="hub_forbidden")
    now = timezone.now()
    done = Message.objects.filter(pk=message.pk, status=MessageStatus.TO_CALL).update(
        status=MessageStatus.DONE, done_at=now, done_by=access.user, updated_at=now
    )
    if not done:
        raise errors.Conflict(_("This call is no longer on the list."), code="call_not_listed")
    message.refresh_from_db()
    return message


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the `attempts`-th failed try: 30 s, 1 min, 2 min ... at most an hour (settings)."""
    config = settings.NOTIFICATIONS
    seconds = config["RETRY_BASE_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, config["RETRY_MAX_SECONDS"]))
