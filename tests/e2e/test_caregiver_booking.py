"""A caregiver on a 360×740 phone, in Catalan, finds the programme starting from their hub and district, opens
the folded filters, books a session (the confirmation page says what, when and where), is waitlisted on a full
one, cancels a booking through its confirmation step and downloads the .ics, in a real browser; axe-core checks
every page visited and none scrolls sideways."""

from datetime import timedelta
from urllib.parse import urlsplit

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from activities import services
from activities.models import Booking
from carehub.models import Role
from carehub.permissions import access_for
from tests.conftest import make_caregiver, make_hub, make_person, make_user

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 360


def ca(message: str, **values) -> str:
    """The Catalan wording the page shows (so the test follows the catalogue rather than copying it)."""
    with translation.override("ca"):
        text = translation.gettext(message)
    assert text != message, f"no Catalan translation for {message!r}"
    return text % values if values else text


def in_days(days: int, hour: int):
    day = timezone.localtime() + timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def programme(hub, other_hub):
    """An open talk at the caregiver's hub, a full workshop there (one on its waitlist), a talk elsewhere."""
    coordinator = make_user("coordinator", roles=[(Role.COORDINATOR, hub), (Role.COORDINATOR, other_hub),
                                                  (Role.DESK, hub)])
    access = access_for(coordinator)
    talk = services.create_activity(access=access, hub=hub, title="Cuidar-se per cuidar", kind="talk",
                                    starts_at=in_days(3, 17), ends_at=in_days(3, 19), capacity=10)
    workshop = services.create_activity(access=access, hub=hub, title="Taller de mobilitzacions",
                                        kind="workshop", starts_at=in_days(5, 10), ends_at=in_days(5, 12),
                                        capacity=1)
    services.create_activity(access=access, hub=other_hub, title="Passeig per Montjuïc",
                             kind="outdoor", starts_at=in_days(2, 10), ends_at=in_days(2, 12), capacity=10)
    full = workshop.sessions.get()
    for person in (make_person(hub), make_person(hub)):  # the place, then number 1 on the waitlist
        services.book_session(access=access, session_id=full.pk, person_id=person.pk)
    return talk.sessions.get(), full


def assert_phone_page(page, check_a11y):
    assert page.get_attribute("html", "lang") == "ca"
    check_a11y(page)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= WIDTH, page.url


