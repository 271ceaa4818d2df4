"""The daily reminders: run once a day by cron (docs/deploy.md). Safe to run twice: each app records
what it has sent, so a second run the same day sends nothing again."""

from datetime import date
from importlib import import_module

from django.core.management.base import BaseCommand
from django.utils import timezone

APPS_WITH_REMINDERS = ("lending", "activities", "advice")


class Command(BaseCommand):
    help = "Email today's reminders: loans due soon or overdue, tomorrow's sessions and appointments."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, default=None,
                            help="Act as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, date=None, **options):
        today = date or timezone.localdate()
        total = 0
        for app in APPS_WITH_REMINDERS:
            try:
                module = import_module(f"{app}.reminders")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.reminders":
                    raise
                continue
            sent = module.send(today=today)
            self.stdout.write(f"{app}: {sent} reminder(s) sent")
            total += sent
        self.stdout.write(self.style.SUCCESS(f"{total} reminder(s) sent for {today.isoformat()}"))
