"""One delivery attempt, at most once per message, and the sweep that finds messages whose task was lost.

The claim: a conditional UPDATE moves the row from QUEUED (and due) to SENDING with a fresh token, in one
statement, so of two workers running the same task (a duplicate enqueue, the sweep, RQ retrying a job) only
one sends; the other finds nothing to claim. After the channel accepts the message the same worker marks it
SENT (conditional on its token).

The narrow window, honestly: if the worker dies *after* the mail server or SMS gateway accepted the message and
*before* the SENT update commits (a few milliseconds), the row stays SENDING. After CLAIM_LEASE_SECONDS the
sweep gives it to another worker, which sends it again: that person gets it twice. We accept this rather
than losing messages (the other choice: a killed worker's message is never sent). Both channels carry a stable
reference (the email's Message-ID, the SMS `reference`) so that clients and gateways that de-duplicate show it
once. A worker killed *before* the send (the common case: killed while connecting, or waiting on a slow
server) loses nothing and duplicates nothing: the message is sent once, after the lease.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from .channels import SENDERS
from .errors import DeliveryError, PermanentFailure
from .models import Message, MessageStatus

log = logging.getLogger(__name__)


def _lease() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATIONS["CLAIM_LEASE_SECONDS"])


def claimable(now):
    """Messages a worker may claim now: queued and due, or claimed by a worker whose lease ran out."""
    return Q(status=MessageStatus.QUEUED, next_attempt_at__lte=now) | Q(
        status=MessageStatus.SENDING, claimed_at__lt=now - _lease()
    )


def claim(message_id: int) -> tuple[Message | None, str]:
    """(the claimed message, its claim token), or (None, "") when another worker has it or it is done."""
    now = timezone.now()
    token = uuid.uuid4().hex
    claimed = Message.objects.filter(claimable(now), pk=message_id).update(
        status=MessageStatus.SENDING, claimed_at=now, claim_token=token, attempts=F("attempts") + 1, updated_at=now,
    )
    if not claimed:
        return None, ""
    return Message.objects.select_related("person").get(pk=message_id), token


def _finish(message: Message, token: str, **fields) -> bool:
    """Write the outcome, only if this worker still holds the claim (its lease may have run out)."""
    fields.setdefault("updated_at", timezone.now())
    written = Message.objects.filter(pk=message.pk, status=MessageStatus.SENDING, claim_token=token).update(
        claim_token="", **fields
    )
    if not written:
        log.warning("notifications: message %s outcome %s not recorded: claim lost", message.pk, fields.get("status"))
    return bool(written)


def deliver(message_id: int) -> str:
    """Claim, send, record. Returns what happened: sent, retry, to_call, failed or skipped."""
    from .services import enqueue_delivery, retry_delay

    message, token = claim(message_id)
    if message is None:
        return "skipped"
    if message.person.erased_at is not None:
        _finish(message, token, status=MessageStatus.FAILED, failed_at=timezone.now(),
                last_error="the person was erased", body="", subject="", call_text="", recipient="")
        return "failed"
    try:
        SENDERS[message.channel](message)
    except PermanentFailure as exc:
        _finish(message, token, status=MessageStatus.TO_CALL, failed_at=timezone.now(), last_error=exc.reason)
        return "to_call"
    except Exception as exc:  # temporary, or a failure we do not know: retried, then the call list
        reason = exc.reason if isinstance(exc, DeliveryError) else f"{exc.__class__.__name__}: {exc}"
        if not isinstance(exc, DeliveryError):
            log.exception("notifications: unexpected error delivering message %s", message.pk)
        if message.attempts >= settings.NOTIFICATIONS["MAX_ATTEMPTS"]:
            _finish(message, token, status=MessageStatus.TO_CALL, failed_at=timezone.now(),
                    last_error=f"gave up after {message.attempts} attempts: {reason}")
            return "to_call"
        next_at = timezone.now() + retry_delay(message.attempts)
        if _finish(message, token, status=MessageStatus.QUEUED, next_attempt_at=next_at, last_error=reason):
            enqueue_delivery(message.pk, run_after=next_at)
        return "retry"
    _finish(message, token, status=MessageStatus.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


def sweep(*, now=None) -> int:
    """Enqueue again every message whose delivery task is overdue (lost when a process died after the commit, or
    when the task backend was down) and every stale claim. Run by the worker at start and every SWEEP_SECONDS;
    a duplicate task is harmless (the claim). Returns how many it enqueued."""
    now = now or timezone.now()
    grace = now - timedelta(seconds=settings.NOTIFICATIONS["SWEEP_SECONDS"])
    overdue = Message.objects.filter(
        Q(status=MessageStatus.QUEUED, next_attempt_at__lte=grace)
        & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=grace))
        | Q(status=MessageStatus.SENDING, claimed_at__lt=now - _lease())
    ).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:5000]
    from .services import enqueue_delivery

    return sum(enqueue_delivery(pk) for pk in list(overdue))