def test_a_caregiver_books_is_waitlisted_cancels_and_downloads_the_ics_on_a_phone(open_page, login,
                                                                                   check_a11y):
    # Two districts, so that "your hub and district first" leaves the other hub's walk out.
    hub = make_hub(slug="sant-antoni", name="Vila Veïna Sant Antoni", district="eixample")
    other_hub = make_hub(slug="poble-sec", name="Vila Veïna Poble-sec", district="sants-montjuic")
    talk, full = programme(hub, other_hub)
    make_caregiver(hub, "carer", first_name="Montserrat", last_name="Vidal")
    page = open_page(lang="ca", width=WIDTH, height=740)
    login(page, "carer")
    assert_phone_page(page, check_a11y)  # where logging in lands

    # The programme starts from the caregiver's hub and district, soonest first; the walk elsewhere is one
    # link away.
    page.goto("/activities/")
    assert_phone_page(page, check_a11y)
    assert hub.name in page.locator(".programme-scope").inner_text()
    assert page.locator(".session-card h2").all_inner_texts() == ["Cuidar-se per cuidar", "Taller de mobilitzacions"]
    with page.expect_navigation():
        page.get_by_role("link", name=ca("Show every hub")).click()
    assert_phone_page(page, check_a11y)
    assert page.locator(".programme-scope").count() == 0
    assert page.locator(".session-card h2").all_inner_texts() == [
        "Passeig per Montjuïc", "Cuidar-se per cuidar", "Taller de mobilitzacions"]

    # Finds the talk: the filters are folded away until the caregiver opens them, then narrowed to the hub.
    filters = page.locator("details.filters-fold")
    assert filters.get_attribute("open") is None
    assert not page.locator("#id_hub").is_visible()
    page.locator("details.filters-fold > summary").click()
    page.locator("#id_hub").wait_for(state="visible")
    assert_phone_page(page, check_a11y)  # the open filters too
    page.select_option("#id_hub", label=hub.name)
    with page.expect_navigation():
        page.get_by_role("button", name=ca("Show"), exact=True).click()
    assert_phone_page(page, check_a11y)
    titles = page.locator(".session-card h2").all_inner_texts()
    assert titles == ["Cuidar-se per cuidar", "Taller de mobilitzacions"]
    assert ca("Full: waitlist open") in page.locator(".session-card").nth(1).inner_text()
    talk_when = page.locator(".session-card").nth(0).locator(".session-when").inner_text().strip()
    with page.expect_navigation():
        page.get_by_role("link", name="Cuidar-se per cuidar").click()
    assert_phone_page(page, check_a11y)

    # Books it: confirmed, on the confirmation page that says what, when and where, and how to cancel.
    with page.expect_navigation():
        page.locator("main form.book-form button").click()
    booking = Booking.objects.get(session=talk, person__user__username="carer")
    assert booking.status == Booking.Status.CONFIRMED
    page.wait_for_url(f"**{reverse('activities:booking', kwargs={'pk': booking.pk})}")
    assert_phone_page(page, check_a11y)
    assert page.locator(".messages").inner_text().strip() == ca("Booked: %(name)s has a place.",
                                                                name="Montserrat Vidal")
    confirmation = page.locator(".my-booking")
    assert confirmation.locator("h1").inner_text().strip() == ca("Your place is booked")
    facts = confirmation.locator(".booking-facts dd")
    assert facts.nth(0).inner_text().strip() == "Cuidar-se per cuidar"
    assert facts.nth(1).inner_text().strip() == talk_when
    assert hub.name in facts.nth(2).inner_text()
    assert facts.nth(3).inner_text().strip() == ca("Confirmed")
    cancel_link = confirmation.get_by_role("link", name=ca("Cancel this booking"))
    assert cancel_link.get_attribute("href") == reverse("activities:booking-cancel", kwargs={"pk": booking.pk})

    # The .ics of the booking: the phone downloads it (and stays on the page).
    with page.expect_download() as download_info:
        page.get_by_role("link", name=ca("Add to my calendar (.ics)")).click()
    download = download_info.value
    assert download.suggested_filename == f"session-{talk.pk}.ics"
    with open(download.path(), "rb") as stream:
        events = icalendar.Calendar.from_ical(stream.read()).walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == ["Cuidar-se per cuidar"]
    assert events[0].decoded("DTSTART") == talk.starts_at

    # The full workshop: waitlisted, second in line, and told so on its confirmation page.
    with page.expect_navigation():
        page.get_by_role("link", name=ca("See what's on")).click()
    assert_phone_page(page, check_a11y)
    card = page.locator(".session-card").filter(has_text="Cuidar-se per cuidar")
    assert ca("You have a place") in card.inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Taller de mobilitzacions").click()
    assert_phone_page(page, check_a11y)
    with page.expect_navigation():
        page.get_by_role("button", name=ca("Join the waitlist")).click()
    waiting = Booking.objects.get(session=full, person__user__username="carer")
    assert waiting.status == Booking.Status.WAITLISTED
    page.wait_for_url(f"**{reverse('activities:booking', kwargs={'pk': waiting.pk})}")
    assert_phone_page(page, check_a11y)
    assert page.locator(".message-warning").inner_text().strip() == ca(
        "The session is full: %(name)s is on the waitlist and will get an email if a place frees up.",
        name="Montserrat Vidal")
    assert page.locator(".my-booking h1").inner_text().strip() == ca("You are on the waitlist")
    assert page.locator(".my-booking .badge").inner_text() == ca("Waitlist: number %(n)s", n=2)

    # My bookings lists both; cancelling the confirmed one asks first, naming the session, then gives the place
    # back.
    with page.expect_navigation():
        page.get_by_role("link", name=ca("My bookings")).first.click()
    assert_phone_page(page, check_a11y)
    mine_url = page.url
    cards = page.locator(".session-card")
    assert cards.count() == 2
    assert ca("Waitlist: number %(n)s", n=2) in cards.filter(has_text="Taller de mobilitzacions").inner_text()
    with page.expect_navigation():
        cards.filter(has_text="Cuidar-se per cuidar").get_by_role("link", name=ca("Cancel")).click()
    page.wait_for_url(f"**{reverse('activities:booking-cancel', kwargs={'pk': booking.pk})}?**")
    assert_phone_page(page, check_a11y)
    assert page.locator("main h1").inner_text().strip() == ca("Cancel this booking?")
    step = page.locator("main").inner_text()
    assert "Cuidar-se per cuidar" in step and talk_when in step
    assert "Taller de mobilitzacions" not in step
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED  # looking at the step cancels nothing
    with page.expect_navigation():
        page.get_by_role("button", name=ca("Cancel booking"), exact=True).click()
    page.wait_for_url(mine_url)
    assert_phone_page(page, check_a11y)
    assert page.locator(".messages").inner_text().strip() == ca(
        "The booking is cancelled. Thank you for freeing the place.")
    assert page.locator(".session-card h3").all_inner_texts() == ["Taller de mobilitzacions"]
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_a_caregiver_is_warned_of_a_clash_and_books_anyway_on_a_phone(open_page, login, check_a11y):
    hub = make_hub(slug="sant-antoni", name="Vila Veïna Sant Antoni", district="eixample")
    coordinator = make_user("coordinator", roles=[(Role.COORDINATOR, hub)])
    access = access_for(coordinator)
    talk = services.create_activity(access=access, hub=hub, title="Cuidar-se per cuidar", kind="talk",
                                    starts_at=in_days(3, 17), ends_at=in_days(3, 19), capacity=10)
    workshop = services.create_activity(access=access, hub=hub, title="Taller de mobilitzacions",
                                        kind="workshop", starts_at=in_days(3, 18), ends_at=in_days(3, 20),
                                        capacity=10)
    _user, person = make_caregiver(hub, "carer", first_name="Montserrat", last_name="Vidal")
    services.book_session(access=access, session_id=talk.sessions.get().pk, person_id=person.pk)
    overlapping = workshop.sessions.get()
    page = open_page(lang="ca", width=WIDTH, height=740)
    login(page, "carer")

    page.goto(overlapping.get_absolute_url())
    assert_phone_page(page, check_a11y)
    with page.expect_navigation():
        page.locator("main form.book-form button").click()
    # The warning step: names the booking it clashes with, and books nothing yet.
    assert_phone_page(page, check_a11y)
    assert page.locator("main h1").inner_text().strip() == ca("You already have a booking at that time")
    assert "Cuidar-se per cuidar" in page.locator("main .message-warning").inner_text()
    assert page.locator("main ul li").all_inner_texts()[0].startswith("Cuidar-se per cuidar")
    assert not Booking.objects.filter(session=overlapping).exists()
    with page.expect_navigation():
        page.get_by_role("button", name=ca("Book anyway")).click()
    booking = Booking.objects.get(session=overlapping, person=person)
    assert booking.status == Booking.Status.CONFIRMED
    page.wait_for_url(f"**{reverse('activities:booking', kwargs={'pk': booking.pk})}")
    assert_phone_page(page, check_a11y)
    assert page.locator(".messages").inner_text().strip() == ca("Booked: %(name)s has a place.",
                                                                name="Montserrat Vidal")
    assert page.locator(".my-booking .booking-facts dd").nth(0).inner_text().strip() == "Taller de mobilitzacions"


