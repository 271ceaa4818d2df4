"""The programme a caregiver sees first: their hub and their district's, soonest first, a support group once,
the filters folded behind one control; and the private feed offered as a one-tap link and a QR code."""

import pytest
from django.urls import reverse

from activities.models import ActivityKind, Frequency
from carehub.timezones import LOCAL_TZ
from tests.conftest import client_for, make_caregiver, make_hub

from .helpers import make_activity

pytestmark = pytest.mark.django_db

URL = "/activities/"


@pytest.fixture
def eixample_neighbour(db):
    return make_hub(name="Vila Veïna Fort Pienc", slug="fort-pienc", district="eixample")


@pytest.fixture
def sant_antoni_carer(hub):
    return make_caregiver(hub, preferred_language="en")[0]


def titles(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_a_caregiver_starts_from_their_hub_and_district_and_can_widen_it(
        hub, other_hub, eixample_neighbour, sant_antoni_carer):
    make_activity(hub, title="Xerrada a Sant Antoni", days=3)
    make_activity(eixample_neighbour, title="Taller a Fort Pienc", days=1)
    make_activity(other_hub, title="Caminada al Poble-sec", days=2)
    client = client_for(sant_antoni_carer)
    page = titles(client.get(reverse("activities:programme")))
    assert "Taller a Fort Pienc" in page and "Xerrada a Sant Antoni" in page
    assert "Caminada al Poble-sec" not in page
    assert page.index("Taller a Fort Pienc") < page.index("Xerrada a Sant Antoni")  # soonest first
    assert "Showing Vila Veïna Sant Antoni and the other hubs of Eixample" in page
    assert "where=all" in page
    everywhere = titles(client.get(reverse("activities:programme"), {"where": "all"}))
    assert "Caminada al Poble-sec" in everywhere and "Showing Vila Veïna" not in everywhere
    chosen = titles(client.get(reverse("activities:programme"), {"hub": other_hub.slug}))
    assert "Caminada al Poble-sec" in chosen and "Xerrada a Sant Antoni" not in chosen


def test_visitors_see_every_hub(client, hub, other_hub):
    make_activity(hub, title="Xerrada a Sant Antoni")
    make_activity(other_hub, title="Caminada al Poble-sec")
    page = titles(client.get(reverse("activities:programme")))
    assert "Xerrada a Sant Antoni" in page and "Caminada al Poble-sec" in page and "Showing " not in page
    assert 'name="where"' not in page


def test_a_support_group_is_one_card_at_its_next_meeting(client, hub):
    group = make_activity(hub, title="Grup de suport per a cuidadores", kind=ActivityKind.SUPPORT_GROUP,
                          frequency=Frequency.WEEKLY, occurrences=14)
    make_activity(hub, title="Xerrada", frequency=Frequency.WEEKLY, occurrences=3)
    page = titles(client.get(reverse("activities:programme")))
    # Typed in Catalan only: on this English page it is marked lang="ca" (docs/translation.md).
    assert page.count('<span lang="ca">Grup de suport per a cuidadores</span></a></h2>') == 1
    assert page.count('<li class="session-card">') == 4  # the group once, the talk's three sessions
    assert f'href="{reverse("activities:activity", args=[group.pk])}"' in page and "Next meeting:" in page
    later = group.sessions.order_by("starts_at")[3]
    filtered = titles(client.get(reverse("activities:programme"), {
        "date_from": later.starts_at.date().isoformat(), "kind": ActivityKind.SUPPORT_GROUP}))
    assert filtered.count('<li class="session-card">') == 1
    assert f'datetime="{later.starts_at.astimezone(LOCAL_TZ).isoformat()}"' in filtered


def test_the_filters_are_folded_behind_one_control_and_count_what_is_on(client, hub):
    page = titles(client.get(reverse("activities:programme")))
    assert '<details class="filters-fold">' in page and "<summary>Filter the programme</summary>" in page
    filtered = titles(client.get(reverse("activities:programme"), {"kind": "talk", "has_seats": "on"}))
    assert "(2 filters on)" in filtered


def test_the_programme_stays_bounded_in_queries_with_many_groups(
        hub, sant_antoni_carer, django_assert_max_num_queries):
    client = client_for(sant_antoni_carer)
    make_activity(hub, kind=ActivityKind.SUPPORT_GROUP, frequency=Frequency.WEEKLY, occurrences=4)
    client.get(URL)
    with django_assert_max_num_queries(12) as few:
        titles(client.get(URL))
    for n in range(6):
        make_activity(hub, title=f"Grup {n}", kind=ActivityKind.SUPPORT_GROUP, frequency=Frequency.WEEKLY,
                      occurrences=4)
        make_activity(hub, title=f"Taller {n}", frequency=Frequency.WEEKLY, occurrences=4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        titles(client.get(URL))


def test_the_hub_calendar_link_subscribes_with_webcal(client, hub, settings):
    settings.SITE_URL = "https://vilaveina.example.org"
    page = titles(client.get(reverse("activities:programme"), {"hub": hub.slug}))
    assert 'href="webcal://vilaveina.example.org/hubs/sant-antoni/calendar.ics"' in page


def test_the_private_feed_is_a_one_tap_link_a_qr_code_and_a_copyable_address(hub, sant_antoni_carer, settings):
    settings.SITE_URL = "https://vilaveina.example.org"
    page = titles(client_for(sant_antoni_carer).get(reverse("activities:mine")))
    person = sant_antoni_carer.person
    path = person.calendar_feed_tokens.get(revoked_at__isnull=True).get_absolute_url()
    assert f'href="webcal://vilaveina.example.org{path}"' in page
    assert '<svg role="img"' in page and "<title>QR code of your calendar address</title>" in page
    assert f'value="https://vilaveina.example.org{path}"' in page
