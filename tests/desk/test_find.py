"""/desk/: find a person by a fragment of name, phone or document, or by their card; another hub's person is
nobody; an item on loan scanned before anyone is shown opens its return."""

import pytest

from carehub.models import Role
from tests.conftest import client_for, make_caregiver, make_person, make_user

from .conftest import action_url, lend, make_item, screen

pytestmark = pytest.mark.django_db


def test_staff_land_on_the_desk_screen_after_login(desk):
    from django.test import Client

    response = Client().post("/login/", {"username": "desk", "password": "a-long-test-password"})
    assert response["Location"] == "/desk/"


def test_the_find_field_has_the_focus_and_is_described_by_the_status(desk):
    page = client_for(desk).get("/desk/").content.decode()
    assert 'id="desk-status"' in page and 'role="status"' in page
    assert 'name="q"' in page and "autofocus" in page and 'aria-describedby="desk-status id_q_helptext"' in page


def test_one_person_matching_a_name_fragment_opens_their_screen(desk, hub):
    person = make_person(hub, first_name="Núria", last_name="Vilalta")
    make_person(hub, first_name="Jordi", last_name="Puig")
    response = client_for(desk).get("/desk/", {"q": "nuri vila"})
    assert response.status_code == 302
    assert response["Location"] == screen(person)


def test_a_phone_or_document_fragment_finds_the_person(desk, hub):
    person = make_person(hub, phone="612 345 678", document_number="12345678Z")
    client = client_for(desk)
    assert client.get("/desk/", {"q": "612 345"})["Location"] == screen(person)
    assert client.get("/desk/", {"q": "5678z"})["Location"] == screen(person)


def test_several_matches_are_listed_each_linking_to_their_screen(desk, hub):
    first = make_person(hub, first_name="Anna", last_name="Soler")
    second = make_person(hub, first_name="Anna", last_name="Roca")
    response = client_for(desk).get("/desk/", {"q": "anna"})
    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="{screen(first)}"' in page and f'href="{screen(second)}"' in page
    assert "2 people found" in page


def test_nobody_matching_says_so_and_offers_to_register(desk, hub):
    page = client_for(desk).get("/desk/", {"q": "zzzz"}).content.decode()
    assert "Nobody matches" in page
    assert "/people/new/?next=/desk/" in page


def test_coming_back_from_registering_opens_the_new_persons_screen(desk, hub):
    person = make_person(hub)
    assert client_for(desk).get("/desk/", {"person": person.pk})["Location"] == screen(person)


def test_a_scanned_card_opens_the_persons_screen(desk, hub):
    person = make_person(hub)
    number = f"p{person.pk:07d}"
    assert client_for(desk).get("/desk/", {"q": f"  {number} "})["Location"] == screen(person)


def test_another_hubs_person_is_found_neither_by_name_nor_by_card(desk, hub, other_hub):
    stranger = make_person(other_hub, first_name="Forastera", last_name="Lluny")
    client = client_for(desk)
    page = client.get("/desk/", {"q": "forastera"}).content.decode()
    assert "Nobody matches" in page and screen(stranger) not in page
    response = client.get("/desk/", {"q": f"P{stranger.pk:07d}"})
    assert response.status_code == 200 and screen(stranger) not in response.content.decode()


def test_another_hubs_person_screen_card_and_actions_are_404(desk, other_hub):
    stranger = make_person(other_hub)
    client = client_for(desk)
    assert client.get(screen(stranger)).status_code == 404
    assert client.get(f"/desk/people/{stranger.pk}/card/").status_code == 404
    assert client.post(f"/desk/people/{stranger.pk}/scan/", {"scan": "X-1"}).status_code == 404
    assert client.get(action_url(stranger, "return", 1)).status_code == 404


def test_a_desk_workers_own_record_at_another_hub_is_not_theirs_to_serve(hub, other_hub):
    user, own = make_caregiver(other_hub)
    from carehub.models import StaffRole

    StaffRole.objects.create(user=user, role=Role.DESK, hub=hub)
    assert client_for(user).get(screen(own)).status_code == 404


@pytest.mark.parametrize("url", ["/desk/people/99999999999999999999/", "/desk/people/1/lending/renew/99999999999/",
                                 "/desk/people/1/calls/99999999999/done/", "/desk/people/1/lending/nothing/"])
def test_numbers_too_large_or_unknown_actions_are_404_not_an_error(desk, hub, url):
    person = make_person(hub)
    client = client_for(desk)
    url = url.replace("/people/1/", f"/people/{person.pk}/")
    response = client.post(url) if url.endswith("done/") else client.get(url)
    assert response.status_code == 404


def test_a_person_number_too_large_after_registering_just_shows_the_find_page(desk):
    assert client_for(desk).get("/desk/", {"person": "9" * 30}).status_code == 200


def test_only_staff_who_serve_people_open_the_desk(hub, planner):
    advisor = make_user(roles=[(Role.ADVISOR, hub)])
    user, _person = make_caregiver(hub)
    for someone in (planner, advisor, user):
        assert client_for(someone).get("/desk/").status_code == 403
    assert client_for(planner).get(screen(make_person(hub))).status_code == 403


def test_an_item_on_loan_scanned_before_anyone_is_shown_opens_its_return(desk, hub):
    person = make_person(hub)
    item = make_item(hub)
    loan = lend(desk, item, person)
    response = client_for(desk).get("/desk/", {"q": item.asset_tag.lower()})
    assert response["Location"] == action_url(person, "return", loan.pk)


def test_an_item_ready_for_someone_scanned_opens_their_screen(desk, hub):
    from carehub.permissions import access_for
    from lending import services

    person = make_person(hub)
    item = make_item(hub)
    services.place_hold(access=access_for(desk), hub=hub, item_type=item.item_type, person_id=person.pk)
    assert client_for(desk).get("/desk/", {"q": item.asset_tag})["Location"] == screen(person)