def test_another_persons_booking_is_the_site_s_not_found_page_on_a_phone(open_page, login, check_a11y):
    hub = make_hub(slug="sant-antoni", name="Vila Veïna Sant Antoni", district="eixample")
    coordinator = make_user("coordinator", roles=[(Role.COORDINATOR, hub)])
    access = access_for(coordinator)
    talk = services.create_activity(access=access, hub=hub, title="Cuidar-se per cuidar", kind="talk",
                                    starts_at=in_days(3, 17), ends_at=in_days(3, 19), capacity=10)
    someone_else = services.book_session(access=access, session_id=talk.sessions.get().pk,
                                         person_id=make_person(hub).pk)
    make_caregiver(hub, "carer", first_name="Montserrat", last_name="Vidal")
    page = open_page(lang="ca", width=WIDTH, height=740)
    login(page, "carer")
    for url in (reverse("activities:booking", kwargs={"pk": someone_else.pk}),
                reverse("activities:booking-cancel", kwargs={"pk": someone_else.pk})):
        response = page.goto(url)
        assert response.status == 404, url
        assert_phone_page(page, check_a11y)  # the error page in the site's layout and the caregiver's language
        assert page.locator("main h1").inner_text().strip() == ca("Page not found")
        assert "Cuidar-se per cuidar" not in page.content()
        with page.expect_navigation():
            page.get_by_role("link", name=ca("Back to the home page")).click()
        assert urlsplit(page.url).path == reverse("home")
