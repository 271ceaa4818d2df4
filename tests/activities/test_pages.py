"""The pages render for each role, work without JavaScript (plain forms) and keep a bounded number of queries."""

import re

import pytest
from django.urls import reverse

from activities import services
from activities.models import ActivityKind, Booking, Frequency
from carehub.permissions import access_for
from tests.conftest import client_for, make_caregiver, make_person

from .helpers import coordinator_of, make_activity, make_session

pytestmark = pytest.mark.django_db


def test_programme_is_open_to_anonymous_visitors_with_seats_left_and_login_to_book(client, hub):
    session = make_session(hub, capacity=5)
    response = client.get(reverse("activities:programme"))
    assert response.status_code == 200
    html = response.content.decode()
    assert session.activity.title in html
    assert "5 places left" in html
    assert f"/login/?next=/activities/sessions/{session.pk}/" in html
    assert "/signup/?next=" in html


def test_programme_filters_by_hub_kind_language_and_seats(client, hub, other_hub):
    talk = make_session(hub, title="Xerrada", capacity=1)
    walk = make_session(other_hub, title="Passejada", kind=ActivityKind.OUTDOOR, language="es")
    services.book_session(access=access_for(make_caregiver(hub)[0]), session_id=talk.pk)
    url = reverse("activities:programme")
    assert "Passejada" not in client.get(url, {"hub": hub.slug}).content.decode()
    assert "Xerrada" not in client.get(url, {"kind": "outdoor"}).content.decode()
    assert "Xerrada" not in client.get(url, {"language": "es"}).content.decode()
    page = client.get(url, {"has_seats": "on"}).content.decode()
    assert "Passejada" in page and "Xerrada" not in page
    in_district = client.get(url, {"district": other_hub.district}).context["page"].object_list
    assert list(in_district) == [walk]


def test_programme_with_nonsense_filters_is_not_a_500(client, hub):
    make_session(hub)
    response = client.get(reverse("activities:programme"), {"date_from": "yesterday", "hub": "nope", "page": "x"})
    assert response.status_code == 200


def test_programme_queries_stay_bounded_as_sessions_grow(client, hub, django_assert_max_num_queries):
    make_activity(hub, frequency=Frequency.WEEKLY, occurrences=30)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("activities:programme")).status_code == 200
    make_activity(hub, frequency=Frequency.WEEKLY, occurrences=30, title="Passejada")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("activities:programme")).status_code == 200


def test_logged_in_caregiver_books_with_a_plain_form_and_sees_it_in_my_bookings(hub, carer):
    session = make_session(hub)
    client = client_for(carer[0])
    response = client.post(reverse("activities:book", args=[session.pk]))
    assert response.status_code == 302
    page = client.get(reverse("activities:mine")).content.decode()
    assert session.activity.title in page and "calendar.ics" in page
    assert "/activities/feeds/" in page


