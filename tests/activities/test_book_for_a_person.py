"""Booking an activity for a person from their page keeps the person: `?person=<id>` is carried from their page
through the programme and the session page to the booking, and back to their page. Scoped like their page."""

import re

import pytest
from django.urls import reverse

from activities import services
from activities.models import Booking
from carehub.permissions import access_for
from tests.conftest import client_for, make_person

from .helpers import make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def remei(hub):
    return make_person(hub, first_name="Remei", last_name="Casals")


def test_the_person_page_link_carries_the_person(hub, desk, remei):
    page = client_for(desk).get(reverse("person-detail", args=[remei.pk])).content.decode()
    assert f'{reverse("activities:programme")}?person={remei.pk}"' in page


def test_the_programme_for_a_person_links_each_session_with_the_person(hub, desk, remei):
    session = make_session(hub, days=3)
    page = client_for(desk).get(reverse("activities:programme"), {"person": remei.pk}).content.decode()
    assert "Choosing an activity for Remei Casals." in page
    assert f"{session.get_absolute_url()}?person={remei.pk}" in page
    assert f'<input type="hidden" name="person" value="{remei.pk}">' in page  # the filters keep them too


def test_the_session_page_books_the_person_and_goes_back_to_their_page(hub, desk, remei):
    session = make_session(hub, days=3)
    client = client_for(desk)
    page = client.get(session.get_absolute_url(), {"person": remei.pk}).content.decode()
    assert "Book a place for Remei Casals" in page
    form = page[page.index('id="book-for-person-h"'):]
    assert re.search(rf'name="person" value="{remei.pk}"', form)
    response = client.post(reverse("activities:book", args=[session.pk]),
                           {"person": remei.pk, "next": reverse("person-detail", args=[remei.pk])})
    assert response.status_code == 302 and response["Location"] == reverse("person-detail", args=[remei.pk])
    assert Booking.objects.get(session=session).person == remei
    again = client.get(session.get_absolute_url(), {"person": remei.pk}).content.decode()
    assert "Remei Casals has a place." in again and "Book a place for Remei Casals" not in again


def test_a_person_outside_the_desks_hubs_is_a_404_at_every_step(hub, other_hub, desk):
    stranger = make_person(other_hub)
    session = make_session(hub, days=3)
    client = client_for(desk)
    for url in (reverse("activities:programme"), session.get_absolute_url(),
                reverse("activities:book-for", args=[session.pk])):
        assert client.get(url, {"person": stranger.pk}).status_code == 404, url


def test_a_session_that_has_started_offers_no_booking_for_the_person(hub, desk, remei, time_machine):
    from .helpers import at

    session = make_session(hub, days=0, hour=10)
    time_machine.move_to(at(0, 10, 5), tick=False)
    page = client_for(desk).get(session.get_absolute_url(), {"person": remei.pk}).content.decode()
    assert "Book a place for Remei Casals" not in page and "This session can no longer be booked." in page


def test_a_full_session_offers_the_waitlist_for_the_person(hub, desk, remei):
    session = make_session(hub, days=3, capacity=1)
    services.book_session(access=access_for(desk), session_id=session.pk, person_id=make_person(hub).pk)
    page = client_for(desk).get(session.get_absolute_url(), {"person": remei.pk}).content.decode()
    assert "Put Remei Casals on the waitlist" in page
