"""Load the demo into an empty database: hubs, people, staff accounts, then each app's demo data.

Runs once: when hubs already exist it does nothing, so `make run` keeps what you changed.
"""

import json
import random
from dataclasses import dataclass, field
from datetime import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from carehub.models import Hub, Message, MessageStatus, OpeningBlock, Person, Role, StaffRole
from carehub.registry import hooks

FIXTURES = settings.BASE_DIR / "fixtures"
# The demo password lives here, in demo data only; README lists it with the accounts.
DEMO_PASSWORD = "carehub-demo"
PEOPLE_PER_HUB = 24


def _demo_dni(rng: random.Random) -> str:
    """A made-up DNI with the right control letter, as the desk's check requires of a real one."""
    number = rng.randint(10000000, 99999999)
    return f"{number}{'TRWAGMYFPDXBNJZSQVHLCKE'[number % 23]}"


@dataclass
class DemoContext:
    """What the core demo made, handed to each app's demo (registry hook `load_demo`)."""

    hubs: list
    people: dict  # hub slug -> [Person]
    users: dict  # account name -> User
    rng: random.Random
    now: object = field(default_factory=timezone.now)

    @property
    def first_hub(self):
        return self.hubs[0]

    @property
    def second_hub(self):
        return self.hubs[1]


class Command(BaseCommand):
    help = "Load the carehub demo into an empty database (does nothing when hubs exist)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, seed, **options):
        if Hub.objects.exists():
            self.stdout.write("Demo not loaded: the database already has hubs.")
            return
        with transaction.atomic():
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
                email=f"{row['slug']}@vilaveina.example.org",
            )
            for weekday, opens, closes in row["blocks"]:
                OpeningBlock.objects.create(
                    hub=hub, weekday=weekday, opens_at=time.fromisoformat(opens), closes_at=time.fromisoformat(closes)
                )
            hubs.append(hub)

        names = json.loads((FIXTURES / "names.json").read_text())
        people = {}
        now = timezone.now()
        for hub in hubs:
            rows = []
            for n in range(PEOPLE_PER_HUB):
                first = rng.choice(names["first_names"])
                last = f"{rng.choice(names['last_names'])} {rng.choice(names['last_names'])}"
                has_email = rng.random() < 0.6
                person = Person(
                    home_hub=hub, first_name=first, last_name=last,
                    phone=f"6{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
                    email=(f"{first}.{last.split()[0]}.{hub.pk}{n}@example.org".lower().replace(" ", "")
                           if has_email else ""),
                    preferred_language=rng.choices(["ca", "es", "en"], weights=[6, 4, 1])[0],
                    document_number=_demo_dni(rng) if rng.random() < 0.7 else "",
                    consent_given_at=now,
                )
                person.save()  # through save(): builds search_text and writes history
                rows.append(person)
            people[hub.slug] = rows

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
        carer = Person(
            home_hub=first, user=carer_user, first_name="Montserrat", last_name="Garcia Pujol",
            phone="612 345 678", email="carer@vilaveina.example.org", preferred_language="ca",
            consent_given_at=now,
        )
        carer.save()
        people[first.slug].insert(0, carer)
        return DemoContext(hubs=hubs, people=people, users=users, rng=rng)
