"""Making an appointment for a person from their page keeps the person: `?person=<id>` goes from their page
through the services and the free times to the booking, each page saying who it is for. Scoped like their
page: someone outside the desk's hubs is a 404."""

import re

import pytest
from django.urls import reverse

from advice.models import Appointment
from tests.conftest import client_for, make_person

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def remei(hub):
    return make_person(hub, first_name="Remei", last_name="Casals")


def test_from_the_person_page_to_the_booked_appointment_the_person_is_kept(desk, hub, service, advisor, window,
                                                                           tuesday, remei):
    client = client_for(desk)
    person_page = client.get(reverse("person-detail", args=[remei.pk])).content.decode()
    services_url = re.search(r'href="(/advice/\?hub=[^"]*person=%d)"' % remei.pk, person_page.replace("&amp;", "&"))
    assert services_url, "the person page links to the services with the person"
    listing = client.get(services_url.group(1)).content.decode()
    assert "Making an appointment for Remei Casals." in listing
    slots_url = f"{reverse('advice:slots', args=[service.pk])}?person={remei.pk}"
    assert slots_url in listing
    slots = client.get(f"{slots_url}&from={tuesday.isoformat()}").content.decode().replace("&amp;", "&")
    assert "Making an appointment for Remei Casals." in slots
    book_url = re.search(r'href="(/advice/services/%d/book/\?[^"]*person=%d)"' % (service.pk, remei.pk), slots)
    assert book_url, "each free time links to the booking with the person"
    confirm = client.get(book_url.group(1)).content.decode()
    assert "Remei Casals" in confirm and "Who is the appointment for?" not in confirm
    query = {"advisor": advisor.pk, "starts": at(tuesday, "10:00").isoformat(), "person": remei.pk,
             "mode": "in_person"}
    assert client.post(reverse("advice:book", args=[service.pk]), query).status_code == 302
    assert Appointment.objects.get().person == remei


def test_other_services_at_the_hub_keep_the_person(desk, service, remei):
    page = client_for(desk).get(reverse("advice:slots", args=[service.pk]), {"person": remei.pk}).content.decode()
    assert f"?hub={service.hub.slug}&amp;person={remei.pk}" in page


def test_the_services_for_a_person_start_at_their_hub(desk, hub, service, remei):
    page = client_for(desk).get(reverse("advice:services"), {"person": remei.pk}).content.decode()
    assert f"{reverse('advice:slots', args=[service.pk])}?person={remei.pk}" in page


def test_a_person_outside_the_desks_hubs_is_a_404_at_every_step(desk, other_hub, service, advisor, window,
                                                                tuesday):
    stranger = make_person(other_hub)
    client = client_for(desk)
    assert client.get(reverse("advice:services"), {"person": stranger.pk}).status_code == 404
    assert client.get(reverse("advice:slots", args=[service.pk]), {"person": stranger.pk}).status_code == 404
    assert client.get(reverse("advice:book", args=[service.pk]), {
        "advisor": advisor.pk, "starts": at(tuesday, "10:00").isoformat(), "person": stranger.pk}).status_code == 404
    # An id that is not plain digits is no person at all (ignored, never a 500).
    assert client.get(reverse("advice:slots", args=[service.pk]), {"person": "²"}).status_code == 200
    assert client.get(reverse("advice:services"), {"person": "1 OR 1"}).status_code == 200


@pytest.fixture(autouse=True)
def english_pages(settings):
    """The desk's pages in English, so that assertions read the msgids."""
    settings.LANGUAGE_CODE = "en"
