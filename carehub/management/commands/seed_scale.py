"""Fill an EMPTY database with city-scale synthetic activity, for benchmarks and the planners' dashboard.

    python manage.py seed_scale --hubs 115 --years 3     # ~140k people, ~1M bookings, in minutes

What it makes, per hub: its people, a stock of items with years of loans (and the holds before some of them),
weekly activities with bookings, waitlists and attendance, an advisor with weekly appointments. Dates run from
`--years` ago to a few weeks ahead (upcoming sessions and appointments for the public programme).

Speed: rows are written with `bulk_create` in big batches, and the largest tables (loans, holds, bookings,
appointments) with PostgreSQL's COPY when on PostgreSQL. This is synthetic data: **no history rows** are
written (django-simple-history only records `save()`), which is deliberate here — the audit trail records
what staff did, and nobody did any of this. The one exception is a single "created" row per loan, written in
one INSERT … SELECT, because `check_integrity` rightly treats a loan without history as a breach. Never use this command on a database with real data: it refuses
to run unless the database is empty.

The model invariants still hold, by construction: an item's loans follow one another (never two active loans
for one item), a session never has more confirmed bookings than places (`confirmed_count` is the exact
count), one live booking per person and session, an advisor's appointments take distinct slots (never
overlapping), attendance only on confirmed bookings, cancelled appointments carry `cancelled_at`.
"""

import random
import sys
import time as clock
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from activities.models import Activity, Booking, Session
from advice.models import AdviceService, Appointment, Availability
from carehub.models import District, Hub, OpeningBlock, Person, Role, StaffRole, fold
from lending.models import Hold, HoldStatus, Item, ItemStatus, ItemType, Loan

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
ITEM_TYPES = [("Cadira de rodes plegable", "mobility", 120), ("Crosses", "mobility", 60),
              ("Caminador", "mobility", 90), ("Cadira de dutxa", "bathing", 120),
              ("Llit articulat", "bed_transfer", 180), ("Grua de transferència", "bed_transfer", 180),
              ("Bressol de viatge", "children", 90), ("Cadira de cotxe infantil", "children", 180)]
ACTIVITIES = [("Xerrada: cuidar qui cuida", "talk", 0, time(17, 30), 25),
              ("Taller de mobilitzacions segures", "workshop", 2, time(10, 0), 15),
              ("Passejada pel barri", "outdoor", 3, time(10, 30), 20),
              ("Cafè de persones cuidadores", "other", 1, time(17, 0), 18)]


class Progress:
    """A one-line progress bar on stderr (a terminal) or plain stage lines (a log)."""

    def __init__(self, stream, total: int):
        self.stream, self.total, self.done, self.started = stream, max(total, 1), 0, clock.monotonic()
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.stage = ""

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
        share = min(self.done / self.total, 1.0)
        bar = "#" * int(share * 30)
        elapsed = clock.monotonic() - self.started
        self.stream.write(f"\r[{bar:<30}] {share:6.1%} {elapsed:6.0f}s  {self.stage:<28}")
        self.stream.flush()

    def finish(self):
        self.done = self.total
        self.draw()
        if self.tty:
            self.stream.write("\n")


