"""Check the database's invariants and report every breach: `manage.py check_integrity`.

Most invariants are also database constraints (a unique partial index, check constraints, an exclusion
constraint); this command finds what got past them anyway — a restored backup from before a constraint
existed, a hand-made SQL fix, a bulk import that bypassed the services, a dropped index. One query per check,
whatever the size of the database. Exit code 0 when clean, 1 when any breach is found (cron and monitoring
alert on it; docs/operations.md).
"""

from dataclasses import dataclass
from typing import Callable

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Exists, F, OuterRef, Q

LIMIT = 50  # breaches listed per check; the count is always complete


@dataclass
class Check:
    name: str
    description: str
    run: Callable[[], list[str]]


def _items_with_two_active_loans() -> list[str]:
    from lending.models import Loan

    rows = (Loan.objects.filter(returned_at__isnull=True).values("item_id", "item__asset_tag")
            .annotate(active=Count("id")).filter(active__gt=1).order_by("item_id"))
    return [f"item {r['item__asset_tag']} (id {r['item_id']}) has {r['active']} active loans" for r in rows]


def _items_status_against_loans() -> list[str]:
    from lending.models import Item, ItemStatus, Loan

    active = Loan.objects.filter(item=OuterRef("pk"), returned_at__isnull=True)
    rows = (Item.objects.annotate(lent=Exists(active))
            .filter(Q(status=ItemStatus.ON_LOAN, lent=False) | (Q(lent=True) & ~Q(status=ItemStatus.ON_LOAN)))
            .order_by("asset_tag").values_list("asset_tag", "status"))
    return [f"item {tag} is '{status}' but its loans say otherwise" for tag, status in rows]


def _loans_without_history() -> list[str]:
    from lending.models import Loan

    history = Loan.history.model.objects.filter(id=OuterRef("pk"))
    return [f"loan {pk} has no history row (written without the services?)"
            for pk in Loan.objects.exclude(Exists(history)).order_by("pk").values_list("pk", flat=True)]


def _offers_without_reserved_item() -> list[str]:
    from lending.models import Hold, ItemStatus

    rows = (Hold.objects.filter(status="offered").exclude(offered_item__status=ItemStatus.RESERVED)
            .values_list("pk", "offered_item__asset_tag", "offered_item__status"))
    return [f"hold {pk} is offered item {tag}, which is '{status}', not reserved" for pk, tag, status in rows]


def _sessions_over_capacity() -> list[str]:
    from activities.models import Session

    rows = (Session.objects.annotate(confirmed=Count("bookings", filter=Q(bookings__status="confirmed")))
            .filter(confirmed__gt=F("capacity")).values_list("pk", "confirmed", "capacity"))
    return [f"session {pk} has {n} confirmed bookings for {cap} places" for pk, n, cap in rows]


def _session_counters() -> list[str]:
    from activities.models import Session

    rows = (Session.objects.annotate(confirmed=Count("bookings", filter=Q(bookings__status="confirmed")))
            .exclude(confirmed=F("confirmed_count")).values_list("pk", "confirmed", "confirmed_count"))
    return [f"session {pk} counts {counter} confirmed places but has {n} confirmed bookings"
            for pk, n, counter in rows]


def _overlapping_appointments(field: str, end: str) -> Callable[[], list[str]]:
    def run() -> list[str]:
        from advice.models import Appointment

        live = Appointment.objects.exclude(status=Appointment.Status.CANCELLED)
        overlapping = live.filter(**{field: OuterRef(field)}, pk__gt=OuterRef("pk"),
                                  starts_at__lt=OuterRef(end), **{f"{end}__gt": OuterRef("starts_at")})
        rows = live.filter(Exists(overlapping)).order_by(field, "starts_at").values_list("pk", field, "starts_at")
        who = "advisor" if field == "advisor_id" else "person"
        return [f"appointment {pk} overlaps a later one of the same {who} (id {owner}) from {starts:%Y-%m-%d %H:%M}"
                for pk, owner, starts in rows]

    return run


