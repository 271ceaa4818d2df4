"""Booking as caregivers expect it (issue 16): companion places, a confirmation page, a confirmation step before
cancelling, a clash warning, booking a whole series, and a signed link in every message."""

import pytest
from django.utils import timezone

from activities import errors as activity_errors
from activities import links, reminders, services
from activities.integrity import checks
from activities.models import Activity, Booking, Frequency, Session
from carehub import errors
from carehub.notifications.models import Message
from carehub.permissions import access_for
from tests.conftest import client_for, make_caregiver

from .helpers import coordinator_of, make_activity, make_session

pytestmark = pytest.mark.django_db


def with_companions(session, n=2):
    Activity.objects.filter(pk=session.activity_id).update(companion_places=n)
    session.refresh_from_db()
    return session


def book(user, session, **kwargs):
    return services.book_session(access=access_for(user), session_id=session.pk, **kwargs)


def english(hub, **fields):
    return make_caregiver(hub, preferred_language="en", **fields)


# --- companion places -----------------------------------------------------------------------------------
def test_a_booking_with_companions_holds_all_its_places_or_waits_with_them(hub):
    session = with_companions(make_session(hub, capacity=3))
    first = book(english(hub)[0], session, companions=1)
    assert first.status == "confirmed" and first.places == 2
    session.refresh_from_db()
    assert session.confirmed_count == 2
    # Two more places do not fit in the one left: the whole party waits, nobody is half-booked.
    second = book(english(hub)[0], session, companions=1)
    assert second.status == "waitlisted"
    assert Session.objects.get(pk=session.pk).confirmed_count == 2


def test_companions_beyond_what_the_activity_allows_are_refused(hub, carer):
    plain = make_session(hub, capacity=5)
    with pytest.raises(errors.ValidationFailed) as refused:
        book(carer[0], plain, companions=1)
    assert refused.value.code == "companions_not_allowed"
    session = with_companions(make_session(hub, capacity=5, days=5), n=1)
    with pytest.raises(errors.ValidationFailed) as refused:
        book(carer[0], session, companions=2)
    assert refused.value.code == "companions_too_many"


def test_a_cancelled_party_frees_all_its_places_and_promotes_a_party_that_fits_in_order(hub):
    session = with_companions(make_session(hub, capacity=3))
    holder_user = english(hub)[0]
    holder = book(holder_user, session, companions=2)
    party = book(english(hub)[0], session, companions=1)   # waits for 2
    single = book(english(hub)[0], session)                 # behind the party
    assert (party.status, single.status) == ("waitlisted", "waitlisted")
    services.cancel_booking(access=access_for(holder_user), booking_id=holder.pk)
    party.refresh_from_db(), single.refresh_from_db()
    assert party.status == "confirmed" and single.status == "confirmed"
    assert Session.objects.get(pk=session.pk).confirmed_count == 3


def test_a_waiting_party_is_not_overtaken_by_someone_booking_alone(hub):
    session = with_companions(make_session(hub, capacity=3))
    holder_user = english(hub)[0]
    holder = book(holder_user, session, companions=1)       # 2 of 3
    party = book(english(hub)[0], session, companions=2)    # needs 3: waits
    late = book(english(hub)[0], session)                   # 1 is free, but the party came first
    assert party.status == late.status == "waitlisted"
    services.cancel_booking(access=access_for(holder_user), booking_id=holder.pk)
    party.refresh_from_db(), late.refresh_from_db()
    assert party.status == "confirmed" and late.status == "waitlisted"


def test_integrity_counts_companions_as_places(hub):
    session = with_companions(make_session(hub, capacity=5))
    book(english(hub)[0], session, companions=2)
    assert all(not check.run() for check in checks() if check.name.startswith("session_"))
    Session.objects.filter(pk=session.pk).update(confirmed_count=1)
    failing = {check.name for check in checks() if check.run()}
    assert "session_counter_matches" in failing


