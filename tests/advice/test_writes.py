"""Every advice write: its exact number of queries (service and endpoint), that it records who acted, and that
its locks keep carehub.locking's order.

The counts are exact so that a new query in a write path is a decision, not an accident. PostgreSQL adds one
statement per locking transaction (`SET LOCAL lock_timeout`, carehub.locking).

A booking and a cancellation write the person's message in their transaction (carehub.notifications.notify):
three queries each — a savepoint, the INSERT and its release (the unique idempotency key answers a repeat; the
savepoint keeps a concurrent twin's unique-key clash from breaking the booking's transaction).
"""

import json
from datetime import time, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from advice import services
from advice.models import AdviceService, Appointment, Availability, AvailabilityException
from carehub.permissions import access_for
from tests.conftest import bearer, client_for, is_postgres

from .conftest import at

pytestmark = pytest.mark.django_db
BASE = "/api/v1/advice"


# What notify() adds to a write that tells the person (see the module docstring).
NOTIFY = 3


@pytest.fixture(autouse=True)
def content_type_cached(db):
    """notify() names the appointment's content type, which Django looks up once per process and then caches: a
    running server pays that query once. Cached here so that no count depends on which test ran first."""
    ContentType.objects.get_for_model(Appointment)


def locking(n: int) -> int:
    """`n` queries, plus PostgreSQL's lock timeout statement in a transaction that locks."""
    return n + (1 if is_postgres() else 0)


@pytest.fixture
def booked(carer, service, advisor, window, tuesday):
    return services.book_appointment(access=access_for(carer[0]), service=service, advisor_id=advisor.pk,
                                     starts_at=at(tuesday, "10:00"))


@pytest.fixture
def started(booked):
    """The booked appointment, moved to have started an hour ago (the outcome can be recorded)."""
    now = timezone.now()
    Appointment.objects.filter(pk=booked.pk).update(starts_at=now - timedelta(hours=1),
                                                    ends_at=now - timedelta(minutes=30),
                                                    blocked_until=now - timedelta(minutes=30))
    return booked


def api(method, url, user, body=None):
    return getattr(Client(), method)(url, data=json.dumps(body or {}), content_type="application/json",
                                     **bearer(user))


# --- exact query counts ---------------------------------------------------------------------------------
def test_booking_takes_an_exact_number_of_queries(carer, service, advisor, window, tuesday,
                                                  django_assert_num_queries):
    access = access_for(carer[0])
    access.person  # the caller's access (and person) is built before the service runs, as in a view
    with django_assert_num_queries(locking(14 + NOTIFY)):
        services.book_appointment(access=access, service=service, advisor_id=advisor.pk,
                                  starts_at=at(tuesday, "10:00"))


def test_the_booking_endpoint_takes_an_exact_number_of_queries(carer, service, advisor, window, tuesday,
                                                               django_assert_num_queries):
    body = {"advisor": advisor.pk, "service": service.pk, "starts_at": at(tuesday, "10:00").isoformat()}
    with django_assert_num_queries(locking(19 + NOTIFY)):
        response = api("post", f"{BASE}/appointments", carer[0], body)
    assert response.status_code == 201


def test_cancelling_takes_an_exact_number_of_queries(carer, booked, django_assert_num_queries):
    access = access_for(carer[0])
    access.person
    with django_assert_num_queries(locking(5 + NOTIFY)):
        services.cancel_appointment(access=access, appointment_id=booked.pk)


def test_the_cancel_endpoint_takes_an_exact_number_of_queries(carer, booked, django_assert_num_queries):
    with django_assert_num_queries(locking(9 + NOTIFY)):
        response = api("post", f"{BASE}/appointments/{booked.pk}/cancel", carer[0])
    assert response.status_code == 200


def test_recording_the_outcome_takes_an_exact_number_of_queries(advisor, started, django_assert_num_queries):
    access = access_for(advisor)
    access.person
    with django_assert_num_queries(locking(5)):
        services.record_outcome(access=access, appointment_id=started.pk, status="attended")


