"""The /insights/ dashboard and its CSV: access, sorting, suppression, CSV equal to the table."""

import csv
import io
import re
from html import unescape

import pytest

from carehub.insights.metrics import FIGURES
from carehub.models import Role
from tests.conftest import client_for, make_caregiver, make_user

pytestmark = pytest.mark.django_db

Q = "?date_from=2025-01-01&date_to=2025-03-31"


def csv_rows(response, delimiter=";"):
    """The CSV's rows (written for Catalan, the default language: semicolons and decimal commas)."""
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=delimiter))


def page_rows(html):
    """The hubs table's body as shown: [[hub, district, population, cell texts…]]."""
    body = html.split('<table class="data insights-table">', 1)[1].split("</tbody>", 1)[0].split("<tbody>", 1)[1]
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        rows.append([unescape(re.sub(r"<[^>]+>", "", cell)).strip()
                     for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)])
    return rows


def as_exported(text):
    """A page cell as the CSV writes it: numbers bare (no " %", no thousands dots), texts as they are."""
    bare = text[:-2] if text.endswith(" %") else text
    if re.fullmatch(r"[0-9.]+(,[0-9]+)?", bare):
        return bare.replace(".", "")
    return text


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/insights/")
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("role", [Role.DESK, Role.ADVISOR, Role.FACILITATOR])
def test_other_staff_get_403(city, role):
    client = client_for(make_user(roles=[(role, city.hub)]))
    assert client.get("/insights/" + Q).status_code == 403
    assert client.get("/insights/hubs.csv" + Q).status_code == 403


def test_caregiver_gets_403(city):
    user, _person = make_caregiver(city.hub)
    assert client_for(user).get("/insights/").status_code == 403


def test_planner_sees_every_hub_with_small_cells_as_less_than_5(city, planner):
    response = client_for(planner).get("/insights/" + Q)
    assert response.status_code == 200
    html = response.content.decode()
    assert city.hub.name in html and city.other_hub.name in html
    assert "&lt;5" in html
    for person in city.people:
        assert person.last_name + " " not in html or person.first_name not in html


def test_coordinator_sees_only_their_hub(city, coordinator):
    html = client_for(coordinator).get("/insights/" + Q).content.decode()
    assert city.hub.name in html and city.other_hub.name not in html
    rows = csv_rows(client_for(coordinator).get("/insights/hubs.csv" + Q))
    assert [r[0] for r in rows[1:]] == [city.hub.name]


def test_csv_is_exactly_the_table_shown(city, planner):
    client = client_for(planner)
    rows = csv_rows(client.get("/insights/hubs.csv" + Q + "&sort=-loans"))
    header, body = rows[0], rows[1:]
    assert len(header) == 3 + len(FIGURES)
    assert [r[0] for r in body] == [city.hub.name, city.other_hub.name]
    keys = ["hub", "district", "population"] + [f.key for f in FIGURES]
    by_hub = {r[0]: dict(zip(keys, r)) for r in body}
    assert by_hub[city.other_hub.name]["loans"] == "<5"  # one loan
    assert by_hub[city.hub.name]["sessions_held"] == "<5"  # two sessions
    shown = page_rows(client.get("/insights/" + Q + "&sort=-loans").content.decode())
    assert [[as_exported(text) for text in row] for row in shown] == body


def test_sorting_puts_suppressed_cells_last_in_both_directions(city, planner):
    client = client_for(planner)
    for sort in ("loans", "-loans"):
        rows = csv_rows(client.get(f"/insights/hubs.csv{Q}&sort={sort}"))
        assert rows[-1][0] == city.other_hub.name


def test_sort_links_and_aria_sort(city, planner):
    html = client_for(planner).get("/insights/" + Q + "&sort=-people_reached").content.decode()
    assert 'aria-sort="descending"' in html
    assert "sort=people_reached" in html  # the link that flips the order


def test_trend_table_for_chosen_figure_and_hub(city, planner):
    html = client_for(planner).get(f"/insights/{Q}&figure=advice_appointments&trend_hub={city.hub.slug}").content.decode()
    assert 'id="trend-chart"' in html and 'role="img"' in html
    assert "insights-data" in html


def test_bad_period_shows_an_error_not_a_500(city, planner):
    response = client_for(planner).get("/insights/?date_from=2025-03-01&date_to=2025-01-01")
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()


def test_nav_entry_for_planners_only(city, planner, desk):
    assert 'href="/insights/"' in client_for(planner).get("/").content.decode()
    assert 'href="/insights/"' not in client_for(desk).get("/").content.decode()


def test_page_query_count_is_bounded(city, planner, django_assert_max_num_queries):
    client = client_for(planner)
    with django_assert_max_num_queries(35):
        assert client.get("/insights/" + Q).status_code == 200


@pytest.mark.parametrize("query", ["date_from=9999-12-01&date_to=9999-12-31", "figure=nope&sort=%27;drop",
                                   "trend_hub=nowhere&district=atlantis"])
def test_odd_input_never_gives_a_500(city, planner, query):
    assert client_for(planner).get(f"/insights/?{query}").status_code == 200
    assert client_for(planner).get(f"/insights/hubs.csv?{query}").status_code == 200


def test_a_bad_field_keeps_the_good_ones(city, planner):
    html = client_for(planner).get("/insights/?date_from=2025-01-01&date_to=2025-03-31&figure=nope").content.decode()
    assert "2025-03-31" in html or "31/03/2025" in html or "03/31/2025" in html
