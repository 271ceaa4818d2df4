"""Re-enqueue messages whose delivery task is overdue (the worker does this itself; for cron or by hand)."""

from django.core.management.base import BaseCommand

from carehub.notifications.delivery import sweep


class Command(BaseCommand):
    help = "Enqueue again every queued message whose delivery task was lost, and every stale claim."

    def handle(self, *args, **options):
        self.stdout.write(f"{sweep()} message(s) re-enqueued")
