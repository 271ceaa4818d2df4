"""The person screen without JavaScript: plain form posts that lend one or several items with one Enter,
ask for a referral, a deposit or the overdue override only when they apply, and take items back, renew and
hand over a ready hold; each ends back on the screen with the scan field focused and the outcome in the
status region."""

from datetime import timedelta
from decimal import Decimal

import pytest

from carehub.permissions import access_for
from lending import services
from lending.models import DepositStatus, Hold, HoldStatus, ItemStatus, Loan, NeedCategory
from tests.conftest import client_for, make_person

from .conftest import FROZEN_AT, action_url, lend, make_item, make_overdue, make_type, scan_url, screen

pytestmark = pytest.mark.django_db
TODAY = FROZEN_AT.date()


@pytest.fixture
def person(hub):
    return make_person(hub, first_name="Núria", last_name="Vilalta")


def _follow(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"]).content.decode()


def test_the_screen_is_plain_forms_with_the_scan_field_focused(desk, person):
    page = client_for(desk).get(screen(person)).content.decode()
    assert f'<form method="post" action="{scan_url(person)}"' in page
    assert 'name="scan"' in page and "autofocus" in page
    assert 'aria-describedby="desk-status id_scan_helptext"' in page
    assert "<script src=" in page and "desk/desk.js" in page and "<script>" not in page  # CSP: no inline script
    assert 'style="' not in page


def test_one_tag_and_enter_lends_it_with_the_types_due_date(desk, hub, person):
    item = make_item(hub, make_type(default_loan_days=90))
    client = client_for(desk)
    page = _follow(client, client.post(scan_url(person), {"scan": f" {item.asset_tag.lower()} "}))
    loan = Loan.objects.get()
    assert (loan.borrower, loan.item, loan.due_on) == (person, item, TODAY + timedelta(days=90))
    assert loan.need_category == NeedCategory.MOBILITY  # from the type's category
    assert f"Lent to Núria Vilalta: {item.asset_tag}" in page
    assert 'id="id_scan"' in page and "autofocus" in page


@pytest.mark.parametrize("separator", [" ", ", ", "\n", ";"])
def test_several_tags_are_lent_with_one_enter(desk, hub, person, separator):
    items = [make_item(hub) for _ in range(3)]
    client = client_for(desk)
    page = _follow(client, client.post(scan_url(person), {"scan": separator.join(i.asset_tag for i in items)}))
    assert Loan.objects.filter(borrower=person).count() == 3
    assert "3 items" in page


def test_one_unavailable_tag_lends_none_and_says_which_and_why(desk, hub, person):
    free = make_item(hub)
    taken = make_item(hub)
    lend(desk, taken, make_person(hub))
    response = client_for(desk).post(scan_url(person), {"scan": f"{free.asset_tag} {taken.asset_tag} NOPE-1"})
    page = response.content.decode()
    assert response.status_code == 409
    assert not Loan.objects.filter(borrower=person).exists()
    free.refresh_from_db()
    assert free.status == ItemStatus.AVAILABLE
    assert "Nothing was lent." in page
    assert f"{taken.asset_tag}: This item is already on loan." in page
    assert "NOPE-1: No item with this tag at your hub." in page
    assert f'value="{free.asset_tag} {taken.asset_tag} NOPE-1"' in page  # fix one tag, Enter again
    assert 'aria-invalid="true"' in page


def test_another_hubs_item_is_not_lent(desk, hub, other_hub, person):
    item = make_item(other_hub)
    response = client_for(desk).post(scan_url(person), {"scan": item.asset_tag})
    assert response.status_code == 404 and not Loan.objects.exists()


def test_an_empty_scan_asks_for_a_tag(desk, person):
    response = client_for(desk).post(scan_url(person), {"scan": "  "})
    assert response.status_code == 422 and "Scan or type an asset tag first." in response.content.decode()


def test_another_persons_card_scanned_opens_their_screen(desk, hub, person):
    other = make_person(hub, first_name="Jordi", last_name="Puig")
    client = client_for(desk)
    response = client.post(scan_url(person), {"scan": f"P{other.pk:07d}"})
    assert response["Location"] == screen(other)
    assert "Card scanned: Jordi Puig." in client.get(response["Location"]).content.decode()


def test_a_card_among_tags_is_refused_and_nothing_is_lent(desk, hub, person):
    item = make_item(hub)
    response = client_for(desk).post(scan_url(person), {"scan": f"{item.asset_tag} P{person.pk:07d}"})
    assert response.status_code == 422 and not Loan.objects.exists()


# --- asked only when it applies -------------------------------------------------------------------------
def test_no_details_are_asked_when_no_rule_needs_them(desk, hub, person):
    item = make_item(hub)
    response = client_for(desk).post(scan_url(person), {"scan": item.asset_tag})
    assert response.status_code == 302 and Loan.objects.count() == 1


def test_a_referral_is_asked_only_for_a_type_that_needs_one(desk, hub, person):
    plain = make_item(hub)
    bed = make_item(hub, make_type(requires_referral=True, name="Powered bed"))
    client = client_for(desk)
    response = client.post(scan_url(person), {"scan": f"{plain.asset_tag} {bed.asset_tag}"})
    page = response.content.decode()
    assert response.status_code == 200 and not Loan.objects.exists()
    assert "Before lending" in page and 'name="referral_1"' in page and 'name="referral_0"' not in page
    assert 'name="override_reason"' not in page and 'name="deposit_' not in page
    lend_url = action_url(person, "lend")
    missing = client.post(lend_url, {"tags": f"{plain.asset_tag} {bed.asset_tag}"})
    assert missing.status_code == 422 and not Loan.objects.exists()
    _follow(client, client.post(lend_url, {"tags": f"{plain.asset_tag} {bed.asset_tag}", "referral_1": "OT-77"}))
    assert Loan.objects.get(item=bed).referral_reference == "OT-77"
    assert Loan.objects.filter(item=plain).exists()


def test_a_deposit_is_asked_and_recorded_as_paid(desk, hub, person):
    item = make_item(hub, make_type(deposit_eur=Decimal("30")))
    client = client_for(desk)
    page = client.post(scan_url(person), {"scan": item.asset_tag}).content.decode()
    assert "Deposit of 30.00 €" in page and 'value="cash"' in page
    _follow(client, client.post(action_url(person, "lend"), {"tags": item.asset_tag, "deposit_0": "cash"}))
    loan = Loan.objects.get()
    assert (loan.deposit_status, loan.deposit_method, loan.deposit_eur) == (DepositStatus.COLLECTED, "cash",
                                                                            Decimal("30"))


def test_a_waived_deposit_needs_a_reason(desk, hub, person):
    item = make_item(hub, make_type(deposit_eur=Decimal("30")))
    client = client_for(desk)
    refused = client.post(action_url(person, "lend"), {"tags": item.asset_tag, "deposit_0": "waive"})
    assert refused.status_code == 422 and "Give a reason for waiving the deposit." in refused.content.decode()
    _follow(client, client.post(action_url(person, "lend"), {"tags": item.asset_tag, "deposit_0": "waive",
                                                              "waiver_0": "Social services case"}))
    assert Loan.objects.get().deposit_status == DepositStatus.WAIVED


def test_a_deposit_not_paid_yet_is_left_to_collect(desk, hub, person):
    item = make_item(hub, make_type(deposit_eur=Decimal("30")))
    client = client_for(desk)
    _follow(client, client.post(action_url(person, "lend"), {"tags": item.asset_tag, "deposit_0": "later"}))
    assert Loan.objects.get().deposit_status == DepositStatus.DUE


def test_the_overdue_override_is_asked_only_when_the_person_holds_an_overdue_item(desk, hub, person):
    make_overdue(lend(desk, make_item(hub), person))
    item = make_item(hub)
    client = client_for(desk)
    page = client.post(scan_url(person), {"scan": item.asset_tag}).content.decode()
    assert 'name="override_reason"' in page and "autofocus" in page
    assert client.post(action_url(person, "lend"), {"tags": item.asset_tag}).status_code == 422
    _follow(client, client.post(action_url(person, "lend"), {"tags": item.asset_tag,
                                                              "override_reason": "Discharged today"}))
    assert Loan.objects.get(item=item).override_reason == "Discharged today"


def test_an_item_that_cannot_be_lent_is_said_before_any_detail_is_asked(desk, hub, person):
    bed = make_item(hub, make_type(requires_referral=True))
    broken = make_item(hub, status=ItemStatus.IN_REPAIR)
    response = client_for(desk).post(scan_url(person), {"scan": f"{bed.asset_tag} {broken.asset_tag}"})
    page = response.content.decode()
    assert response.status_code == 409 and "Before lending" not in page
    assert f"{broken.asset_tag}: This item is in repair and cannot be lent." in page
    assert not Loan.objects.exists()


# --- holds ----------------------------------------------------------------------------------------------
def test_a_ready_hold_is_handed_over_from_the_screen(desk, hub, person):
    item = make_item(hub)
    hold = services.place_hold(access=access_for(desk), hub=hub, item_type=item.item_type, person_id=person.pk,
                               need_category=NeedCategory.RECOVERY)
    assert hold.status == HoldStatus.OFFERED
    client = client_for(desk)
    page = client.get(screen(person)).content.decode()
    assert "Ready to collect" in page and f"Hand over {item.asset_tag}" in page
    _follow(client, client.post(action_url(person, "collect", hold.pk)))
    loan = Loan.objects.get()
    assert loan.item == item and loan.need_category == NeedCategory.RECOVERY  # the hold's need
    assert Hold.objects.get().status == HoldStatus.FULFILLED


def test_ready_holds_are_listed_before_waiting_ones(desk, hub, person):
    waiting_type = make_type(name="Bath lift")
    services.place_hold(access=access_for(desk), hub=hub, item_type=waiting_type, person_id=person.pk)
    ready = make_item(hub, make_type(name="Walker"))
    services.place_hold(access=access_for(desk), hub=hub, item_type=ready.item_type, person_id=person.pk)
    page = client_for(desk).get(screen(person)).content.decode()
    assert page.index("Ready to collect") < page.index("Bath lift")
    assert "place 1 in the queue" in page


def test_a_hold_of_someone_else_cannot_be_collected_here(desk, hub, person):
    item = make_item(hub)
    other = make_person(hub)
    hold = services.place_hold(access=access_for(desk), hub=hub, item_type=item.item_type, person_id=other.pk)
    assert client_for(desk).post(action_url(person, "collect", hold.pk)).status_code == 404
    assert not Loan.objects.exists()


# --- returns and renewals -------------------------------------------------------------------------------
def test_scanning_an_item_on_loan_opens_its_return_with_the_button_focused(desk, hub, person):
    loan = lend(desk, make_item(hub), person)
    client = client_for(desk)
    response = client.post(scan_url(person), {"scan": loan.item.asset_tag})
    assert response["Location"] == action_url(person, "return", loan.pk)
    page = client.get(response["Location"]).content.decode()
    assert f"Take back {loan.item.asset_tag}" in page
    assert '<button type="submit" autofocus>Record the return</button>' in page
    assert 'value="good"' in page and "checked" in page


def test_the_return_step_records_the_return(desk, hub, person):
    loan = lend(desk, make_item(hub), person)
    client = client_for(desk)
    page = _follow(client, client.post(action_url(person, "return", loan.pk),
                                       {"return-condition": "good", "return-notes": ""}))
    loan.refresh_from_db()
    assert loan.returned_at is not None and loan.item.status == ItemStatus.CLEANING
    assert f"Returned: {loan.item.asset_tag} from Núria Vilalta." in page
    assert "Nothing on loan." in page


def test_a_return_without_a_condition_is_asked_again(desk, hub, person):
    loan = lend(desk, make_item(hub), person)
    response = client_for(desk).post(action_url(person, "return", loan.pk), {"return-condition": "broken"})
    assert response.status_code == 422
    loan.refresh_from_db()
    assert loan.returned_at is None


def test_a_loan_already_returned_says_so(desk, hub, person):
    loan = lend(desk, make_item(hub), person)
    services.return_loan(access=access_for(desk), loan_id=loan.pk, condition="good")
    response = client_for(desk).post(action_url(person, "return", loan.pk), {"return-condition": "good"})
    assert response.status_code == 409 and "already been returned" in response.content.decode()


def test_renew_from_the_screen(desk, hub, person):
    loan = lend(desk, make_item(hub, make_type(default_loan_days=30)), person)
    client = client_for(desk)
    page = _follow(client, client.post(action_url(person, "renew", loan.pk)))
    loan.refresh_from_db()
    assert loan.due_on == TODAY + timedelta(days=60) and loan.renewals == 1
    assert "Renewed:" in page


def test_a_refused_renewal_shows_why_and_no_button(desk, hub, person):
    loan = lend(desk, make_item(hub), person)
    services.place_hold(access=access_for(desk), hub=hub, item_type=loan.item.item_type,
                        person_id=make_person(hub).pk)
    page = client_for(desk).get(screen(person)).content.decode()
    assert f"Renew {loan.item.asset_tag}" not in page
    assert "Someone is waiting for this type of item" in page


def test_loans_show_due_dates_and_overdue_first(desk, hub, person):
    later = lend(desk, make_item(hub), person)
    late = make_overdue(lend(desk, make_item(hub), person))
    page = client_for(desk).get(screen(person)).content.decode()
    assert page.index(late.item.asset_tag) < page.index(later.item.asset_tag)
    assert "Overdue" in page and "desk-row-overdue" in page
    assert "On loan <span class=\"desk-count\">(2)</span>" in page
