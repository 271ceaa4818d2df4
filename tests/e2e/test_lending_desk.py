"""The lending desk in a real browser: a barcode scanner types the tag and Enter; lend, return; 360 px."""

import pytest

from carehub.models import Role
from lending.models import Category, Item, ItemStatus, ItemType, Loan
from tests.conftest import make_caregiver, make_hub, make_person, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _stock(hub):
    item_type = ItemType.objects.create(name="Folding wheelchair", category=Category.MOBILITY, default_loan_days=180)
    item = Item(asset_tag="SA-WC-001", item_type=item_type, hub=hub, status=ItemStatus.AVAILABLE)
    item.save()
    return item


@pytest.mark.parametrize("width", [1280, 360])
def test_desk_scans_a_tag_lends_and_takes_the_item_back(open_page, login, check_a11y, width):
    hub = make_hub(slug="sant-antoni")
    make_user("desk", roles=[(Role.DESK, hub)])
    item = _stock(hub)
    make_person(hub, first_name="Núria", last_name="Vilalta", phone="612 345 678")
    page = open_page(lang="en", width=width, height=780)
    login(page, "desk")
    page.goto("/lending/desk/")
    check_a11y(page)
    # The scan box has the focus: the scanner types the tag and Enter.
    page.keyboard.type("sa-wc-001")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "SA-WC-001" in page.locator("h1").inner_text()
    check_a11y(page)
    page.get_by_role("link", name="Lend this item").click()
    page.fill("#id_q", "nuria")
    with page.expect_navigation():
        page.press("#id_q", "Enter")
    page.get_by_role("link", name="Núria Vilalta").click()
    check_a11y(page)
    page.select_option("#id_need_category", "mobility")
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    loan = Loan.objects.get()
    assert page.url.endswith(f"/lending/loans/{loan.pk}/")
    check_a11y(page)
    page.check("#id_return-condition_1")  # needs cleaning
    with page.expect_navigation():
        page.get_by_role("button", name="Record the return").click()
    item.refresh_from_db()
    assert item.status == ItemStatus.CLEANING
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_public_availability_and_caregiver_account_pass_axe(open_page, login, check_a11y):
    hub = make_hub(slug="sant-antoni")
    _stock(hub)
    make_caregiver(hub, "carer")
    page = open_page(lang="ca", width=360, height=780)
    page.goto("/lending/")
    check_a11y(page)
    login(page, "carer")
    page.goto("/lending/")
    check_a11y(page)
    page.goto("/account/")
    check_a11y(page)


def test_desk_lists_and_queues_pass_axe_at_360_px(open_page, login, check_a11y):
    from datetime import timedelta

    from django.utils import timezone

    from carehub.permissions import access_for
    from lending import services

    hub = make_hub(slug="sant-antoni")
    desk = make_user("desk", roles=[(Role.DESK, hub), (Role.COORDINATOR, hub)])
    item = _stock(hub)
    loan = services.lend_item(access=access_for(desk), item_tag=item.asset_tag,
                              borrower_id=make_person(hub, email="late@example.org").pk)
    loan.due_on = timezone.localdate() - timedelta(days=3)
    loan.save()
    for _ in range(2):
        services.place_hold(access=access_for(desk), hub=hub, item_type=item.item_type,
                            person_id=make_person(hub).pk)
    page = open_page(lang="ca", width=360, height=780)
    login(page, "desk")
    for url in ["/lending/desk/", "/lending/loans/?status=overdue", f"/lending/loans/{loan.pk}/",
                f"/lending/items/{item.asset_tag}/", "/lending/stock/", "/lending/holds/", "/lending/transfers/",
                "/lending/items/new/", f"/lending/items/{item.asset_tag}/label/"]:
        page.goto(url)
        check_a11y(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), url
