"""Input no page or endpoint may crash on: numbers past what the database holds, extreme dates, and the
staff-only audit history asked for by the borrower."""

import json
from datetime import date

import pytest
from django.urls import reverse

from carehub import errors
from carehub.permissions import access_for
from lending import services
from lending.models import Item, Loan
from tests.conftest import bearer, make_person

from .conftest import days, lend, make_item, make_type, today
from .test_pages import client_for

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # past 64 bits: SQLite raised OverflowError on a foreign-key filter (a 500)


@pytest.mark.parametrize("query", [
    {"borrower": HUGE}, {"borrower": "-" + HUGE}, {"borrower": "0"}, {"borrower": "1e400"},
    {"type": HUGE}, {"hub": HUGE}, {"status": "overdue", "borrower": HUGE}, {"page": HUGE},
])
def test_loan_list_page_survives_out_of_range_filters(desk, hub, item, query):
    lend(desk, item, make_person(hub))
    response = client_for(desk).get(reverse("lending:loans"), query)
    assert response.status_code == 200


def test_out_of_range_borrower_shows_a_filter_error_and_no_loan(desk, hub, item):
    lend(desk, item, make_person(hub))
    response = client_for(desk).get(reverse("lending:loans"), {"borrower": HUGE})
    assert "borrower" in response.context["filter"].errors
    assert response.context["page"].paginator.count == 1  # the bad filter is ignored, not applied


@pytest.mark.parametrize("url,status", [
    (f"/loans?borrower={HUGE}", 422), (f"/loans?type={HUGE}", 422), (f"/items?type={HUGE}", 422),
    (f"/holds?type={HUGE}", 422), (f"/loans/{HUGE}", 404), (f"/holds/{HUGE}", 404),
    (f"/loans/{HUGE}/history", 404), (f"/availability?type={HUGE}", 404),
])
def test_api_answers_out_of_range_numbers_with_a_4xx_not_a_500(client, desk, url, status):
    response = client.get(f"/api/v1/lending{url}", **bearer(desk))
    assert response.status_code == status, response.content


@pytest.mark.parametrize("body", [{"borrower": int(HUGE)}, {"for_person": int(HUGE)}])
def test_lending_to_an_out_of_range_person_is_not_a_500(client, desk, hub, item, body):
    payload = {"item": item.asset_tag, "borrower": make_person(hub).pk, **body}
    response = client.post("/api/v1/lending/loans", data=json.dumps(payload), content_type="application/json",
                           **bearer(desk))
    assert response.status_code == 404 and response.json()["code"] == "person_not_found"


def test_desk_forms_with_an_out_of_range_person_are_not_a_500(desk, item):
    client = client_for(desk)
    assert client.get(reverse("lending:lend", args=[item.asset_tag]), {"person": HUGE}).status_code == 200
    assert client.get(reverse("lending:hold-new"), {"person": HUGE}).status_code == 200
    response = client.post(reverse("lending:lend", args=[item.asset_tag]), {"person": HUGE, "due_on": "2026-04-01",
                                                                            "need_category": "other"})
    assert response.status_code == 200


# --- safety-check dates ---------------------------------------------------------------------------------
def test_intake_refuses_a_safety_check_dated_in_the_future(desk, hub):
    bed = make_type(safety_check_every_days=180)
    with pytest.raises(errors.ValidationFailed) as caught:
        services.take_in_item(access=access_for(desk), hub=hub, item_type=bed, asset_tag="PB-1",
                              last_safety_check_on=today() + days(1))
    assert (caught.value.code, caught.value.field) == ("safety_check_in_future", "last_safety_check_on")
    assert services.take_in_item(access=access_for(desk), hub=hub, item_type=bed, asset_tag="PB-1",
                                 last_safety_check_on=today()).last_safety_check_on == today()


def test_intake_page_shows_the_future_safety_check_next_to_its_field(desk, hub):
    bed = make_type(safety_check_every_days=180)
    response = client_for(desk).post(reverse("lending:take-in"), {
        "asset_tag": "PB-2", "item_type": bed.pk, "hub": hub.pk, "condition": "good",
        "last_safety_check_on": "9999-12-31"})
    assert response.status_code == 200
    assert response.context["form"].errors["last_safety_check_on"] == [
        "The last safety check cannot be in the future."]
    assert not Item.objects.exists()


def test_intake_api_refuses_a_future_safety_check_with_422(client, desk, hub):
    bed = make_type(safety_check_every_days=180)
    response = client.post("/api/v1/lending/items", data=json.dumps({
        "asset_tag": "PB-3", "hub": hub.slug, "type": bed.pk, "last_safety_check_on": "9999-12-31"}),
        content_type="application/json", **bearer(desk))
    assert response.status_code == 422 and response.json()["code"] == "safety_check_in_future"


@pytest.mark.parametrize("stored", [date.max, date.min])
def test_pages_survive_extreme_dates_already_stored(desk, hub, stored):
    bed = make_item(hub, make_type(safety_check_every_days=180, max_age_years=5), asset_tag="PB-9")
    Item.objects.filter(pk=bed.pk).update(last_safety_check_on=stored, expires_on=stored)
    loan = lend(desk, make_item(hub), make_person(hub))
    Loan.objects.filter(pk=loan.pk).update(due_on=stored)
    client = client_for(desk)
    for url in [reverse("lending:item", args=["PB-9"]), reverse("lending:items"), reverse("lending:desk"),
                reverse("lending:lend", args=["PB-9"]), reverse("lending:loan", args=[loan.pk]),
                reverse("lending:loans") + "?status=overdue", reverse("lending:loans")]:
        assert client.get(url).status_code == 200, url
    assert client.get("/api/v1/lending/items/PB-9", **bearer(desk)).status_code == 200


