"""The Django admin is for carehub's administrators, and never deletes what the services and the erasure own."""

import pytest
from django.contrib.auth.models import Permission
from django.db import models
from django.urls import reverse

from activities.models import Booking
from advice.models import CaseNote
from carehub.admin import site
from carehub.models import Person, Role, StaffRole
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


def with_every_permission(user):
    user.user_permissions.set(Permission.objects.all())
    return user


@pytest.fixture
def staff_coordinator(hub):
    """Staff status and every model permission, but only a hub role: what the issue found could see it all."""
    return with_every_permission(make_user("staff", roles=[(Role.COORDINATOR, hub)], is_staff=True))


@pytest.fixture
def city_admin(db):
    """The city-wide administrator role (no hub), not a superuser."""
    return with_every_permission(make_user("city-admin", roles=[(Role.ADMIN, None)], is_staff=True))


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def registered_models():
    site.get_urls()  # takes over what other packages registered on Django's default site
    return list(site._registry)


def is_about_a_person(model) -> bool:
    """A foreign key to a person, or to a row that has one (a loan's reminders, a hold's reorders)."""
    foreign_keys = [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
    return any(f.related_model is Person or any(
        g.related_model is Person for g in f.related_model._meta.concrete_fields if isinstance(g, models.ForeignKey)
    ) for f in foreign_keys)


def test_staff_with_every_permission_but_no_admin_role_gets_no_admin(staff_coordinator, rich_person):
    client = client_for(staff_coordinator)
    for url in (reverse("admin:index"), admin_url(Person, "changelist"),
                admin_url(Person, "change", rich_person["person"].pk)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("admin:login"))


def test_other_packages_admin_pages_are_closed_to_them_too(staff_coordinator):
    response = client_for(staff_coordinator).get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 302


def test_the_city_admin_role_opens_the_people_list(city_admin, rich_person):
    response = client_for(city_admin).get(admin_url(Person, "changelist"))
    assert response.status_code == 200
    assert rich_person["person"].full_name in response.content.decode()


def test_the_admin_role_without_staff_status_gets_no_admin(rich_person):
    user = with_every_permission(make_user("role-only", roles=[(Role.ADMIN, None)]))
    assert client_for(user).get(admin_url(Person, "changelist")).status_code == 302


@pytest.mark.parametrize("name", ["person", "loan", "hold", "booking", "group"])
def test_the_delete_page_is_forbidden_for_kept_records(admin_user, rich_person, name):
    row = rich_person[name]
    response = client_for(admin_user).get(admin_url(type(row), "delete", row.pk))
    assert response.status_code == 403
    assert type(row).objects.filter(pk=row.pk).exists()


def test_a_person_cannot_be_deleted_by_a_post_either(admin_user, rich_person):
    person = rich_person["person"]
    response = client_for(admin_user).post(admin_url(Person, "delete", person.pk), {"post": "yes"})
    assert response.status_code == 403
    assert Person.objects.filter(pk=person.pk, first_name="Montserrat").exists()


@pytest.mark.parametrize("model", [Person, Booking])
def test_the_list_offers_no_delete_action(admin_user, rich_person, model):
    response = client_for(admin_user).get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert "delete_selected" not in response.content.decode()


def test_the_delete_action_posted_anyway_deletes_nothing(admin_user, rich_person):
    booking = rich_person["booking"]
    client_for(admin_user).post(admin_url(Booking, "changelist"),
                                {"action": "delete_selected", "_selected_action": [booking.pk], "post": "yes"})
    assert Booking.objects.filter(pk=booking.pk).exists()


def test_a_booking_cannot_be_moved_in_the_admin(admin_user, rich_person):
    # Moving a confirmed place to another session would leave both sessions' counters wrong.
    booking, other = rich_person["booking"], rich_person["group"].sessions.get()
    response = client_for(admin_user).post(admin_url(Booking, "change", booking.pk),
                                           {"session": other.pk, "person": booking.person_id})
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.session_id == rich_person["session"].pk


def test_every_audited_or_personal_model_is_kept():
    # A model added later with history or a person's data must opt in to deletion consciously.
    deletable_on_purpose = {StaffRole}  # deleting a role takes access away; its history records who did it
    for model in registered_models():
        audited = hasattr(model, "history")
        if (audited or is_about_a_person(model)) and model not in deletable_on_purpose:
            assert not site._registry[model].has_delete_permission(request=None), model


def in_language(client, code):
    client.cookies["django_language"] = code
    return client


def test_the_person_page_says_erasure_is_the_way_and_links_to_it(admin_user, rich_person):
    person = rich_person["person"]
    client = in_language(client_for(admin_user), "en")
    page = client.get(admin_url(Person, "change", person.pk)).content.decode()
    assert 'id="erasure-notice"' in page
    assert "privacy page" in page
    assert reverse("person-privacy", args=[person.pk]) in page


def test_a_loan_page_links_to_its_borrowers_privacy_page(admin_user, rich_person):
    loan = rich_person["loan"]
    page = client_for(admin_user).get(admin_url(type(loan), "change", loan.pk)).content.decode()
    assert reverse("person-privacy", args=[loan.borrower_id]) in page


def test_the_notice_shows_on_the_list(admin_user, rich_person):
    page = client_for(admin_user).get(admin_url(Booking, "changelist")).content.decode()
    assert 'id="erasure-notice"' in page


@pytest.mark.parametrize(("language", "words"), [("ca", "pàgina de privadesa"), ("es", "página de privacidad")])
def test_the_notice_speaks_the_admins_language(admin_user, rich_person, language, words):
    client = in_language(client_for(admin_user), language)
    page = client.get(admin_url(Person, "changelist")).content.decode()
    assert words in page


def test_case_notes_stay_out_of_the_admin():
    assert CaseNote not in registered_models()
