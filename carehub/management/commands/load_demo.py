"""Load the demo into an empty database: hubs, people, staff accounts, then each app's demo data.

Runs once: when hubs already exist it does nothing, so `make run` keeps what you changed.

The demo has a past: every hub's people registered over the last three years (about ten a month in the last
year), and each app gives them about a year of history (loans and holds, sessions with bookings and attendance,
advice appointments), so that the planners' figures show numbers and the monthly trend draws lines. Everything
is dated relative to the moment the demo is loaded (`DemoContext.now`). The history is written in bulk
(`DemoContext.insert`: one executemany per table and its audit history in two INSERT … SELECTs, each version
dated when it happened), which keeps the whole load at a few seconds; the present (today's loans, holds,
programme and appointments) is made as before, through the services or row by row with its history.
"""

import bisect
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from carehub.insights import scale as insights_rollups
from carehub.models import Hub, Message, MessageStatus, OpeningBlock, Person, Role, StaffRole, fold
from carehub.notifications import phones
from carehub.registry import hooks

FIXTURES = settings.BASE_DIR / "fixtures"
# What every demo hub says of itself, in the three languages (catalogue content: docs/translation.md). The
# community spaces keep their Catalan names, the ones on the city's signs: shown marked lang="ca".
HUB_DESCRIPTION = {
    "description_ca": "Un espai del barri per a les persones que cuiden d'un familiar, d'un infant o d'una persona "
                      "gran: préstec de material, activitats, grups de suport i assessorament, sense cita prèvia.",
    "description_es": "Un espacio del barrio para las personas que cuidan de un familiar, de un niño o de una "
                      "persona mayor: préstamo de material, actividades, grupos de apoyo y asesoramiento, sin cita "
                      "previa.",
    "description_en": "A neighbourhood place for people who care for a relative, a child or an older person: "
                      "equipment on loan, activities, support groups and advice, no appointment needed.",
}
# The demo password lives here, in demo data only; README lists it with the accounts.
DEMO_PASSWORD = "carehub-demo"
ESTABLISHED_PER_HUB = 24  # registered one to three years ago: the hub's regulars
NEW_PER_MONTH = (9, 14)  # registered in each of the last twelve months (a random number in this range)
HISTORY_DAYS = 365  # how far back the apps' history goes (lending reaches further: loans due in the year)


def _demo_dni(rng: random.Random) -> str:
    """A made-up DNI with the right control letter, as the desk's check requires of a real one."""
    number = rng.randint(10000000, 99999999)
    return f"{number}{'TRWAGMYFPDXBNJZSQVHLCKE'[number % 23]}"


@dataclass
class DemoContext:
    """What the core demo made, handed to each app's demo (registry hook `load_demo`)."""

    hubs: list
    people: dict  # hub slug -> [Person], the `carer` first at the first hub, then by registration
    users: dict  # account name -> User
    rng: random.Random
    now: object = field(default_factory=timezone.now)

    @property
    def first_hub(self):
        return self.hubs[0]

    @property
    def second_hub(self):
        return self.hubs[1]

    @property
    def today(self):
        return timezone.localdate(self.now)

    @property
    def history_starts(self):
        return self.now - timedelta(days=HISTORY_DAYS)

    def registered_before(self, hub, moment) -> list:
        """The hub's people already registered at `moment` (someone borrows or books after registering)."""
        people, times = self._by_registration(hub)
        return people[:bisect.bisect_left(times, moment)] or people[:1]

    def _by_registration(self, hub) -> tuple[list, list]:
        cache = self.__dict__.setdefault("_registration_order", {})
        if hub.slug not in cache:
            people = sorted(self.people[hub.slug], key=lambda p: p.created_at)
            cache[hub.slug] = (people, [p.created_at for p in people])
        return cache[hub.slug]

    def bulk(self, model, rows, *, user=None):
        """`bulk_create` for the few hundred rows an app needs back as objects (items, activities), each with a
        creation version of its history dated at its `created_at`."""
        rows = model.objects.bulk_create(rows, batch_size=500)
        history = getattr(model, "history", None)
        if history is not None and rows:
            for row in rows:
                row._history_date = getattr(row, "created_at", None) or self.now
            history.bulk_history_create(rows, batch_size=500, default_user=user)
        return rows

    def insert(self, model, rows: list[dict], *, user=None, created="created_at", changed=None,
               before=None) -> list[int]:
        """Insert `rows` (dicts of attnames: "hub_id", "lent_at"; final values; what is left out takes the
        field's default, a record key its own draw) with one executemany, and their audit history with two
        INSERT … SELECTs: a creation version dated by the column `created`, with the values `before` (SQL, by
        column) where the SQL expression `changed` gives a time, and then a change version at that time (a
        returned loan was lent first; an attended appointment was booked first). `user` is the actor. Returns
        the new primary keys in the order of `rows`.

        Much faster than bulk_create for the tens of thousands of rows of the demo's year: no model instance
        and no per-value compilation (the values are already what the database stores)."""
        if not rows:
            return []
        qn = connection.ops.quote_name
        table = qn(model._meta.db_table)
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        store = [_storer(f) for f in fields]
        # A callable default (a record key, "now") is drawn for each row; any other default is one value.
        defaults = [f.get_default if callable(f.default) else (lambda value=f.get_default(): value)
                    for f in fields]
        pk = model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX({qn(pk)}), 0) FROM {table}")
            after = cursor.fetchone()[0]
            names = [f.attname for f in fields]
            values = [
                tuple(put(row[name] if name in row else default())
                      for name, put, default in zip(names, store, defaults))
                for row in rows
            ]
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(qn(f.column) for f in fields)}) "
                f"VALUES ({', '.join(['%s'] * len(fields))})", values)
            cursor.execute(f"SELECT {qn(pk)} FROM {table} WHERE {qn(pk)} > %s ORDER BY {qn(pk)}", [after])
            ids = [row[0] for row in cursor.fetchall()]
            history = getattr(model, "history", None)
            if history is not None:
                self._history(cursor, model, after, user=user, created=created, changed=changed,
                              before=before or {})
        return ids

    def _history(self, cursor, model, after, *, user, created, changed, before):
        qn = connection.ops.quote_name
        history = model.history.model
        kept = [f.column for f in history._meta.concrete_fields if not f.name.startswith("history_")]
        table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
        columns = ", ".join(qn(c) for c in kept)
        head = f"INSERT INTO {qn(history._meta.db_table)} ({columns}, history_date, history_type, history_user_id)"
        if changed:
            first = ", ".join(f"CASE WHEN ({changed}) IS NOT NULL THEN {before[c]} ELSE {qn(c)} END"
                              if c in before else qn(c) for c in kept)
        else:
            first = columns
        actor = getattr(user, "pk", None)
        cursor.execute(f"{head} SELECT {first}, {created}, '+', %s FROM {table} WHERE {pk} > %s", [actor, after])
        if changed:
            cursor.execute(f"{head} SELECT {columns}, {changed}, '~', %s FROM {table} "
                           f"WHERE {pk} > %s AND ({changed}) IS NOT NULL", [actor, after])


