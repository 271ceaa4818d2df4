"""Existing people: phones to E.164 where they parse (unparseable ones kept as typed, flagged phone_valid=False),
search text refreshed with the new digits, and a channel derived from the contact data they have."""

from django.db import migrations


def forwards(apps, schema_editor):
    from carehub.models import fold
    from carehub.notifications import phones

    Person = apps.get_model("carehub", "Person")
    batch = []
    for person in Person.objects.only(
        "id", "first_name", "last_name", "phone", "email", "document_number", "notify_by"
    ).iterator(chunk_size=2000):
        person.phone, person.phone_valid = phones.normalise(person.phone)
        if not person.notify_by:
            person.notify_by = phones.default_channel(email=person.email, phone=person.phone)
        digits = "".join(ch for ch in person.phone if ch.isdigit())
        person.search_text = " ".join(
            part for part in (fold(person.first_name), fold(person.last_name), digits, fold(person.document_number))
            if part
        )
        batch.append(person)
        if len(batch) >= 2000:
            Person.objects.bulk_update(batch, ["phone", "phone_valid", "notify_by", "search_text"])
            batch = []
    if batch:
        Person.objects.bulk_update(batch, ["phone", "phone_valid", "notify_by", "search_text"])


class Migration(migrations.Migration):
    dependencies = [("carehub", "0003_person_contact_and_messages")]

    # No reverse: the typed spacing of old numbers is not worth keeping; going back leaves E.164 numbers.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