def test_the_coordinator_sets_companion_places_on_the_activity_form(hub):
    coordinator = coordinator_of(hub)
    session = make_session(hub, capacity=5, coordinator=coordinator)
    activity = session.activity
    page = client_for(coordinator).get(f"/activities/{activity.pk}/edit/")
    assert 'name="companion_places"' in page.content.decode()
    data = {"title": activity.title, "description": "", "language": activity.language, "place": "",
            "accessibility_notes": "", "booking_opens_days_before": "", "facilitator": "", "childcare_places": "0",
            "childcare_max_age": "", "companion_places": "2"}
    client_for(coordinator).post(f"/activities/{activity.pk}/edit/", data)
    assert Activity.objects.get(pk=activity.pk).companion_places == 2
    with pytest.raises(errors.ValidationFailed):
        services.update_activity(access=access_for(coordinator), activity_id=activity.pk, companion_places=99)


def test_the_api_books_companions_and_shows_the_places(hub):
    session = with_companions(make_session(hub, capacity=5))
    user = english(hub)[0]
    response = client_for(user).post(f"/api/v1/activities/sessions/{session.pk}/bookings", {"companions": 2},
                                     content_type="application/json")
    assert response.status_code == 201
    assert response.json()["companions"] == 2 and response.json()["places"] == 3
    assert client_for(user).get(f"/api/v1/activities/sessions/{session.pk}").json()["companion_places"] == 2


# --- confirmation page, cancelling with a confirmation step ---------------------------------------------
def test_booking_on_the_page_leads_to_a_confirmation_page(hub):
    session = make_session(hub, capacity=5)
    user, _person = english(hub)
    response = client_for(user).post(f"/activities/sessions/{session.pk}/book/", {"next": "/activities/"})
    booking = Booking.objects.get(session=session)
    assert response.status_code == 302 and response["Location"] == f"/activities/bookings/{booking.pk}/"
    page = client_for(user).get(response["Location"]).content.decode()
    assert "Your place is booked" in page and session.activity.title in page
    assert f"/activities/bookings/{booking.pk}/calendar.ics" in page
    assert f"/activities/bookings/{booking.pk}/cancel/" in page


def test_the_confirmation_page_of_someone_else_is_a_404(hub):
    session = make_session(hub, capacity=5)
    booking = book(english(hub)[0], session)
    assert client_for(english(hub)[0]).get(f"/activities/bookings/{booking.pk}/").status_code == 404


