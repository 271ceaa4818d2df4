import pytest

from activities.models import ActivityKind, Booking
from tests.conftest import bearer, make_caregiver, make_person

from .helpers import at, coordinator_of, make_session

pytestmark = pytest.mark.django_db

JSON = "application/json"


def test_session_list_is_public_with_the_documented_fields(client, hub):
    session = make_session(hub, capacity=4)
    response = client.get("/api/v1/activities/sessions")
    assert response.status_code == 200
    row = response.json()["items"][0]
    assert {"id", "title", "kind", "hub", "starts_at", "ends_at", "capacity", "seats_left", "language"} <= set(row)
    assert row["id"] == session.pk and row["seats_left"] == 4 and row["hub"] == hub.slug


def test_session_list_filters(client, hub, other_hub):
    make_session(hub, title="A", capacity=1)
    make_session(other_hub, title="B", kind=ActivityKind.OUTDOOR, language="es")
    titles = lambda **q: [r["title"] for r in client.get("/api/v1/activities/sessions", q).json()["items"]]  # noqa
    assert titles(hub=hub.slug) == ["A"]
    assert titles(kind="outdoor") == ["B"]
    assert titles(language="es") == ["B"]
    assert titles(date_from="2000-01-01", date_to="2000-01-02") == []
    assert client.get("/api/v1/activities/sessions", {"date_from": "nope"}).status_code == 422
    assert client.get("/api/v1/activities/sessions", {"kind": "nope"}).status_code == 422


def test_coordinator_creates_a_series_and_gets_201_with_session_ids(client, hub):
    coordinator = coordinator_of(hub)
    response = client.post("/api/v1/activities", {
        "hub": hub.slug, "title": "Passejada", "kind": "outdoor", "language": "ca", "capacity": 10,
        "starts_at": at(2, 10).isoformat(), "ends_at": at(2, 11).isoformat(),
        "recurrence": {"frequency": "weekly", "count": 6},
    }, content_type=JSON, **bearer(coordinator))
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["sessions"]) == 6 and all(isinstance(i, int) for i in body["sessions"])


def test_desk_cannot_create_activities(client, hub, desk):
    response = client.post("/api/v1/activities", {
        "hub": hub.slug, "title": "X", "kind": "talk", "language": "ca", "capacity": 10,
        "starts_at": at(2, 10).isoformat(), "ends_at": at(2, 11).isoformat(),
    }, content_type=JSON, **bearer(desk))
    assert response.status_code == 403 and response.json()["code"]


def test_caregiver_books_with_empty_body_then_second_booking_is_409(client, hub):
    user, _ = make_caregiver(hub)
    session = make_session(hub, capacity=1)
    url = f"/api/v1/activities/sessions/{session.pk}/bookings"
    first = client.post(url, {}, content_type=JSON, **bearer(user))
    assert first.status_code == 201
    assert set(first.json()) >= {"id", "status"} and first.json()["status"] == "confirmed"
    second = client.post(url, {}, content_type=JSON, **bearer(user))
    assert second.status_code == 409 and second.json()["code"] == "already_booked"


def test_full_session_booking_is_201_waitlisted_with_position(client, hub):
    session = make_session(hub, capacity=1)
    url = f"/api/v1/activities/sessions/{session.pk}/bookings"
    client.post(url, {}, content_type=JSON, **bearer(make_caregiver(hub)[0]))
    user, _ = make_caregiver(hub)
    response = client.post(url, {}, content_type=JSON, **bearer(user))
    assert response.status_code == 201
    assert response.json()["status"] == "waitlisted" and response.json()["waitlist_position"] == 1


def test_staff_book_for_a_person(client, hub, desk):
    person = make_person(hub)
    session = make_session(hub)
    response = client.post(f"/api/v1/activities/sessions/{session.pk}/bookings", {"person": person.pk},
                           content_type=JSON, **bearer(desk))
    assert response.status_code == 201 and response.json()["person"] == person.pk


