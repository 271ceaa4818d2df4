"""Export everything held about a person as JSON: `manage.py export_person 123 --by coordinator [-o file]`.

The same export as the desk page and the API (carehub.privacy.export_person), recorded in the same way: the
user named by --by must be allowed to export this person (a coordinator of their hub or an administrator).
"""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from carehub import errors, privacy
from carehub.models import PrivacyRecord
from carehub.permissions import access_for


class Command(BaseCommand):
    help = "Export everything held about a person as JSON (recorded as an export by --by)."

    def add_arguments(self, parser):
        parser.add_argument("person_id", type=int)
        parser.add_argument("--by", required=True, help="user name of the coordinator or administrator")
        parser.add_argument("--reason", default=PrivacyRecord.Reason.PERSON_REQUEST,
                            choices=PrivacyRecord.Reason.values)
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["by"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['by']!r}.")
        try:
            data = privacy.export_person(access=access_for(user), person_id=options["person_id"],
                                         reason=options["reason"])
        except errors.DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}")
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as out:
                out.write(text + "\n")
        else:
            self.stdout.write(text)
