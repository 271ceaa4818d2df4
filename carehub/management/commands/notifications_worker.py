"""The notification worker: the configured task backend's own worker, plus the sweep.

    manage.py notifications_worker            # db_worker (database backend) or rqworker (TASKS_BACKEND=rq)

Why a wrapper: whichever backend runs, messages whose task was lost (the web process died between the commit
and the enqueue, or Redis was down) must still go out. The sweep runs once at start, then every
NOTIFICATIONS["SWEEP_SECONDS"] in a background thread of this process. Extra arguments go to the worker.
"""

import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from carehub.notifications.delivery import sweep

log = logging.getLogger("carehub.notifications")


def _sweep_forever(stop: threading.Event, every: float) -> None:
    while not stop.wait(every):
        try:
            close_old_connections()
            found = sweep()
            if found:
                log.info("notifications: re-enqueued %s message(s) whose task was lost", found)
        except Exception:  # a database hiccup must not end the sweeping
            log.exception("notifications: sweep failed; trying again in %s s", every)
        finally:
            connection.close()


class Command(BaseCommand):
    help = "Deliver queued messages (email, SMS) in the background; re-enqueue those whose task was lost."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Database backend: deliver what is due, then exit.")

    def handle(self, *args, batch=False, **options):
        found = sweep()
        self.stdout.write(f"notifications: {found} message(s) re-enqueued at start")
        stop = threading.Event()
        if not batch:
            threading.Thread(target=_sweep_forever, args=(stop, settings.NOTIFICATIONS["SWEEP_SECONDS"]),
                             daemon=True, name="notifications-sweep").start()
        try:
            if settings.TASKS_BACKEND == "rq":
                # --with-scheduler: retries are scheduled jobs (run_after), which RQ's scheduler releases.
                call_command("rqworker", "default", with_scheduler=True, burst=batch)
            else:
                call_command("db_worker", reload=False, batch=batch, interval=1, queue_name="default",
                             verbosity=options.get("verbosity", 1))
        finally:
            stop.set()
