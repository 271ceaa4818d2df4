"""Whatever a browser or a client sends, an activities page answers with a page or a field error, never a 500."""

import pytest
from django.urls import reverse

from activities.models import Activity, Session
from tests.conftest import bearer, client_for

from .helpers import at, coordinator_of, make_session

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _activity_form(**fields):
    data = {"title": "Caminada", "kind": "outdoor", "language": "ca", "capacity": 12, "date": "2026-06-10",
            "start_time": "10:00", "end_time": "11:30", "frequency": "once"}
    data.update(fields)
    return data


# --- an end before the start (was KeyError: 'end_time', a 500) -------------------------------------------
def test_programming_an_activity_that_ends_before_it_starts_shows_the_error_at_the_end_time(hub):
    client = client_for(coordinator_of(hub))
    response = client.post(reverse("activities:activity-new"), _activity_form(start_time="11:00", end_time="10:00"))
    assert response.status_code == 200
    assert response.context["form"].errors == {"end_time": ["The end must be after the start."]}
    assert not Activity.objects.exists()


def test_rescheduling_a_session_to_end_before_it_starts_shows_the_error_at_the_end_time(hub):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator)
    response = client_for(coordinator).post(reverse("activities:session-edit", args=[session.pk]), {
        "date": "2026-06-05", "start_time": "12:00", "end_time": "11:00", "capacity": 5, "scope": "this"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"end_time": ["The end must be after the start."]}
    session.refresh_from_db()
    assert session.starts_at == at(3, 10) and session.sequence == 0


# --- filter values never go raw into a URL (was NoReverseMatch, a 500) ---------------------------------
@pytest.mark.parametrize("value", ["a b", "\x00", "é", "../x", "sant-antoni/"])
def test_programme_with_a_hub_that_is_no_slug_lists_every_hub_without_a_calendar_link(client, hub, value):
    session = make_session(hub)
    response = client.get(reverse("activities:programme"), {"hub": value})
    assert response.status_code == 200
    html = response.content.decode()
    assert session.activity.title in html
    assert "Subscribe to this hub's calendar" not in html


def test_programme_filtered_by_a_real_hub_links_its_calendar(client, hub):
    make_session(hub)
    html = client.get(reverse("activities:programme"), {"hub": hub.slug}).content.decode()
    assert f'href="/hubs/{hub.slug}/calendar.ics"' in html


# --- dates: out of range or malformed (was OverflowError, a 500) ---------------------------------------
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "3000-01-01"])
def test_desk_day_far_off_shows_today_and_says_why(hub, desk, value):
    session = make_session(hub, days=0, hour=18)
    response = client_for(desk).get(reverse("activities:today"), {"date": value})
    assert response.status_code == 200
    assert response.context["day"].isoformat() == "2026-06-02"
    assert list(response.context["sessions"]) == [session]
    assert response.context["form"].errors["date"][0].startswith("Choose a date")


@pytest.mark.parametrize("value", ["2026-02-31", "yesterday", "2026-13-01", "\x00", "99999-01-01"])
def test_desk_day_with_a_malformed_date_shows_today_and_says_why(hub, desk, value):
    response = client_for(desk).get(reverse("activities:today"), {"date": value})
    assert response.status_code == 200
    assert response.context["day"].isoformat() == "2026-06-02"
    assert response.context["form"].errors["date"] == ["Enter a valid date."]


def test_desk_day_shows_the_chosen_day(hub, desk):
    later = make_session(hub, days=5)
    make_session(hub, days=6)
    response = client_for(desk).get(reverse("activities:today"), {"date": "2026-06-07"})
    assert response.context["day"].isoformat() == "2026-06-07"
    assert list(response.context["sessions"]) == [later]


@pytest.mark.parametrize("name", ["date_from", "date_to"])
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_programme_and_api_accept_extreme_date_filters(client, hub, name, value):
    session = make_session(hub)
    expected = [session.pk] if (name == "date_to") == (value == "9999-12-31") else []
    response = client.get(reverse("activities:programme"), {name: value})
    assert response.status_code == 200
    assert [s.pk for s in response.context["page"].object_list] == expected
    api = client.get("/api/v1/activities/sessions", {name: value})
    assert api.status_code == 200
    assert [row["id"] for row in api.json()["items"]] == expected


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_programming_a_far_off_first_session_is_a_field_error(hub, value):
    response = client_for(coordinator_of(hub)).post(reverse("activities:activity-new"),
                                                    _activity_form(date=value, frequency="weekly", occurrences=104))
    assert response.status_code == 200
    assert response.context["form"].errors["date"][0].startswith("Choose a date")
    assert not Activity.objects.exists()


def test_rescheduling_to_a_far_off_date_is_a_field_error(hub):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator)
    response = client_for(coordinator).post(reverse("activities:session-edit", args=[session.pk]), {
        "date": "9999-12-31", "start_time": "23:00", "end_time": "23:30", "capacity": 5, "scope": "this"})
    assert response.status_code == 200
    assert response.context["form"].errors["date"][0].startswith("Choose a date")


@pytest.mark.parametrize("starts_at", ["9999-12-31T23:00:00", "0001-01-01T00:00:00+14:00"])
def test_api_refuses_a_far_off_series_with_422(client, hub, starts_at):
    response = client.post("/api/v1/activities", {
        "hub": hub.slug, "title": "X", "kind": "talk", "capacity": 3, "starts_at": starts_at,
        "ends_at": starts_at.replace("T23:00", "T23:30").replace("T00:00:00", "T00:30:00"),
        "recurrence": {"frequency": "weekly", "count": 104},
    }, content_type=JSON, **bearer(coordinator_of(hub)))
    assert response.status_code == 422
    assert response.json()["code"] == "date_out_of_range"


def test_api_refuses_moving_a_session_to_year_9999_with_422(client, hub):
    coordinator = coordinator_of(hub)
    session = make_session(hub, coordinator=coordinator)
    response = client.patch(f"/api/v1/activities/sessions/{session.pk}", {"starts_at": "9999-12-31T23:00:00"},
                            content_type=JSON, **bearer(coordinator))
    assert response.status_code == 422
    assert response.json()["code"] == "date_out_of_range"
    assert Session.objects.get(pk=session.pk).starts_at == session.starts_at


# --- ids typed into forms --------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["²", "１２", "-1", "1e3"])
def test_a_person_id_that_is_not_plain_digits_books_for_the_caller(hub, carer, value):
    session = make_session(hub)
    response = client_for(carer[0]).post(reverse("activities:book", args=[session.pk]), {"person": value})
    assert response.status_code == 302
    assert list(session.bookings.values_list("person_id", flat=True)) == [carer[1].pk]


def test_book_for_with_a_person_id_that_is_not_plain_digits_finds_nobody(hub, desk):
    session = make_session(hub)
    response = client_for(desk).get(reverse("activities:book-for", args=[session.pk]), {"person": "²"})
    assert response.status_code == 200
    assert list(response.context["people"]) == []
