"""Series skip public holidays (Catalonia's and the city's own), shown to the coordinator before saving and
overridable per date, on the page and through the API."""

from datetime import date, time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import translation

from activities import recurrence, services
from activities.models import Activity, Frequency
from carehub import errors
from carehub.holidays import holiday_name, holidays_between, local_rule_date
from carehub.permissions import access_for
from carehub.timezones import local_datetime
from tests.conftest import client_for

from .helpers import coordinator_of

pytestmark = pytest.mark.django_db

JSON = "application/json"
# Tuesdays from 1 December 2026: the 8th is the Immaculate Conception, a holiday in all Spain.
FIRST = date(2026, 12, 1)


def tuesdays(hub, **fields):
    coordinator = coordinator_of(hub)
    return services.create_activity(
        access=access_for(coordinator), hub=hub, title="Grup de suport", kind="talk", capacity=10,
        starts_at=local_datetime(FIRST, time(10)), ends_at=local_datetime(FIRST, time(11, 30)),
        frequency=Frequency.WEEKLY, **fields)


def days_of(activity):
    return [s.starts_at.astimezone(local_datetime(FIRST, time()).tzinfo).date()
            for s in activity.sessions.order_by("starts_at")]


def test_the_calendar_has_catalonias_holidays_and_barcelonas_two_local_ones_once_each():
    with translation.override("en"):
        days = holidays_between(date(2026, 1, 1), date(2026, 12, 31))
    assert days[date(2026, 12, 8)] == "Immaculate Conception"
    assert days[date(2026, 9, 11)] == "National Day of Catalonia"
    assert days[date(2026, 4, 6)] == "Easter Monday"
    assert days[date(2026, 5, 25)] == "Whit Monday"  # Easter (5 April) + 50 days: a local holiday
    assert days[date(2026, 9, 24)] == "La Mercè"
    assert len(days) == 14 and holiday_name(date(2026, 12, 9)) is None
    with translation.override("ca"):
        assert holiday_name(date(2026, 12, 8)) == "Immaculada Concepció"


def test_local_holidays_follow_the_settings(settings):
    settings.LOCAL_HOLIDAYS = [("03-19", "Sant Josep")]
    with translation.override("en"):
        days = holidays_between(date(2027, 1, 1), date(2027, 12, 31))
    assert days[date(2027, 3, 19)] == "Sant Josep" and date(2027, 9, 24) not in days
    assert local_rule_date("easter-2", 2027) == date(2027, 3, 26)
    with pytest.raises(ImproperlyConfigured):
        local_rule_date("every full moon", 2027)


def test_a_weekly_series_skips_the_holiday_and_still_has_its_sessions(hub):
    activity = tuesdays(hub, occurrences=4)
    assert days_of(activity) == [date(2026, 12, 1), date(2026, 12, 15), date(2026, 12, 22), date(2026, 12, 29)]


def test_a_series_until_a_date_loses_the_holiday(hub):
    activity = tuesdays(hub, until=date(2026, 12, 22))
    assert days_of(activity) == [date(2026, 12, 1), date(2026, 12, 15), date(2026, 12, 22)]


def test_holidays_can_be_included_or_single_dates_chosen(hub):
    assert date(2026, 12, 8) in days_of(tuesdays(hub, occurrences=3, include_holidays=True))
    chosen = tuesdays(hub, occurrences=3, dates=[date(2026, 12, 8), date(2026, 12, 15)])
    assert days_of(chosen) == [date(2026, 12, 8), date(2026, 12, 15)]
    with pytest.raises(errors.ValidationFailed) as refused:
        tuesdays(hub, occurrences=3, dates=[date(2026, 12, 9)])
    assert refused.value.code == "date_not_in_series"
    with pytest.raises(errors.ValidationFailed) as empty:
        tuesdays(hub, occurrences=3, dates=[])
    assert empty.value.code == "no_dates"


