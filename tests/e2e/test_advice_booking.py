"""A caregiver books and cancels an advice appointment on a 360 px phone in a real browser, with axe-core checking
each page (WCAG 2.1 AA). Reuses the browser fixtures of tests/e2e; skipped like them without Chromium.

The clock is frozen with time-machine (process-wide: the live server's thread reads the same fake "now"), and
the advisor's hours start on a fixed Tuesday at least a week after that "now", so the first free slot is that
Tuesday at 10:00 whatever the real date, hour or weekday (it once failed on Tuesday mornings, when today's
10:00 fell inside the two-hour booking notice).
"""

from datetime import date, datetime, timedelta

import pytest
import time_machine

from carehub.models import Role
from carehub.timezones import LOCAL_TZ
from tests.advice.conftest import make_service, publish
from tests.conftest import make_caregiver, make_hub, make_user

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


def tuesday_a_week_after(moment: datetime) -> date:
    today = moment.date()
    return today + timedelta(days=(1 - today.weekday()) % 7 + 7)


@pytest.mark.parametrize("now", [
    datetime(2026, 11, 24, 9, 0, tzinfo=LOCAL_TZ),    # a Tuesday morning: today's 10:00 is within the notice
    datetime(2026, 11, 29, 23, 30, tzinfo=LOCAL_TZ),  # a Sunday night, just before the week turns
], ids=["tuesday-0900", "sunday-2330"])
def test_a_caregiver_books_and_cancels_on_a_phone(open_page, login, check_a11y, now):
    target = tuesday_a_week_after(now)
    with time_machine.travel(now, tick=True):
        hub = make_hub(slug="sant-antoni", name="Vila Veïna Sant Antoni")
        advisor = make_user("advisor", roles=[(Role.ADVISOR, hub)], first_name="Xavier", last_name="Roca")
        service = make_service(hub, name="Assessorament jurídic")
        publish(advisor, service, weekday=1, start="10:00", end="12:00", valid_from=target)
        make_caregiver(hub, "carer", first_name="Montserrat")
        page = open_page(lang="ca", width=360, height=740)
        login(page, "carer")
        page.goto("/advice/")
        check_a11y(page)
        with page.expect_navigation():
            page.get_by_role("link", name="Mostra les hores lliures").first.click()
        check_a11y(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.goto(f"/advice/services/{service.pk}/?from={target:%Y-%m-%d}")  # the week of the target Tuesday
        with page.expect_navigation():
            page.locator(".advice-slots a").first.click()  # the first free time, grouped under its day
        check_a11y(page)
        when = page.locator(".facts").inner_text()
        assert f"{target.day} " in when and str(target.year) in when and "10:00–10:30" in when
        page.fill("#id_reason", "Herència de la meva mare")
        with page.expect_navigation():
            page.get_by_role("button", name="Reserva aquesta cita").click()
        check_a11y(page)
        assert "Assessorament jurídic" in page.locator("h1").inner_text()
        page.goto("/advice/appointments/")
        check_a11y(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Anul·la").first.click()
        # Still listed until it would have ended, marked cancelled, with no cancel button left.
        assert page.locator(".advice-item .badge-danger").inner_text() == "Anul·lada"
        assert page.get_by_role("button", name="Anul·la").count() == 0


@time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=LOCAL_TZ), tick=True)
def test_staff_pages_pass_axe_at_360_px(open_page, login, check_a11y):
    from django.utils import timezone

    from advice.models import Appointment, AvailabilityException
    from tests.conftest import make_person

    hub = make_hub(slug="sant-antoni", name="Vila Veïna Sant Antoni")
    advisor = make_user("advisor", roles=[(Role.ADVISOR, hub)], first_name="Xavier", last_name="Roca")
    make_user("desk", roles=[(Role.DESK, hub)])
    make_user("coordinator", roles=[(Role.COORDINATOR, hub)])
    service = make_service(hub, name="Assessorament jurídic")
    publish(advisor, service, weekday=1, start="10:00", end="12:00")
    AvailabilityException.objects.create(advisor=advisor, date=timezone.localdate() + timedelta(days=9),
                                         kind="closed", note="Vacances")
    person = make_person(hub, first_name="Remei", last_name="Casals")
    now = timezone.now()
    appointment = Appointment.objects.create(service=service, advisor=advisor, hub=hub, person=person,
                                             starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(minutes=20),
                                             blocked_until=now + timedelta(minutes=20), reason="Herència")
    pages = {
        "advisor": ["/advice/agenda/", "/advice/availability/", f"/advice/appointments/{appointment.pk}/"],
        "desk": [f"/people/{person.pk}/", f"/advice/services/{service.pk}/"],
        "coordinator": ["/advice/manage/", f"/advice/manage/{service.pk}/"],
    }
    for username, urls in pages.items():
        page = open_page(lang="es", width=360, height=740)
        login(page, username)
        for url in urls:
            page.goto(url)
            check_a11y(page)
            wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 361 && !e.closest('.table-scroll')).map(e => e.tagName + '.' + e.className + '#' + e.id + ':' + Math.round(e.getBoundingClientRect().right)).slice(0, 8)""")  # what overflows, for the failure message
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, (username, url, wide)
        if username == "desk":
            with page.expect_navigation():
                page.locator(".advice-slots a").first.click()
            page.fill("#id_q", "Remei")
            with page.expect_navigation():
                page.press("#id_q", "Enter")
            check_a11y(page)
            assert "Remei Casals" in page.content()
