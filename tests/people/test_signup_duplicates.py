"""An online sign-up with the name of someone already registered at the hub: the caregiver is not shown who,
the desk is (its day lists the sign-up; the person page offers the look-alikes, "not the same person", or a
merge)."""

import pytest
from django.test import Client

from carehub.models import Person
from tests.conftest import client_for, make_hub, make_person

pytestmark = pytest.mark.django_db


def sign_up(hub, **changes):
    data = {"first_name": "Montserrat", "last_name": "García Pujol", "email": "montse.web@example.org",
            "phone": "", "notify_by": "email", "home_hub": hub.pk, "preferred_language": "ca",
            "username": "montse", "password1": "a-long-test-password", "consent": "on", **changes}
    response = Client().post("/signup/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Person.objects.get(user__username=data["username"])


def test_a_sign_up_with_a_registered_name_is_listed_on_the_desks_day(hub, desk):
    known = make_person(hub, first_name="Montserrat", last_name="Garcia Pujol", phone="612 345 678", email="")
    new = sign_up(hub)
    assert new.needs_duplicate_check
    day = client_for(desk).get("/desk/today/").content.decode()
    assert "Online sign-ups to check" in day and f'href="/people/{new.pk}/"' in day
    page = client_for(desk).get(f"/people/{new.pk}/").content.decode()
    assert f'href="/people/{known.pk}/"' in page


def test_the_desk_says_not_the_same_person_and_it_leaves_the_day(hub, desk):
    make_person(hub, first_name="Montserrat", last_name="Garcia Pujol", email="")
    new = sign_up(hub)
    response = client_for(desk).post(f"/people/{new.pk}/not-a-duplicate/")
    assert response.status_code == 302
    new.refresh_from_db()
    assert not new.needs_duplicate_check
    assert new.history.first().history_user == desk
    assert f'href="/people/{new.pk}/"' not in client_for(desk).get("/desk/today/").content.decode()


def test_a_new_name_or_a_namesake_at_another_hub_is_not_flagged(hub):
    make_person(make_hub(), first_name="Montserrat", last_name="Garcia Pujol", email="")
    assert not sign_up(hub).needs_duplicate_check


def test_a_merge_clears_the_check(hub, coordinator):
    known = make_person(hub, first_name="Montserrat", last_name="Garcia Pujol", email="")
    new = sign_up(hub)
    from tests.conftest import bearer

    response = Client().post(f"/api/v1/people/{known.pk}/merge", {"into": new.pk},
                             content_type="application/json", **bearer(coordinator))
    assert response.status_code == 200, response.json()
    new.refresh_from_db()
    assert not new.needs_duplicate_check


def test_another_hubs_desk_cannot_dismiss_the_check(hub, other_desk):
    make_person(hub, first_name="Montserrat", last_name="Garcia Pujol", email="")
    new = sign_up(hub)
    assert client_for(other_desk).post(f"/people/{new.pk}/not-a-duplicate/").status_code == 404
    new.refresh_from_db()
    assert new.needs_duplicate_check
