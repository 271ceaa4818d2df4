"""The booking flow with the keyboard alone, from the programme through the login form to the confirmation:
every step is reached with Tab, shows where the focus is, and is taken with Enter."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone, translation

from activities import services
from activities.models import Booking
from carehub.models import Role
from carehub.permissions import access_for
from tests.conftest import make_caregiver, make_hub, make_user

pytestmark = pytest.mark.django_db(transaction=True)

MAX_TABS = 60

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const style = getComputedStyle(e);
  return {tag: e.tagName, id: e.id, text: (e.innerText || e.value || '').trim(),
          href: e.getAttribute('href'), action: e.form ? e.form.getAttribute('action') : null,
          outline: style.outlineStyle === 'none' || style.outlineWidth === '0px'
            ? 'none' : style.outlineStyle,
          boxShadow: style.boxShadow};
}"""


def tab_to(page, matches, what: str) -> dict:
    """Press Tab until `matches(focused)`; the focused element must show its focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused and matches(focused):
            assert focused["outline"] != "none" or focused["boxShadow"] != "none", \
                f"focus not visible on {what}: {focused}"
            return focused
    pytest.fail(f"{what} is not reachable with Tab on {page.url}")


def test_a_caregiver_books_a_session_with_the_keyboard_alone(open_page, check_a11y):
    hub = make_hub(slug="sant-antoni", name="Vila Veïna Sant Antoni")
    coordinator = make_user("coordinator", roles=[(Role.COORDINATOR, hub)])
    start = (timezone.localtime() + timedelta(days=4)).replace(hour=17, minute=0, second=0, microsecond=0)
    activity = services.create_activity(access=access_for(coordinator), hub=hub, title="Cuidar-se per cuidar",
                                        kind="talk", starts_at=start, ends_at=start + timedelta(hours=2),
                                        capacity=8)
    session = activity.sessions.get()
    # Signed in, pages follow the person's preferred language: English here, like the browser.
    make_caregiver(hub, "carer", first_name="Montserrat", last_name="Vidal", preferred_language="en")
    with translation.override("en"):
        log_in_to_book, book = translation.gettext("Log in to book"), translation.gettext("Book")
        booked = translation.gettext("Booked: %(name)s has a place.") % {"name": "Montserrat Vidal"}

    page = open_page(lang="en")
    page.goto("/activities/")
    check_a11y(page)
    tab_to(page, lambda f: f["tag"] == "A" and f["text"].startswith(log_in_to_book),
           "the log-in-to-book link")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == "/login/")
    check_a11y(page)
    tab_to(page, lambda f: f["id"] == "id_username", "the user name field")
    page.keyboard.type("carer")
    tab_to(page, lambda f: f["id"] == "id_password", "the password field")
    page.keyboard.type("a-long-test-password")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == session.get_absolute_url())
    assert page.get_attribute("html", "lang") == "en"
    check_a11y(page)
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"].startswith(book)
           and f["action"] == f"/activities/sessions/{session.pk}/book/", "the Book button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector(".my-booking")
    check_a11y(page)
    assert page.locator(".messages").inner_text().strip() == booked
    booking = Booking.objects.get(session=session)
    assert booking.status == Booking.Status.CONFIRMED
    # The confirmation page of the booking, naming the session, with its cancel link reachable by Tab.
    assert urlsplit(page.url).path == f"/activities/bookings/{booking.pk}/"
    assert session.activity.title in page.locator(".my-booking .booking-facts").inner_text()
    with translation.override("en"):
        cancel = translation.gettext("Cancel this booking")
    tab_to(page, lambda f: f["tag"] == "A" and f["text"] == cancel
           and f["href"] == f"/activities/bookings/{booking.pk}/cancel/", "the cancel link")
