"""PostgreSQL: the real race, the row lock, and the exclusion constraint itself."""

import threading
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from advice import errors, services
from advice.models import Appointment
from carehub.models import Role
from carehub.permissions import access_for
from tests.conftest import make_caregiver, make_hub, make_person, make_user

from .conftest import at, make_service, next_weekday, publish
from .test_writes import NOTIFY

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_ten_bookings_race_for_one_slot_and_exactly_one_wins():
    hub = make_hub()
    advisor = make_user(roles=[(Role.ADVISOR, hub)])
    service = make_service(hub)
    publish(advisor, service, weekday=1)
    starts_at = at(next_weekday(1), "10:00")
    callers = [make_caregiver(hub)[0] for _ in range(10)]
    barrier = threading.Barrier(len(callers))
    outcomes = []

    def attempt(user):
        try:
            barrier.wait()
            services.book_appointment(access=access_for(user), service=service, advisor_id=advisor.pk,
                                      starts_at=starts_at)
            outcomes.append(201)
        except errors.DomainError as exc:
            outcomes.append(exc.status)
        except Exception as exc:  # anything else would be a 500
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(user,)) for user in callers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == [201] + [409] * 9
    assert Appointment.objects.filter(advisor=advisor).count() == 1


@pytest.mark.django_db(transaction=True)
def test_ten_api_bookings_race_for_one_slot():
    """The same race through the HTTP API: one 201, nine 409, no 500."""
    import json

    from django.test import Client

    from tests.conftest import bearer

    hub = make_hub()
    advisor = make_user(roles=[(Role.ADVISOR, hub)])
    service = make_service(hub)
    publish(advisor, service, weekday=1)
    starts_at = at(next_weekday(1), "11:00")
    headers = [bearer(make_caregiver(hub)[0]) for _ in range(10)]
    barrier = threading.Barrier(len(headers))
    statuses = []

    def attempt(header):
        try:
            barrier.wait()
            response = Client().post("/api/v1/advice/appointments", data=json.dumps({
                "advisor": advisor.pk, "service": service.pk, "starts_at": starts_at.isoformat()}),
                content_type="application/json", **header)
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(h,)) for h in headers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * 9


@pytest.mark.django_db
def test_booking_locks_advisor_person_and_service_for_update_in_that_order():
    """The booking's SQL holds the locks that make the race above safe, in carehub.locking's order."""
    hub = make_hub()
    advisor = make_user(roles=[(Role.ADVISOR, hub)])
    service = make_service(hub)
    publish(advisor, service, weekday=1)
    user, _ = make_caregiver(hub)
    access = access_for(user)
    access.person
    ContentType.objects.get_for_model(Appointment)  # cached once per process, as in test_writes.py
    with CaptureQueriesContext(connection) as queries:
        services.book_appointment(access=access, service=service, advisor_id=advisor.pk,
                                  starts_at=at(next_weekday(1), "10:00"))
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert [sql.split(" FOR UPDATE OF ")[1].split()[0].strip('"()') for sql in locks] == [
        "auth_user", "carehub_person", "advice_adviceservice"], locks
    sql = [q["sql"] for q in queries.captured_queries]
    timeout = next(i for i, q in enumerate(sql) if q.startswith("SET LOCAL lock_timeout"))
    assert timeout < sql.index(locks[0])  # a lock that cannot be had in time is Busy, not a long wait
    # As tests/advice/test_writes.py counts it on PostgreSQL: 15, plus the confirmation notify() writes.
    assert len(queries.captured_queries) == 15 + NOTIFY


@pytest.mark.django_db
def test_the_exclusion_constraint_rejects_an_overlapping_insert():
    hub, other_hub = make_hub(), make_hub()
    advisor = make_user(roles=[(Role.ADVISOR, hub), (Role.ADVISOR, other_hub)])
    here, there = make_service(hub), make_service(other_hub)
    start = at(next_weekday(1), "10:00")
    Appointment.objects.create(service=here, advisor=advisor, hub=hub, person=make_person(hub), starts_at=start,
                               ends_at=start + timedelta(minutes=30), blocked_until=start + timedelta(minutes=45))
    # Straight into the table, past the service and its lock: the database itself refuses.
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Appointment.objects.create(service=there, advisor=advisor, hub=other_hub, person=make_person(other_hub),
                                   starts_at=start + timedelta(minutes=40), ends_at=start + timedelta(minutes=70),
                                   blocked_until=start + timedelta(minutes=70))
    assert "advice_appointment_advisor_no_overlap" in str(caught.value)
    # Touching ranges are fine ([) half-open), and a cancelled appointment does not count.
    Appointment.objects.create(service=there, advisor=advisor, hub=other_hub, person=make_person(other_hub),
                               starts_at=start + timedelta(minutes=45), ends_at=start + timedelta(minutes=75),
                               blocked_until=start + timedelta(minutes=75))
    Appointment.objects.create(service=here, advisor=advisor, hub=hub, person=make_person(hub), starts_at=start,
                               ends_at=start + timedelta(minutes=30), blocked_until=start + timedelta(minutes=30),
                               status="cancelled", cancelled_at=start)


@pytest.mark.django_db
def test_the_exclusion_constraint_rejects_a_person_in_two_places():
    hub = make_hub()
    first, second = make_user(roles=[(Role.ADVISOR, hub)]), make_user(roles=[(Role.ADVISOR, hub)])
    service = make_service(hub)
    person = make_person(hub)
    start = at(next_weekday(1), "10:00")
    Appointment.objects.create(service=service, advisor=first, hub=hub, person=person, starts_at=start,
                               ends_at=start + timedelta(minutes=30), blocked_until=start + timedelta(minutes=30))
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Appointment.objects.create(service=service, advisor=second, hub=hub, person=person,
                                   starts_at=start + timedelta(minutes=15), ends_at=start + timedelta(minutes=45),
                                   blocked_until=start + timedelta(minutes=45))
    assert "advice_appointment_person_no_overlap" in str(caught.value)
