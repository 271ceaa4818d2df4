"""The daily reminders: run once a day by cron (docs/deploy.md). Safe to run twice: each app records what it
has reminded, and (phase 2) writes each reminder as a message with an idempotency key in the same transaction.

One app's failure does not stop the others: it is logged, the next app runs, and the command exits non-zero
at the end so that cron reports it. The next run resumes what failed.
"""

import logging
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from carehub.registry import hooks

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Queue today's reminders: loans due soon or overdue, tomorrow's sessions and appointments."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, default=None,
                            help="Act as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, date=None, **options):
        today = date or timezone.localdate()
        total = 0
        failed = []
        for app, send in hooks("send_reminders"):
            try:
                sent = send(today=today)
            except Exception as exc:
                log.exception("send_reminders: %s failed", app)
                self.stderr.write(f"{app}: FAILED ({exc.__class__.__name__}: {exc}); the next run retries it")
                failed.append(app)
                continue
            self.stdout.write(f"{app}: {sent} reminder(s) queued")
            total += sent
        self.stdout.write(f"{total} reminder(s) queued for {today.isoformat()}")
        if failed:
            raise CommandError(f"reminders failed for: {', '.join(failed)}")
