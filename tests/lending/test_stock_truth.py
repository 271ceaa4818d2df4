"""Stock truth: an item past its expiry date, or one whose safety check is due, is never counted or offered as
available — not on the public page, the API, the stock page, a waiting list or at the desk — and intake warns."""

import pytest
from django.conf import settings
from django.urls import reverse

from carehub import errors
from carehub.permissions import access_for
from lending import selectors, services
from lending.models import HoldStatus, Item, ItemStatus, ReturnCondition
from tests.conftest import bearer, make_person
from tests.conftest import client_for as _client_for

from .conftest import days, lend, make_item, make_type, today

pytestmark = pytest.mark.django_db

BASE = "/api/v1/lending"


def client_for(user):
    client = _client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def car_seat(db):
    return make_type(name="Child car seat", max_age_years=10, needs_cleaning=False)


@pytest.fixture
def bed(db):
    return make_type(name="Powered bed", safety_check_every_days=90, needs_cleaning=False)


@pytest.fixture
def shelf(hub, car_seat, bed):
    """On the shelf: one good car seat, one expired; one bed checked recently, one whose check falls due today."""
    return {
        "seat_ok": make_item(hub, car_seat, expires_on=today()),  # expires at the end of today: still fine
        "seat_expired": make_item(hub, car_seat, expires_on=today() - days(1)),
        "bed_ok": make_item(hub, bed, last_safety_check_on=today() - days(89)),
        "bed_due": make_item(hub, bed, last_safety_check_on=today() - days(90)),
        "bed_never_checked": make_item(hub, bed),
    }


def _available(rows, type_name):
    return sum(row["available"] for row in rows if row["item_type__name"] == type_name)


def test_public_availability_counts_only_items_fit_to_lend(hub, shelf):
    rows = list(selectors.availability())
    assert _available(rows, "Child car seat") == 1 and _available(rows, "Powered bed") == 1


