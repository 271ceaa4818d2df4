"""Inputs the page fuzz (tests/hardening/test_page_fuzz.py) found to give a 500 on the core's pages."""

import pytest

from carehub.models import Hub, Person
from tests.conftest import client_for


@pytest.mark.django_db
@pytest.mark.parametrize("next_value", ["foo", "99999999999999999999", "account"])
def test_registering_a_person_with_a_next_that_is_no_path_goes_to_the_person(desk, hub, next_value):
    response = client_for(desk).post(f"/people/new/?next={next_value}", {
        "first_name": "Rosa", "last_name": "Pujol", "preferred_language": "ca", "hub": hub.pk, "consent": "on"})
    person = Person.objects.get(first_name="Rosa")
    assert response.status_code == 302
    assert response["Location"] == person.get_absolute_url()


@pytest.mark.django_db
def test_signing_up_with_a_next_that_is_no_path_goes_to_the_account(hub):
    from django.test import Client

    response = Client().post("/signup/?next=foo", {
        "first_name": "Anna", "email": "anna@example.org", "home_hub": Hub.objects.get().pk,
        "preferred_language": "ca", "username": "anna", "password1": "a-long-test-password", "consent": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/account/"
