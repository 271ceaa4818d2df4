"""The desk's day in a real browser, at desktop width and on a 360 px phone: attendance for everyone in one
form, a walk-in added, and booking from a person's page keeping the person. axe-core on every page."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import translation

from activities import services
from activities.models import Booking
from carehub.models import Role
from carehub.permissions import access_for
from carehub.timezones import LOCAL_TZ
from tests.conftest import make_hub, make_person, make_user

pytestmark = pytest.mark.django_db(transaction=True)

MORNING = datetime(2026, 6, 2, 8, 30, tzinfo=LOCAL_TZ)  # a Tuesday; the session starts at 10:00


def a_morning_session(hub, coordinator, *, title="Taller de memòria", capacity=6):
    start = MORNING.replace(hour=10, minute=0)
    activity = services.create_activity(access=access_for(coordinator), hub=hub, title=title, kind="workshop",
                                        starts_at=start, ends_at=start + timedelta(hours=1, minutes=30),
                                        capacity=capacity)
    return activity.sessions.get()


def fits(page, width: int) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 360])
def test_the_desk_takes_attendance_for_everyone_at_once_and_adds_a_walk_in(open_page, login, check_a11y, width):
    with time_machine.travel(MORNING, tick=True) as clock:
        hub = make_hub(slug="sant-antoni", name="Vila Veïna Sant Antoni")
        desk = make_user("desk", roles=[(Role.DESK, hub)])
        session = a_morning_session(hub, make_user("coordinator", roles=[(Role.COORDINATOR, hub)]))
        people = [make_person(hub, first_name=name, last_name="Puig") for name in ("Núria", "Pere", "Roser")]
        for person in people:
            services.book_session(access=access_for(desk), session_id=session.pk, person_id=person.pk)
        make_person(hub, first_name="Amparo", last_name="Soler")
        with translation.override("en"):
            save = translation.gettext("Save attendance")

        page = open_page(width=width, height=800, lang="en")
        login(page, "desk")
        page.goto("/desk/today/")
        check_a11y(page)
        assert fits(page, width)
        assert page.locator("input[name=came]").count() == 0  # 08:30: not started, no button

        clock.move_to(MORNING.replace(hour=10, minute=5))
        page.goto("/desk/today/")
        page.get_by_label("Núria Puig").check()
        page.get_by_label("Roser Puig").check()
        with page.expect_navigation():
            page.get_by_role("button", name=save).click()
        assert "2 came, 1 did not come" in page.locator(".messages").inner_text()
        check_a11y(page)
        assert fits(page, width)
        marked = dict(Booking.objects.filter(session=session).values_list("person__first_name", "attendance"))
        assert marked == {"Núria": "attended", "Pere": "no_show", "Roser": "attended"}

        page.fill(f"#walk-in-{session.pk}", "Amparo")
        with page.expect_navigation():
            page.press(f"#walk-in-{session.pk}", "Enter")
        check_a11y(page)
        assert fits(page, width)
        with page.expect_navigation():
            page.get_by_role("button", name="Came: add Amparo Soler").click()
        assert page.url.split("#")[0].endswith("/desk/today/")
        assert "Amparo Soler came" in page.locator(".messages").inner_text()
        assert Booking.objects.get(session=session, person__first_name="Amparo").attendance == "attended"


def test_booking_from_a_persons_page_keeps_the_person(open_page, login, check_a11y):
    with time_machine.travel(MORNING, tick=True):
        hub = make_hub(slug="sant-antoni", name="Vila Veïna Sant Antoni")
        make_user("desk", roles=[(Role.DESK, hub)])
        coordinator = make_user("coordinator", roles=[(Role.COORDINATOR, hub)])
        start = MORNING + timedelta(days=3)
        services.create_activity(access=access_for(coordinator), hub=hub, title="Caminada pel barri",
                                 kind="outdoor", starts_at=start, ends_at=start + timedelta(hours=2), capacity=10)
        remei = make_person(hub, first_name="Remei", last_name="Casals")

        page = open_page(width=360, height=740, lang="en")
        login(page, "desk")
        page.goto(f"/people/{remei.pk}/")
        with page.expect_navigation():
            page.get_by_role("link", name="Book an activity for this person").click()
        check_a11y(page)
        assert fits(page, 360)
        with page.expect_navigation():
            page.get_by_role("link", name="Choose for Remei Casals").first.click()
        check_a11y(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Book a place for Remei Casals").click()
        assert page.url.endswith(f"/people/{remei.pk}/")
        assert "Remei Casals has a place" in page.locator(".messages").inner_text()
        assert Booking.objects.get(person=remei).status == "confirmed"
