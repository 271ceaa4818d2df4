"""Registering someone already registered: the desk is shown the likely duplicates before creating."""

import pytest

from carehub.models import Person
from tests.conftest import bearer, client_for, make_person

pytestmark = pytest.mark.django_db


def duplicates(client, user, **query):
    response = client.get("/api/v1/people/duplicates", query, **bearer(user))
    assert response.status_code == 200, response.content
    return response.json()


def register_form(hub, **fields):
    data = {"first_name": "Montserrat", "last_name": "Garcia Pujol", "phone": "612 345 678", "email": "",
            "notify_by": "", "preferred_language": "ca", "document_number": "", "birth_year": "",
            "hub": hub.pk, "consent": "on"}
    data.update(fields)
    return data


def test_same_phone_typed_differently_is_a_likely_duplicate(client, hub, desk):
    montse = make_person(hub, first_name="Montserrat", last_name="Garcia Pujol", phone="+34 612 34 56 78")
    found = duplicates(client, desk, first_name="Montse", last_name="Garcia", phone="612345678")
    assert [row["id"] for row in found] == [montse.pk]
    assert found[0]["reasons"] == ["same phone number"]


def test_same_document_in_another_shape_is_a_likely_duplicate(client, hub, desk):
    person = make_person(hub, document_number="12345678Z")
    assert [row["id"] for row in duplicates(client, desk, document="12345678-z")] == [person.pk]


def test_same_name_without_accents_and_same_year_of_birth_is_a_likely_duplicate(client, hub, desk):
    person = make_person(hub, first_name="Montserrat", last_name="García Pujol", birth_year=1950, phone="")
    found = duplicates(client, desk, first_name="montserrat", last_name="GARCIA PUJOL", birth_year=1950)
    assert [row["id"] for row in found] == [person.pk]
    assert found[0]["reasons"] == ["same name and year of birth"]


def test_namesakes_born_in_different_years_are_not_duplicates(client, hub, desk):
    make_person(hub, first_name="Joan", last_name="Puig", birth_year=1940, phone="")
    assert duplicates(client, desk, first_name="Joan", last_name="Puig", birth_year=1988) == []


def test_a_longer_name_containing_the_words_is_not_the_same_name(client, hub, desk):
    make_person(hub, first_name="Joan", last_name="Puig Soler", phone="")
    assert duplicates(client, desk, first_name="Joan", last_name="Puig") == []


def test_the_desk_sees_no_duplicate_outside_its_hubs(client, hub, other_desk):
    make_person(hub, phone="612 345 678")
    assert duplicates(client, other_desk, phone="612 345 678") == []


def test_a_caregiver_cannot_ask_for_duplicates(client, hub, carer):
    user, _person = carer
    make_person(hub, phone="612 345 678")
    response = client.get("/api/v1/people/duplicates", {"phone": "612345678"}, **bearer(user))
    assert response.status_code == 403


def test_the_register_page_shows_the_candidates_and_creates_nothing_until_told(hub, desk):
    montse = make_person(hub, first_name="Montserrat", last_name="Garcia Pujol", phone="612 345 678")
    desk_client = client_for(desk)
    before = Person.objects.count()
    page = desk_client.post("/people/new/", register_form(hub))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/people/{montse.pk}/"' in html
    assert 'name="not_a_duplicate"' in html
    assert Person.objects.count() == before
    created = desk_client.post("/people/new/", register_form(hub, duplicates_shown="1", not_a_duplicate="on"))
    assert created.status_code == 302
    assert Person.objects.count() == before + 1


def test_the_register_page_goes_straight_through_when_nobody_looks_alike(hub, desk):
    response = client_for(desk).post("/people/new/", register_form(hub, first_name="Ona", last_name="Ferrer",
                                                                   phone="699 000 111"))
    assert response.status_code == 302
    assert Person.objects.filter(first_name="Ona", last_name="Ferrer").exists()


def test_choosing_a_candidate_while_lending_goes_back_with_that_person(hub, desk):
    montse = make_person(hub, first_name="Montserrat", last_name="Garcia Pujol", phone="612 345 678")
    page = client_for(desk).post("/people/new/?next=/lending/desk/", register_form(hub)).content.decode()
    assert f'href="/lending/desk/?person={montse.pk}"' in page
