"""In a real browser, without JavaScript, on a 360×740 phone: a caregiver asks for childcare when booking and
sees it confirmed; the desk sees the children's count and ages (no names). axe-core checks every page, and
none scrolls sideways. In English: the Catalan and Spanish catalogues are filled at the end of the work."""

from datetime import timedelta

import pytest
from django.utils import timezone

from activities import services
from activities.models import Booking
from carehub.models import Role
from carehub.permissions import access_for
from tests.conftest import make_caregiver, make_hub, make_user

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 360


def _phone_page(page, check_a11y):
    check_a11y(page)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= WIDTH, page.url


def test_a_caregiver_asks_for_childcare_on_a_phone_without_javascript_and_the_desk_sees_the_ages(
        open_page, login, check_a11y):
    hub = make_hub(slug="sant-antoni", name="Vila Veïna Sant Antoni")
    coordinator = make_user("coordinator", roles=[(Role.COORDINATOR, hub), (Role.DESK, hub)])
    day = timezone.localtime() + timedelta(days=3)
    starts_at = day.replace(hour=17, minute=0, second=0, microsecond=0)
    activity = services.create_activity(
        access=access_for(coordinator), hub=hub, title="La Targeta Cuidadora", kind="talk", capacity=10,
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), childcare_places=4, childcare_max_age=10)
    session = activity.sessions.get()
    make_caregiver(hub, "carer", first_name="Montserrat", last_name="Vidal", preferred_language="en")

    page = open_page(lang="en", width=WIDTH, height=740)
    page.context.route("**/*.js", lambda route: route.abort())  # no script runs: plain forms only
    login(page, "carer")
    page.goto(session.get_absolute_url())
    _phone_page(page, check_a11y)
    fieldset = page.get_by_role("group", name="Do you need childcare?")
    assert fieldset.is_visible()
    fieldset.get_by_label("Child 1: age").select_option(label="4 years")
    fieldset.get_by_label("Child 2: age").select_option(label="Under 1 year")
    with page.expect_navigation():
        page.locator("main form.book-form button").click()
    _phone_page(page, check_a11y)
    assert page.locator(".messages").inner_text().strip() == (
        "Booked: Montserrat Vidal has a place, and childcare for 2 children.")
    assert "Childcare: 2 children, ages 4, 0 · confirmed with your place" in page.locator(".my-booking").inner_text()
    booking = Booking.objects.get(session=session, person__user__username="carer")
    assert (booking.status, booking.childcare_places, booking.childcare_age_list) == ("confirmed", 2, [4, 0])
    # Booking lands on the booking's confirmation page, which says the childcare goes with the place.
    assert page.url.endswith(f"/activities/bookings/{booking.pk}/")
    assert page.locator(".my-booking h1").inner_text().strip() == "Your place is booked"

    page.goto("/activities/bookings/")
    _phone_page(page, check_a11y)
    assert "confirmed with the place" in page.locator(".session-card").inner_text()

    desk = open_page(lang="en", width=WIDTH, height=740)
    login(desk, "coordinator")
    desk.goto(session.get_absolute_url())
    _phone_page(desk, check_a11y)
    participants = desk.locator(".participants").inner_text()
    assert "Montserrat Vidal" in participants and "Childcare: 2 children, ages 4, 0" in participants
    assert "Childcare: 2 of 4 children confirmed" in participants
