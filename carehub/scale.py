"""The machinery of `manage.py seed_scale`, shared by every app's `<app>/scale.py`: one `Seeder` that writes fast
(batched `bulk_create`, PostgreSQL COPY), shows progress, knows the period to fill and the random generator,
and seeds the core (hubs, their opening hours and their people) that every app's data hangs on.

Each app contributes `seed(seeder) -> dict` through the registry hook `seed_scale` (carehub/registry.py); the
hooks run in INSTALLED_APPS order on the one `Seeder` and share its single random generator, so that the same
`--seed` gives the same data. What one app leaves for a later one goes on the seeder as an attribute.

History: this is synthetic data and writes **no** history rows (django-simple-history only records `save()`),
deliberately — the audit trail records what staff did, and nobody did any of this. An app whose integrity
check needs a history row per row writes it itself (lending's loans, see lending/scale.py).
"""

from __future__ import annotations

import random
import time as clock
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone

from .models import District, Hub, OpeningBlock, Person, fold, new_record_key

BATCH = 5000
FIRST_NAMES = ["Montserrat", "Jordi", "Núria", "Josep", "Carme", "Joan", "Laia", "Marc", "Mercè", "Pere", "Rosa",
               "Antoni", "Maria", "Francesc", "Anna", "David", "Lucía", "Ahmed", "Fatima", "Wei", "Sofía", "Pau",
               "Marta", "Oriol", "Dolors", "Manuel", "Isabel", "Xavier", "Aisha", "Carlos"]
LAST_NAMES = ["Garcia", "Martínez", "Puig", "Vidal", "Soler", "Ferrer", "Serra", "Roca", "Font", "Sala", "López",
              "Pujol", "Riera", "Camps", "Costa", "Mas", "Vila", "Roig", "Casas", "Bosch", "El Amrani", "Chen",
              "Fernández", "Torres", "Rovira", "Castells", "Navarro", "Romero", "Sánchez", "Molina"]
NEIGHBOURHOODS = ["Sant Antoni", "Poble-sec", "el Raval", "la Barceloneta", "Sants", "Hostafrancs", "les Corts",
                  "Sarrià", "el Putxet", "Vila de Gràcia", "el Camp d'en Grassot", "Horta", "el Guinardó",
                  "el Carmel", "la Guineueta", "Roquetes", "Trinitat Vella", "Sant Andreu", "el Bon Pastor",
                  "el Poblenou", "el Besòs", "la Verneda", "el Clot", "Sagrada Família", "Fort Pienc"]


def local(day: date, at: time) -> datetime:
    """A Madrid wall-clock time on a date (DST-correct: 10:00 stays 10:00 in March and October)."""
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


class Progress:
    """A one-line progress bar on stderr (a terminal) or plain stage lines (a log).

    The run is made of `parts` (the core, then each app), each announcing its rough row count with `expect()`
    when it starts: no part needs to know the others' sizes, and the bar never runs backwards."""

    def __init__(self, stream, parts: int):
        self.stream, self.parts, self.started = stream, max(parts, 1), clock.monotonic()
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.stage = ""
        self.finished_parts, self.expected, self.done = -1, 1, 0

    def expect(self, rows: int):
        """A new part begins, of about `rows` rows (for the bar only)."""
        self.finished_parts += 1
        self.expected, self.done = max(rows, 1), 0

    def begin(self, stage: str):
        self.stage = stage
        if not self.tty:
            self.stream.write(f"  {stage}…\n")
            self.stream.flush()
        self.draw()

    def advance(self, n: int):
        self.done += n
        self.draw()

    def draw(self):
        if not self.tty:
            return
        share = min((max(self.finished_parts, 0) + min(self.done / self.expected, 1.0)) / self.parts, 1.0)
        bar = "#" * int(share * 30)
        elapsed = clock.monotonic() - self.started
        self.stream.write(f"\r[{bar:<30}] {share:6.1%} {elapsed:6.0f}s  {self.stage:<28}")
        self.stream.flush()

    def finish(self):
        self.finished_parts, self.done = self.parts, 0
        self.draw()
        if self.tty:
            self.stream.write("\n")


