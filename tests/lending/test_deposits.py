"""Deposits: recorded when collected (how much, how, by whom), refunded or waived (by whom, why); on the loan's
page and in the desk's day summary; the API answers refusals with {detail, code} and never a 500."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from carehub import errors
from carehub.permissions import access_for
from lending import services
from lending.models import DepositStatus, Loan, ReturnCondition
from tests.conftest import bearer, make_person
from tests.conftest import client_for as _client_for

from .conftest import lend, make_item, make_type

pytestmark = pytest.mark.django_db

BASE = "/api/v1/lending"


def client_for(user):
    client = _client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def deposit_type(db):
    return make_type(name="Powered bed", deposit_eur=Decimal("30"))


@pytest.fixture
def loan(desk, hub, deposit_type):
    return lend(desk, make_item(hub, deposit_type), make_person(hub))


def test_a_deposit_not_paid_at_lending_is_left_to_collect(loan):
    assert loan.deposit_status == DepositStatus.DUE and loan.deposit_eur == 30
    assert loan.deposit_collected_at is None


def test_a_deposit_paid_at_lending_records_how_when_and_who(desk, hub, deposit_type, clock):
    loan = lend(desk, make_item(hub, deposit_type), make_person(hub), deposit_method="card")
    loan.refresh_from_db()
    assert (loan.deposit_status, loan.deposit_method, loan.deposit_eur) == ("collected", "card", 30)
    assert loan.deposit_collected_by == desk and loan.deposit_collected_at is not None


def test_a_type_without_deposit_asks_none(desk, hub):
    assert lend(desk, make_item(hub, make_type()), make_person(hub)).deposit_status == DepositStatus.NONE


def test_collecting_later_records_it_once(desk, loan):
    services.collect_deposit(access=access_for(desk), loan_id=loan.pk, method="cash")
    loan.refresh_from_db()
    assert (loan.deposit_status, loan.deposit_method, loan.deposit_collected_by) == ("collected", "cash", desk)
    assert loan.history.first().history_user == desk
    with pytest.raises(errors.Conflict) as caught:
        services.collect_deposit(access=access_for(desk), loan_id=loan.pk, method="cash")
    assert caught.value.code == "deposit_already_collected"


def test_the_return_refunds_the_deposit_held_and_says_who(desk, hub, deposit_type):
    loan = lend(desk, make_item(hub, deposit_type), make_person(hub), deposit_method="cash")
    services.return_loan(access=access_for(desk), loan_id=loan.pk, condition=ReturnCondition.GOOD)
    loan.refresh_from_db()
    assert loan.deposit_status == DepositStatus.REFUNDED and loan.deposit_settled_by == desk
    assert loan.deposit_settled_at == loan.returned_at


def test_a_deposit_kept_at_the_return_can_be_refunded_later_with_a_note(desk, hub, deposit_type, clock):
    loan = lend(desk, make_item(hub, deposit_type), make_person(hub), deposit_method="cash")
    services.return_loan(access=access_for(desk), loan_id=loan.pk, condition=ReturnCondition.DAMAGED,
                         refund_deposit=False)
    loan.refresh_from_db()
    assert loan.deposit_status == DepositStatus.COLLECTED
    clock.shift(timedelta(days=2))
    services.refund_deposit(access=access_for(desk), loan_id=loan.pk, note="Only a scratch")
    loan.refresh_from_db()
    assert loan.deposit_status == DepositStatus.REFUNDED and loan.deposit_settled_at > loan.returned_at
    assert loan.history.first().history_change_reason == "Only a scratch"


def test_waiving_needs_a_reason_and_only_a_deposit_not_yet_collected(desk, loan):
    access = access_for(desk)
    with pytest.raises(errors.ValidationFailed) as caught:
        services.waive_deposit(access=access, loan_id=loan.pk, reason="  ")
    assert caught.value.code == "waiver_reason_required"
    services.waive_deposit(access=access, loan_id=loan.pk, reason="Low income")
    loan.refresh_from_db()
    assert (loan.deposit_status, loan.deposit_waiver_reason, loan.deposit_settled_by) == ("waived", "Low income",
                                                                                           desk)
    with pytest.raises(errors.Conflict) as caught:
        services.collect_deposit(access=access, loan_id=loan.pk, method="cash")
    assert caught.value.code == "deposit_waived"


def test_a_waiver_at_lending_names_the_lender(desk, hub, deposit_type):
    loan = lend(desk, make_item(hub, deposit_type), make_person(hub), deposit_waived=True,
                deposit_waiver_reason="Referral from social services")
    assert loan.deposit_status == DepositStatus.WAIVED and loan.deposit_settled_by == desk
    assert loan.deposit_waived  # the yes/no the exports read


def test_another_hubs_desk_cannot_touch_the_deposit(other_desk, loan):
    with pytest.raises(errors.NotFound):
        services.collect_deposit(access=access_for(other_desk), loan_id=loan.pk, method="cash")


# --- pages --------------------------------------------------------------------------------------------------
def test_the_loan_page_collects_the_deposit_and_shows_how_it_was_paid(desk, loan):
    client = client_for(desk)
    page = client.get(reverse("lending:loan", args=[loan.pk])).content.decode()
    assert "30.00 €, not collected yet" in page and "Collect the 30.00 €" in page
    response = client.post(reverse("lending:loan-action", args=[loan.pk, "collect-deposit"]),
                           {"collect-method": "bizum"}, follow=True)
    page = response.content.decode()
    assert "Deposit collected." in page and "30.00 € collected (Bizum)" in page and "collected by desk" in page
    assert "Refund the 30.00 €" in page


def test_the_loan_page_says_why_a_collection_was_refused(desk, loan):
    client = client_for(desk)
    response = client.post(reverse("lending:loan-action", args=[loan.pk, "collect-deposit"]),
                           {"collect-method": "gold-bars"}, follow=True)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    loan.refresh_from_db()
    assert loan.deposit_status == DepositStatus.DUE


def test_the_desk_page_sums_up_the_days_deposits(desk, hub, deposit_type, clock):
    access = access_for(desk)
    paid_cash = lend(desk, make_item(hub, deposit_type), make_person(hub), deposit_method="cash")
    lend(desk, make_item(hub, deposit_type), make_person(hub), deposit_method="card")
    lend(desk, make_item(hub, deposit_type), make_person(hub))  # still to collect
    waived = lend(desk, make_item(hub, deposit_type), make_person(hub))
    services.waive_deposit(access=access, loan_id=waived.pk, reason="Low income")
    services.return_loan(access=access, loan_id=paid_cash.pk, condition=ReturnCondition.GOOD)
    yesterday = lend(desk, make_item(hub, deposit_type), make_person(hub))
    Loan.objects.filter(pk=yesterday.pk).update(deposit_status="collected", deposit_method="cash",
                                                deposit_collected_at=paid_cash.lent_at - timedelta(days=1))
    page = client_for(desk).get(reverse("lending:desk")).content.decode()
    summary = page[page.index('id="deposits-h"'):]
    assert "2 deposits, 60.00 € (30.00 € in cash)" in summary  # collected today
    assert "1 deposit, 30.00 € (30.00 € in cash)" in summary  # refunded today
    assert "<dt>Waived</dt><dd>1</dd>" in summary.replace("\n", "").replace("  ", "")
    assert "<dt>Still to collect (active loans)</dt><dd>1</dd>" in summary.replace("\n", "").replace("  ", "")


def test_the_desk_summary_keeps_to_its_hubs(other_desk, loan, desk):
    services.collect_deposit(access=access_for(desk), loan_id=loan.pk, method="cash")
    page = client_for(other_desk).get(reverse("lending:desk")).content.decode()
    assert "0 deposits, 0.00 € (0.00 € in cash)" in page[page.index('id="deposits-h"'):]


# --- API ----------------------------------------------------------------------------------------------------
def test_the_api_collects_refunds_and_reports_the_deposit(client, desk, loan):
    response = client.post(f"{BASE}/loans/{loan.pk}/deposit/collect", {"method": "cash", "amount": "25.50"},
                           content_type="application/json", **bearer(desk))
    assert response.status_code == 200
    body = response.json()
    assert (body["deposit_status"], body["deposit_method"], body["deposit_eur"]) == ("collected", "cash", 25.5)
    response = client.post(f"{BASE}/loans/{loan.pk}/deposit/refund", {}, content_type="application/json",
                           **bearer(desk))
    assert response.json()["deposit_status"] == "refunded" and response.json()["deposit_settled_at"]
    again = client.post(f"{BASE}/loans/{loan.pk}/deposit/refund", {}, content_type="application/json",
                        **bearer(desk))
    assert again.status_code == 409 and again.json()["code"] == "deposit_already_refunded"
    assert again.json()["detail"]


def test_the_api_waives_with_a_reason_and_lends_with_the_deposit_paid(client, desk, hub, deposit_type, loan):
    response = client.post(f"{BASE}/loans/{loan.pk}/deposit/waive", {"reason": "Low income"},
                           content_type="application/json", **bearer(desk))
    assert response.status_code == 200 and response.json()["deposit_status"] == "waived"
    item = make_item(hub, deposit_type)
    response = client.post(f"{BASE}/loans", {"item": item.asset_tag, "borrower": make_person(hub).pk,
                                             "deposit_method": "card"},
                           content_type="application/json", **bearer(desk))
    assert response.status_code == 201 and response.json()["deposit_status"] == "collected"


@pytest.mark.parametrize("payload", [{"method": "gold"}, {"method": "cash", "amount": -5},
                                     {"method": "cash", "amount": "abc"}, {"method": "cash", "amount": 10 ** 9},
                                     {"method": "cash", "amount": "1.234"}, {}, {"method": None}])
def test_bad_deposit_input_is_a_422_with_detail_and_code(client, desk, loan, payload):
    response = client.post(f"{BASE}/loans/{loan.pk}/deposit/collect", payload, content_type="application/json",
                           **bearer(desk))
    assert response.status_code == 422
    assert set(response.json()) >= {"detail", "code"}


@pytest.mark.parametrize("path", ["collect", "refund", "waive"])
def test_deposit_endpoints_answer_404_outside_the_callers_hubs(client, other_desk, loan, path):
    response = client.post(f"{BASE}/loans/{loan.pk}/deposit/{path}", {"method": "cash", "reason": "x"},
                           content_type="application/json", **bearer(other_desk))
    assert response.status_code == 404 and response.json()["code"] == "loan_not_found"
    unknown = client.post(f"{BASE}/loans/999999999/deposit/{path}", {"method": "cash", "reason": "x"},
                          content_type="application/json", **bearer(other_desk))
    assert unknown.status_code == 404
