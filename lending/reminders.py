"""Daily lending reminders (run by `manage.py send_reminders`, once a day by cron).

Two milestones per loan and due date: a few days before the due date, and the day after it, when the
loan is overdue. Offers whose pickup time has lapsed are expired first (the hold goes to the back of the
queue and the item to the next person, who is told in that expiry's transaction).

Each reminder is one transaction that writes both its `LoanReminder` marker and its message
(carehub.notifications.notify, delivered later by the worker): either both exist or neither does. A run
that fails half-way has committed the reminders before the failure, and the next run finds exactly the
missing ones; nothing is sent inside the run, so a mail server that is down cannot stop it.

Why a marker as well as the message's idempotency key: a reminder is due once per loan, milestone and
*due date* (a renewal moves the date and earns new reminders), not once a day, which `occasion=today`
would give. The marker says that cheaply in the query (`_already_sent`); the message's key uses the due
date as its occasion too, so even a marker lost by hand never makes a second message.
"""

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from carehub import i18n
from carehub.notifications import notify

from . import services
from .models import Loan, LoanReminder, ReminderKind

log = logging.getLogger(__name__)

DAYS_BEFORE_DUE = 3
KIND_OF = {ReminderKind.DUE_SOON: "loan_due_soon", ReminderKind.OVERDUE: "loan_overdue"}


class RemindersFailed(Exception):
    """Some reminders could not be written; the others were, and the next run retries the missing ones."""


def _remind(loan: Loan, kind: str) -> bool:
    """Marker and message in one transaction. False when another run wrote this reminder first."""
    try:
        with transaction.atomic():
            LoanReminder.objects.create(loan=loan, kind=kind, due_on=loan.due_on)
            item = loan.item
            notify(loan.borrower, kind=KIND_OF[kind], hub=loan.hub, related=loan,
                   occasion=loan.due_on.isoformat(),
                   context={"item_type": i18n.content(item.item_type, "name"), "asset_tag": item.asset_tag,
                            "due_on": loan.due_on})
    except IntegrityError:
        return False
    return True


def send(*, today=None) -> int:
    """Write today's missing reminders; returns how many. A reminder that fails is logged and skipped (its
    transaction rolled back, so the next run retries it) and the others go on; the run then raises, so that
    `send_reminders` reports the failure."""
    today = today or timezone.localdate()
    services.expire_lapsed_offers(now=timezone.now())
    # Everyone with an active loan: without email the message goes by SMS or onto the hub's call list.
    active = (
        Loan.objects.filter(returned_at__isnull=True, borrower__erased_at__isnull=True)
        .select_related("borrower", "hub", "item__item_type")
        .order_by("pk")
    )
    due_soon = active.filter(due_on__gte=today, due_on__lte=today + timedelta(days=DAYS_BEFORE_DUE))
    overdue = active.filter(due_on__lt=today)
    written, failed = 0, 0
    for kind, loans in ((ReminderKind.DUE_SOON, due_soon), (ReminderKind.OVERDUE, overdue)):
        for loan in loans.exclude(_already_sent(kind)).iterator(chunk_size=500):
            try:
                written += _remind(loan, kind)
            except Exception:
                log.exception("lending reminders: %s reminder for loan %s failed; the next run retries it",
                              kind, loan.pk)
                failed += 1
    if failed:
        raise RemindersFailed(f"{failed} lending reminder(s) failed and will be retried; {written} written")
    return written


def _already_sent(kind: str) -> Exists:
    return Exists(LoanReminder.objects.filter(loan=OuterRef("pk"), kind=kind, due_on=OuterRef("due_on")))
