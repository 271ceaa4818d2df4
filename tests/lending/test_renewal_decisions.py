"""Renewals: a refused renewal shows why and no button; a caregiver's request is approved or declined by the
desk with a reason, and the person is told either way through the notification layer."""

import pytest
from django.conf import settings
from django.urls import reverse

from carehub import errors
from carehub.notifications.models import Message
from carehub.permissions import access_for
from lending import services
from lending.models import Loan
from tests.conftest import bearer, make_caregiver, make_person
from tests.conftest import client_for as _client_for

from .conftest import days, lend, make_item, make_type, today

pytestmark = pytest.mark.django_db

BASE = "/api/v1/lending"
RENEW_BUTTON = "Renew the loan"


def client_for(user):
    client = _client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def asked(desk, hub, item):
    """A loan whose borrower (a caregiver with an account, writing in English) asked to renew it."""
    user, person = make_caregiver(hub, preferred_language="en", first_name="Rosa")
    loan = lend(desk, item, person)
    services.request_renewal(access=access_for(user), loan_id=loan.pk)
    loan.refresh_from_db()
    return user, loan


def _loan_page(desk, loan) -> str:
    return client_for(desk).get(reverse("lending:loan", args=[loan.pk])).content.decode()


# --- a refused renewal shows why, without a button ---------------------------------------------------------
def test_at_the_renewal_limit_the_page_says_so_and_has_no_button(desk, hub, item):
    assert RENEW_BUTTON in _loan_page(desk, lend(desk, item, make_person(hub)))
    loan = lend(desk, make_item(hub, make_type(max_renewals=0)), make_person(hub))
    page = _loan_page(desk, loan)
    assert "cannot be renewed again" in page and RENEW_BUTTON not in page


def test_while_someone_waits_the_page_says_so_and_has_no_button(desk, hub, item):
    loan = lend(desk, item, make_person(hub))
    services.place_hold(access=access_for(desk), hub=hub, item_type=item.item_type, person_id=make_person(hub).pk)
    page = _loan_page(desk, loan)
    assert "Someone is waiting for this type of item" in page and RENEW_BUTTON not in page


def test_an_overdue_loan_cannot_be_renewed(desk, hub, item, clock):
    loan = lend(desk, item, make_person(hub), due_on=today() + days(1))
    clock.shift(days(3))
    page = _loan_page(desk, loan)
    assert "The loan is overdue" in page and RENEW_BUTTON not in page
    with pytest.raises(errors.Conflict) as caught:
        services.renew_loan(access=access_for(desk), loan_id=loan.pk)
    assert caught.value.code == "renewal_overdue"


def test_the_caregivers_page_says_why_instead_of_an_ask_button(hub, desk):
    user, person = make_caregiver(hub, preferred_language="en")
    lend(desk, make_item(hub, make_type(max_renewals=0)), person)
    page = client_for(user).get(reverse("account")).content.decode()
    assert "cannot be renewed again" in page and "Ask to renew" not in page


def test_a_request_the_desk_could_only_decline_is_refused_at_once(hub, desk):
    user, person = make_caregiver(hub)
    loan = lend(desk, make_item(hub, make_type(max_renewals=0)), person)
    with pytest.raises(errors.Conflict) as caught:
        services.request_renewal(access=access_for(user), loan_id=loan.pk)
    assert caught.value.code == "renewal_limit"
    loan.refresh_from_db()
    assert loan.renewal_requested_at is None


# --- the desk's answer ------------------------------------------------------------------------------------
def test_a_requested_renewal_shows_approve_and_decline(desk, asked):
    page = _loan_page(desk, asked[1])
    assert "Approve: renew the loan" in page and "Decline and tell the person" in page


def test_a_refused_request_can_still_be_declined_with_the_reason_filled_in(desk, hub, asked):
    _user, loan = asked
    services.place_hold(access=access_for(desk), hub=hub, item_type=loan.item.item_type,
                        person_id=make_person(hub).pk)
    page = _loan_page(desk, loan)
    assert "Approve: renew the loan" not in page and "Decline and tell the person" in page
    assert 'value="Someone is waiting for this type of item' in page


def test_declining_tells_the_person_why_and_clears_the_request(desk, asked):
    _user, loan = asked
    response = client_for(desk).post(reverse("lending:loan-action", args=[loan.pk, "decline-renewal"]),
                                     {"decline-reason": "The bed is needed for a hospital discharge"},
                                     follow=True)
    assert "Renewal declined" in response.content.decode()
    loan.refresh_from_db()
    assert loan.renewal_requested_at is None and loan.due_on == loan.history.last().due_on
    message = Message.objects.get(kind="loan_renewal_declined")
    assert message.person_id == loan.borrower_id and message.hub_id == loan.hub_id
    assert "needed for a hospital discharge" in message.body and loan.item.asset_tag in message.body
    assert message.subject.startswith("Loan not renewed")
    assert loan.history.first().history_user == desk
    assert not Message.objects.filter(kind="loan_renewed").exists()


def test_declining_needs_a_reason_and_a_request(desk, hub, asked, item_type):
    access = access_for(desk)
    with pytest.raises(errors.ValidationFailed) as caught:
        services.decline_renewal(access=access, loan_id=asked[1].pk, reason="   ")
    assert caught.value.code == "reason_required"
    unasked = lend(desk, make_item(hub, item_type), make_person(hub))
    with pytest.raises(errors.Conflict) as caught:
        services.decline_renewal(access=access, loan_id=unasked.pk, reason="No")
    assert caught.value.code == "no_renewal_request"


def test_a_person_declined_once_may_ask_again_and_is_told_again(desk, asked, clock):
    user, loan = asked
    services.decline_renewal(access=access_for(desk), loan_id=loan.pk, reason="Not now")
    clock.shift(days(1))
    services.request_renewal(access=access_for(user), loan_id=loan.pk)
    services.decline_renewal(access=access_for(desk), loan_id=loan.pk, reason="Still not")
    assert Message.objects.filter(kind="loan_renewal_declined").count() == 2


def test_the_api_declines_with_detail_and_code_on_refusal(client, desk, other_desk, asked):
    _user, loan = asked
    url = f"{BASE}/loans/{loan.pk}/decline-renewal"
    assert client.post(url, {"reason": ""}, content_type="application/json", **bearer(desk)).status_code == 422
    assert client.post(url, {"reason": "x"}, content_type="application/json",
                       **bearer(other_desk)).status_code == 404
    response = client.post(url, {"reason": "Someone is waiting"}, content_type="application/json", **bearer(desk))
    assert response.status_code == 200 and response.json()["renewal_requested_at"] is None
    again = client.post(url, {"reason": "Again"}, content_type="application/json", **bearer(desk))
    assert again.status_code == 409 and again.json()["code"] == "no_renewal_request" and again.json()["detail"]


def test_the_borrower_cannot_decline_their_own_request(client, asked):
    user, loan = asked
    response = client.post(f"{BASE}/loans/{loan.pk}/decline-renewal", {"reason": "x"},
                           content_type="application/json", **bearer(user))
    assert response.status_code == 404 and response.json()["code"] == "loan_not_found"
    assert Loan.objects.get(pk=loan.pk).renewal_requested_at is not None