def _people_without_hub() -> list[str]:
    from carehub.models import Hub, Person

    rows = Person.objects.exclude(Exists(Hub.objects.filter(pk=OuterRef("home_hub_id")))).values_list(
        "pk", "home_hub_id")
    return [f"person {pk} belongs to hub {hub_id}, which does not exist" for pk, hub_id in rows]


def _erased_people_with_personal_data() -> list[str]:
    from carehub.models import Person
    from carehub.privacy import ERASED_NAME

    rows = (Person.objects.filter(erased_at__isnull=False)
            .filter(~Q(first_name=ERASED_NAME) | ~Q(last_name="") | ~Q(phone="") | ~Q(email="")
                    | ~Q(document_number="") | Q(user__isnull=False))
            .values_list("pk", flat=True))
    return [f"person {pk} is erased but still holds personal values" for pk in rows]


def _erased_people_with_live_commitments() -> list[str]:
    """An erasure cancels what is upcoming and is refused while an item is out; a loan or booking made for the
    person at the very moment of the erasure (another desk, another transaction) would slip through."""
    from django.utils import timezone

    from activities.models import Booking
    from advice.models import Appointment
    from carehub.models import Person
    from lending.models import Hold, Loan

    now = timezone.now()
    person = OuterRef("pk")
    rows = Person.objects.filter(erased_at__isnull=False).filter(
        Exists(Loan.objects.filter(borrower=person, returned_at__isnull=True))
        | Exists(Hold.objects.filter(person=person, status__in=["waiting", "offered"]))
        | Exists(Booking.objects.filter(person=person, session__starts_at__gt=now).exclude(status="cancelled"))
        | Exists(Appointment.objects.filter(person=person, status="booked", starts_at__gt=now))
    ).values_list("pk", flat=True)
    return [f"person {pk} is erased but still has an active loan, open hold or upcoming booking/appointment"
            for pk in rows]


CHECKS = [
    Check("loan_one_active_per_item", "No item has two active loans", _items_with_two_active_loans),
    Check("item_status_matches_loans", "An item is 'on loan' exactly when it has an active loan",
          _items_status_against_loans),
    Check("loan_has_history", "Every loan has at least one history row", _loans_without_history),
    Check("offer_reserves_item", "An offered hold's item is reserved", _offers_without_reserved_item),
    Check("session_within_capacity", "No session has more confirmed bookings than places", _sessions_over_capacity),
    Check("session_counter_matches", "A session's confirmed counter matches its confirmed bookings",
          _session_counters),
    Check("advisor_no_overlap", "No advisor has overlapping appointments (buffer included)",
          _overlapping_appointments("advisor_id", "blocked_until")),
    Check("person_no_overlap", "No person has overlapping advice appointments",
          _overlapping_appointments("person_id", "ends_at")),
    Check("person_hub_exists", "Every person's home hub exists", _people_without_hub),
    Check("erasure_complete", "An erased person holds no personal value", _erased_people_with_personal_data),
    Check("erased_without_commitments", "An erased person has no active loan, open hold or upcoming booking",
          _erased_people_with_live_commitments),
]


def run_checks() -> dict[str, list[str]]:
    """Every check's breaches by check name (empty lists when clean)."""
    return {check.name: check.run() for check in CHECKS}


class Command(BaseCommand):
    help = "Check the database's invariants (loans, capacity, appointments, people) and report every breach."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="append", choices=[c.name for c in CHECKS],
                            help="Run only this check (repeatable).")

    def handle(self, *args, **options):
        only = set(options.get("check") or [])
        breaches = 0
        for check in CHECKS:
            if only and check.name not in only:
                continue
            found = check.run()
            breaches += len(found)
            if not found:
                self.stdout.write(f"ok      {check.name}: {check.description}")
                continue
            self.stdout.write(self.style.ERROR(f"BREACH  {check.name}: {check.description} — {len(found)} found"))
            for line in found[:LIMIT]:
                self.stdout.write(f"        - {line}")
            if len(found) > LIMIT:
                self.stdout.write(f"        … and {len(found) - LIMIT} more")
        if breaches:
            raise CommandError(f"{breaches} integrity breach(es) found.")
        self.stdout.write(self.style.SUCCESS("No integrity breach found."))
