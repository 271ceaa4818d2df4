"""The desk screen at queue speed, counted in key presses in a real browser, at desktop width and at 360 px:

- lending one item to a person already shown: at most the tag's characters + 2 keys;
- finding a person and lending one item: at most the characters typed + 6 keys;
- taking an item back: at most the tag's characters + 3 keys.

Every key goes through `Keys`, which counts it; navigation to the starting page is not a key press. With
JavaScript the screen is never reloaded (a marker set on the window survives); without it the same keys do
the same work through plain form posts. The confirmation is in the status region the scan field is
described by, and the focus is back in the scan field after each action.
"""

import pytest

from carehub.models import Role
from lending.models import Category, Item, ItemStatus, ItemType, Loan
from tests.conftest import make_hub, make_person, make_user

pytestmark = pytest.mark.django_db(transaction=True)

TAG = "SA-WC-001"


class Keys:
    """The keyboard, counting every key pressed (a typed character is one key)."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += len(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.count += 1


def _desk(hub):
    make_user("desk", roles=[(Role.DESK, hub)])
    item_type = ItemType.objects.create(name="Folding wheelchair", category=Category.MOBILITY, default_loan_days=180)
    item = Item(asset_tag=TAG, item_type=item_type, hub=hub, status=ItemStatus.AVAILABLE)
    item.save()
    person = make_person(hub, first_name="Núria", last_name="Vilalta", phone="612 345 678")
    make_person(hub, first_name="Jordi", last_name="Puig")
    return item, person


def _focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def _status(page) -> str:
    return page.locator("#desk-status").inner_text()


def _no_js_page(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 780}, locale="en", base_url=live_server.url,
                                  extra_http_headers={"Accept-Language": "en"}, java_script_enabled=False)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def _autofocused(page, element_id: str) -> None:
    """Wait until the page's own autofocus has put the focus in the field (no key, no click does it)."""
    page.wait_for_function(f"document.activeElement && document.activeElement.id === '{element_id}'")


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [1280, 360])
def test_lending_one_item_to_the_person_shown_takes_the_tag_plus_two_keys(open_page, login, check_a11y, width):
    hub = make_hub(slug="sant-antoni")
    _item, person = _desk(hub)
    page = open_page(lang="en", width=width, height=780)
    login(page, "desk")
    page.goto(f"/desk/people/{person.pk}/")
    check_a11y(page)
    assert _fits(page)
    _autofocused(page, "id_scan")
    page.evaluate("window.__sameDocument = true")
    keys = Keys(page)
    keys.type(TAG.lower())
    keys.press("Enter")
    page.wait_for_function("document.getElementById('desk-status').innerText.includes('Lent to')")
    assert keys.count <= len(TAG) + 2
    assert Loan.objects.filter(borrower=person, item__asset_tag=TAG).exists()
    assert "due back on" in _status(page)
    assert page.evaluate("window.__sameDocument === true")  # no page reload
    _autofocused(page, "id_scan")
    check_a11y(page)


@pytest.mark.parametrize("width", [1280, 360])
def test_finding_a_person_and_lending_one_item_takes_the_typed_characters_plus_six_keys(
        open_page, login, check_a11y, width):
    hub = make_hub(slug="sant-antoni")
    _item, person = _desk(hub)
    page = open_page(lang="en", width=width, height=780)
    login(page, "desk")
    page.goto("/desk/")
    check_a11y(page)
    assert _fits(page)
    _autofocused(page, "id_q")
    keys = Keys(page)
    keys.type("nuria")
    with page.expect_navigation():
        keys.press("Enter")
    assert page.url.endswith(f"/desk/people/{person.pk}/")
    _autofocused(page, "id_scan")  # the page itself puts the focus there, no key needed
    keys.type(TAG)
    keys.press("Enter")
    page.wait_for_function("document.getElementById('desk-status').innerText.includes('Lent to')")
    assert keys.count <= len("nuria") + len(TAG) + 6
    assert Loan.objects.filter(borrower=person).count() == 1


@pytest.mark.parametrize("width", [1280, 360])
def test_several_people_found_are_reached_with_the_keyboard_within_the_target(open_page, login, width):
    hub = make_hub(slug="sant-antoni")
    _item, person = _desk(hub)
    make_person(hub, first_name="Núria", last_name="Soler")
    page = open_page(lang="en", width=width, height=780)
    login(page, "desk")
    page.goto("/desk/")
    _autofocused(page, "id_q")
    keys = Keys(page)
    keys.type("nuria")
    with page.expect_navigation():
        keys.press("Enter")
    keys.press("Tab")  # the Find button
    keys.press("Tab")  # the first person found
    assert page.evaluate("document.activeElement.textContent.trim()") in ("Núria Soler", "Núria Vilalta")
    if page.evaluate("document.activeElement.textContent.trim()") != "Núria Vilalta":
        keys.press("Tab")
    with page.expect_navigation():
        keys.press("Enter")
    _autofocused(page, "id_scan")  # typing before the page has put the focus there would lose keys (a slow CI)
    keys.type(TAG)
    keys.press("Enter")
    page.wait_for_function("document.getElementById('desk-status').innerText.includes('Lent to')")
    assert keys.count <= len("nuria") + len(TAG) + 6
    assert Loan.objects.get().borrower == person


