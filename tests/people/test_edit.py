"""The desk corrects a person's details (page and `PATCH /api/v1/people/{id}`), with history and actor."""

import pytest

from carehub.models import Person
from tests.conftest import bearer, client_for, make_hub, make_person, make_user

pytestmark = pytest.mark.django_db


def patch(user, person, **body):
    from django.test import Client

    return Client().patch(f"/api/v1/people/{person.pk}", body, content_type="application/json", **bearer(user))


def test_desk_changes_a_phone_on_the_page_and_the_history_says_who_and_what_it_was(hub, desk):
    person = make_person(hub, phone="612 345 678", first_name="Montserrat", last_name="Garcia Pujol")
    page = client_for(desk).get(f"/people/{person.pk}/edit/")
    assert page.status_code == 200
    assert 'value="Montserrat"' in page.content.decode()
    response = client_for(desk).post(f"/people/{person.pk}/edit/", {
        "first_name": "Montserrat", "last_name": "Garcia Pujol", "phone": "699 111 222", "email": person.email,
        "notify_by": "sms", "preferred_language": "es", "document_number": "", "birth_year": "1951",
        "hub": hub.pk,
    })
    assert response.status_code == 302 and response["Location"] == f"/people/{person.pk}/"
    person.refresh_from_db()
    assert (person.phone, person.notify_by, person.preferred_language, person.birth_year) == (
        "+34699111222", "sms", "es", 1951)
    latest, before = person.history.all()[:2]
    assert latest.history_user == desk
    assert "phone" in latest.history_change_reason
    assert before.phone == "+34612345678"


def test_a_bad_phone_is_shown_next_to_the_field_and_nothing_changes(hub, desk):
    person = make_person(hub, phone="612 345 678")
    response = client_for(desk).post(f"/people/{person.pk}/edit/", {
        "first_name": person.first_name, "last_name": person.last_name, "phone": "abc", "email": "",
        "notify_by": "", "preferred_language": "ca", "document_number": "", "birth_year": "", "hub": hub.pk,
    })
    assert response.status_code == 200
    assert 'id="id_phone_error"' in response.content.decode()
    person.refresh_from_db()
    assert person.phone == "+34612345678"
    assert person.history.count() == 1


def test_patch_changes_only_the_fields_sent(hub, desk):
    person = make_person(hub, first_name="Jordi", last_name="Soler", phone="612 345 678", document_number="12345678Z")
    response = patch(desk, person, email="Jordi.Soler@Example.org")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["email"] == "jordi.soler@example.org"
    assert (body["first_name"], body["phone"], body["document_number"]) == ("Jordi", "+34612345678", "12345678Z")
    person.refresh_from_db()
    assert person.email_verified_at is not None  # the desk typed it with the person there
    assert person.history.first().history_user == desk


def test_patch_with_a_wrong_document_letter_is_a_422_and_changes_nothing(hub, desk):
    person = make_person(hub, last_name="Vidal")
    response = patch(desk, person, document_number="12345678A", last_name="Vidal Roca")
    assert response.status_code == 422
    assert response.json()["code"] == "document_invalid"
    person.refresh_from_db()
    assert person.last_name == "Vidal" and person.document_number == ""


def test_patch_normalises_a_document_and_refuses_one_already_used_at_the_hub(hub, desk):
    make_person(hub, document_number="12345678Z")
    other = make_person(hub)
    assert patch(desk, other, document_number="12345678-z").json()["code"] == "person_duplicate"
    assert patch(desk, other, document_number="x1234567-l").json()["document_number"] == "X1234567L"


def test_removing_the_email_of_someone_told_by_email_chooses_the_channel_again(hub, desk):
    person = make_person(hub, phone="612 345 678", email="ana@example.org", notify_by="email")
    body = patch(desk, person, email="").json()
    assert body["email"] == "" and body["notify_by"] == "sms"


def test_asking_for_email_without_an_address_is_refused_next_to_the_channel(hub, desk):
    person = make_person(hub, phone="612 345 678", email="", notify_by="sms")
    response = patch(desk, person, notify_by="email")
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("email_required_for_channel", "notify_by")


def test_a_year_of_birth_in_the_future_is_refused(hub, desk):
    person = make_person(hub)
    response = patch(desk, person, birth_year=2031)
    assert response.status_code == 422 and response.json()["field"] == "birth_year"


def test_another_hubs_desk_can_neither_see_nor_edit_the_person(hub, other_desk):
    person = make_person(hub, first_name="Roser")
    assert patch(other_desk, person, first_name="Changed").status_code == 404
    assert client_for(other_desk).get(f"/people/{person.pk}/edit/").status_code == 404
    person.refresh_from_db()
    assert person.first_name == "Roser"


def test_a_caregiver_cannot_edit_people_through_the_desk_api(hub, carer):
    user, _own = carer
    person = make_person(hub)
    assert patch(user, person, first_name="X").status_code in (403, 404)
    assert Person.objects.get(pk=person.pk).first_name != "X"


def test_moving_a_person_to_another_hub_needs_the_desk_of_both(hub, desk):
    second = make_hub()
    person = make_person(hub)
    assert patch(desk, person, hub=second.slug).status_code == 403
    both = make_user(roles=[("desk", hub), ("desk", second)])
    assert patch(both, person, hub=second.slug).json()["hub"] == second.slug


def test_person_page_offers_the_change_link_to_the_desk(hub, desk):
    person = make_person(hub)
    page = client_for(desk).get(f"/people/{person.pk}/").content.decode()
    assert f'href="/people/{person.pk}/edit/"' in page


def test_an_old_number_that_never_parsed_does_not_block_correcting_a_name(hub, desk):
    person = make_person(hub, first_name="Rosa", phone="600 000 12345")
    assert not person.phone_valid
    response = patch(desk, person, first_name="Rosalia")
    assert response.status_code == 200, response.json()
    person.refresh_from_db()
    assert (person.first_name, person.phone) == ("Rosalia", "600 000 12345")
    assert patch(desk, person, phone="600 000 1234").json()["code"] == "phone_invalid"  # a new bad number: refused
