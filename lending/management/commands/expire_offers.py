"""Expire the lending offers whose pickup deadline has passed: the hold goes to the back of the queue and the
item to the next person. Run hourly (deploy/carehub-expire-offers.timer) so that an item waits at most an hour
past its deadline; `send_reminders` does the same once a day. Safe to run at any time, twice or in parallel."""

from django.core.management.base import BaseCommand

from lending import services


class Command(BaseCommand):
    help = "Return lending offers not collected by their deadline to the queue; the item goes to the next person."

    def handle(self, *args, **options):
        expired = services.expire_lapsed_offers()
        self.stdout.write(f"{expired} lapsed offer(s) expired")