def test_cancelling_asks_first_naming_the_session_then_cancels_on_post(hub):
    session = make_session(hub, capacity=5)
    user, _person = english(hub)
    booking = book(user, session)
    page = client_for(user).get(f"/activities/bookings/{booking.pk}/cancel/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Cancel this booking?" in html and session.activity.title in html and "10:00" in html
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"   # a GET never cancels
    client_for(user).post(f"/activities/bookings/{booking.pk}/cancel/")
    assert Booking.objects.get(pk=booking.pk).status == "cancelled"


def test_my_bookings_links_to_the_confirmation_step_not_a_one_tap_cancel(hub):
    session = make_session(hub, capacity=5)
    user, _person = english(hub)
    booking = book(user, session)
    html = client_for(user).get("/activities/bookings/").content.decode()
    assert f'href="/activities/bookings/{booking.pk}/cancel/?next=' in html
    assert f'<form method="post" action="/activities/bookings/{booking.pk}/cancel/"' not in html


# --- clash warning --------------------------------------------------------------------------------------
def test_a_booking_that_overlaps_another_asks_first(hub):
    first = make_session(hub, capacity=5, title="Ioga")
    other = make_session(hub, capacity=5, title="Xerrada")   # same day and time
    user, _person = english(hub)
    book(user, first)
    with pytest.raises(activity_errors.BookingClash) as clash:
        book(user, other)
    assert clash.value.code == "booking_clash" and "Ioga" in str(clash.value.message)
    assert book(user, other, confirm_clash=True).status == "confirmed"


def test_the_clash_page_reposts_with_confirmation(hub):
    first = make_session(hub, capacity=5, title="Ioga")
    other = make_session(hub, capacity=5, title="Xerrada")
    user, _person = english(hub)
    book(user, first)
    response = client_for(user).post(f"/activities/sessions/{other.pk}/book/", {"next": "/activities/"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Ioga" in html and 'name="confirm_clash" value="1"' in html and "Book anyway" in html
    assert not Booking.objects.filter(session=other).exists()
    client_for(user).post(f"/activities/sessions/{other.pk}/book/", {"next": "/activities/", "confirm_clash": "1"})
    assert Booking.objects.filter(session=other, status="confirmed").exists()


def test_the_api_answers_a_clash_with_409_and_the_clashing_session(hub):
    first = make_session(hub, capacity=5)
    other = make_session(hub, capacity=5)
    user, _person = english(hub)
    book(user, first)
    url = f"/api/v1/activities/sessions/{other.pk}/bookings"
    response = client_for(user).post(url, {}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "booking_clash" and response.json()["clashes"][0]["session"] == first.pk
    assert client_for(user).post(url, {"confirm_clash": True}, content_type="application/json").status_code == 201


def test_sessions_that_do_not_overlap_do_not_clash(hub):
    morning = make_session(hub, capacity=5, hour=10)
    afternoon = make_session(hub, capacity=5, hour=12)   # 10:00-11:30 and 12:00-13:30
    user, _person = english(hub)
    book(user, morning)
    assert book(user, afternoon).status == "confirmed"


# --- a whole series -------------------------------------------------------------------------------------
def test_booking_every_session_of_a_series_confirms_or_waitlists_each_on_its_own(hub):
    activity = make_activity(hub, capacity=1, frequency=Frequency.WEEKLY, occurrences=3)
    sessions = list(activity.sessions.order_by("starts_at"))
    book(english(hub)[0], sessions[1])                      # the second is full
    user, _person = english(hub)
    outcomes = services.book_series(access=access_for(user), activity_id=activity.pk)
    assert [o.booking.status for o in outcomes] == ["confirmed", "waitlisted", "confirmed"]
    # Again: every session is already booked, nothing twice.
    again = services.book_series(access=access_for(user), activity_id=activity.pk)
    assert all(o.booking is None for o in again)
    assert Booking.objects.filter(person__user=user).count() == 3


def test_the_series_page_lists_each_outcome(hub):
    activity = make_activity(hub, capacity=1, frequency=Frequency.WEEKLY, occurrences=2)
    first, second = activity.sessions.order_by("starts_at")
    book(english(hub)[0], second)
    user, _person = english(hub)
    assert "Book every session of this series" in client_for(user).get(f"/activities/sessions/{first.pk}/").content.decode()
    response = client_for(user).post(f"/activities/{activity.pk}/book-series/")
    html = response.content.decode()
    assert response.status_code == 200 and "Confirmed" in html and "Waitlist: number 1" in html


def test_the_api_books_a_series(hub):
    activity = make_activity(hub, capacity=5, frequency=Frequency.WEEKLY, occurrences=2)
    response = client_for(english(hub)[0]).post(f"/api/v1/activities/{activity.pk}/book-series", {},
                                                content_type="application/json")
    assert response.status_code == 201
    assert [row["status"] for row in response.json()] == ["confirmed", "confirmed"]


# --- the signed link ------------------------------------------------------------------------------------
def test_every_booking_message_carries_the_bookings_signed_link(hub):
    session = make_session(hub, capacity=1, days=1)
    holder_user, holder_person = english(hub)
    holder = book(holder_user, session)
    waiting = book(english(hub)[0], session)
    services.cancel_booking(access=access_for(holder_user), booking_id=holder.pk)
    reminders.send(today=timezone.localdate())
    for booking, kind in [(holder, "booking_confirmed"), (waiting, "booking_waitlisted"),
                          (waiting, "booking_promoted"), (waiting, "session_reminder")]:
        message = Message.objects.get(kind=kind, person=booking.person)
        assert f"/activities/b/{links.token_for(booking)}/" in message.body, kind


def test_the_signed_link_shows_the_booking_and_cancels_it_without_logging_in(hub, client):
    session = make_session(hub, capacity=5)
    user, person = english(hub, first_name="Montse", last_name="Secretcognom")
    booking = book(user, session)
    url = f"/activities/b/{links.token_for(booking)}/"
    html = client.get(url).content.decode()
    assert "Montse" in html and "Secretcognom" not in html and session.activity.title in html
    confirm = client.get(url + "cancel/")
    assert "Cancel this booking?" in confirm.content.decode()
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"
    client.post(url + "cancel/")
    assert Booking.objects.get(pk=booking.pk).status == "cancelled"
    assert client.get(url + "calendar.ics").status_code == 200


@pytest.mark.parametrize("token", ["1-forged", "abc", "99999999-x", "1-", "-", "１-x", "9" * 40 + "-x"])
def test_a_wrong_or_forged_link_is_a_404(hub, client, token):
    session = make_session(hub, capacity=5)
    book(english(hub)[0], session)
    assert client.get(f"/activities/b/{token}/").status_code == 404
    assert client.post(f"/activities/b/{token}/cancel/").status_code == 404


def test_a_token_of_one_booking_cannot_be_changed_into_another(hub, client):
    session = make_session(hub, capacity=5)
    first = book(english(hub)[0], session)
    second = book(english(hub)[0], session)
    _pk, _sep, signature = links.token_for(first).partition("-")
    assert client.get(f"/activities/b/{second.pk}-{signature}/").status_code == 404


def test_the_link_stops_working_when_the_session_is_over(hub, client, time_machine):
    session = make_session(hub, capacity=5)
    booking = book(english(hub)[0], session)
    url = f"/activities/b/{links.token_for(booking)}/"
    assert client.get(url).status_code == 200
    time_machine.move_to(session.ends_at, tick=False)
    assert client.get(url).status_code == 404


def test_the_messages_say_how_many_places_the_party_holds(hub):
    session = with_companions(make_session(hub, capacity=2))
    user, person = english(hub)
    book(user, session, companions=1)
    message = Message.objects.get(kind="booking_confirmed", person=person)
    assert "Places: yours and 1 more for the person coming with you, confirmed together." in message.body
    _user2, waiting = english(hub)
    book(_user2, session, companions=1)
    waiting_message = Message.objects.get(kind="booking_waitlisted", person=waiting)
    assert "Your place and 1 more for the person coming with you wait together" in waiting_message.body


def test_a_series_that_clashes_asks_first_and_books_nothing(hub):
    activity = make_activity(hub, capacity=5, frequency=Frequency.WEEKLY, occurrences=2, title="Ioga")
    other = make_session(hub, capacity=5, title="Xerrada")   # same time as the first session of the series
    user, _person = english(hub)
    book(user, other)
    with pytest.raises(activity_errors.BookingClash):
        services.book_series(access=access_for(user), activity_id=activity.pk)
    assert not Booking.objects.filter(session__activity=activity).exists()
    outcomes = services.book_series(access=access_for(user), activity_id=activity.pk, confirm_clash=True)
    assert [o.booking.status for o in outcomes] == ["confirmed", "confirmed"]


def test_a_walk_in_from_the_waitlist_needs_room_for_the_whole_party(hub, time_machine):
    coordinator = coordinator_of(hub)
    session = with_companions(make_session(hub, capacity=2, coordinator=coordinator))
    book(english(hub)[0], session)
    user, person = english(hub)
    party = book(user, session, companions=1)
    assert party.status == "waitlisted"
    time_machine.move_to(session.starts_at, tick=False)
    with pytest.raises(activity_errors.SessionFull):
        services.record_walk_in(access=access_for(coordinator), session_id=session.pk, person_id=person.pk)
    assert Session.objects.get(pk=session.pk).confirmed_count == 1


def test_the_desk_sees_each_bookings_companions(hub):
    coordinator = coordinator_of(hub)
    session = with_companions(make_session(hub, capacity=3, coordinator=coordinator))
    book(english(hub)[0], session, companions=2)
    book(english(hub)[0], session, companions=1)   # waits
    html = client_for(coordinator).get(session.get_absolute_url()).content.decode()
    assert "+ 2 companions" in html and "+ 1 companion<" in html and "Booked: 3 of 3" in html


def test_a_party_larger_than_the_session_is_refused_and_never_blocks_the_waitlist(hub):
    coordinator = coordinator_of(hub)
    session = with_companions(make_session(hub, capacity=2, coordinator=coordinator))
    with pytest.raises(errors.ValidationFailed) as refused:
        book(english(hub)[0], session, companions=2)
    assert refused.value.code == "companions_over_capacity"
    services.change_session(access=access_for(coordinator), session_id=session.pk, capacity=3)
    book(english(hub)[0], session, companions=1)              # 2 of the 3 places
    book(english(hub)[0], session, companions=2)              # waits for 3
    with pytest.raises(errors.Conflict) as lowered:
        services.change_session(access=access_for(coordinator), session_id=session.pk, capacity=2)
    assert lowered.value.code == "capacity_below_party"