def test_a_one_off_on_a_holiday_is_kept_and_named():
    [planned] = recurrence.plan(starts_at=local_datetime(date(2026, 12, 8), time(10)),
                                ends_at=local_datetime(date(2026, 12, 8), time(11)), frequency=Frequency.ONCE)
    assert planned.included and planned.holiday


def test_christmas_and_new_year_in_a_row_are_both_skipped(hub):
    plan = recurrence.plan(starts_at=local_datetime(date(2026, 12, 25), time(10)),
                           ends_at=local_datetime(date(2026, 12, 25), time(11)), frequency=Frequency.WEEKLY,
                           occurrences=1)
    assert [(p.day, p.included) for p in plan] == [
        (date(2026, 12, 25), False), (date(2027, 1, 1), False), (date(2027, 1, 8), True)]


def test_the_api_skips_holidays_unless_told_otherwise(hub):
    client = client_for(coordinator_of(hub))
    payload = {"hub": hub.slug, "title": "Caminada", "kind": "outdoor", "capacity": 10,
               "starts_at": "2026-12-01T10:00:00", "ends_at": "2026-12-01T11:00:00",
               "recurrence": {"frequency": "weekly", "count": 2}}
    skipped = client.post("/api/v1/activities", payload, content_type=JSON)
    assert skipped.status_code == 201, skipped.content
    assert [s["starts_at"][:10] for s in skipped.json()["schedule"]] == ["2026-12-01", "2026-12-15"]
    payload["recurrence"]["include_holidays"] = True
    included = client.post("/api/v1/activities", payload, content_type=JSON)
    assert [s["starts_at"][:10] for s in included.json()["schedule"]] == ["2026-12-01", "2026-12-08"]
    payload["recurrence"] = {"frequency": "weekly", "count": 2, "dates": ["2026-12-09"]}
    refused = client.post("/api/v1/activities", payload, content_type=JSON)
    assert (refused.status_code, refused.json()["code"]) == (422, "date_not_in_series")


SERIES = {"title": "Caminada", "kind": "outdoor", "language": "ca", "capacity": 12, "date": "2026-12-01",
          "start_time": "10:00", "end_time": "11:30", "frequency": "weekly", "occurrences": 3}


def test_the_coordinator_sees_the_dates_with_the_holiday_unticked_and_named_before_saving(hub):
    client = client_for(coordinator_of(hub))
    preview = client.post(reverse("activities:activity-new"), SERIES)
    page = preview.content.decode()
    assert preview.status_code == 200 and not Activity.objects.exists()
    assert "3 sessions will be created." in page and "1 public holiday is left out" in page
    assert 'value="2026-12-08">' in page and 'value="2026-12-01" checked>' in page
    assert "Public holiday: Immaculate Conception" in page
    plan = preview.context["series_form"].signature
    saved = client.post(reverse("activities:activity-new"), {
        **SERIES, "save_series": "1", "plan": plan, "dates": ["2026-12-01", "2026-12-08", "2026-12-22"]})
    assert saved.status_code == 302
    assert days_of(Activity.objects.get()) == [date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 22)]


def test_a_series_changed_after_its_preview_is_shown_again_not_saved(hub):
    client = client_for(coordinator_of(hub))
    plan = client.post(reverse("activities:activity-new"), SERIES).context["series_form"].signature
    again = client.post(reverse("activities:activity-new"), {
        **SERIES, "occurrences": 5, "save_series": "1", "plan": plan, "dates": ["2026-12-01"]})
    assert again.status_code == 200 and not Activity.objects.exists()
    assert "The series changed since the dates were shown" in again.content.decode()


def test_a_preview_with_every_date_unticked_says_so(hub):
    client = client_for(coordinator_of(hub))
    plan = client.post(reverse("activities:activity-new"), SERIES).context["series_form"].signature
    refused = client.post(reverse("activities:activity-new"), {**SERIES, "save_series": "1", "plan": plan})
    assert refused.status_code == 200 and not Activity.objects.exists()
    assert "Choose at least one date." in refused.content.decode()
