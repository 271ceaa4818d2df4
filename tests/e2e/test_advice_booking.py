"""A caregiver books and cancels an advice appointment on a 360 px phone in a real browser, with axe-core checking
each page (WCAG 2.1 AA). Reuses the browser fixtures of tests/e2e; skipped like them without Chromium."""

import pytest

from carehub.models import Role
from tests.advice.conftest import make_service, publish
from tests.conftest import make_caregiver, make_hub, make_user

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


def test_a_caregiver_books_and_cancels_on_a_phone(open_page, login, check_a11y):
    hub = make_hub(slug="sant-antoni", name="Vila Veïna Sant Antoni")
    advisor = make_user("advisor", roles=[(Role.ADVISOR, hub)], first_name="Xavier", last_name="Roca")
    service = make_service(hub, name="Assessorament jurídic")
    publish(advisor, service, weekday=1, start="10:00", end="12:00")
    make_caregiver(hub, "carer", first_name="Montserrat")
    page = open_page(lang="ca", width=360, height=740)
    login(page, "carer")
    page.goto("/advice/")
    check_a11y(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Mostra les hores lliures").first.click()
    check_a11y(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    with page.expect_navigation():
        page.locator(".advice-slots a").first.click()  # the first free time, grouped under its day
    check_a11y(page)
    assert "10:00" in page.locator(".facts").inner_text()
    page.fill("#id_reason", "Herència de la meva mare")
    with page.expect_navigation():
        page.get_by_role("button", name="Reserva aquesta cita").click()
    check_a11y(page)
    assert "Assessorament jurídic" in page.locator("h1").inner_text()
    page.goto("/advice/appointments/")
    check_a11y(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Anul·la").first.click()
    assert "Anul·lada" in page.content() or "No hi ha cap cita" in page.content()


def test_staff_pages_pass_axe_at_360_px(open_page, login, check_a11y):
    from datetime import timedelta

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
