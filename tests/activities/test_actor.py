"""Every audited activities change records who made it, whether it came through a bearer token or a page."""

import pytest
from django.urls import reverse

from activities import services
from activities.models import Activity, ActivityKind, Booking, Frequency, GroupAttendance, GroupMembership, Session
from carehub.permissions import access_for
from tests.conftest import bearer, client_for, make_caregiver, make_person

from .helpers import at, coordinator_of, make_activity, make_session

pytestmark = pytest.mark.django_db

JSON = "application/json"


def test_an_activity_programmed_with_a_token_records_the_coordinator(client, hub):
    coordinator = coordinator_of(hub)
    response = client.post("/api/v1/activities", {
        "hub": hub.slug, "title": "Passejada", "kind": "outdoor", "capacity": 10,
        "starts_at": at(2, 10).isoformat(), "ends_at": at(2, 11).isoformat()}, content_type=JSON, **bearer(coordinator))
    assert response.status_code == 201
    activity = Activity.objects.get(pk=response.json()["id"])
    assert [h.history_user for h in activity.history.all()] == [coordinator]
    assert [h.history_user for h in Session.history.filter(activity_id=activity.pk)] == [coordinator]


def test_a_session_changed_with_a_token_records_the_coordinator(client, hub):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator)
    response = client.patch(f"/api/v1/activities/sessions/{session.pk}", {"capacity": 9}, content_type=JSON,
                            **bearer(coordinator))
    assert response.status_code == 200
    latest = session.history.first()
    assert (latest.capacity, latest.history_user) == (9, coordinator)


def test_a_booking_and_its_cancellation_with_a_token_record_the_caregiver(client, hub):
    user, _person = make_caregiver(hub)
    session = make_session(hub)
    headers = bearer(user)
    booking_id = client.post(f"/api/v1/activities/sessions/{session.pk}/bookings", {}, content_type=JSON,
                             **headers).json()["id"]
    client.post(f"/api/v1/activities/bookings/{booking_id}/cancel", **headers)
    history = Booking.objects.get(pk=booking_id).history.order_by("history_date", "history_id")
    assert [(h.status, h.history_user) for h in history] == [("confirmed", user), ("cancelled", user)]


def test_attendance_marked_with_a_token_records_the_desk(client, hub, desk, carer, time_machine):
    session = make_session(hub, days=0, hour=9)
    booking = services.book_session(access=access_for(carer[0]), session_id=session.pk)
    time_machine.move_to(at(0, 9, 5), tick=False)  # attendance is taken once the session has started
    response = client.post(f"/api/v1/activities/bookings/{booking.pk}/attendance", {"attendance": "attended"},
                           content_type=JSON, **bearer(desk))
    assert response.status_code == 200
    latest = Booking.objects.get(pk=booking.pk).history.first()
    assert (latest.attendance, latest.history_user) == ("attended", desk)


@pytest.fixture
def group(hub, facilitator):
    return make_activity(hub, kind=ActivityKind.SUPPORT_GROUP, title="Grup de suport", frequency=Frequency.WEEKLY,
                         occurrences=2, capacity=10, facilitator=facilitator)


def test_a_request_to_join_from_the_page_records_the_caregiver_and_the_approval_the_facilitator(
        hub, group, facilitator):
    user, person = make_caregiver(hub)
    client_for(user).post(reverse("activities:group-request", args=[group.pk]))
    membership = GroupMembership.objects.get(activity=group, person=person)
    client_for(facilitator).post(reverse("activities:membership-decide", args=[membership.pk]),
                                 {"decision": "approve"})
    history = membership.history.order_by("history_date", "history_id")
    assert [(h.status, h.history_user) for h in history] == [("requested", user), ("member", facilitator)]


def test_group_attendance_from_the_page_records_the_facilitator(hub, group, facilitator):
    member = make_person(hub)
    services.enrol_member(access=access_for(coordinator_of(hub)), activity_id=group.pk, person_id=member.pk)
    session = group.sessions.order_by("starts_at").first()
    Session.objects.filter(pk=session.pk).update(starts_at=at(0, 8), ends_at=at(0, 9))
    response = client_for(facilitator).post(reverse("activities:group-attendance", args=[session.pk]),
                                            {"attended": [member.pk]})
    assert response.status_code == 302
    row = GroupAttendance.objects.get(session=session, person=member)
    assert [(h.attended, h.history_user) for h in row.history.all()] == [(True, facilitator)]
