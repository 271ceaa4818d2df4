"""The front desk finds and registers people in a real browser."""

import pytest
from django.utils import translation

from carehub.models import Person, Role
from tests.conftest import make_hub, make_person, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_desk_finds_a_person_by_a_fragment_of_the_name(open_page, login, check_a11y):
    hub = make_hub(slug="sant-antoni")
    make_user("desk", roles=[(Role.DESK, hub)])
    make_person(hub, first_name="Núria", last_name="Martínez Puig", phone="612 345 678")
    make_person(hub, first_name="Jordi", last_name="Soler")
    page = open_page(lang="en")
    login(page, "desk")
    page.goto("/people/")
    check_a11y(page)
    page.fill("#id_q", "nuria")
    with page.expect_navigation():
        page.press("#id_q", "Enter")
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 1
    assert "Núria Martínez Puig" in rows.first.inner_text()
    check_a11y(page)


def test_desk_registers_a_person_who_is_not_found(open_page, login, check_a11y):
    hub = make_hub(slug="sant-antoni")
    make_user("desk", roles=[(Role.DESK, hub)])
    page = open_page(lang="ca")
    login(page, "desk")
    page.goto("/people/?q=Ona")
    with translation.override("ca"):
        register = translation.gettext("Register a new person")
    assert register != "Register a new person"  # the page really is in Catalan
    page.get_by_role("link", name=register).click()
    check_a11y(page)
    page.fill("#id_last_name", "Vidal")
    page.click("main button[type=submit]")  # without consent: the error shows next to the field
    assert page.locator("#id_consent_error").is_visible()
    page.check("#id_consent")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator("h1").inner_text() == "Ona Vidal"
    assert Person.objects.get(last_name="Vidal").home_hub == hub
