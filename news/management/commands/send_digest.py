"""Write the monthly digest due today (news/digest.py). `send_reminders` does the same every day; this runs
the digest alone, e.g. after publishing news late in the month. Safe to run twice."""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from news import digest


class Command(BaseCommand):
    help = "Queue the monthly digest for every subscriber who has not had this month's edition."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, default=None,
                            help="Act as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, date=None, **options):
        today = date or timezone.localdate()
        written = digest.send(today=today)
        edition = digest.edition_for(today)
        self.stdout.write(f"{written} digest(s) of {digest.occasion_of(edition)} queued")