def test_anonymous_book_redirects_to_login_with_next(client, hub):
    session = make_session(hub)
    response = client.post(reverse("activities:book", args=[session.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_waitlisted_booking_shows_its_position(hub):
    session = make_session(hub, capacity=1)
    services.book_session(access=access_for(make_caregiver(hub)[0]), session_id=session.pk)
    user, _ = make_caregiver(hub, preferred_language="en")
    services.book_session(access=access_for(user), session_id=session.pk)
    page = client_for(user).get(reverse("activities:mine")).content.decode()
    assert "Waitlist: number 1" in page
    detail = client_for(user).get(session.get_absolute_url()).content.decode()
    assert "number 1" in detail


def test_cancel_from_my_bookings(hub, carer):
    session = make_session(hub)
    booking = services.book_session(access=access_for(carer[0]), session_id=session.pk)
    client = client_for(carer[0])
    client.post(reverse("activities:booking-cancel", args=[booking.pk]), {"next": reverse("activities:mine")})
    assert Booking.objects.get(pk=booking.pk).status == "cancelled"


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", "https://evil.example/"])
def test_cancelling_never_sends_the_caregiver_to_another_site(hub, carer, target):
    booking = services.book_session(access=access_for(carer[0]), session_id=make_session(hub).pk)
    response = client_for(carer[0]).post(reverse("activities:booking-cancel", args=[booking.pk]), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == booking.session.get_absolute_url()


def test_desk_today_lists_sessions_with_their_people_and_book_for_someone(hub, desk):
    from django.utils import timezone
    session = make_session(hub, days=1)
    person = make_person(hub, first_name="Núria")
    services.book_session(access=access_for(desk), session_id=session.pk, person_id=person.pk)
    day = timezone.localtime(session.starts_at).date()
    page = client_for(desk).get(reverse("activities:today"), {"date": day.isoformat()}).content.decode()
    assert "Núria" in page and "Book for someone" in page
    search = client_for(desk).get(reverse("activities:book-for", args=[session.pk]), {"q": "Núria"})
    assert search.status_code == 200 and "Núria" in search.content.decode()


def test_planner_and_caregiver_cannot_open_the_desk_day(hub, planner, carer):
    assert client_for(planner).get(reverse("activities:today")).status_code == 403
    assert client_for(carer[0]).get(reverse("activities:today")).status_code == 403


def test_coordinator_programmes_a_weekly_series_through_the_page(hub):
    from activities.models import Activity
    from django.utils import timezone
    from datetime import timedelta
    coordinator = coordinator_of(hub)
    client = client_for(coordinator)
    day = timezone.localdate() + timedelta(days=5)
    assert client.get(reverse("activities:activity-new")).status_code == 200
    fields = {
        "title": "Caminada", "kind": "outdoor", "language": "ca", "capacity": 12, "date": day.isoformat(),
        "start_time": "10:00", "end_time": "11:30", "frequency": "weekly", "occurrences": 4,
    }
    preview = client.post(reverse("activities:activity-new"), fields)  # a series shows its dates first
    assert preview.status_code == 200 and not Activity.objects.filter(title_ca="Caminada").exists()
    plan = preview.context["series_form"]
    response = client.post(reverse("activities:activity-new"), {
        **fields, "save_series": "1", "plan": plan.signature, "dates": plan.fields["dates"].initial})
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = Activity.objects.get(title_ca="Caminada")  # typed as the Catalan original
    assert activity.sessions.count() == 4
    assert client.get(response["Location"]).status_code == 200
    session = activity.sessions.order_by("starts_at").first()
    assert client.get(reverse("activities:session-edit", args=[session.pk])).status_code == 200
    assert client.get(reverse("activities:manage")).status_code == 200
    assert client.get(reverse("activities:activity-edit", args=[activity.pk])).status_code == 200


def test_coordinator_cancels_a_session_from_the_page(hub):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator)
    response = client_for(coordinator).post(reverse("activities:session-cancel", args=[session.pk]),
                                            {"cancel-scope": "this", "cancel-confirm": "on"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.is_cancelled


def test_person_page_and_account_page_show_bookings(hub, desk, carer):
    session = make_session(hub)
    services.book_session(access=access_for(carer[0]), session_id=session.pk)
    page = client_for(desk).get(reverse("person-detail", args=[carer[1].pk])).content.decode()
    assert session.activity.title in page
    account = client_for(carer[0]).get(reverse("account")).content.decode()
    assert session.activity.title in account and "/activities/feeds/" in account


def test_feed_revoke_stops_the_old_address(hub, carer):
    client = client_for(carer[0])
    page = client.get(reverse("activities:mine")).content.decode()
    from activities.models import CalendarFeedToken
    old = CalendarFeedToken.objects.get(person=carer[1], revoked_at__isnull=True)
    assert old.secret in page
    client.post(reverse("activities:feed-revoke"))
    assert client.get(old.get_absolute_url()).status_code == 404
    new = CalendarFeedToken.objects.get(person=carer[1], revoked_at__isnull=True)
    assert client.get(new.get_absolute_url()).status_code == 200


def test_desk_day_with_an_impossible_date_is_not_a_500(hub, desk):
    response = client_for(desk).get(reverse("activities:today"), {"date": "2026-02-31"})
    assert response.status_code == 200


def test_desk_day_queries_stay_bounded(hub, desk, django_assert_max_num_queries):
    from django.utils import timezone
    for hour in (9, 11, 13, 15, 17):
        session = make_session(hub, days=1, hour=hour, capacity=3)
        for _ in range(4):
            services.book_session(access=access_for(desk), session_id=session.pk, person_id=make_person(hub).pk)
    day = (timezone.localdate() + __import__("datetime").timedelta(days=1)).isoformat()
    client = client_for(desk)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("activities:today"), {"date": day})
    # Five sessions, three confirmed each and a fourth person waiting: everyone listed, and (tomorrow's
    # sessions have not started) no attendance form yet.
    page = response.content.decode()
    assert len(re.findall(r'href="/people/\d+/"', page)) == 20 and "Save attendance" not in page


def test_my_bookings_queries_stay_bounded(hub, django_assert_max_num_queries):
    user, _ = make_caregiver(hub)
    for days in range(2, 12):
        services.book_session(access=access_for(user), session_id=make_session(hub, days=days).pk)
    client = client_for(user)
    client.get(reverse("activities:mine"))
    with django_assert_max_num_queries(12):  # constant: session, user, access, person, feed token, lists
        client.get(reverse("activities:mine"))


def test_programme_reads_in_catalan_and_spanish(client, hub, settings):
    make_session(hub, capacity=5)
    settings.LANGUAGE_CODE = "ca"
    assert "Queden 5 places" in client.get(reverse("activities:programme"), HTTP_ACCEPT_LANGUAGE="ca").content.decode()
    assert "Quedan 5 plazas" in client.get(reverse("activities:programme"), HTTP_ACCEPT_LANGUAGE="es").content.decode()


def test_programme_shows_my_place_or_waitlist_number_instead_of_book(hub):
    full = make_session(hub, capacity=1, title="Plena")
    services.book_session(access=access_for(make_caregiver(hub)[0]), session_id=full.pk)
    user, _ = make_caregiver(hub, preferred_language="en")
    open_session = make_session(hub, title="Oberta", days=4)
    services.book_session(access=access_for(user), session_id=full.pk)
    services.book_session(access=access_for(user), session_id=open_session.pk)
    page = client_for(user).get(reverse("activities:programme")).content.decode()
    assert "You have a place" in page and "You are number 1 on the waitlist" in page


def test_programme_offers_staff_to_book_for_someone(hub, desk):
    session = make_session(hub)
    page = client_for(desk).get(reverse("activities:programme")).content.decode()
    assert reverse("activities:book-for", args=[session.pk]) in page
