"""`manage.py check_integrity` reports every breach of the invariants, each created here on purpose by
going around the services (and, where the database itself refuses, by dropping its constraint first —
inside the test's transaction, so it comes back afterwards)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from activities.models import Booking
from carehub.models import Person
from lending.models import Item, Loan
from tests.conftest import make_person, make_user

from .conftest import make_appointment, make_item, make_loan, make_service, make_session


def integrity() -> tuple[bool, str]:
    out = StringIO()
    try:
        call_command("check_integrity", stdout=out)
    except CommandError:
        return False, out.getvalue()
    return True, out.getvalue()


def drop(sqlite: list[str], postgresql: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in {"sqlite": sqlite, "postgresql": postgresql}[connection.vendor]:
            cursor.execute(statement)


def test_a_consistent_database_passes(rich_person):
    ok, out = integrity()
    assert ok, out
    assert "No integrity breach found" in out


def test_an_item_with_two_active_loans_is_reported(hub):
    drop(["DROP INDEX loan_one_active_per_item"], ["DROP INDEX loan_one_active_per_item"])
    item = make_item(hub, "WC-77", status="on_loan")
    make_loan(item, make_person(hub), returned=False)
    make_loan(item, make_person(hub), returned=False)
    ok, out = integrity()
    assert not ok
    assert "BREACH  loan_one_active_per_item" in out
    assert "item WC-77" in out and "2 active loans" in out


def test_an_item_on_loan_without_a_loan_is_reported(hub):
    make_item(hub, "WC-78", status="on_loan")
    ok, out = integrity()
    assert not ok and "item WC-78 is 'on_loan'" in out


def test_a_loan_written_without_history_is_reported(hub):
    item = make_item(hub, "WC-79")
    [loan] = Loan.objects.bulk_create([Loan(item=item, hub=hub, borrower=make_person(hub),
                                            due_on=timezone.localdate(), returned_at=timezone.now())])
    ok, out = integrity()
    assert not ok
    assert f"loan {loan.pk} has no history row" in out


def test_a_session_over_capacity_is_reported(hub):
    session = make_session(hub, capacity=1)
    for _ in range(2):  # straight into the table, past the booking service and its counter
        Booking.objects.create(session=session, person=make_person(hub), status="confirmed")
    ok, out = integrity()
    assert not ok
    assert f"session {session.pk} has 2 confirmed bookings for 1 places" in out
    assert "BREACH  session_counter_matches" in out


def test_overlapping_appointments_of_one_advisor_are_reported(hub, advisor):
    drop(["DROP TRIGGER advice_appointment_no_overlap_insert"],
         ["ALTER TABLE advice_appointment DROP CONSTRAINT advice_appointment_advisor_no_overlap"])
    service = make_service(hub)
    start = timezone.now() + timedelta(days=2)
    first = make_appointment(service, advisor, make_person(hub), starts_at=start)
    make_appointment(service, advisor, make_person(hub), starts_at=start + timedelta(minutes=10))
    ok, out = integrity()
    assert not ok
    assert "BREACH  advisor_no_overlap" in out
    assert f"appointment {first.pk} overlaps" in out


def test_a_cancelled_appointment_does_not_count_as_an_overlap(hub, advisor):
    service = make_service(hub)
    start = timezone.now() + timedelta(days=2)
    make_appointment(service, advisor, make_person(hub), starts_at=start, status="cancelled", cancelled_at=start)
    make_appointment(service, advisor, make_person(hub), starts_at=start)
    assert integrity()[0]


def test_a_childcare_counter_that_disagrees_with_the_bookings_is_reported(hub):
    from activities.models import Session

    session = make_session(hub)
    Session.objects.filter(pk=session.pk).update(childcare_places=4)
    Booking.objects.create(session=session, person=make_person(hub), status="confirmed", childcare_places=2,
                           childcare_ages="3,5")
    Session.objects.filter(pk=session.pk).update(confirmed_count=1)  # the seat is counted, the children are not
    ok, out = integrity()
    assert not ok
    assert f"session {session.pk} counts 0 children in childcare (4 places) but its confirmed bookings bring 2" in out


def test_a_person_whose_hub_is_gone_is_reported(hub):
    person = make_person(hub)
    # Foreign keys are checked at commit; the check runs before, then the row is put back.
    Person.objects.filter(pk=person.pk).update(home_hub_id=987654)
    ok, out = integrity()
    Person.objects.filter(pk=person.pk).update(home_hub_id=hub.pk)
    assert not ok
    assert f"person {person.pk} belongs to hub 987654" in out


def test_an_incomplete_erasure_is_reported(hub):
    person = make_person(hub, first_name="Jordi")
    Person.objects.filter(pk=person.pk).update(erased_at=timezone.now())
    ok, out = integrity()
    assert not ok and f"person {person.pk} is erased but still holds personal values" in out


def test_an_erased_person_who_kept_a_year_of_birth_is_reported(hub):
    from carehub.privacy import ERASED_NAME

    person = make_person(hub, first_name=ERASED_NAME, last_name="", phone="", email="", birth_year=1950)
    Person.objects.filter(pk=person.pk).update(erased_at=timezone.now())
    ok, out = integrity()
    assert not ok and f"person {person.pk} is erased but still holds personal values" in out


def test_one_check_can_be_run_alone(hub):
    make_item(hub, "WC-80", status="on_loan")
    out = StringIO()
    call_command("check_integrity", "--check", "loan_has_history", stdout=out)
    assert "item_status_matches_loans" not in out.getvalue()


def test_the_checks_take_one_query_each_whatever_the_data(rich_person, django_assert_max_num_queries):
    from carehub.management.commands.check_integrity import all_checks

    with django_assert_max_num_queries(len(all_checks())):
        integrity()


@pytest.mark.django_db(transaction=True)
def test_the_command_exits_with_status_1_on_a_breach(hub):
    import subprocess
    import sys

    make_item(hub, "WC-81", status="on_loan")
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip("the in-memory test database is not visible to another process")
    import os

    env = dict(os.environ)
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        env["DATABASE_URL"] = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    result = subprocess.run([sys.executable, "manage.py", "check_integrity"], env=env, capture_output=True,
                            text=True, cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "WC-81" in result.stdout
    Item.objects.all().delete()


def test_a_loan_made_to_a_person_while_they_were_erased_is_reported(hub):
    person = make_person(hub)
    make_loan(make_item(hub, "WC-82", status="on_loan"), person, returned=False)
    Person.objects.filter(pk=person.pk).update(erased_at=timezone.now(), first_name="[erased]", last_name="",
                                               phone="", email="")
    ok, out = integrity()
    assert not ok
    assert f"person {person.pk} is erased but still has an active loan" in out
