"""Erase people: `manage.py erase_person 123 [456 …] --by coordinator --reason person_request [--yes]`.

The same erasure as the desk page and the API (carehub.privacy.erase_person): one transaction per person,
recorded with who and when. Used after restoring a backup older than some erasures (docs/operations.md):
the erasures recorded since the dump are applied again.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from carehub import errors, privacy
from carehub.models import PrivacyRecord
from carehub.permissions import access_for


class Command(BaseCommand):
    help = "Erase people's personal data for good (recorded as erasures by --by)."

    def add_arguments(self, parser):
        parser.add_argument("person_ids", type=int, nargs="+")
        parser.add_argument("--by", required=True, help="user name of the coordinator or administrator")
        parser.add_argument("--reason", required=True, choices=PrivacyRecord.Reason.values)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["by"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['by']!r}.")
        ids = options["person_ids"]
        if not options["yes"]:
            answer = input(f"Erase {len(ids)} person(s) for good: {ids}? Type 'erase' to confirm: ")
            if answer.strip() != "erase":
                raise CommandError("Nothing erased.")
        access = access_for(user)
        failed = 0
        for person_id in ids:
            try:
                privacy.erase_person(access=access, person_id=person_id, reason=options["reason"])
            except errors.DomainError as exc:
                failed += 1
                self.stderr.write(f"person {person_id}: {exc.code}: {exc.message}")
            else:
                self.stdout.write(f"person {person_id}: erased")
        if failed:
            raise CommandError(f"{failed} of {len(ids)} not erased.")
