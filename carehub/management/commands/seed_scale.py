"""Fill an EMPTY database with city-scale synthetic activity, for benchmarks and the planners' dashboard.

    python manage.py seed_scale --hubs 115 --years 3     # ~140k people, ~1M bookings, in minutes

What it makes, per hub: its people (carehub/scale.py), then each app's part through the registry hook
`seed_scale` (`<app>/scale.py`, in INSTALLED_APPS order): a stock of items with years of loans and the holds
before some of them, weekly activities with bookings, waitlists and attendance, an advisor with weekly
appointments. Dates run from `--years` ago to a few weeks ahead (upcoming sessions and appointments for the
public programme). The same `--seed` gives the same data.

Speed: rows are written with `bulk_create` in big batches, and the largest tables (loans, holds, bookings,
appointments) with PostgreSQL's COPY when on PostgreSQL. This is synthetic data: **no history rows** are
written (django-simple-history only records `save()`), which is deliberate here — the audit trail records
what staff did, and nobody did any of this. The one exception is a single "created" row per loan
(lending/scale.py), because `check_integrity` rightly treats a loan without history as a breach. Never use
this command on a database with real data: it refuses to run unless the database is empty.

The model invariants still hold, by construction: an item's loans follow one another (never two active loans
for one item), a session never has more confirmed bookings than places (`confirmed_count` is the exact
count), one live booking per person and session, an advisor's appointments take distinct slots (never
overlapping), attendance only on confirmed bookings, cancelled appointments carry `cancelled_at`.
"""

import sys
import time as clock

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from carehub.models import Hub, Person
from carehub.registry import hooks
from carehub.scale import Progress, Seeder


def tables_to_check():
    """The core's hubs and people, and every table of each app that seeds: all must be empty."""
    yield from (Hub, Person)
    for label, _seed in hooks("seed_scale"):
        yield from apps.get_app_config(label).get_models()


class Command(BaseCommand):
    help = "Fill an EMPTY database with synthetic city-scale activity (hubs, people, loans, bookings, advice)."

    def add_arguments(self, parser):
        parser.add_argument("--hubs", type=int, default=115)
        parser.add_argument("--years", type=float, default=3.0)
        parser.add_argument("--people-per-hub", type=int, default=1200)
        parser.add_argument("--items-per-hub", type=int, default=40)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, hubs, years, people_per_hub, items_per_hub, seed, **options):
        if hubs < 1 or hubs > 1000 or years <= 0 or years > 10 or people_per_hub < 30 or items_per_hub < 1:
            raise CommandError("Use 1-1000 hubs, 0-10 years, at least 30 people and 1 item per hub.")
        for model in tables_to_check():
            if model.objects.exists():
                raise CommandError(
                    f"The database is not empty ({model._meta.verbose_name_plural} exist): seed_scale only fills "
                    "an empty, migrated database. Use a fresh one (e.g. createdb carehub_bench)."
                )
        app_seeds = hooks("seed_scale")
        progress = Progress(sys.stderr, parts=1 + len(app_seeds))
        seeder = Seeder(n_hubs=hubs, years=years, people_per_hub=people_per_hub, items_per_hub=items_per_hub,
                        seed=seed, progress=progress)
        began = clock.monotonic()
        with transaction.atomic():
            counts = seeder.seed_core()
            for _label, seed_app in app_seeds:
                counts.update(seed_app(seeder))
        progress.finish()
        if seeder.pg and connection.get_autocommit():
            # Fresh statistics for the planner, and the visibility map and hint bits set once here rather than
            # by the first queries that read a million freshly copied rows.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        summary = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Seeded in {clock.monotonic() - began:.0f} s: {summary}."))
