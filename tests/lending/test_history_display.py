"""The audit history on loan and item pages reads as people say it — "Available → On loan", names instead of
ids, dates in Madrid time — while the API keeps the stable codes."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from carehub.permissions import access_for
from lending import selectors, services
from lending.models import ReturnCondition
from tests.conftest import bearer, make_person, make_user
from tests.conftest import client_for as _client_for

from .conftest import days, lend, make_item, make_type, today

pytestmark = pytest.mark.django_db


def client_for(user, language="en"):
    client = _client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _history(page: str) -> str:
    return page[page.index('id="history-h"'):]


def test_the_item_history_shows_state_labels_not_codes_while_the_api_keeps_them(client, desk, hub, item):
    lend(desk, item, make_person(hub))
    history = _history(client_for(desk).get(reverse("lending:item", args=[item.asset_tag])).content.decode())
    assert "Status: Available → On loan" in history
    assert "on_loan" not in history
    entries = client.get(f"/api/v1/lending/items/{item.asset_tag}/history", **bearer(desk)).json()
    [status] = [c for e in entries for c in e["changes"] if c["field"] == "status"]
    assert (status["old"], status["new"]) == ("available", "on_loan")


def test_the_loan_history_shows_dates_in_local_time_and_people_by_name(desk, hub, item, clock):
    loan = lend(desk, item, make_person(hub))
    clock.shift(timedelta(hours=2))  # 12:00 in Barcelona, 11:00 UTC
    services.return_loan(access=access_for(desk), loan_id=loan.pk, condition=ReturnCondition.NEEDS_CLEANING)
    history = _history(client_for(desk, "ca").get(reverse("lending:loan", args=[loan.pk])).content.decode())
    assert "10/03/2026 12:00" in history and "11:00" not in history
    assert "Cal netejar-lo" in history and "needs_cleaning" not in history
    assert f"— → {desk.get_username()}" in history  # returned to: the username, not the user's id


def test_a_renewal_shows_the_old_and_new_due_dates_as_dates(desk, hub, item):
    loan = lend(desk, item, make_person(hub), due_on=today() + days(10))
    services.renew_loan(access=access_for(desk), loan_id=loan.pk)
    history = _history(client_for(desk).get(reverse("lending:loan", args=[loan.pk])).content.decode())
    assert "Due on: 20 March 2026 → 16 September 2026" in history
    assert "2026-03-20" not in history


def test_yes_no_and_amounts_read_as_words_and_euros(desk, hub):
    item = make_item(hub, make_type(deposit_eur=30))
    loan = lend(desk, item, make_person(hub))
    services.collect_deposit(access=access_for(desk), loan_id=loan.pk, method="cash")
    history = _history(client_for(desk).get(reverse("lending:loan", args=[loan.pk])).content.decode())
    assert "Deposit: To collect → Collected" in history
    assert "Deposit paid by: — → Cash" in history


def test_names_are_looked_up_once_per_kind_whatever_the_history_length(desk, hub,
                                                                      django_assert_max_num_queries):
    item = make_item(hub, make_type(needs_cleaning=False))
    for _ in range(6):
        user = make_user(roles=[("desk", hub)])
        loan = lend(user, item, make_person(hub))
        services.return_loan(access=access_for(user), loan_id=loan.pk, condition=ReturnCondition.GOOD)
    with django_assert_max_num_queries(1):  # the history rows only: an item's changes name no other row
        entries = selectors.history_entries(item, limit=50)
    assert len(entries) == 13
    loan_entries_queries = 2  # the loan's history rows, then its users in one query
    with django_assert_max_num_queries(loan_entries_queries):
        entries = selectors.history_entries(loan, limit=50)
    assert [c["new_display"] for e in entries for c in e["changes"] if c["field"] == "returned_to"] == [
        user.get_username()]
