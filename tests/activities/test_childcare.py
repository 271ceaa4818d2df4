"""Childcare places ("canguratge"): an activity offers places for children up to an age; a booking asks for
some (ages only), confirmed, waitlisted, promoted and cancelled together with its seat. The concurrent race
is in test_childcare_concurrency.py (PostgreSQL)."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from activities import services
from activities.models import Activity, ActivityKind, Booking, Frequency, Session
from carehub import errors, privacy
from carehub.notifications.models import Message
from carehub.permissions import access_for
from tests.conftest import client_for, load_demo, make_caregiver, make_person

from .helpers import at, coordinator_of, make_activity, make_session

pytestmark = pytest.mark.django_db

JSON = "application/json"



@pytest.fixture(autouse=True)
def caregivers_read_english(monkeypatch):
    """The caregivers these tests sign up read English (their pages and messages follow their language), so
    that the assertions read the msgids."""
    import tests.conftest as factories

    original = factories.make_person
    monkeypatch.setattr(factories, "make_person",
                        lambda hub, **fields: original(hub, **{"preferred_language": "en", **fields}))


def childcare_session(hub, *, capacity=5, childcare=3, max_age=10, **fields):
    return make_session(hub, capacity=capacity, childcare_places=childcare, childcare_max_age=max_age, **fields)


def book(user, session, ages=(), person=None):
    return services.book_session(access=access_for(user), session_id=session.pk, childcare=len(ages),
                                 childcare_ages=list(ages), person_id=person.pk if person else None)


def cancel(user, booking):
    return services.cancel_booking(access=access_for(user), booking_id=booking.pk)


def counters(session):
    session = Session.objects.get(pk=session.pk)
    return session.confirmed_count, session.childcare_confirmed


def statuses(*bookings):
    return [Booking.objects.get(pk=b.pk).status for b in bookings]


def caregivers(hub, n):
    return [make_caregiver(hub)[0] for _ in range(n)]


# --- the offer ----------------------------------------------------------------------------------------------
def test_programming_childcare_gives_every_session_its_childcare_places(hub):
    activity = make_activity(hub, frequency=Frequency.WEEKLY, occurrences=3, childcare_places=4, childcare_max_age=8)
    assert list(activity.sessions.values_list("childcare_places", "childcare_confirmed")) == [(4, 0)] * 3


def test_childcare_needs_an_age_limit(hub):
    with pytest.raises(errors.ValidationFailed) as refused:
        make_activity(hub, childcare_places=4)
    assert (refused.value.code, refused.value.field) == ("childcare_max_age_required", "childcare_max_age")


def test_a_support_group_cannot_offer_childcare(hub):
    with pytest.raises(errors.ValidationFailed) as refused:
        make_activity(hub, kind=ActivityKind.SUPPORT_GROUP, childcare_places=4, childcare_max_age=8)
    assert refused.value.code == "childcare_support_group"


def test_the_database_refuses_more_children_than_childcare_places(hub):
    session = childcare_session(hub, childcare=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(childcare_confirmed=F("childcare_places") + 1)


def test_the_database_refuses_childcare_without_an_age_limit(hub):
    activity = make_activity(hub)
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(childcare_places=3)


# --- booking ------------------------------------------------------------------------------------------------
def test_a_seat_with_childcare_is_confirmed_with_both_counted(hub, carer):
    session = childcare_session(hub, capacity=5, childcare=3)
    booking = book(carer[0], session, ages=[3, 7])
    assert (booking.status, booking.childcare_status, booking.childcare_places) == ("confirmed", "confirmed", 2)
    assert Booking.objects.get(pk=booking.pk).childcare_age_list == [3, 7]
    assert counters(session) == (1, 2)


def test_a_booking_without_childcare_says_so_and_takes_no_childcare_place(hub, carer):
    session = childcare_session(hub)
    booking = book(carer[0], session)
    assert booking.childcare_status == "not_requested"
    assert counters(session) == (1, 0)


def test_a_free_seat_with_full_childcare_waits_as_one_booking(hub):
    session = childcare_session(hub, capacity=5, childcare=2)
    first, second = caregivers(hub, 2)
    book(first, session, ages=[2, 4])
    waiting = book(second, session, ages=[5])
    assert (waiting.status, waiting.childcare_status, waiting.childcare_full) == ("waitlisted", "waitlisted", True)
    assert counters(session) == (1, 2)  # neither its seat nor its child was confirmed


def test_a_full_session_waitlists_the_seat_and_its_childcare_together(hub):
    session = childcare_session(hub, capacity=1, childcare=3)
    first, second = caregivers(hub, 2)
    book(first, session)
    waiting = book(second, session, ages=[1])
    assert (waiting.status, waiting.childcare_status, waiting.childcare_full) == ("waitlisted", "waitlisted", False)
    assert counters(session) == (1, 0)


@pytest.mark.parametrize(("ages", "code"), [
    ([1, 2, 3, 4], "childcare_too_many"),  # more children than the session's childcare places
    ([11], "childcare_age_over_max"),
    ([-1], "childcare_age_invalid"),
])
def test_a_childcare_request_that_does_not_fit_the_activity_is_refused(hub, carer, ages, code):
    session = childcare_session(hub, childcare=3, max_age=10)
    with pytest.raises(errors.ValidationFailed) as refused:
        book(carer[0], session, ages=ages)
    assert refused.value.code == code
    assert not Booking.objects.exists() and counters(session) == (0, 0)


def test_a_family_larger_than_a_booking_may_bring_is_refused(hub, carer):
    session = childcare_session(hub, childcare=20)
    with pytest.raises(errors.ValidationFailed) as refused:
        book(carer[0], session, ages=[3] * 7)
    assert refused.value.code == "childcare_too_many"


def test_childcare_asked_of_an_activity_without_it_is_refused(hub, carer):
    session = make_session(hub)
    with pytest.raises(errors.ValidationFailed) as refused:
        book(carer[0], session, ages=[4])
    assert refused.value.code == "childcare_not_offered"


def test_each_child_needs_an_age(hub, carer):
    session = childcare_session(hub)
    with pytest.raises(errors.ValidationFailed) as refused:
        services.book_session(access=access_for(carer[0]), session_id=session.pk, childcare=2, childcare_ages=[4])
    assert refused.value.code == "childcare_ages_mismatch"


# --- cancelling and the waitlist -----------------------------------------------------------------------------
def test_cancelling_frees_the_seat_and_the_childcare_for_the_next_who_fits(hub):
    session = childcare_session(hub, capacity=2, childcare=2)
    first, second = caregivers(hub, 2)
    held = book(first, session, ages=[3, 5])
    waiting = book(second, session, ages=[2, 6])
    cancel(first, held)
    assert statuses(held, waiting) == ["cancelled", "confirmed"]
    assert counters(session) == (1, 2)
    [promoted] = Message.objects.filter(kind="booking_promoted")
    assert promoted.person_id == waiting.person_id and "Childcare: confirmed for 2 children." in promoted.body


def test_a_seat_freed_goes_to_the_first_who_fits_past_one_waiting_for_childcare(hub):
    """FIFO among those that fit: a caregiver without children is not kept out of a free seat."""
    session = childcare_session(hub, capacity=2, childcare=1)
    with_child, seat_only, needs_child, behind = caregivers(hub, 4)
    book(with_child, session, ages=[4])
    leaving = book(seat_only, session)
    waiting_for_childcare = book(needs_child, session, ages=[6])
    next_seat = book(behind, session)
    cancel(seat_only, leaving)
    assert statuses(waiting_for_childcare, next_seat) == ["waitlisted", "confirmed"]
    assert counters(session) == (2, 1)


def test_the_earliest_childcare_request_keeps_its_claim_on_the_childcare_places(hub):
    """A request for two children is not overtaken by a later request for one when a single place frees."""
    session = childcare_session(hub, capacity=6, childcare=4)
    one, two, family, later = caregivers(hub, 4)
    first = book(one, session, ages=[3])
    book(two, session, ages=[4, 5])
    waiting_for_two = book(family, session, ages=[2, 8])  # 1 childcare place left: waits
    waiting_for_one = book(later, session, ages=[7])  # 1 place would do, but the earlier request claims it
    assert statuses(waiting_for_two, waiting_for_one) == ["waitlisted", "waitlisted"]
    assert counters(session) == (2, 3)
    cancel(one, first)  # 2 childcare places free: the earliest request goes first
    assert statuses(waiting_for_two, waiting_for_one) == ["confirmed", "waitlisted"]
    assert counters(session) == (2, 4)


def test_a_new_childcare_request_waits_behind_an_earlier_one(hub):
    session = childcare_session(hub, capacity=6, childcare=2)
    one, family, later = caregivers(hub, 3)
    book(one, session, ages=[3])
    waiting = book(family, session, ages=[2, 8])
    newcomer = book(later, session, ages=[5])
    assert statuses(waiting, newcomer) == ["waitlisted", "waitlisted"] and newcomer.childcare_full
    seat_only = book(make_caregiver(hub)[0], session)
    assert seat_only.status == "confirmed"  # seats are not held back by a wait for childcare
    assert counters(session) == (2, 1)


def test_cancelling_a_place_booked_after_a_childcare_request_began_waiting_locks_in_order(hub):
    """The waiting request has the lower primary key: the cancellation must lock it before the booking it
    cancels (carehub.locking refuses the reverse order, which would have been a 500)."""
    session = childcare_session(hub, capacity=3, childcare=1)
    first, family, late = caregivers(hub, 3)
    book(first, session, ages=[3])
    waiting = book(family, session, ages=[4])
    seat_only = book(late, session)
    assert seat_only.pk > waiting.pk and statuses(waiting, seat_only) == ["waitlisted", "confirmed"]
    cancel(late, seat_only)
    assert statuses(waiting, seat_only) == ["waitlisted", "cancelled"]
    assert counters(session) == (1, 1)


def test_raising_the_seats_confirms_only_bookings_whose_childcare_fits(hub):
    coordinator = coordinator_of(hub)
    session = childcare_session(hub, capacity=1, childcare=1, coordinator=coordinator)
    first, family, seat_only = caregivers(hub, 3)
    book(first, session, ages=[4])
    with_child = book(family, session, ages=[6])
    without = book(seat_only, session)
    services.change_session(access=access_for(coordinator), session_id=session.pk, capacity=3)
    assert statuses(with_child, without) == ["waitlisted", "confirmed"]
    assert counters(session) == (2, 1)


def test_a_cancelled_session_keeps_its_counters(hub):
    coordinator = coordinator_of(hub)
    session = childcare_session(hub, coordinator=coordinator)
    book(make_caregiver(hub)[0], session, ages=[3, 4])
    services.change_session(access=access_for(coordinator), session_id=session.pk, cancel=True)
    assert counters(session) == (1, 2)


# --- the coordinator changes the childcare --------------------------------------------------------------------
def test_raising_the_childcare_places_confirms_the_waiting_requests_that_now_fit(hub):
    coordinator = coordinator_of(hub)
    session = childcare_session(hub, capacity=5, childcare=1, coordinator=coordinator)
    first, second = caregivers(hub, 2)
    book(first, session, ages=[3])
    waiting = book(second, session, ages=[5])
    services.update_activity(access=access_for(coordinator), activity_id=session.activity_id, childcare_places=2)
    assert statuses(waiting) == ["confirmed"]
    session.refresh_from_db()
    assert (session.childcare_places, session.childcare_confirmed) == (2, 2)
    assert Message.objects.filter(kind="booking_promoted", person_id=waiting.person_id).exists()


def test_fewer_childcare_places_than_children_booked_is_refused_for_the_whole_series(hub):
    coordinator = coordinator_of(hub)
    activity = make_activity(hub, coordinator=coordinator, frequency=Frequency.WEEKLY, occurrences=2,
                             childcare_places=3, childcare_max_age=10)
    later = activity.sessions.order_by("starts_at").last()
    book(make_caregiver(hub)[0], later, ages=[3, 4])
    with pytest.raises(errors.Conflict) as refused:
        services.update_activity(access=access_for(coordinator), activity_id=activity.pk, childcare_places=1)
    assert (refused.value.code, refused.value.field) == ("childcare_below_booked", "childcare_places")
    assert set(activity.sessions.values_list("childcare_places", flat=True)) == {3}
    activity.refresh_from_db()
    assert activity.childcare_places == 3


def test_fewer_childcare_places_than_a_waiting_request_is_refused(hub):
    """Else that request could never be confirmed, and would hold its claim forever."""
    coordinator = coordinator_of(hub)
    session = childcare_session(hub, capacity=1, childcare=3, coordinator=coordinator)
    book(make_caregiver(hub)[0], session)
    book(make_caregiver(hub)[0], session, ages=[2, 3, 4])
    with pytest.raises(errors.Conflict) as refused:
        services.update_activity(access=access_for(coordinator), activity_id=session.activity_id, childcare_places=2)
    assert refused.value.code == "childcare_below_booked"


def test_childcare_can_be_withdrawn_while_nobody_asks_for_it_and_cancelled_sessions_keep_theirs(hub):
    coordinator = coordinator_of(hub)
    activity = make_activity(hub, coordinator=coordinator, frequency=Frequency.WEEKLY, occurrences=2,
                             childcare_places=3, childcare_max_age=10)
    first, second = activity.sessions.order_by("starts_at")
    services.change_session(access=access_for(coordinator), session_id=first.pk, cancel=True)
    services.update_activity(access=access_for(coordinator), activity_id=activity.pk, childcare_places=0)
    assert dict(activity.sessions.values_list("pk", "childcare_places")) == {first.pk: 3, second.pk: 0}
    with pytest.raises(errors.ValidationFailed) as refused:
        book(make_caregiver(hub)[0], second, ages=[4])
    assert refused.value.code == "childcare_not_offered"


def test_a_lower_age_limit_applies_to_new_requests_only(hub):
    coordinator = coordinator_of(hub)
    session = childcare_session(hub, max_age=10, coordinator=coordinator)
    booked = book(make_caregiver(hub)[0], session, ages=[9])
    services.update_activity(access=access_for(coordinator), activity_id=session.activity_id, childcare_max_age=6)
    assert statuses(booked) == ["confirmed"]
    with pytest.raises(errors.ValidationFailed) as refused:
        book(make_caregiver(hub)[0], session, ages=[9])
    assert refused.value.code == "childcare_age_over_max"


# --- walk-ins ---------------------------------------------------------------------------------------------
def test_a_walk_in_whose_waiting_booking_asks_for_full_childcare_is_refused(hub, desk, time_machine):
    session = childcare_session(hub, capacity=3, childcare=1, days=0, hour=12)
    book(make_caregiver(hub)[0], session, ages=[4])
    user, person = make_caregiver(hub)
    waiting = book(user, session, ages=[5])
    time_machine.move_to(session.starts_at)
    with pytest.raises(errors.Conflict) as refused:
        services.record_walk_in(access=access_for(desk), session_id=session.pk, person_id=person.pk)
    assert refused.value.code == "childcare_full"
    assert statuses(waiting) == ["waitlisted"] and counters(session) == (1, 1)


def test_a_walk_in_with_a_waiting_childcare_booking_takes_both_when_free(hub, desk, time_machine):
    session = childcare_session(hub, capacity=1, childcare=2, days=0, hour=12)
    book(make_caregiver(hub)[0], session)
    user, person = make_caregiver(hub)
    book(user, session, ages=[5])
    Session.objects.filter(pk=session.pk).update(capacity=2)  # a place the waitlist has not been given yet
    time_machine.move_to(session.starts_at)
    booking = services.record_walk_in(access=access_for(desk), session_id=session.pk, person_id=person.pk)
    assert (booking.status, booking.attendance) == ("confirmed", "attended")
    assert counters(session) == (2, 1)


# --- API ----------------------------------------------------------------------------------------------------
def test_api_books_a_seat_with_childcare_and_answers_its_status(hub, carer):
    session = childcare_session(hub, childcare=3)
    response = client_for(carer[0]).post(f"/api/v1/activities/sessions/{session.pk}/bookings",
                                         {"childcare": 2, "childcare_ages": [3, 6]}, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["childcare"], body["childcare_ages"], body["childcare_status"]) == (
        "confirmed", 2, [3, 6], "confirmed")
    mine = client_for(carer[0]).get("/api/v1/activities/bookings/mine").json()
    assert mine[0]["childcare_status"] == "confirmed"


def test_api_booking_without_childcare_answers_not_requested(hub, carer):
    response = client_for(carer[0]).post(f"/api/v1/activities/sessions/{childcare_session(hub).pk}/bookings", {},
                                         content_type=JSON)
    assert (response.json()["childcare"], response.json()["childcare_status"]) == (0, "not_requested")


def test_api_childcare_waits_with_the_seat(hub):
    session = childcare_session(hub, childcare=1)
    book(make_caregiver(hub)[0], session, ages=[2])
    user, _person = make_caregiver(hub)
    body = client_for(user).post(f"/api/v1/activities/sessions/{session.pk}/bookings",
                                 {"childcare": 1, "childcare_ages": [4]}, content_type=JSON).json()
    assert (body["status"], body["childcare_status"], body["waitlist_position"]) == ("waitlisted", "waitlisted", 1)


@pytest.mark.parametrize(("payload", "code"), [
    ({"childcare": 4, "childcare_ages": [1, 2, 3, 4]}, "childcare_too_many"),
    ({"childcare": 1, "childcare_ages": [12]}, "childcare_age_over_max"),
    ({"childcare": 2, "childcare_ages": [3]}, "childcare_ages_mismatch"),
    ({"childcare": 0, "childcare_ages": [3]}, "childcare_ages_mismatch"),
])
def test_api_refuses_a_childcare_request_that_does_not_fit_with_422(hub, carer, payload, code):
    session = childcare_session(hub, childcare=3, max_age=10)
    response = client_for(carer[0]).post(f"/api/v1/activities/sessions/{session.pk}/bookings", payload,
                                         content_type=JSON)
    assert response.status_code == 422
    assert response.json()["code"] == code and response.json()["detail"]


def test_api_refuses_childcare_where_there_is_none_with_422(hub, carer):
    response = client_for(carer[0]).post(f"/api/v1/activities/sessions/{make_session(hub).pk}/bookings",
                                         {"childcare": 1, "childcare_ages": [3]}, content_type=JSON)
    assert (response.status_code, response.json()["code"]) == (422, "childcare_not_offered")


def test_api_sessions_show_the_childcare_left(client, hub):
    session = childcare_session(hub, childcare=3, max_age=10)
    book(make_caregiver(hub)[0], session, ages=[3])
    body = client.get(f"/api/v1/activities/sessions/{session.pk}").json()
    assert (body["childcare_places"], body["childcare_left"], body["childcare_max_age"]) == (3, 2, 10)
    plain = client.get(f"/api/v1/activities/sessions/{make_session(hub).pk}").json()
    assert (plain["childcare_places"], plain["childcare_left"], plain["childcare_max_age"]) == (0, None, None)


def test_api_programmes_and_changes_an_activitys_childcare(hub):
    coordinator = coordinator_of(hub)
    client = client_for(coordinator)
    response = client.post("/api/v1/activities", {
        "hub": hub.slug, "title": "Taller amb canguratge", "kind": "workshop", "capacity": 10,
        "starts_at": at(4).isoformat(), "ends_at": at(4, 12).isoformat(), "childcare_places": 5,
        "childcare_max_age": 9}, content_type=JSON)
    assert response.status_code == 201, response.content
    assert (response.json()["childcare_places"], response.json()["childcare_max_age"]) == (5, 9)
    activity_id = response.json()["id"]
    changed = client.patch(f"/api/v1/activities/{activity_id}", {"childcare_places": 8}, content_type=JSON)
    assert changed.status_code == 200, changed.content
    assert changed.json()["childcare_places"] == 8
    assert Session.objects.get(activity_id=activity_id).childcare_places == 8


def test_api_refuses_childcare_without_an_age_limit_and_below_the_booked(hub):
    coordinator = coordinator_of(hub)
    client = client_for(coordinator)
    response = client.post("/api/v1/activities", {
        "hub": hub.slug, "title": "Xerrada", "kind": "talk", "capacity": 10, "starts_at": at(4).isoformat(),
        "ends_at": at(4, 12).isoformat(), "childcare_places": 5}, content_type=JSON)
    assert (response.status_code, response.json()["code"]) == (422, "childcare_max_age_required")
    session = childcare_session(hub, childcare=3, coordinator=coordinator)
    book(make_caregiver(hub)[0], session, ages=[3, 4])
    lowered = client.patch(f"/api/v1/activities/{session.activity_id}", {"childcare_places": 1},
                           content_type=JSON)
    assert (lowered.status_code, lowered.json()["code"]) == (409, "childcare_below_booked")


def test_api_only_the_hubs_coordinator_changes_the_childcare(hub, desk):
    session = childcare_session(hub)
    response = client_for(desk).patch(f"/api/v1/activities/{session.activity_id}", {"childcare_places": 9},
                                      content_type=JSON)
    assert response.status_code == 403 and response.json()["code"] == "programme_forbidden"


# --- pages --------------------------------------------------------------------------------------------------
def test_the_booking_page_asks_about_childcare_only_when_the_activity_offers_it(hub, carer):
    client = client_for(carer[0])
    page = client.get(childcare_session(hub, childcare=2, max_age=6).get_absolute_url()).content.decode()
    assert "Do you need childcare?" in page and "up to 6 years old" in page
    assert 'name="child_1"' in page and 'name="child_2"' in page and 'name="child_3"' not in page
    plain = client.get(make_session(hub).get_absolute_url()).content.decode()
    assert "Do you need childcare?" not in plain and 'name="child_1"' not in plain


def test_a_caregiver_books_with_childcare_from_the_page_and_sees_it_confirmed(hub, carer):
    session = childcare_session(hub, childcare=3)
    client = client_for(carer[0])
    response = client.post(reverse("activities:book", args=[session.pk]),
                           {"child_1": "4", "child_2": "", "child_3": "0", "next": session.get_absolute_url()},
                           follow=True)
    page = response.content.decode()
    assert "has a place, and childcare for 2 children" in page
    assert "Childcare: 2 children, ages 4, 0" in page and "confirmed with your place" in page
    mine = client.get(reverse("activities:mine")).content.decode()
    assert "Childcare: 2 children, ages 4, 0" in mine and "confirmed with the place" in mine
    assert counters(session) == (1, 2)


def test_a_booking_page_without_ages_books_no_childcare(hub, carer):
    session = childcare_session(hub)
    client_for(carer[0]).post(reverse("activities:book", args=[session.pk]), {"child_1": "", "child_2": ""})
    assert counters(session) == (1, 0)


def test_the_page_says_when_childcare_is_why_the_booking_waits(hub):
    session = childcare_session(hub, childcare=1)
    book(make_caregiver(hub)[0], session, ages=[3])
    user, _person = make_caregiver(hub)
    page = client_for(user).post(reverse("activities:book", args=[session.pk]), {"child_1": "5"},
                                 follow=True).content.decode()
    assert "The childcare is full" in page and "place and childcare together" in page
    mine = client_for(user).get(reverse("activities:mine")).content.decode()
    assert "waiting with the place: both are confirmed together" in mine


def test_an_age_over_the_limit_is_shown_next_to_the_childcare_question(hub, carer):
    session = childcare_session(hub, max_age=10)
    response = client_for(carer[0]).post(reverse("activities:book", args=[session.pk]), {"child_1": "15"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Do you need childcare?" in page
    assert '<p class="error" id="id_child_1_error">The childcare is for children up to 10 years old.</p>' in page
    assert not Booking.objects.exists()


def test_fewer_childcare_places_since_the_page_was_loaded_is_said_next_to_the_question(hub, carer):
    """The page offered three children; the coordinator lowered the childcare to one meanwhile: the booking
    is refused with the reason, never made with a child silently left out."""
    coordinator = coordinator_of(hub)
    session = childcare_session(hub, childcare=3, coordinator=coordinator)
    assert 'name="child_3"' in client_for(carer[0]).get(session.get_absolute_url()).content.decode()
    services.update_activity(access=access_for(coordinator), activity_id=session.activity_id, childcare_places=1)
    response = client_for(carer[0]).post(reverse("activities:book", args=[session.pk]),
                                         {"child_1": "6", "child_2": "9", "child_3": ""})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Childcare can be asked for at most 1 child per booking." in page and 'role="alert"' in page
    assert not Booking.objects.exists()


def test_the_programme_sends_a_caregiver_to_the_session_page_to_ask_for_childcare(hub, carer):
    session = childcare_session(hub)
    page = client_for(carer[0]).get(reverse("activities:programme")).content.decode()
    assert "Book, with childcare if you need it" in page and f'href="{session.get_absolute_url()}"' in page
    assert "Childcare: 3 places left" in page


def test_the_participants_list_shows_each_bookings_children_and_ages_without_names(hub, desk):
    session = childcare_session(hub, childcare=4, days=1)
    parent = make_person(hub, first_name="Laia")
    services.book_session(access=access_for(desk), session_id=session.pk, person_id=parent.pk, childcare=2,
                          childcare_ages=[3, 7])
    page = client_for(desk).get(session.get_absolute_url()).content.decode()
    assert "Laia" in page and "Childcare: 2 children, ages 3, 7" in page
    assert "Childcare: 2 of 4 children confirmed" in page


def test_the_desk_books_a_person_with_childcare_from_book_for(hub, desk):
    session = childcare_session(hub, childcare=3)
    parent = make_person(hub, first_name="Pau")
    client = client_for(desk)
    found = client.get(reverse("activities:book-for", args=[session.pk]), {"q": "Pau"}).content.decode()
    with_childcare = f"{session.get_absolute_url()}?person={parent.pk}"
    assert "Book with childcare" in found and with_childcare in found
    page = client.get(with_childcare).content.decode()
    assert "Do you need childcare?" in page and 'id="id_for_child_1"' in page
    response = client.post(reverse("activities:book", args=[session.pk]),
                           {"person": parent.pk, "child_1": "2", "next": reverse("person-detail", args=[parent.pk])})
    assert response.status_code == 302
    booking = Booking.objects.get(person=parent)
    assert (booking.status, booking.childcare_places, booking.childcare_age_list) == ("confirmed", 1, [2])
    assert "Childcare: 1 child, age 2" in client.get(with_childcare).content.decode()


def test_the_coordinator_offers_childcare_on_the_activity_form(hub):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator)
    client = client_for(coordinator)
    url = reverse("activities:activity-edit", args=[session.activity_id])
    assert 'name="childcare_places"' in client.get(url).content.decode()
    fields = {"title": "Xerrada", "language": "ca", "childcare_places": "4"}
    missing_age = client.post(url, fields)
    assert missing_age.status_code == 200 and "Say up to what age" in missing_age.content.decode()
    response = client.post(url, {**fields, "childcare_max_age": "8"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.childcare_places, session.activity.childcare_max_age) == (4, 8)
    assert "4 places per session for children up to 8" in client.get(response["Location"]).content.decode()


def test_the_activity_form_says_why_childcare_cannot_go_below_the_booked(hub):
    coordinator = coordinator_of(hub)
    session = childcare_session(hub, childcare=3, coordinator=coordinator)
    book(make_caregiver(hub)[0], session, ages=[1, 2])
    response = client_for(coordinator).post(reverse("activities:activity-edit", args=[session.activity_id]),
                                            {"title": "Xerrada", "language": "ca", "childcare_places": "1",
                                             "childcare_max_age": "10"})
    assert response.status_code == 200
    assert "2 childcare places are already booked or asked for" in response.content.decode()


def test_a_new_activity_with_childcare_from_the_page(hub):
    from datetime import timedelta

    from django.utils import timezone
    coordinator = coordinator_of(hub)
    response = client_for(coordinator).post(reverse("activities:activity-new"), {
        "title": "Ioga per a cuidadores", "kind": "workshop", "language": "ca", "capacity": 12,
        "date": (timezone.localdate() + timedelta(days=5)).isoformat(), "start_time": "10:00",
        "end_time": "11:00", "frequency": "once", "childcare_places": "3", "childcare_max_age": "5"})
    assert response.status_code == 302
    assert Session.objects.get(activity__title="Ioga per a cuidadores").childcare_places == 3


# --- messages -----------------------------------------------------------------------------------------------
def test_the_confirmation_mentions_the_childcare(hub):
    user, person = make_caregiver(hub, preferred_language="en")
    book(user, childcare_session(hub), ages=[3])
    [message] = Message.objects.filter(person=person, kind="booking_confirmed")
    assert "Childcare: confirmed for 1 child." in message.body


def test_a_confirmation_without_childcare_says_nothing_of_it(hub):
    user, person = make_caregiver(hub, preferred_language="en")
    book(user, childcare_session(hub))
    assert "Childcare" not in Message.objects.get(person=person, kind="booking_confirmed").body


def test_the_waitlist_message_says_childcare_is_full_and_waits_with_the_place(hub):
    session = childcare_session(hub, childcare=1)
    book(make_caregiver(hub)[0], session, ages=[3])
    user, person = make_caregiver(hub, preferred_language="en")
    book(user, session, ages=[4])
    message = Message.objects.get(person=person, kind="booking_waitlisted")
    assert "The childcare is full" in message.body
    assert "Childcare for 1 child waits with your place" in message.body


def test_the_desks_call_text_mentions_the_childcare(hub):
    user, person = make_caregiver(hub, preferred_language="en")
    book(user, childcare_session(hub), ages=[3, 4])
    message = Message.objects.get(person=person, kind="booking_confirmed")
    assert "Their childcare for 2 children is confirmed too." in message.call_text


# --- privacy ------------------------------------------------------------------------------------------------
def test_the_export_includes_the_childcare_asked_for(hub, coordinator):
    user, person = make_caregiver(hub)
    book(user, childcare_session(hub), ages=[3, 8])
    exported = privacy.export_person(access=access_for(coordinator), person_id=person.pk)
    [row] = exported["activities"]["bookings"]
    assert (row["childcare_children"], row["childcare_ages"], row["childcare_status"]) == (2, [3, 8], "confirmed")


def test_erasure_clears_the_ages_keeps_the_count_and_frees_the_childcare(hub, coordinator, time_machine):
    session = childcare_session(hub, childcare=2)
    past = childcare_session(hub, childcare=2, days=1)
    user, person = make_caregiver(hub)
    upcoming = book(user, session, ages=[3, 5])
    held = book(user, past, ages=[4])
    waiting = book(make_caregiver(hub)[0], session, ages=[6])
    time_machine.move_to(past.ends_at)
    privacy.erase_person(access=access_for(coordinator), person_id=person.pk, reason="person_request")
    held.refresh_from_db()
    assert (held.status, held.childcare_places, held.childcare_ages) == ("confirmed", 1, "")
    assert statuses(upcoming, waiting) == ["cancelled", "confirmed"]
    assert counters(session) == (1, 1)
    history = Booking.history.model
    assert "childcare_ages" not in {f.name for f in history._meta.fields}
    assert history.objects.filter(id=held.pk, childcare_places=1).exists()


# --- demo ---------------------------------------------------------------------------------------------------
def test_every_demo_hub_has_an_activity_with_childcare():
    from carehub.models import Hub

    load_demo()
    offering = Activity.objects.filter(childcare_places__gt=0, childcare_max_age__isnull=False)
    assert set(offering.values_list("hub_id", flat=True)) == set(Hub.objects.values_list("pk", flat=True))
    assert not Session.objects.filter(activity__in=offering, starts_at__gt=at(0), childcare_places=0).exists()


# --- queries ------------------------------------------------------------------------------------------------
def _queries(call):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_asking_for_childcare_costs_one_query_more_than_a_seat_alone(hub):
    """The one extra read: whether an earlier request for childcare is still waiting (its claim)."""
    session = childcare_session(hub)
    seat, child = caregivers(hub, 2)
    without = _queries(lambda: book(seat, session))
    with_children = _queries(lambda: book(child, session, ages=[3, 4]))
    assert with_children == without + 1


def test_cancelling_with_childcare_promotes_in_as_many_queries_as_without(hub):
    plain, with_childcare = make_session(hub, capacity=1), childcare_session(hub, capacity=1, childcare=2)
    counts = []
    for session, ages in ((plain, []), (with_childcare, [3, 4])):
        first, second = caregivers(hub, 2)
        held = book(first, session, ages=ages)
        waiting = book(second, session, ages=ages)
        counts.append(_queries(lambda first=first, held=held: cancel(first, held)))
        assert statuses(waiting) == ["confirmed"]
    assert counts[0] == counts[1]


def test_a_support_groups_form_does_not_offer_childcare(hub):
    coordinator = coordinator_of(hub)
    group = make_activity(hub, coordinator=coordinator, kind=ActivityKind.SUPPORT_GROUP)
    page = client_for(coordinator).get(reverse("activities:activity-edit", args=[group.pk])).content.decode()
    assert 'name="title"' in page and 'name="childcare_places"' not in page
