"""GET /api/v1/insights/…: who may call it, what it returns, and that it never returns a person."""

import json

import pytest

from carehub.insights.metrics import FIGURES
from carehub.insights.selectors import rounded
from carehub.models import Role
from tests.conftest import bearer, make_caregiver, make_hub, make_person, make_user
from tests.insights.conftest import published

pytestmark = pytest.mark.django_db

URL = "/api/v1/insights/hubs?date_from=2025-01-01&date_to=2025-03-31"


def get(client, url, user=None):
    return client.get(url, **(bearer(user) if user else {}))


def test_anonymous_caller_gets_401(client, city):
    response = get(client, URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("role", [Role.DESK, Role.ADVISOR, Role.FACILITATOR])
def test_hub_staff_other_than_coordinators_get_403(client, city, role):
    user = make_user(roles=[(role, city.hub)])
    assert get(client, URL, user).status_code == 403
    assert get(client, f"/api/v1/insights/hubs/{city.hub.slug}/monthly", user).status_code == 403


def test_caregiver_gets_403(client, city):
    user, _person = make_caregiver(city.hub)
    assert get(client, URL, user).status_code == 403


@pytest.mark.parametrize("who", ["planner", "admin_user"])
def test_planners_and_admins_see_every_hub(client, city, who, request):
    rows = get(client, URL, request.getfixturevalue(who)).json()
    assert {row["hub"] for row in rows} == {city.hub.slug, city.other_hub.slug}


def test_coordinator_sees_only_their_own_hub(client, city, coordinator):
    rows = get(client, URL, coordinator).json()
    assert [row["hub"] for row in rows] == [city.hub.slug]
    assert get(client, f"/api/v1/insights/hubs/{city.other_hub.slug}/monthly", coordinator).status_code == 403
    assert get(client, f"/api/v1/insights/hubs/{city.hub.slug}/monthly", coordinator).status_code == 200


def test_row_has_slug_population_and_the_published_figures(client, city, planner):
    row = next(r for r in get(client, URL, planner).json() if r["hub"] == city.hub.slug)
    assert row["population"] == 20000
    assert set(row) == {"hub", "name", "district", "population", "bands"} | {f.key for f in FIGURES}
    expected = published(city.hub)[0]
    assert {f.key: row[f.key] for f in FIGURES} == {f.key: rounded(f, expected[f.key]) for f in FIGURES}
    # Each published count is within 2 of the true one (12 people reached, 6 loans, 6 appointments).
    for key, true in (("people_reached", 12), ("loans", 6), ("advice_appointments", 6), ("waitlist_size", 6)):
        assert row[key] is None or abs(row[key] - true) <= 2, key
    assert row["people_reached"] is not None  # 12 ± 2 is never under 5
    assert row["loans_per_1000"] is None or row["loans_per_1000"] == pytest.approx(row["loans"] / 20, abs=0.01)


def test_small_counts_and_rates_from_few_are_null(client, city, planner):
    rows = {r["hub"]: r for r in get(client, URL, planner).json()}
    row, other = rows[city.hub.slug], rows[city.other_hub.slug]
    assert row["sessions_held"] is None  # 2 sessions: at most 4 after perturbation
    assert row["new_people"] is None or 5 <= row["new_people"] <= 7  # 5 people: 3 to 7, shown from 5
    assert 0.4 <= row["fill_rate"] <= 0.6  # 10 of 20 places
    assert other["loans"] is None and other["loans_per_1000"] is None  # 1 loan: its rate would give it away
    assert other["item_utilisation"] is None and other["people_reached"] is None


def test_no_personal_field_ever(client, city, planner):
    for url in (URL, f"/api/v1/insights/hubs/{city.hub.slug}/monthly?date_from=2025-01-01&date_to=2025-03-31"):
        body = get(client, url, planner).content.decode()
        for person in city.people:
            for value in (person.first_name, person.last_name, person.phone, person.email):
                assert value not in body
        keys = json.dumps(get(client, url, planner).json())
        for field in ("first_name", "last_name", "phone", "email", "person", "borrower", "document"):
            assert f'"{field}' not in keys


def test_monthly_series_of_a_hub(client, city, planner):
    body = get(client, f"/api/v1/insights/hubs/{city.hub.slug}/monthly?date_from=2025-01-01&date_to=2025-03-31",
               planner).json()
    assert body["hub"] == city.hub.slug and body["population"] == 20000
    assert [m["month"] for m in body["months"]] == ["2025-01", "2025-02", "2025-03"]
    january, february, march = body["months"]
    assert (february["loans"], march["loans"]) == (0, 0)  # none is published as 0
    assert january["loans"] is None or 5 <= january["loans"] <= 8  # six loans
    assert (january["advice_appointments"], february["advice_appointments"]) == (0, 0)
    assert march["advice_appointments"] is None or 5 <= march["advice_appointments"] <= 8
    assert january["overdue_rate"] is None and january["bands"] == {}  # no loan due in January: nothing to compute


def test_district_filter(client, city, planner):
    rows = get(client, URL + "&district=eixample", planner).json()
    assert [r["hub"] for r in rows] == [city.hub.slug]


@pytest.mark.parametrize("query", ["date_from=2025-03-01&date_to=2025-01-01", "date_from=2015-01-01&date_to=2025-01-01",
                                   "district=atlantis", "date_from=yesterday",
                                   "date_from=9999-12-01&date_to=9999-12-31", "date_from=0001-01-01&date_to=0001-01-31"])
def test_bad_input_is_422_not_500(client, city, planner, query):
    response = get(client, f"/api/v1/insights/hubs?{query}", planner)
    assert response.status_code == 422
    assert "code" in response.json()


def test_unknown_hub_is_404(client, planner):
    assert get(client, "/api/v1/insights/hubs/nowhere/monthly", planner).status_code == 404


def _hubs_with_activity(n):
    from lending.models import ItemType
    from tests.insights.conftest import at, make_item, make_loan

    item_type = ItemType.objects.create(name=f"Crutches {n}", category="mobility")
    for i in range(n):
        hub = make_hub()
        person = make_person(hub)
        for j in range(3):
            item = make_item(hub, item_type, f"Q{n}-{i}-{j}", at(2024, 12, 1))
            make_loan(item, person, at(2025, 1, 10 + j), "2025-02-10")


def test_query_count_does_not_grow_with_hubs_or_data(client, planner, django_assert_max_num_queries):
    headers = bearer(planner)
    client.get(URL, **headers)  # the token's first use is recorded once
    _hubs_with_activity(2)
    with django_assert_max_num_queries(16) as small:
        client.get(URL, **headers)
    _hubs_with_activity(12)
    with django_assert_max_num_queries(16) as large:
        client.get(URL, **headers)
    assert len(large.captured_queries) == len(small.captured_queries)