def test_the_outcome_endpoint_takes_an_exact_number_of_queries(advisor, started, django_assert_num_queries):
    with django_assert_num_queries(locking(10)):
        response = api("patch", f"{BASE}/appointments/{started.pk}", advisor, {"status": "attended"})
    assert response.status_code == 200


def test_saving_a_case_note_takes_an_exact_number_of_queries(advisor, booked, django_assert_num_queries):
    access = access_for(advisor)
    access.person
    with django_assert_num_queries(locking(7)):
        services.save_case_note(access=access, appointment_id=booked.pk, text="Primera visita")


def test_the_case_note_endpoint_takes_an_exact_number_of_queries(advisor, booked, django_assert_num_queries):
    with django_assert_num_queries(locking(12)):
        response = api("patch", f"{BASE}/appointments/{booked.pk}", advisor, {"notes": "Primera visita"})
    assert response.status_code == 200


def test_publishing_hours_takes_an_exact_number_of_queries(advisor, service, django_assert_num_queries):
    access = access_for(advisor)
    access.person
    with django_assert_num_queries(locking(7)):
        services.add_availability(access=access, service=service, advisor_id=advisor.pk, weekday=3,
                                  start_time=time(16), end_time=time(19))


def test_the_publish_hours_page_takes_an_exact_number_of_queries(advisor, service, django_assert_num_queries):
    client = client_for(advisor)
    with django_assert_num_queries(locking(15)):
        response = client.post(reverse("advice:availability"), {
            "what": "window", "window-service": service.pk, "window-advisor": advisor.pk, "window-weekday": 3,
            "window-start_time": "16:00", "window-end_time": "19:00"})
    assert response.status_code == 302


# --- the actor: every audited model records who wrote it -----------------------------------------------
def test_a_booking_through_a_token_records_the_token_user_as_the_actor(carer, service, advisor, window, tuesday):
    body = {"advisor": advisor.pk, "service": service.pk, "starts_at": at(tuesday, "10:00").isoformat()}
    response = api("post", f"{BASE}/appointments", carer[0], body)
    assert response.status_code == 201
    assert Appointment.history.get(id=response.json()["id"]).history_user == carer[0]


def test_a_cancel_through_a_token_records_the_token_user_as_the_actor(desk, booked):
    assert api("post", f"{BASE}/appointments/{booked.pk}/cancel", desk).status_code == 200
    assert Appointment.history.filter(id=booked.pk).latest("history_date").history_user == desk


def test_a_service_created_on_the_page_records_the_coordinator(coordinator, hub):
    """AdviceService has no write endpoint in the API: the page is where it is written."""
    client_for(coordinator).post(reverse("advice:manage-services"), {
        "hub": hub.slug, "kind": "other", "name": "Habitatge", "appointment_minutes": 40, "buffer_minutes": 0,
        "in_person": "on", "cancel_notice_hours": 0, "is_active": "on"})
    service = AdviceService.objects.get(name="Habitatge")
    assert service.history.get().history_user == coordinator


def test_hours_published_on_the_page_record_the_advisor(advisor, service):
    client_for(advisor).post(reverse("advice:availability"), {
        "what": "window", "window-service": service.pk, "window-advisor": advisor.pk, "window-weekday": 3,
        "window-start_time": "16:00", "window-end_time": "19:00"})
    assert Availability.history.get().history_user == advisor


def test_a_day_off_added_on_the_page_records_the_advisor(advisor, service):
    day = timezone.localdate() + timedelta(days=10)
    client_for(advisor).post(reverse("advice:availability"), {
        "what": "exception", "exception-advisor": advisor.pk, "exception-date": day.isoformat(),
        "exception-kind": "closed"})
    assert AvailabilityException.history.get().history_user == advisor
