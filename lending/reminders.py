"""Daily lending reminders (run by `manage.py send_reminders`, once a day by cron).

Two milestones per loan and due date: a few days before the due date, and the day after it, when the
loan is overdue. A `LoanReminder` row (unique per loan, milestone and due date) records each one before
the email goes out after commit, so running the command twice never sends anything twice. A renewal
moves the due date, so the new date gets its own reminders. Offers whose pickup time has lapsed are
expired first (the hold goes to the back of the queue and the item to the next person).
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from . import services
from .models import Loan, LoanReminder, ReminderKind
from .notifications import send_to_person

DAYS_BEFORE_DUE = 3


def _remind(loan: Loan, kind: str) -> bool:
    try:
        with transaction.atomic():
            LoanReminder.objects.create(loan=loan, kind=kind, due_on=loan.due_on)
            transaction.on_commit(lambda: send_to_person(loan.borrower, f"reminder_{kind}", {
                "loan": loan, "hub": loan.hub, "account_url": settings.SITE_URL + reverse("account"),
            }))
    except IntegrityError:
        return False
    return True


def send(*, today=None) -> int:
    today = today or timezone.localdate()
    services.expire_lapsed_offers(now=timezone.now())
    active = (
        Loan.objects.filter(returned_at__isnull=True, borrower__erased_at__isnull=True)
        .exclude(borrower__email="")
        .select_related("borrower", "hub", "item__item_type")
    )
    sent = 0
    due_soon = active.filter(due_on__gte=today, due_on__lte=today + timedelta(days=DAYS_BEFORE_DUE))
    for loan in due_soon.exclude(_already_sent(ReminderKind.DUE_SOON)).iterator(chunk_size=500):
        sent += _remind(loan, ReminderKind.DUE_SOON)
    overdue = active.filter(due_on__lt=today)
    for loan in overdue.exclude(_already_sent(ReminderKind.OVERDUE)).iterator(chunk_size=500):
        sent += _remind(loan, ReminderKind.OVERDUE)
    return sent


def _already_sent(kind: str) -> Exists:
    return Exists(LoanReminder.objects.filter(loan=OuterRef("pk"), kind=kind, due_on=OuterRef("due_on")))
