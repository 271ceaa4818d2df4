"""Check the database's invariants and report every breach: `manage.py check_integrity`.

Most invariants are also database constraints (a unique partial index, check constraints, an exclusion
constraint); this command finds what got past them anyway — a restored backup from before a constraint
existed, a hand-made SQL fix, a bulk import that bypassed the services, a dropped index. One query per check,
whatever the size of the database. Exit code 0 when clean, 1 when any breach is found (cron and monitoring
alert on it; docs/operations.md).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, OuterRef, Q

from carehub.integrity import Check
from carehub.registry import hooks

LIMIT = 50  # breaches listed per check; the count is always complete


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
                    | ~Q(document_number="") | Q(user__isnull=False) | Q(birth_year__isnull=False)
                    | Q(email_verified_at__isnull=False))
            .values_list("pk", flat=True))
    return [f"person {pk} is erased but still holds personal values" for pk in rows]


CORE_CHECKS = [
    Check("person_hub_exists", "Every person's home hub exists", _people_without_hub),
    Check("erasure_complete", "An erased person holds no personal value", _erased_people_with_personal_data),
]


def all_checks() -> list[Check]:
    """The core's checks, then each app's (registry hook `integrity_checks`), one query each."""
    found = list(CORE_CHECKS)
    for _app, app_checks in hooks("integrity_checks"):
        found.extend(app_checks())
    return found


def run_checks() -> dict[str, list[str]]:
    """Every check's breaches by check name (empty lists when clean)."""
    return {check.name: check.run() for check in all_checks()}


class Command(BaseCommand):
    help = "Check the database's invariants (loans, capacity, appointments, people) and report every breach."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="append", choices=[c.name for c in all_checks()],
                            help="Run only this check (repeatable).")

    def handle(self, *args, **options):
        only = set(options.get("check") or [])
        breaches = 0
        for check in all_checks():
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