class Seeder:
    """What every app's `seed()` is handed: the sizes asked for, the period (`start` … `end`, `weeks`), one
    random generator, the writing helpers and, once `seed_core()` ran, `hubs` and `people_by_hub`."""

    def __init__(self, *, n_hubs: int, years: float, people_per_hub: int, items_per_hub: int, seed: int,
                 progress: Progress):
        self.n_hubs, self.people_per_hub, self.items_per_hub = n_hubs, people_per_hub, items_per_hub
        self.rng = random.Random(seed)
        self.pg = connection.vendor == "postgresql"
        self.today = timezone.localdate()
        self.start = self.today - timedelta(days=int(years * 365))
        self.end = self.today + timedelta(days=28)  # the programme and appointments ahead
        self.now = timezone.now()
        self.weeks = (self.end - self.start).days // 7 + 1
        self.progress = progress
        self.hubs: list[Hub] = []
        self.people_by_hub: dict[int, list[int]] = {}  # hub pk -> its people's pks, in creation order

    # --- writing --------------------------------------------------------------------------------------
    def bulk(self, model, objects: list):
        """bulk_create in batches (ids come back, on PostgreSQL and on SQLite ≥ 3.35)."""
        created = []
        for i in range(0, len(objects), BATCH):
            created += model.objects.bulk_create(objects[i:i + BATCH])
            self.progress.advance(len(objects[i:i + BATCH]))
        return created

    def copy(self, model, columns: list[str], rows: list[tuple]) -> int:
        """Leaf rows nobody references: COPY on PostgreSQL (an order of magnitude faster), else bulk_create."""
        if not rows:
            return 0
        if self.pg:
            # COPY bypasses the model's defaults: a row that carries a disclosure-control record key
            # (carehub/insights/perturbation.py) draws its own here, as bulk_create would.
            keyed = "record_key" not in columns and any(
                f.name == "record_key" for f in model._meta.concrete_fields)
            table = connection.ops.quote_name(model._meta.db_table)
            statement = f"COPY {table} ({', '.join(columns + ['record_key'] * keyed)}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
                for n, row in enumerate(rows, 1):
                    copy.write_row((*row, new_record_key()) if keyed else row)
                    if n % BATCH == 0:
                        self.progress.advance(BATCH)
            self.progress.advance(len(rows) % BATCH)
        else:
            self.bulk(model, [model(**dict(zip(columns, row))) for row in rows])  # columns are attnames
        return len(rows)

    # --- the core -------------------------------------------------------------------------------------
    def seed_core(self) -> dict:
        """Hubs with their opening hours, and each hub's people (registered over the period, more recently
        more often)."""
        rng = self.rng
        # The insights rollups are filled once at the end (carehub/insights/scale.py), not per batch.
        from carehub.insights.scale import pause_rollups

        pause_rollups()
        self.progress.expect(self.n_hubs * self.people_per_hub)
        districts = list(District.values)
        self.progress.begin("hubs")
        hubs = self.bulk(Hub, [
            Hub(name=f"Vila Veïna {NEIGHBOURHOODS[i % len(NEIGHBOURHOODS)]} {i // len(NEIGHBOURHOODS) + 1}",
                slug=f"vv-{i + 1:03d}", district=districts[i % len(districts)],
                population=rng.randint(10_000, 30_000), address=f"Carrer Major, {i + 1}",
                community_space="Casal de barri", created_at=local(self.start, time(9)))
            for i in range(self.n_hubs)
        ])
        self.bulk(OpeningBlock, [OpeningBlock(hub=h, weekday=wd, opens_at=o, closes_at=c) for h in hubs
                                 for wd, o, c in ((1, time(9, 30), time(13, 15)), (3, time(16), time(19, 45)))])

        self.progress.begin("people")
        span = (self.today - self.start).days
        people = []
        for hub in hubs:
            for _i in range(self.people_per_hub):
                first, last = rng.choice(FIRST_NAMES), f"{rng.choice(LAST_NAMES)} {rng.choice(LAST_NAMES)}"
                phone = f"6{rng.randint(10_000_000, 99_999_999)}"
                registered = self.now - timedelta(days=span * rng.random() ** 2, minutes=rng.randint(0, 600))
                people.append(Person(
                    first_name=first, last_name=last, phone=phone, email="", home_hub=hub,
                    preferred_language=rng.choice("cccces"), consent_given_at=registered, created_at=registered,
                    # Person.save() is bypassed by bulk_create: fill the desk's search column the same way.
                    search_text=" ".join((fold(first), fold(last), phone)),
                ))
        people = self.bulk(Person, people)
        self.hubs = hubs
        for person in people:
            self.people_by_hub.setdefault(person.home_hub_id, []).append(person.pk)
        return {"hubs": len(hubs), "people": len(people)}

    def weekly_days(self, weekday: int):
        """Each date of the period falling on `weekday` (0 = Monday), in order: the weekly sessions and
        advice mornings."""
        first = self.start - timedelta(days=self.start.weekday()) + timedelta(days=weekday)
        for week in range(self.weeks):
            day = first + timedelta(weeks=week)
            if self.start <= day <= self.end:
                yield day
