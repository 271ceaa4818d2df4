"""The pages that look after people and accounts, in a real browser: correcting a person, the duplicates
warning, merging, the caregiver's profile and the password reset. Each is checked with axe-core, at 360 px."""

import pytest

from carehub.models import Role
from lending.models import Loan
from tests.conftest import make_caregiver, make_hub, make_person, make_user
from tests.lending.conftest import lend, make_item

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}


def test_desk_corrects_a_phone_without_javascript_at_360_px(open_page, login, check_a11y):
    hub = make_hub(slug="sant-antoni")
    make_user("desk", roles=[(Role.DESK, hub)])
    person = make_person(hub, first_name="Remei", last_name="Puig", phone="612 345 678")
    page = open_page(lang="es", **PHONE)
    login(page, "desk")
    page.goto(f"/people/{person.pk}/edit/")
    check_a11y(page)
    page.fill("#id_phone", "abc")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator("#id_phone_error").is_visible()
    check_a11y(page)
    page.fill("#id_phone", "699 111 222")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url.endswith(f"/people/{person.pk}/")
    person.refresh_from_db()
    assert person.phone == "+34699111222"


def test_registering_someone_already_known_shows_them_first(open_page, login, check_a11y):
    hub = make_hub(slug="sant-antoni")
    make_user("desk", roles=[(Role.DESK, hub)])
    montse = make_person(hub, first_name="Montserrat", last_name="Garcia Pujol", phone="612 345 678")
    page = open_page(lang="ca", **PHONE)
    login(page, "desk")
    page.goto("/people/new/")
    page.fill("#id_first_name", "Montse")
    page.fill("#id_phone", "612345678")
    page.check("#id_consent")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator(f'a[href="/people/{montse.pk}/"]').is_visible()
    check_a11y(page)


def test_coordinator_merges_two_records(open_page, login, check_a11y):
    hub = make_hub(slug="sant-antoni")
    make_user("coordinator", roles=[(Role.COORDINATOR, hub)])
    desk = make_user("desk", roles=[(Role.DESK, hub)])
    kept = make_person(hub, first_name="Montserrat", last_name="Garcia Pujol", phone="612 345 678")
    duplicate = make_person(hub, first_name="Montse", last_name="Garcia Pujol", phone="612 345 678")
    loan = lend(desk, make_item(hub), duplicate)
    page = open_page(lang="en", **PHONE)
    login(page, "coordinator")
    page.goto(f"/people/{kept.pk}/merge/")
    check_a11y(page)
    with page.expect_navigation():
        page.click(f'a[href="?other={duplicate.pk}"]')
    check_a11y(page)
    page.check(f'input[name="kept"][value="{kept.pk}"]')
    page.check("#id_confirm")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url.endswith(f"/people/{kept.pk}/")
    assert Loan.objects.get(pk=loan.pk).borrower_id == kept.pk


def test_caregiver_profile_and_password_reset_pages(open_page, login, check_a11y):
    hub = make_hub(slug="sant-antoni")
    make_caregiver(hub, "montse", first_name="Montserrat")
    page = open_page(lang="ca", **PHONE)
    page.goto("/account/reset/")
    check_a11y(page)
    login(page, "montse")
    page.goto("/account/profile/")
    check_a11y(page)


def test_label_sheet_and_loan_agreement_print_clean(open_page, login, check_a11y):
    hub = make_hub(slug="sant-antoni")
    desk = make_user("desk", roles=[(Role.DESK, hub)])
    person = make_person(hub, first_name="Remei", preferred_language="es")
    item = make_item(hub)
    loan = lend(desk, item, person)
    page = open_page(lang="ca")
    login(page, "desk")
    page.goto(f"/lending/labels/?hub={hub.slug}")
    assert page.locator(".label-sheet svg").count() >= 2  # the barcode and the QR code
    check_a11y(page)
    page.goto(f"/lending/loans/{loan.pk}/agreement/")
    check_a11y(page)
    page.emulate_media(media="print")
    assert not page.locator("nav").first.is_visible()
