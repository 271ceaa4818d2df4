"""The desk's day (/desk/today/): what the desk of the user's hubs has on today, and its one attendance form
per session, offered once the session has started."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import ActivityKind, Booking, Frequency
from carehub.models import Role
from tests.activities.helpers import at, coordinator_of, make_activity, make_session
from tests.conftest import client_for, make_hub, make_person, make_user

from .helpers import a_busy_day, appointment, book, item, loan, offer

DAY = "/desk/today/"
pytestmark = pytest.mark.django_db


def test_the_day_lives_at_desk_today():
    assert reverse("today:day") == DAY


def test_only_the_desk_and_coordinators_open_the_day(hub, desk, planner, carer, facilitator, client):
    assert client_for(desk).get(DAY).status_code == 200
    assert client_for(coordinator_of(hub)).get(DAY).status_code == 200
    for user in (planner, carer[0], facilitator):
        assert client_for(user).get(DAY).status_code == 403
    assert client.get(DAY).status_code == 302  # to the log-in page


def test_a_session_not_yet_started_shows_who_booked_but_no_attendance_button(hub, desk):
    session = make_session(hub, days=0, hour=10, title="Taller de memòria")
    book(desk, session, make_person(hub, first_name="Núria", last_name="Puig"))
    page = client_for(desk).get(DAY).content.decode()
    assert "Taller de memòria" in page and "Núria Puig" in page
    assert "Save attendance" not in page and 'name="came"' not in page
    assert "Attendance can be taken once the session starts, at 10:00." in page


def test_once_started_one_form_marks_everyone_booked_at_once(hub, desk, clock):
    session = make_session(hub, days=0, hour=10, capacity=5)
    came, absent, late = (book(desk, session, make_person(hub)) for _ in range(3))
    clock.move_to(at(0, 10, 5), tick=False)
    client = client_for(desk)
    page = client.get(DAY).content.decode()
    assert page.count("Save attendance") == 1
    assert set(re.findall(r'name="came" value="(\d+)"', page)) == {str(b.pk) for b in (came, absent, late)}
    response = client.post(reverse("activities:session-attendance", args=[session.pk]), {
        "listed": [came.pk, absent.pk, late.pk], "came": [came.pk, late.pk], "next": DAY + f"#s-{session.pk}"})
    assert response.status_code == 302 and response["Location"] == DAY + f"#s-{session.pk}"
    marked = dict(Booking.objects.filter(session=session).values_list("pk", "attendance"))
    assert marked == {came.pk: "attended", absent.pk: "no_show", late.pk: "attended"}
    page = client.get(DAY).content.decode()
    assert "Attendance saved: 2 came, 1 did not come." in page
    assert f'value="{came.pk}" id="came-{came.pk}" checked' in page  # the form shows what was saved


def test_a_post_before_the_session_starts_is_refused_with_a_clear_message(hub, desk):
    session = make_session(hub, days=0, hour=10)
    booking = book(desk, session, make_person(hub))
    client = client_for(desk)
    response = client.post(reverse("activities:session-attendance", args=[session.pk]),
                           {"listed": [booking.pk], "came": [booking.pk], "next": DAY}, follow=True)
    assert "Attendance can be taken once the session has started, at 10:00." in response.content.decode()
    assert Booking.objects.get(pk=booking.pk).attendance == "unknown"


def test_a_walk_in_is_found_and_added_as_come(hub, desk, clock):
    session = make_session(hub, days=0, hour=10, capacity=3)
    walker = make_person(hub, first_name="Amparo", last_name="Soler")
    clock.move_to(at(0, 10, 15), tick=False)
    client = client_for(desk)
    page = client.get(DAY).content.decode()
    assert reverse("activities:walk-in", args=[session.pk]) in page
    found = client.get(reverse("activities:walk-in", args=[session.pk]), {"q": "Amparo", "next": DAY})
    assert "Amparo Soler" in found.content.decode()
    response = client.post(reverse("activities:walk-in", args=[session.pk]), {"person": walker.pk, "next": DAY})
    assert response.status_code == 302 and response["Location"] == DAY
    booking = Booking.objects.get(session=session, person=walker)
    assert (booking.status, booking.attendance) == ("confirmed", "attended")
    session.refresh_from_db()
    assert session.confirmed_count == 1
    assert "Amparo Soler came: added to the session." in client.get(DAY).content.decode()


def test_the_desk_sees_a_support_group_session_but_not_its_circle(hub, desk, facilitator, clock):
    group = make_activity(hub, kind=ActivityKind.SUPPORT_GROUP, title="Grup de suport", days=0, hour=10,
                          frequency=Frequency.ONCE, capacity=8, facilitator=facilitator)
    session = group.sessions.get()
    clock.move_to(at(0, 10, 5), tick=False)
    page = client_for(desk).get(DAY).content.decode()
    assert "Grup de suport" in page
    assert reverse("activities:group-attendance", args=[session.pk]) not in page
    assert reverse("activities:session-attendance", args=[session.pk]) not in page
    coordinator_page = client_for(coordinator_of(hub)).get(DAY).content.decode()
    assert reverse("activities:group-attendance", args=[session.pk]) in coordinator_page


def test_the_day_lists_appointments_offers_items_and_loans_to_chase(hub, desk, clock):
    remei = make_person(hub, first_name="Remei", last_name="Casals")
    appointment(hub, remei, hour=11)
    offer(hub, make_person(hub, first_name="Lapsing", last_name="Soon"), expires_in=timedelta(hours=3))
    offer(hub, make_person(hub, first_name="Ready", last_name="Later"), expires_in=timedelta(days=3))
    dirty = item(hub, status="cleaning")
    broken = item(hub, status="in_repair")
    item(hub)  # available: nothing to do
    due = loan(hub, make_person(hub, first_name="Due", last_name="Today"), due_in_days=0)
    late = loan(hub, make_person(hub, first_name="Very", last_name="Late"), due_in_days=-4)
    loan(hub, make_person(hub, first_name="Not", last_name="Yet"), due_in_days=5)
    page = client_for(desk).get(DAY).content.decode()
    assert "Remei Casals" in page and "Assessorament jurídic" in page
    lapsing, ready = page.index("Offers about to lapse"), page.index("Ready to collect")
    assert lapsing < page.index("Lapsing Soon") < ready < page.index("Ready Later")
    assert dirty.asset_tag in page and broken.asset_tag in page
    assert due.item.asset_tag in page and late.item.asset_tag in page and "4 days late" in page
    assert "Not Yet" not in page
    # The appointment's outcome is offered once it has started, not before.
    assert 'value="attended"' not in page
    clock.move_to(at(0, 11, 5), tick=False)
    assert 'value="attended"' in client_for(desk).get(DAY).content.decode()


def test_the_day_shows_the_calls_to_make(hub, desk):
    session = make_session(hub, days=2)
    book(desk, session, make_person(hub, first_name="Roser", last_name="Puig", email="", phone="932 56 41 00"))
    page = client_for(desk).get(DAY).content.decode()
    calls = page[page.index('id="day-calls"'):]
    assert "Roser Puig" in calls and "932 56 41 00" in calls and reverse("call-list") in calls


def test_another_hubs_day_is_not_shown(hub, other_hub, desk, other_desk):
    make_session(other_hub, days=0, hour=10, title="Caminada de Poble-sec")
    loan(other_hub, make_person(other_hub, first_name="Elsewhere", last_name="Borrower"), due_in_days=-1)
    appointment(other_hub, make_person(other_hub, first_name="Other", last_name="Client"), hour=12)
    page = client_for(desk).get(DAY).content.decode()
    assert "Caminada de Poble-sec" not in page and "Elsewhere Borrower" not in page and "Other Client" not in page
    assert "Caminada de Poble-sec" in client_for(other_desk).get(DAY).content.decode()


def test_a_desk_at_two_hubs_narrows_the_day_to_one(hub, other_hub):
    both = make_user(roles=[(Role.DESK, hub), (Role.DESK, other_hub)])
    make_session(hub, days=0, hour=10, title="Xerrada a Sant Antoni")
    make_session(other_hub, days=0, hour=11, title="Xerrada al Poble-sec")
    client = client_for(both)
    page = client.get(DAY).content.decode()
    assert "Xerrada a Sant Antoni" in page and "Xerrada al Poble-sec" in page
    narrowed = client.get(DAY, {"hub": other_hub.slug}).content.decode()
    assert "Xerrada a Sant Antoni" not in narrowed and "Xerrada al Poble-sec" in narrowed
    assert client.get(DAY, {"hub": "no-such-hub"}).status_code == 200


def test_the_day_costs_the_same_queries_whatever_the_numbers(hub, desk, clock, django_assert_max_num_queries):
    """Zulip's habit: the number of queries must not grow with the data (sessions under way included, each with
    its attendance form)."""
    client = client_for(desk)
    a_busy_day(hub, desk, people=2)
    clock.move_to(at(0, 12, 30), tick=False)
    client.get(DAY)
    with CaptureQueriesContext(connection) as small:
        client.get(DAY)
    clock.move_to(at(0, 8, 30), tick=False)  # sessions are programmed before they start
    elsewhere = make_hub()
    a_busy_day(elsewhere, make_user(roles=[(Role.DESK, elsewhere)]), people=2)
    a_busy_day(hub, desk, people=6)
    clock.move_to(at(0, 12, 30), tick=False)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(DAY).content.decode()
    assert page.count("Save attendance") >= 4  # the sessions from 09:00 to 12:00 have started
    assert len(small.captured_queries) <= 20


def test_the_day_sums_up_the_deposits_collected(hub, desk):
    from decimal import Decimal

    from lending import services as lending_services
    from carehub.permissions import access_for
    from .helpers import item_type

    kind = item_type(deposit_eur=Decimal("20"))
    lent = item(hub, kind)
    lending_services.lend_item(access=access_for(desk), item_tag=lent.asset_tag,
                               borrower_id=make_person(hub).pk, deposit_method="cash")
    page = client_for(desk).get(DAY).content.decode()
    assert "Deposits today" in page
    assert re.search(r"1 deposit, 20(\.00)? € \(20(\.00)? € in cash\)", page), page[page.find("Deposits"):][:600]