def test_a_check_stored_at_the_end_of_time_is_never_due(hub):
    bed = make_item(hub, make_type(safety_check_every_days=180), last_safety_check_on=date.max)
    assert bed.safety_check_due_on() == date.max and not bed.safety_check_overdue(today())


# --- the audit history is for the hub's staff -----------------------------------------------------------
STAFF_ONLY = ["return_notes", "referral_reference", "deposit_waiver_reason", "override_reason", "lent_by",
              "returned_to"]


@pytest.fixture
def returned_loan(desk, hub, carer):
    """A loan of the caregiver's, with a referral, a waiver and return notes that only staff may read."""
    item = make_item(hub, make_type(requires_referral=True, needs_cleaning=False))
    loan = lend(desk, item, carer[1], referral_reference="OT-SECRET-1", deposit_waived=True,
                deposit_waiver_reason="Waiver-secret")
    services.return_loan(access=access_for(desk), loan_id=loan.pk, condition="good", notes="Return-note-secret")
    return loan


def test_the_borrower_gets_404_for_their_loan_history(client, carer, returned_loan):
    response = client.get(f"/api/v1/lending/loans/{returned_loan.pk}/history", **bearer(carer[0]))
    assert response.status_code == 404 and response.json()["code"] == "loan_not_found"


def test_the_borrower_sees_their_loan_without_any_staff_field(client, carer, returned_loan):
    response = client.get(f"/api/v1/lending/loans/{returned_loan.pk}", **bearer(carer[0]))
    assert response.status_code == 200
    body = response.json()
    assert not set(STAFF_ONLY) & set(body)
    text = response.content.decode()
    for secret in ["OT-SECRET-1", "Waiver-secret", "Return-note-secret", '"desk"']:
        assert secret not in text


def test_the_hubs_staff_read_the_loan_history_with_its_staff_fields(client, desk, returned_loan):
    entries = client.get(f"/api/v1/lending/loans/{returned_loan.pk}/history", **bearer(desk)).json()
    assert [entry["username"] for entry in entries] == ["desk", "desk"]
    assert "return_notes" in {change["field"] for change in entries[0]["changes"]}


def test_the_person_gets_404_for_their_hold_history_and_the_desk_reads_it(client, desk, carer, hub, item_type):
    hold = services.place_hold(access=access_for(carer[0]), hub=hub, item_type=item_type, person_id=carer[1].pk)
    own = client.get(f"/api/v1/lending/holds/{hold.pk}", **bearer(carer[0]))
    assert own.status_code == 200  # the hold itself is theirs to see
    response = client.get(f"/api/v1/lending/holds/{hold.pk}/history", **bearer(carer[0]))
    assert response.status_code == 404 and response.json()["code"] == "hold_not_found"
    assert client.get(f"/api/v1/lending/holds/{hold.pk}/history", **bearer(desk)).status_code == 200


def test_another_hubs_desk_gets_404_for_the_history(client, other_desk, returned_loan):
    assert client.get(f"/api/v1/lending/loans/{returned_loan.pk}/history",
                      **bearer(other_desk)).status_code == 404


# --- due dates are bounded: a loan lasts at most MAX_LOAN_DAYS, renewals included ----------------------
FAR = "9999-12-31"


def test_the_lend_page_refuses_a_due_date_at_the_end_of_time_next_to_the_field(desk, hub, item):
    person = make_person(hub)
    response = client_for(desk).post(reverse("lending:lend", args=[item.asset_tag]), {
        "person": person.pk, "due_on": FAR, "need_category": "mobility"})
    assert response.status_code == 200 and "due_on" in response.context["form"].errors
    assert not Loan.objects.exists()


def test_the_lend_endpoint_refuses_a_due_date_at_the_end_of_time_as_a_field_error(client, desk, hub, item):
    body = {"item": item.asset_tag, "borrower": make_person(hub).pk, "due_on": FAR}
    response = client.post("/api/v1/lending/loans", data=json.dumps(body), content_type="application/json",
                           **bearer(desk))
    assert response.status_code == 422 and response.json()["code"] == "due_on_too_far"
    assert not Loan.objects.exists()


@pytest.mark.parametrize("stored", [date.max, date(9999, 6, 1)])
def test_renewing_a_loan_stored_with_a_far_due_date_is_refused_not_a_500(client, desk, hub, item, stored):
    loan = lend(desk, item, make_person(hub))
    Loan.objects.filter(pk=loan.pk).update(due_on=stored)  # rows from before the bound, or the admin
    response = client.post(f"/api/v1/lending/loans/{loan.pk}/renew", data="{}", content_type="application/json",
                           **bearer(desk))
    assert response.status_code == 409 and response.json()["code"] == "due_on_too_far"
    loan.refresh_from_db()
    assert (loan.due_on, loan.renewals) == (stored, 0)


def test_a_renewal_never_takes_a_loan_past_the_bound(desk, hub):
    loan = lend(desk, make_item(hub, make_type(default_loan_days=180)), make_person(hub),
                due_on=today() + days(services.MAX_LOAN_DAYS - 179))
    with pytest.raises(errors.Conflict) as refused:
        services.renew_loan(access=access_for(desk), loan_id=loan.pk)
    assert refused.value.code == "due_on_too_far"


def test_a_renewal_up_to_the_bound_is_allowed(desk, hub):
    loan = lend(desk, make_item(hub, make_type(default_loan_days=180)), make_person(hub),
                due_on=today() + days(services.MAX_LOAN_DAYS - 180))
    renewed = services.renew_loan(access=access_for(desk), loan_id=loan.pk)
    assert renewed.due_on == today() + days(services.MAX_LOAN_DAYS)
