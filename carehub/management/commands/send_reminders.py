"""The daily reminders: run once a day by cron (docs/deploy.md). Safe to run twice: each app records
what it has sent, so a second run the same day sends nothing again."""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from carehub.registry import hooks


class Command(BaseCommand):
    help = "Email today's reminders: loans due soon or overdue, tomorrow's sessions and appointments."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, default=None,
                            help="Act as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, date=None, **options):
        today = date or timezone.localdate()
        total = 0
        for app, send in hooks("send_reminders"):
            sent = send(today=today)
            self.stdout.write(f"{app}: {sent} reminder(s) sent")
            total += sent
        self.stdout.write(self.style.SUCCESS(f"{total} reminder(s) sent for {today.isoformat()}"))
