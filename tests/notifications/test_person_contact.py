"""Phone numbers stored in E.164, still found as the desk types them; a channel for everyone."""

import pytest
from django.apps import apps
from django.db import connection

from carehub.models import Person
from tests.conftest import make_hub, make_person

pytestmark = pytest.mark.django_db


def test_a_phone_is_stored_in_e164():
    person = make_person(make_hub(), phone="612 34 56 78")
    assert person.phone == "+34612345678" and person.phone_valid


def test_a_phone_that_does_not_parse_is_kept_as_typed_and_flagged():
    person = make_person(make_hub(), phone="ext. 12")
    assert person.phone == "ext. 12" and person.phone_valid is False


def test_the_desk_still_finds_a_person_by_the_digits_typed_with_spaces(client):
    from carehub.models import Role
    from tests.conftest import make_user

    hub = make_hub()
    person = make_person(hub, phone="612 345 678")
    desk = make_user(roles=[(Role.DESK, hub)])
    client.force_login(desk)
    from carehub import selectors
    from carehub.permissions import access_for

    for typed in ("612 345 678", "612345678", "+34 612 345 678", "345 678"):
        assert list(selectors.search_people(access_for(desk), query=typed)) == [person], typed


@pytest.mark.parametrize(("email", "phone", "expected"), [
    ("a@example.org", "612345678", "email"), ("", "612345678", "sms"), ("", "932564100", "call"), ("", "", "call"),
])
def test_a_person_gets_a_channel_from_the_contact_data_they_have(email, phone, expected):
    assert make_person(make_hub(), email=email, phone=phone).notify_by == expected


def test_the_migration_normalises_existing_phones_and_flags_the_rest():
    import importlib

    migration = importlib.import_module("carehub.migrations.0004_normalise_phones")
    hub = make_hub()
    good, bad = make_person(hub), make_person(hub)
    Person.objects.filter(pk=good.pk).update(phone="612 34 56 78", search_text="x", notify_by="")
    Person.objects.filter(pk=bad.pk).update(phone="ask at the desk", notify_by="", email="")
    migration.forwards(apps, connection.schema_editor())
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.phone, good.phone_valid, good.notify_by) == ("+34612345678", True, "email")
    assert "34612345678" in good.search_text
    assert (bad.phone, bad.phone_valid, bad.notify_by) == ("ask at the desk", False, "call")
