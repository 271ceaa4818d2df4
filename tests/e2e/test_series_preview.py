"""A coordinator on a 360 px phone, in Catalan, programmes a weekly series: the first submit only shows its
dates (the public holiday unticked and named, dates as Catalan says them), the second saves it. axe-core on
every page; none scrolls sideways."""

from datetime import date, datetime

import pytest
import time_machine
from django.utils import timezone, translation

from activities.models import Activity
from carehub.models import Role
from carehub.timezones import LOCAL_TZ
from tests.conftest import make_hub, make_user

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 360
BEFORE = datetime(2026, 11, 20, 10, 0, tzinfo=LOCAL_TZ)  # Tuesdays from 1 December: the 8th is a holiday


def ca(message: str, plural: str | None = None, count: int | None = None, **values) -> str:
    with translation.override("ca"):
        text = translation.ngettext(message, plural, count) if plural else translation.gettext(message)
    assert text != message, f"no Catalan translation for {message!r}"
    return text % values if values else text


def phone_page(page, check_a11y):
    assert page.get_attribute("html", "lang") == "ca"
    check_a11y(page)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= WIDTH, page.url


def test_a_coordinator_sees_a_series_dates_before_saving_it_on_a_phone(open_page, login, check_a11y):
    with time_machine.travel(BEFORE, tick=True):
        hub = make_hub(slug="sant-antoni", name="Vila Veïna Sant Antoni")
        make_user("coordinator", roles=[(Role.COORDINATOR, hub)])
        page = open_page(lang="ca", width=WIDTH, height=740)
        login(page, "coordinator")
        page.goto("/activities/new/")
        phone_page(page, check_a11y)
        page.fill("#id_title", "Cuidar-se per cuidar")
        page.fill("#id_date", "2026-12-01")
        page.fill("#id_start_time", "17:00")
        page.fill("#id_end_time", "19:00")
        page.select_option("#id_frequency", value="weekly")
        page.fill("#id_occurrences", "3")
        with page.expect_navigation():
            page.get_by_role("button", name=ca("Programme it"), exact=True).click()

        # The first submit saves nothing: it shows three sessions' Tuesdays, the Immaculada (8th) left out
        # and named, with its own unticked box.
        phone_page(page, check_a11y)
        assert not Activity.objects.exists()
        dates = page.get_by_role("group", name=ca("Dates of the series"))
        assert ca("%(n)s session will be created.", "%(n)s sessions will be created.", 3, n=3) \
            in dates.inner_text()
        rows = dates.locator("li")
        assert rows.count() == 4
        assert [rows.nth(i).locator("input").is_checked() for i in range(4)] == [True, False, True, True]
        holiday = rows.nth(1).inner_text()
        assert "8 de desembre de 2026" in holiday and "dimarts" in holiday, holiday
        assert dates.locator("li.series-holiday").count() == 1

        with page.expect_navigation():
            page.get_by_role("button", name=ca("Save the series with these dates")).click()
        phone_page(page, check_a11y)
        activity = Activity.objects.get()
        assert page.locator(".messages").inner_text().strip() == ca(
            "“%(title)s” is programmed with %(n)d session.", "“%(title)s” is programmed with %(n)d sessions.", 3,
            title="Cuidar-se per cuidar", n=3)
        assert [timezone.localtime(s.starts_at).date() for s in activity.sessions.order_by("starts_at")] == [
            date(2026, 12, 1), date(2026, 12, 15), date(2026, 12, 22)]