def local(day: date, at: time) -> datetime:
    """A Madrid wall-clock time on a date (DST-correct: 10:00 stays 10:00 in March and October)."""
    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


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
        for model in (Hub, Person, Item, Loan, Session, Booking, Appointment):
            if model.objects.exists():
                raise CommandError(
                    f"The database is not empty ({model._meta.verbose_name_plural} exist): seed_scale only fills "
                    "an empty, migrated database. Use a fresh one (e.g. createdb carehub_bench)."
                )
        self.rng = random.Random(seed)
        self.pg = connection.vendor == "postgresql"
        self.today = timezone.localdate()
        self.start = self.today - timedelta(days=int(years * 365))
        self.end = self.today + timedelta(days=28)  # the programme and appointments ahead
        self.now = timezone.now()
        self.weeks = (self.end - self.start).days // 7 + 1
        # Rough row counts, for the progress bar only.
        per_hub = people_per_hub + items_per_hub * 8 + len(ACTIVITIES) * self.weeks * 16 + self.weeks * 7
        self.progress = Progress(sys.stderr, hubs * per_hub)
        began = clock.monotonic()
        with transaction.atomic():
            counts = self.seed(hubs, people_per_hub, items_per_hub)
        self.progress.finish()
        if self.pg and connection.get_autocommit():
            # Fresh statistics for the planner, and the visibility map and hint bits set once here rather than
            # by the first queries that read a million freshly copied rows.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        summary = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Seeded in {clock.monotonic() - began:.0f} s: {summary}."))

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
            table = connection.ops.quote_name(model._meta.db_table)
            statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
                for n, row in enumerate(rows, 1):
                    copy.write_row(row)
                    if n % BATCH == 0:
                        self.progress.advance(BATCH)
            self.progress.advance(len(rows) % BATCH)
        else:
            self.bulk(model, [model(**dict(zip(columns, row))) for row in rows])  # columns are attnames
        return len(rows)

    # --- the city -------------------------------------------------------------------------------------
    def seed(self, n_hubs, people_per_hub, items_per_hub) -> dict:
        rng = self.rng
        districts = list(District.values)
        self.progress.begin("hubs")
        hubs = self.bulk(Hub, [
            Hub(name=f"Vila Veïna {NEIGHBOURHOODS[i % len(NEIGHBOURHOODS)]} {i // len(NEIGHBOURHOODS) + 1}",
                slug=f"vv-{i + 1:03d}", district=districts[i % len(districts)],
                population=rng.randint(10_000, 30_000), address=f"Carrer Major, {i + 1}",
                community_space="Casal de barri", created_at=local(self.start, time(9)))
            for i in range(n_hubs)
        ])
        self.bulk(OpeningBlock, [OpeningBlock(hub=h, weekday=wd, opens_at=o, closes_at=c) for h in hubs
                                 for wd, o, c in ((1, time(9, 30), time(13, 15)), (3, time(16), time(19, 45)))])

        self.progress.begin("people")
        span = (self.today - self.start).days
        people = []
        for hub in hubs:
            for _i in range(people_per_hub):
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
        self.people_by_hub = {}
        for person in people:
            self.people_by_hub.setdefault(person.home_hub_id, []).append(person.pk)

        counts = {"hubs": len(hubs), "people": len(people)}
        counts.update(self.seed_lending(hubs, items_per_hub))
        counts.update(self.seed_activities(hubs))
        counts.update(self.seed_advice(hubs))
        return counts

    def seed_lending(self, hubs, items_per_hub) -> dict:
        rng = self.rng
        self.progress.begin("items and loans")
        types = self.bulk(ItemType, [ItemType(name=name, category=cat, default_loan_days=days)
                                     for name, cat, days in ITEM_TYPES])
        plans, items = [], []
        for hub in hubs:
            for n in range(items_per_hub):
                item_type = rng.choice(types)
                intake = self.start - timedelta(days=rng.randint(0, 200)) if n < items_per_hub * 0.8 else (
                    self.start + timedelta(days=rng.randint(0, max((self.today - self.start).days - 1, 0))))
                # Loans one after the other: an item is never on two active loans.
                loans, day = [], intake + timedelta(days=rng.randint(1, 30))
                while day < self.today:
                    days = rng.randint(14, item_type.default_loan_days)
                    due = day + timedelta(days=days)
                    lent_at = local(day, time(rng.randint(10, 12), rng.choice((0, 15, 30, 45))))
                    late = rng.random() < 0.12
                    back_day = due + timedelta(days=rng.randint(1, 40)) if late else day + timedelta(
                        days=rng.randint(max(1, days // 2), days))
                    if back_day >= self.today:
                        if rng.random() < 0.7 or due >= self.today:
                            loans.append((lent_at, due, None))  # still out (some of them overdue)
                        break
                    loans.append((lent_at, due, local(back_day, time(rng.randint(10, 19), 0))))
                    day = back_day + timedelta(days=rng.randint(2, 45))
                on_loan = bool(loans) and loans[-1][2] is None
                items.append(Item(asset_tag=f"{hub.slug.upper()}-{n:04d}", item_type=item_type, hub=hub,
                                  status=ItemStatus.ON_LOAN if on_loan else ItemStatus.AVAILABLE,
                                  created_at=local(intake, time(9))))
                plans.append(loans)
        items = self.bulk(Item, items)
        loan_rows, hold_rows = [], []
        for item, loans in zip(items, plans):
            people = self.people_by_hub[item.hub_id]
            for lent_at, due, returned in loans:
                person = rng.choice(people)
                loan_rows.append((item.pk, item.hub_id, person, lent_at, due, returned, "other", 0,
                                  "", "", "good" if returned else "", "", 0, False, "", False, ""))
                if rng.random() < 0.3:  # a third of the loans came after a wait on the hold queue
                    asked = lent_at - timedelta(days=rng.randint(1, 45), hours=rng.randint(0, 8))
                    hold_rows.append((item.item_type_id, item.hub_id, person, 1, "other", "", asked, asked,
                                      HoldStatus.FULFILLED, 0, lent_at))
        loan_columns = ["item_id", "hub_id", "borrower_id", "lent_at", "due_on", "returned_at", "need_category",
                        "renewals", "for_name", "return_notes", "return_condition", "deposit_waiver_reason",
                        "deposit_eur", "deposit_waived", "referral_reference", "deposit_refunded", "override_reason"]
        n_loans = self.copy(Loan, loan_columns, loan_rows)
        self.loan_history()
        n_holds = self.copy(Hold, ["item_type_id", "hub_id", "person_id", "priority", "need_category", "notes",
                                   "created_at", "queued_at", "status", "missed_pickups", "closed_at"], hold_rows)
        return {"items": len(items), "loans": n_loans, "holds": n_holds}

    def loan_history(self):
        """One "created" history row per loan, in one INSERT … SELECT: `check_integrity` expects every loan to
        have one (loans are only ever written by the services). Other audited tables get none (see the top)."""
        history = Loan.history.model
        fields = [f.column for f in Loan._meta.concrete_fields]
        qn = connection.ops.quote_name
        columns = ", ".join(qn(c) for c in fields)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {qn(history._meta.db_table)} ({columns}, history_date, history_type) "
                f"SELECT {columns}, lent_at, '+' FROM {qn(Loan._meta.db_table)}"
            )

    def seed_activities(self, hubs) -> dict:
        rng = self.rng
        self.progress.begin("activities and sessions")
        activities = self.bulk(Activity, [
            Activity(hub=hub, title=title, kind=kind, capacity=capacity, frequency="weekly",
                     created_at=local(self.start, time(9)))
            for hub in hubs for title, kind, _wd, _at, capacity in ACTIVITIES
        ])
        first_monday = self.start - timedelta(days=self.start.weekday())
        sessions = []
        for activity, (_t, _k, weekday, starts, _c) in zip(activities, ACTIVITIES * len(hubs)):
            for week in range(self.weeks):
                day = first_monday + timedelta(weeks=week, days=weekday)
                if day < self.start or day > self.end:
                    continue
                cancelled = rng.random() < 0.03
                begins = local(day, starts)
                sessions.append(Session(activity=activity, starts_at=begins, ends_at=begins + timedelta(hours=2),
                                        capacity=activity.capacity, status="cancelled" if cancelled else "scheduled",
                                        confirmed_count=0, updated_at=begins))
        # Plan the bookings first so that each session carries its exact confirmed count.
        plans = []
        hub_of = {a.pk: a.hub_id for a in activities}
        for session in sessions:
            wanted = min(int(rng.gauss(session.capacity * 0.75, session.capacity * 0.25)), session.capacity + 6)
            wanted = max(wanted, 0)
            confirmed = 0 if session.status == "cancelled" else min(wanted, session.capacity)
            waitlisted = 0 if session.status == "cancelled" else max(wanted - session.capacity, 0)
            session.confirmed_count = confirmed
            plans.append((confirmed, waitlisted))
        self.progress.begin("sessions")
        sessions = self.bulk(Session, sessions)
        self.progress.begin("bookings")
        rows = []
        n = 0
        columns = ["session_id", "person_id", "status", "attendance", "created_at", "confirmed_at", "cancelled_at"]
        for session, (confirmed, waitlisted) in zip(sessions, plans):
            people = self.people_by_hub[hub_of[session.activity_id]]
            chosen = rng.sample(people, confirmed + waitlisted)  # distinct: one live booking per person
            past = session.starts_at < self.now
            booked = session.starts_at - timedelta(days=rng.randint(1, 20))
            for i, person in enumerate(chosen):
                if i < confirmed:
                    attendance = ("attended" if rng.random() < 0.85 else "no_show") if past else "unknown"
                    rows.append((session.pk, person, "confirmed", attendance, booked, booked, None))
                else:
                    rows.append((session.pk, person, "waitlisted", "unknown", booked, None, None))
            if len(rows) >= 200_000:
                n += self.copy(Booking, columns, rows)
                rows = []
        n += self.copy(Booking, columns, rows)
        return {"sessions": len(sessions), "bookings": n}

    def seed_advice(self, hubs) -> dict:
        rng = self.rng
        self.progress.begin("advice")
        User = get_user_model()
        unusable = make_password(None)
        advisors = self.bulk(User, [User(username=f"advisor-{hub.slug}", password=unusable) for hub in hubs])
        self.bulk(StaffRole, [StaffRole(user=a, role=Role.ADVISOR, hub=h) for a, h in zip(advisors, hubs)])
        services = self.bulk(AdviceService, [
            AdviceService(hub=hub, kind="legal", name="Assessorament jurídic", appointment_minutes=30)
            for hub in hubs
        ])
        self.bulk(Availability, [
            Availability(advisor=a, service=s, weekday=1, start_time=time(10), end_time=time(14),
                         valid_from=self.start) for a, s in zip(advisors, services)
        ])
        rows = []
        first_tuesday = self.start - timedelta(days=self.start.weekday()) + timedelta(days=1)
        for hub, advisor, service in zip(hubs, advisors, services):
            people = self.people_by_hub[hub.pk]
            for week in range(self.weeks):
                day = first_tuesday + timedelta(weeks=week)
                if day < self.start or day > self.end:
                    continue
                # Eight 30-minute slots from 10:00; each appointment takes a distinct slot: never overlapping.
                for slot in sorted(rng.sample(range(8), rng.randint(4, 8))):
                    starts = local(day, time(10 + slot // 2, 30 * (slot % 2)))
                    ends = starts + timedelta(minutes=30)
                    asked = starts - timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 8))
                    roll = rng.random()
                    if starts >= self.now:
                        status, cancelled_at = "booked", None
                    elif roll < 0.08:
                        status, cancelled_at = "cancelled", starts - timedelta(days=1)
                    elif roll < 0.18:
                        status, cancelled_at = "no_show", None
                    else:
                        status, cancelled_at = "attended", None
                    rows.append((service.pk, advisor.pk, hub.pk, rng.choice(people), starts, ends, ends, "in_person",
                                 "", status, asked, cancelled_at))
        n = self.copy(Appointment, ["service_id", "advisor_id", "hub_id", "person_id", "starts_at", "ends_at",
                                    "blocked_until", "mode", "reason", "status", "created_at", "cancelled_at"], rows)
        return {"appointments": n}