def _storer(field):
    """How a Python value becomes what the database stores for `field` (what Django's adapters do, minus the
    machinery: the demo inserts tens of thousands of rows)."""
    if connection.vendor == "postgresql":
        return lambda value: value
    if isinstance(field, models.DateTimeField):
        return lambda value: None if value is None else str(value.astimezone(UTC).replace(tzinfo=None))
    if isinstance(field, models.DateField):
        return lambda value: value.isoformat() if isinstance(value, date) else value
    return lambda value: value


def _as_saved(**person) -> dict:
    """A person row with what `Person.save()` derives (stored phone, channel, search text), for the rows the
    demo inserts in bulk."""
    person["phone"], person["phone_valid"] = phones.normalise(person["phone"])
    person["notify_by"] = phones.default_channel(email=person["email"], phone=person["phone"])
    digits = "".join(ch for ch in person["phone"] if ch.isdigit())
    person["search_text"] = " ".join(part for part in (
        fold(person["first_name"]), fold(person["last_name"]), digits, fold(person["document_number"])) if part)
    return person


def _registration_times(rng: random.Random, now) -> list:
    """When a hub's people registered: the regulars one to three years ago, then a steady flow of newcomers
    every month of the last year (desk hours, not at night)."""
    times = [now - timedelta(days=rng.randint(366, 3 * 365), hours=rng.randint(0, 6))
             for _n in range(ESTABLISHED_PER_HUB)]
    for month in range(12):
        for _n in range(rng.randint(*NEW_PER_MONTH)):
            days_ago = rng.uniform(month * 30.4, (month + 1) * 30.4)
            moment = (now - timedelta(days=days_ago)).replace(minute=rng.choice((0, 15, 30, 45)), second=0,
                                                              microsecond=0)
            times.append(moment.replace(hour=rng.randint(9, 18)) if moment.date() != now.date() else moment)
    return sorted(t for t in times if t < now)


