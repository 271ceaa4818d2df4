"""The advice API: exactly the endpoints of the issue, their status codes and `{"detail", "code"}` errors."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from advice.models import Appointment
from tests.conftest import bearer, make_caregiver, make_person

from .conftest import at

pytestmark = pytest.mark.django_db
BASE = "/api/v1/advice"


def post(client, url, body, headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def patch(client, url, body, headers):
    return client.patch(url, data=json.dumps(body), content_type="application/json", **headers)


def test_services_are_listed_per_hub_without_logging_in(hub, other_hub, service):
    response = Client().get(f"{BASE}/services", {"hub": hub.slug})
    assert response.status_code == 200
    [row] = response.json()
    assert row["id"] == service.pk and row["hub"] == hub.slug and row["modes"] == ["in_person"]
    assert Client().get(f"{BASE}/services", {"hub": other_hub.slug}).json() == []
    assert Client().get(f"{BASE}/services", {"hub": "nowhere"}).status_code == 404


def test_slots_have_advisor_service_and_times(hub, service, advisor, window, tuesday):
    response = Client().get(f"{BASE}/slots", {"hub": hub.slug, "service": service.pk,
                                              "date_from": tuesday.isoformat(), "date_to": tuesday.isoformat()})
    assert response.status_code == 200
    slots = response.json()
    assert len(slots) == 6
    assert set(slots[0]) == {"advisor", "service", "starts_at", "ends_at"}
    assert slots[0]["advisor"] == advisor.pk and slots[0]["service"] == service.pk


def test_slots_with_bad_input_are_422_not_500(hub, service):
    client = Client()
    assert client.get(f"{BASE}/slots", {"service": "abc"}).status_code == 422
    assert client.get(f"{BASE}/slots", {"service": service.pk, "date_from": "2026-02-31"}).status_code == 422
    assert client.get(f"{BASE}/slots").status_code == 422
    assert client.get(f"{BASE}/slots", {"service": 99999999999}).status_code == 422
    assert client.get(f"{BASE}/slots", {"service": 999999}).status_code == 404


def test_booking_returns_201_with_id_and_status(carer, service, advisor, window, tuesday):
    user, person = carer
    response = post(Client(), f"{BASE}/appointments", {
        "advisor": advisor.pk, "service": service.pk, "starts_at": at(tuesday, "10:30").isoformat(),
        "reason": "Contracte",
    }, bearer(user))
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "status"} and body["status"] == "booked"
    assert Appointment.objects.get(pk=body["id"]).person == person


def test_booking_a_taken_slot_is_409_with_detail_and_code(carer, hub, service, advisor, window, tuesday):
    user, _ = carer
    other, _ = make_caregiver(hub)
    body = {"advisor": advisor.pk, "service": service.pk, "starts_at": at(tuesday, "10:30").isoformat()}
    assert post(Client(), f"{BASE}/appointments", body, bearer(other)).status_code == 201
    response = post(Client(), f"{BASE}/appointments", body, bearer(user))
    assert response.status_code == 409
    assert response.json()["code"] == "slot_taken" and response.json()["detail"]


def test_booking_outside_availability_is_409(carer, service, advisor, window, tuesday):
    user, _ = carer
    response = post(Client(), f"{BASE}/appointments", {
        "advisor": advisor.pk, "service": service.pk, "starts_at": at(tuesday, "18:00").isoformat()}, bearer(user))
    assert response.status_code == 409
    assert response.json()["code"] == "slot_unavailable"
    assert Appointment.objects.count() == 0


def test_booking_needs_a_login(service, advisor, window, tuesday):
    response = post(Client(), f"{BASE}/appointments", {
        "advisor": advisor.pk, "service": service.pk, "starts_at": at(tuesday, "10:00").isoformat()}, {})
    assert response.status_code == 401


def test_booking_with_junk_is_422(carer, service, advisor):
    user, _ = carer
    for body in ({"advisor": "x", "service": service.pk, "starts_at": "2026-01-01T10:00"},
                 {"advisor": advisor.pk, "service": service.pk, "starts_at": "not a date"},
                 {"advisor": advisor.pk, "service": service.pk},
                 {"advisor": advisor.pk, "service": service.pk, "starts_at": "2030-01-01T10:00", "reason": "x" * 301}):
        assert post(Client(), f"{BASE}/appointments", body, bearer(user)).status_code == 422


def test_staff_book_for_a_person_with_person(desk, hub, service, advisor, window, tuesday):
    person = make_person(hub)
    response = post(Client(), f"{BASE}/appointments", {
        "advisor": advisor.pk, "service": service.pk, "starts_at": at(tuesday, "10:00").isoformat(),
        "person": person.pk}, bearer(desk))
    assert response.status_code == 201
    assert Appointment.objects.get(pk=response.json()["id"]).person == person


def test_staff_without_a_person_get_422(desk, service, advisor, window, tuesday):
    response = post(Client(), f"{BASE}/appointments", {
        "advisor": advisor.pk, "service": service.pk, "starts_at": at(tuesday, "10:00").isoformat()}, bearer(desk))
    assert response.status_code == 422 and response.json()["code"] == "person_required"


def _booked(carer, service, advisor, tuesday, hhmm="10:00"):
    user, _ = carer
    response = post(Client(), f"{BASE}/appointments", {
        "advisor": advisor.pk, "service": service.pk, "starts_at": at(tuesday, hhmm).isoformat()}, bearer(user))
    assert response.status_code == 201
    return response.json()["id"]


def test_mine_lists_the_callers_appointments_only(carer, hub, service, advisor, window, tuesday):
    mine = _booked(carer, service, advisor, tuesday)
    _booked(make_caregiver(hub), service, advisor, tuesday, "11:00")
    response = Client().get(f"{BASE}/appointments/mine", **bearer(carer[0]))
    assert response.status_code == 200
    assert [a["id"] for a in response.json()] == [mine]


def test_get_an_appointment_and_404_for_strangers(carer, hub, other_desk, service, advisor, window, tuesday):
    appointment_id = _booked(carer, service, advisor, tuesday)
    response = Client().get(f"{BASE}/appointments/{appointment_id}", **bearer(carer[0]))
    assert response.status_code == 200 and response.json()["status"] == "booked"
    stranger, _ = make_caregiver(hub)
    assert Client().get(f"{BASE}/appointments/{appointment_id}", **bearer(stranger)).status_code == 404
    assert Client().get(f"{BASE}/appointments/{appointment_id}", **bearer(other_desk)).status_code == 404
    assert Client().get(f"{BASE}/appointments/999999", **bearer(carer[0])).status_code == 404


def test_patch_reason_by_the_person(carer, service, advisor, window, tuesday):
    appointment_id = _booked(carer, service, advisor, tuesday)
    response = patch(Client(), f"{BASE}/appointments/{appointment_id}", {"reason": "Herència"}, bearer(carer[0]))
    assert response.status_code == 200 and response.json()["reason"] == "Herència"


def test_patch_outcome_by_the_advisor_after_the_start(carer, service, advisor, window, tuesday):
    appointment_id = _booked(carer, service, advisor, tuesday)
    response = patch(Client(), f"{BASE}/appointments/{appointment_id}", {"status": "attended"}, bearer(advisor))
    assert response.status_code == 409 and response.json()["code"] == "appointment_not_started"
    now = timezone.now()
    Appointment.objects.filter(pk=appointment_id).update(starts_at=now - timedelta(hours=1),
                                                         ends_at=now - timedelta(minutes=30),
                                                         blocked_until=now - timedelta(minutes=30))
    response = patch(Client(), f"{BASE}/appointments/{appointment_id}", {"status": "attended"}, bearer(advisor))
    assert response.status_code == 200 and response.json()["status"] == "attended"
    response = patch(Client(), f"{BASE}/appointments/{appointment_id}", {"status": "banana"}, bearer(advisor))
    assert response.status_code == 422


def test_patch_outcome_by_the_person_is_403_and_changes_nothing(carer, service, advisor, window, tuesday):
    appointment_id = _booked(carer, service, advisor, tuesday)
    response = patch(Client(), f"{BASE}/appointments/{appointment_id}",
                     {"status": "attended", "reason": "nou"}, bearer(carer[0]))
    assert response.status_code == 403 and response.json()["code"] == "outcome_forbidden"
    appointment = Appointment.objects.get(pk=appointment_id)
    assert appointment.status == "booked" and appointment.reason == ""


def test_cancel_by_the_person_frees_the_slot(carer, hub, service, advisor, window, tuesday):
    appointment_id = _booked(carer, service, advisor, tuesday)
    response = post(Client(), f"{BASE}/appointments/{appointment_id}/cancel", {}, bearer(carer[0]))
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = post(Client(), f"{BASE}/appointments/{appointment_id}/cancel", {}, bearer(carer[0]))
    assert again.status_code == 409 and again.json()["code"] == "appointment_not_changeable"
    assert _booked(make_caregiver(hub), service, advisor, tuesday)


def test_cancel_respects_the_services_notice_for_the_person_but_not_for_the_desk(carer, desk, hub, advisor):
    from .conftest import make_service, publish

    service = make_service(hub, cancel_notice_hours=24)
    publish(advisor, service, weekday=1)
    _, person = carer
    soon = timezone.now() + timedelta(hours=3)
    appointment = Appointment.objects.create(service=service, advisor=advisor, hub=hub, person=person,
                                             starts_at=soon, ends_at=soon + timedelta(minutes=30),
                                             blocked_until=soon + timedelta(minutes=30))
    response = post(Client(), f"{BASE}/appointments/{appointment.pk}/cancel", {}, bearer(carer[0]))
    assert response.status_code == 409 and response.json()["code"] == "cancel_too_late"
    response = post(Client(), f"{BASE}/appointments/{appointment.pk}/cancel", {}, bearer(desk))
    assert response.status_code == 200


def test_extreme_dates_give_an_answer_not_a_500(carer, hub, service, advisor, window):
    client = Client()
    assert client.get(f"{BASE}/slots", {"service": service.pk, "date_from": "9999-12-31"}).status_code == 200
    assert client.get(f"{BASE}/slots", {"service": service.pk, "date_to": "0001-01-01"}).status_code == 422
    response = post(client, f"{BASE}/appointments", {
        "advisor": advisor.pk, "service": service.pk, "starts_at": "9999-12-31T23:30:00-05:00"}, bearer(carer[0]))
    assert response.status_code == 409
    response = post(client, f"{BASE}/appointments", {
        "advisor": advisor.pk, "service": service.pk, "starts_at": "0001-01-01T00:00:00+05:00"}, bearer(carer[0]))
    assert response.status_code == 422
