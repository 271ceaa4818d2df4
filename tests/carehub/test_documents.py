"""Spanish identity documents: a DNI or NIE is checked and stored in one shape; lists show only its end."""

import pytest

from carehub.documents import InvalidDocument, masked, normalise
from carehub.models import Person, Role
from tests.conftest import bearer, client_for, make_hub, make_person, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed, stored", [
    ("12345678Z", "12345678Z"), ("12345678-z", "12345678Z"), (" 12.345.678 z ", "12345678Z"),
    ("x1234567l", "X1234567L"), ("Y-1234567-X", "Y1234567X"), ("AB123456", "AB123456"), ("", ""),
])
def test_documents_are_stored_in_one_shape(typed, stored):
    assert normalise(typed) == stored


@pytest.mark.parametrize("typed", ["12345678A", "X1234567A", "1234567Z", "ZZZ", "AB<12>"])
def test_a_wrong_control_letter_or_a_stray_value_is_refused(typed):
    with pytest.raises(InvalidDocument):
        normalise(typed)


def test_the_api_refuses_a_dni_with_the_wrong_letter_next_to_the_field(client):
    hub = make_hub()
    desk = make_user(roles=[(Role.DESK, hub)])
    response = client.post("/api/v1/people", {"first_name": "Ona", "hub": hub.slug, "consent": True,
                                                     "document_number": "12345678A"},
                                  content_type="application/json", **bearer(desk))
    assert response.status_code == 422
    assert response.json()["code"] == "document_invalid"
    assert response.json()["field"] == "document_number"
    assert not Person.objects.exists()


def test_the_same_dni_typed_another_way_is_the_same_person(client):
    hub = make_hub()
    desk = make_user(roles=[(Role.DESK, hub)])
    make_person(hub, document_number="12345678Z")
    response = client.post("/api/v1/people", {"first_name": "Ona", "hub": hub.slug, "consent": True,
                                                     "document_number": "12345678-z"},
                                  content_type="application/json", **bearer(desk))
    assert response.status_code == 409
    assert response.json()["code"] == "person_duplicate"


def test_the_registration_page_shows_the_document_error_next_to_the_field():
    hub = make_hub()
    desk = make_user(roles=[(Role.DESK, hub)])
    page = client_for(desk).post("/people/new/", {"first_name": "Ona", "hub": hub.pk, "preferred_language": "en",
                                                  "document_number": "12345678A", "consent": "on"},
                                 HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert 'id="id_document_number_error"' in page.content.decode()
    assert not Person.objects.exists()


def test_the_desk_list_masks_the_document_and_the_person_page_shows_it_whole():
    hub = make_hub()
    desk = make_user(roles=[(Role.DESK, hub)])
    person = make_person(hub, first_name="Ona", document_number="12345678Z")
    client = client_for(desk)
    listing = client.get("/people/", {"q": "Ona"}).content.decode()
    assert masked("12345678Z") in listing and "12345678Z" not in listing
    assert "12345678Z" in client.get(person.get_absolute_url()).content.decode()