def test_the_public_api_and_page_agree(client, hub, shelf, car_seat):
    api = client.get(f"{BASE}/availability", {"type": car_seat.pk}).json()
    assert [row["available"] for row in api] == [1]
    page = client.get(reverse("lending:availability"), {"type": car_seat.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200


def test_a_safety_check_recorded_makes_the_bed_count_again(desk, hub, shelf):
    services.record_safety_check(access=access_for(desk), item_tag=shelf["bed_due"].asset_tag, passed=True)
    assert _available(list(selectors.availability()), "Powered bed") == 2


def test_the_stock_page_counts_them_apart_as_not_lendable(desk, hub, shelf):
    [seats] = [row for row in selectors.stock_by_type([hub.pk]) if row["item_type__name"] == "Child car seat"]
    [beds] = [row for row in selectors.stock_by_type([hub.pk]) if row["item_type__name"] == "Powered bed"]
    assert (seats["n_available"], seats["n_blocked"]) == (1, 1)
    assert (beds["n_available"], beds["n_blocked"]) == (1, 2)
    page = client_for(desk).get(reverse("lending:stock")).content.decode()
    assert "Not lendable (expired or safety check due)" in page


def test_the_item_list_marks_them_not_lendable(desk, shelf):
    page = client_for(desk).get(reverse("lending:items")).content.decode()
    assert page.count("Expired: not lendable") == 1 and page.count("Safety check due: not lendable") == 2


def test_the_item_page_offers_no_lend_button_for_an_expired_item(desk, shelf):
    client = client_for(desk)
    expired = client.get(reverse("lending:item", args=[shelf["seat_expired"].asset_tag])).content.decode()
    assert "passed its expiry date" in expired and "Lend this item" not in expired
    fine = client.get(reverse("lending:item", args=[shelf["seat_ok"].asset_tag])).content.decode()
    assert "Lend this item" in fine


def test_the_api_item_says_whether_it_can_be_lent(client, desk, shelf):
    rows = {row["asset_tag"]: row for row in client.get(f"{BASE}/items", **bearer(desk)).json()["items"]}
    assert rows[shelf["seat_expired"].asset_tag]["blocked_reason"] == "expired"
    assert rows[shelf["bed_due"].asset_tag]["blocked_reason"] == "safety_check_due"
    assert rows[shelf["bed_ok"].asset_tag]["lendable"] is True
    assert rows[shelf["bed_due"].asset_tag]["lendable"] is False


def test_lending_is_refused_on_the_day_the_check_falls_due(desk, hub, shelf):
    with pytest.raises(errors.Conflict) as caught:
        lend(desk, shelf["bed_due"], make_person(hub))
    assert caught.value.code == "safety_check_overdue"
    assert lend(desk, shelf["bed_ok"], make_person(hub)).is_active


def test_a_hold_is_not_offered_an_item_due_for_its_safety_check(desk, hub, bed):
    due = make_item(hub, bed, last_safety_check_on=today() - days(90))
    hold = services.place_hold(access=access_for(desk), hub=hub, item_type=bed, person_id=make_person(hub).pk)
    assert hold.status == HoldStatus.WAITING
    due.refresh_from_db()
    assert due.status == ItemStatus.AVAILABLE


def test_a_returned_bed_whose_check_fell_due_is_not_offered_to_the_queue(desk, hub, bed, clock):
    item = make_item(hub, bed, last_safety_check_on=today() - days(80))
    loan = lend(desk, item, make_person(hub))
    hold = services.place_hold(access=access_for(desk), hub=hub, item_type=bed, person_id=make_person(hub).pk)
    clock.shift(days(10))
    services.return_loan(access=access_for(desk), loan_id=loan.pk, condition=ReturnCondition.GOOD)
    hold.refresh_from_db()
    assert hold.status == HoldStatus.WAITING and hold.offered_item is None


def test_a_passed_safety_check_offers_the_bed_to_the_first_person_waiting(desk, hub, bed):
    due = make_item(hub, bed, last_safety_check_on=today() - days(200))
    hold = services.place_hold(access=access_for(desk), hub=hub, item_type=bed, person_id=make_person(hub).pk)
    assert hold.status == HoldStatus.WAITING
    services.record_safety_check(access=access_for(desk), item_tag=due.asset_tag, passed=True)
    hold.refresh_from_db()
    assert hold.status == HoldStatus.OFFERED and hold.offered_item_id == due.pk
    assert Item.objects.get(pk=due.pk).status == ItemStatus.RESERVED


def test_intake_of_an_expired_item_warns(desk, hub, car_seat):
    response = client_for(desk).post(reverse("lending:take-in"), {
        "asset_tag": "SA-CS-900", "item_type": car_seat.pk, "hub": hub.pk, "condition": "good",
        "expires_on": (today() - days(3)).isoformat()}, follow=True)
    page = response.content.decode()
    assert "past its expiry date: it will not be lent" in page
    assert Item.objects.get(asset_tag="SA-CS-900").blocked_reason(today()) == "expired"


def test_intake_of_a_bed_without_a_recent_check_warns(desk, hub, bed):
    response = client_for(desk).post(reverse("lending:take-in"), {
        "asset_tag": "SA-BED-900", "item_type": bed.pk, "hub": hub.pk, "condition": "good"}, follow=True)
    assert "safety check is due: record a check" in response.content.decode()


def test_intake_through_the_api_says_the_item_cannot_be_lent(client, desk, hub, car_seat):
    response = client.post(f"{BASE}/items", {"asset_tag": "SA-CS-901", "hub": hub.slug, "type": car_seat.pk,
                                             "expires_on": (today() - days(1)).isoformat()},
                           content_type="application/json", **bearer(desk))
    assert response.status_code == 201
    assert response.json()["lendable"] is False and response.json()["blocked_reason"] == "expired"


def test_a_check_stored_near_the_end_of_time_does_not_break_the_counts(hub, bed):
    from datetime import date

    make_item(hub, bed, last_safety_check_on=date(9999, 12, 30))
    assert _available(list(selectors.availability()), "Powered bed") == 1
    [row] = selectors.stock_by_type([hub.pk])
    assert (row["n_available"], row["n_blocked"]) == (1, 0)