@pytest.mark.parametrize("width", [1280, 360])
def test_taking_an_item_back_takes_the_tag_plus_three_keys(open_page, login, check_a11y, width):
    hub = make_hub(slug="sant-antoni")
    item, person = _desk(hub)
    page = open_page(lang="en", width=width, height=780)
    login(page, "desk")
    page.goto(f"/desk/people/{person.pk}/")
    _autofocused(page, "id_scan")
    keys = Keys(page)
    keys.type(TAG)
    keys.press("Enter")
    page.wait_for_function("document.getElementById('desk-status').innerText.includes('Lent to')")
    page.goto("/desk/")  # the next person in the queue brings an item back
    _autofocused(page, "id_q")
    keys = Keys(page)
    keys.type(TAG)
    with page.expect_navigation():
        keys.press("Enter")
    page.get_by_role("button", name="Record the return").wait_for()
    page.wait_for_function("document.activeElement && document.activeElement.tagName === 'BUTTON'")
    check_a11y(page)
    keys.press("Enter")
    page.wait_for_function("document.getElementById('desk-status').innerText.includes('Returned')")
    assert keys.count <= len(TAG) + 3
    item.refresh_from_db()
    assert item.status == ItemStatus.CLEANING
    assert Loan.objects.get().returned_at is not None
    _autofocused(page, "id_scan")
    assert _fits(page)


@pytest.mark.parametrize("width", [1280, 360])
def test_without_javascript_the_same_keys_lend_and_take_back(browser, live_server, login, width):
    hub = make_hub(slug="sant-antoni")
    item, person = _desk(hub)
    context, page = _no_js_page(browser, live_server, width)
    try:
        login(page, "desk")
        page.goto(f"/desk/people/{person.pk}/")
        page.locator("#id_scan:focus").wait_for()
        keys = Keys(page)
        keys.type(TAG)
        with page.expect_navigation():
            keys.press("Enter")
        assert keys.count <= len(TAG) + 2
        assert "Lent to Núria Vilalta" in _status(page)
        _autofocused(page, "id_scan")
        keys = Keys(page)
        keys.type(TAG)
        with page.expect_navigation():
            keys.press("Enter")
        # The return step's page focuses its button itself; wait for it (a slow CI) rather than add a key.
        page.wait_for_function("document.activeElement && document.activeElement.tagName === 'BUTTON'")
        with page.expect_navigation():
            keys.press("Enter")
        assert keys.count <= len(TAG) + 3
        assert "Returned" in _status(page)
        item.refresh_from_db()
        assert item.status == ItemStatus.CLEANING
    finally:
        context.close()


def test_the_screen_works_under_the_sites_content_security_policy(browser, live_server, login):
    """No bypass of the CSP here (the axe fixture needs one): the screen's own script and styles load, the
    lend happens without a reload, and the browser reports no violation."""
    hub = make_hub(slug="sant-antoni")
    _item, person = _desk(hub)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en", base_url=live_server.url,
                                  extra_http_headers={"Accept-Language": "en"})
    context.set_default_timeout(10_000)
    page = context.new_page()
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    try:
        login(page, "desk")
        page.goto(f"/desk/people/{person.pk}/")
        page.locator("#id_scan:focus").wait_for()
        page.evaluate("window.__sameDocument = true")
        page.keyboard.type(TAG)
        page.keyboard.press("Enter")
        page.locator("#desk-status", has_text="Lent to").wait_for()  # a polling predicate would need eval
        assert page.evaluate("window.__sameDocument === true")
        assert page.evaluate("getComputedStyle(document.querySelector('.desk-panels')).display") == "grid"
        page.goto(f"/desk/people/{person.pk}/card/")
        assert page.locator("svg.card-barcode rect[fill=black]").count() > 20
        assert violations == []
    finally:
        context.close()


def test_the_details_step_and_the_card_pass_axe_at_360_px(open_page, login, check_a11y):
    from decimal import Decimal

    hub = make_hub(slug="sant-antoni")
    item, person = _desk(hub)
    item.item_type.deposit_eur = Decimal("30")
    item.item_type.requires_referral = True
    item.item_type.save()
    page = open_page(lang="ca", width=360, height=780)
    login(page, "desk")
    page.goto(f"/desk/people/{person.pk}/")
    _autofocused(page, "id_scan")
    page.keyboard.type(TAG)
    page.keyboard.press("Enter")
    page.locator("#id_referral_0").wait_for()
    _autofocused(page, "id_referral_0")
    check_a11y(page)
    assert _fits(page)
    page.keyboard.type("OT-12")
    page.check("#id_deposit_0_0")
    page.locator("form.desk-step button[type=submit]").click()
    page.locator("form.desk-step").wait_for(state="detached")  # back on the screen: lent
    _autofocused(page, "id_scan")
    assert Loan.objects.get().referral_reference == "OT-12"
    page.goto(f"/desk/people/{person.pk}/card/")
    check_a11y(page)
    assert _fits(page)