def test_get_cancel_and_mine(client, hub):
    user, _ = make_caregiver(hub)
    session = make_session(hub)
    booking_id = client.post(f"/api/v1/activities/sessions/{session.pk}/bookings", {}, content_type=JSON,
                             **bearer(user)).json()["id"]
    assert client.get(f"/api/v1/activities/bookings/{booking_id}", **bearer(user)).json()["status"] == "confirmed"
    mine = client.get("/api/v1/activities/bookings/mine", **bearer(user)).json()
    assert [b["id"] for b in mine] == [booking_id]
    cancelled = client.post(f"/api/v1/activities/bookings/{booking_id}/cancel", **bearer(user))
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = client.post(f"/api/v1/activities/bookings/{booking_id}/cancel", **bearer(user))
    assert again.status_code == 409


def test_another_caregiver_gets_404_for_my_booking(client, hub):
    user, _ = make_caregiver(hub)
    session = make_session(hub)
    booking_id = client.post(f"/api/v1/activities/sessions/{session.pk}/bookings", {}, content_type=JSON,
                             **bearer(user)).json()["id"]
    stranger = make_caregiver(hub)[0]
    assert client.get(f"/api/v1/activities/bookings/{booking_id}", **bearer(stranger)).status_code == 404
    assert client.post(f"/api/v1/activities/bookings/{booking_id}/cancel", **bearer(stranger)).status_code == 404


def test_anonymous_booking_is_401(client, hub):
    session = make_session(hub)
    response = client.post(f"/api/v1/activities/sessions/{session.pk}/bookings", {}, content_type=JSON)
    assert response.status_code == 401


def test_patch_reschedules_changes_capacity_and_cancels(client, hub):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator, capacity=2)
    url = f"/api/v1/activities/sessions/{session.pk}"
    moved = client.patch(url, {"starts_at": at(5, 16).isoformat(), "ends_at": at(5, 17).isoformat()},
                         content_type=JSON, **bearer(coordinator))
    assert moved.status_code == 200, moved.content
    client.post(f"{url}/bookings", {}, content_type=JSON, **bearer(make_caregiver(hub)[0]))
    client.post(f"{url}/bookings", {}, content_type=JSON, **bearer(make_caregiver(hub)[0]))
    lowered = client.patch(url, {"capacity": 1}, content_type=JSON, **bearer(coordinator))
    assert lowered.status_code == 409 and lowered.json()["code"] == "capacity_below_confirmed"
    cancelled = client.patch(url, {"status": "cancelled"}, content_type=JSON, **bearer(coordinator))
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert Booking.objects.filter(session=session).count() == 2


def test_nonsense_input_is_4xx_never_500(client, hub):
    user, _ = make_caregiver(hub)
    assert client.post("/api/v1/activities/sessions/999999/bookings", {}, content_type=JSON,
                       **bearer(user)).status_code == 404
    assert client.post("/api/v1/activities/sessions/1/bookings", "{bad", content_type=JSON,
                       **bearer(user)).status_code == 400
    coordinator = coordinator_of(hub)
    response = client.post("/api/v1/activities", {"hub": hub.slug, "title": "X", "kind": "talk", "capacity": 0,
                                                  "starts_at": "x", "ends_at": "y"},
                           content_type=JSON, **bearer(coordinator))
    assert response.status_code == 422
    response = client.post("/api/v1/activities", {
        "hub": hub.slug, "title": "X", "kind": "talk", "capacity": 3, "starts_at": at(2, 12).isoformat(),
        "ends_at": at(2, 11).isoformat()}, content_type=JSON, **bearer(coordinator))
    assert response.status_code == 422


def test_session_list_queries_stay_bounded(client, hub, django_assert_max_num_queries):
    from activities.models import Frequency
    from .helpers import make_activity
    make_activity(hub, frequency=Frequency.WEEKLY, occurrences=40)
    make_activity(hub, frequency=Frequency.WEEKLY, occurrences=40, title="Passejada")
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/activities/sessions", {"limit": 100})
    assert len(response.json()["items"]) == 80


@pytest.mark.parametrize("who", ["planner", "other_desk", "advisor", "facilitator"])
def test_staff_outside_the_hubs_desk_cannot_read_a_booking(client, hub, who, request):
    user, _ = make_caregiver(hub)
    session = make_session(hub)
    booking_id = client.post(f"/api/v1/activities/sessions/{session.pk}/bookings", {}, content_type=JSON,
                             **bearer(user)).json()["id"]
    staff = request.getfixturevalue(who)
    assert client.get(f"/api/v1/activities/bookings/{booking_id}", **bearer(staff)).status_code == 404