class Command(BaseCommand):
    help = "Load the carehub demo into an empty database (does nothing when hubs exist)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--i-know-this-is-production", action="store_true",
            help="Load the demo even with DEBUG off. It creates the superuser `admin` with the public demo "
                 "password: never on a database real people use.")

    def handle(self, *args, seed, i_know_this_is_production=False, **options):
        # The demo's accounts (the superuser `admin` among them) share one published password: on a production
        # database they would be open doors. DEBUG off is what production looks like here.
        if not settings.DEBUG and not i_know_this_is_production:
            raise CommandError(
                "load_demo refuses to run with DEBUG off: it creates the superuser `admin` with the public demo "
                "password. For the demo, run it with DEBUG=1 (`make run` does); on purpose elsewhere, add "
                "--i-know-this-is-production.")
        if Hub.objects.exists():
            self.stdout.write("Demo not loaded: the database already has hubs.")
            return
        with transaction.atomic(), insights_rollups.written_once():
            ctx = self.load_core(random.Random(seed))
            for app, load in hooks("load_demo"):
                load(ctx)
                self.stdout.write(f"  {app}: demo loaded")
            # The demo's bookings and offers went through the services, which wrote their messages: they stand
            # for what was sent in the demo's past, so the worker of `make run` does not send hundreds of them
            # at start. What the desk must phone about stays on the call lists.
            Message.objects.filter(status=MessageStatus.QUEUED).update(
                status=MessageStatus.SENT, sent_at=ctx.now, attempts=1)
        self.stdout.write(self.style.SUCCESS(
            f"Demo loaded: {len(ctx.hubs)} hubs, {sum(len(p) for p in ctx.people.values())} people. "
            f"Accounts: {', '.join(ctx.users)} (password {DEMO_PASSWORD})."
        ))

    def load_core(self, rng: random.Random) -> DemoContext:
        hubs = []
        for row in json.loads((FIXTURES / "hubs.json").read_text()):
            hub = Hub.objects.create(
                slug=row["slug"], name=row["name"], district=row["district"], population=row["population"],
                community_space=row["community_space"], address=row["address"], phone=row["phone"],
                email=f"{row['slug']}@vilaveina.example.org", **HUB_DESCRIPTION,
            )
            for weekday, opens, closes in row["blocks"]:
                OpeningBlock.objects.create(
                    hub=hub, weekday=weekday, opens_at=time.fromisoformat(opens), closes_at=time.fromisoformat(closes)
                )
            hubs.append(hub)

        User = get_user_model()
        first, second = hubs[0], hubs[1]
        users = {}

        def account(username, first_name, last_name, *roles, superuser=False):
            user = User(username=username, first_name=first_name, last_name=last_name,
                        email=f"{username}@vilaveina.example.org", is_staff=superuser, is_superuser=superuser)
            user.set_password(DEMO_PASSWORD)
            user.save()
            for role, hub in roles:
                StaffRole.objects.create(user=user, role=role, hub=hub)
            users[username] = user
            return user

        account("admin", "Admin", "carehub", (Role.ADMIN, None), superuser=True)
        account("desk", "Laia", "Puig", (Role.DESK, first))
        account("coordinator", "Marta", "Soler", (Role.COORDINATOR, first))
        account("advisor", "Xavier", "Roca", (Role.ADVISOR, first), (Role.ADVISOR, hubs[2]))
        account("facilitator", "Gemma", "Vidal", (Role.FACILITATOR, first))
        account("desk2", "Oriol", "Camps", (Role.DESK, second))
        account("planner", "Eulàlia", "Ferrer", (Role.PLANNER, None))
        carer_user = account("carer", "Montserrat", "Garcia Pujol")

        now = timezone.now()
        names = json.loads((FIXTURES / "names.json").read_text())
        registrars = {first.pk: users["desk"], second.pk: users["desk2"]}
        rows = []
        for hub in hubs:
            for n, registered in enumerate(_registration_times(rng, now)):
                given = rng.choice(names["first_names"])
                last = f"{rng.choice(names['last_names'])} {rng.choice(names['last_names'])}"
                email = (f"{given}.{last.split()[0]}.{hub.pk}{n}@example.org".lower().replace(" ", "")
                         if rng.random() < 0.6 else "")
                rows.append(_as_saved(
                    home_hub_id=hub.pk, first_name=given, last_name=last,
                    phone=f"6{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
                    email=email, email_verified_at=registered if email else None,
                    preferred_language=rng.choices(["ca", "es", "en"], weights=[6, 4, 1])[0],
                    document_number=_demo_dni(rng) if rng.random() < 0.7 else "",
                    birth_year=rng.randint(1938, 1995) if rng.random() < 0.5 else None,
                    consent_given_at=registered, created_at=registered,
                    registered_by_id=registrars.get(hub.pk, users["admin"]).pk,
                ))
        ctx = DemoContext(hubs=hubs, people={}, users=users, rng=rng, now=now)
        # The desk that registered each person is its history's actor (the admin where no desk account exists).
        for registrar in {row["registered_by_id"] for row in rows}:
            mine = [row for row in rows if row["registered_by_id"] == registrar]
            ctx.insert(Person, mine, user=User(pk=registrar))
        slugs = {hub.pk: hub.slug for hub in hubs}
        for person in Person.objects.order_by("created_at", "pk"):
            ctx.people.setdefault(slugs[person.home_hub_id], []).append(person)

        carer = Person(
            home_hub=first, user=carer_user, first_name="Montserrat", last_name="Garcia Pujol",
            phone="612 345 678", email="carer@vilaveina.example.org", email_verified_at=now,
            preferred_language="ca", consent_given_at=now - timedelta(days=200),
            created_at=now - timedelta(days=200),
        )
        carer.save()
        ctx.people[first.slug].insert(0, carer)
        return ctx
