"""The exports open right: the CSV is written for the reader's language (semicolons and decimal commas for
Catalan and Spanish, numbers as bare numbers), and the XLSX download is the same table with typed cells."""

import csv
import io

import pytest
from openpyxl import load_workbook

from carehub.insights.metrics import FIGURES
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

Q = "?date_from=2025-01-01&date_to=2025-03-31&sort=hub"
OVERDUE = 3 + [f.key for f in FIGURES].index("overdue_rate")
REACH = 3 + [f.key for f in FIGURES].index("people_reached_per_1000")  # 12 ± 2 people: always a number


def get(client, url, language):
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize("language", ["ca", "es"])
def test_catalan_and_spanish_csv_use_semicolons_and_decimal_commas(city, planner, language):
    text = get(client_for(planner), "/insights/hubs.csv" + Q, language).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert all(len(row) == 3 + len(FIGURES) for row in rows)
    hub = next(row for row in rows if row[0] == city.hub.name)
    assert hub[2] == "20000"  # a number, without a thousands separator
    assert "," in hub[REACH] and "." not in hub[REACH]  # 0,5 to 0,7 per 1,000
    assert rows[0][OVERDUE].endswith("(%)") and not rows[0][REACH].endswith("(%)")


def test_english_csv_uses_commas_and_decimal_points(city, planner):
    text = get(client_for(planner), "/insights/hubs.csv" + Q, "en").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    hub = next(row for row in rows if row[0] == city.hub.name)
    assert len(hub) == 3 + len(FIGURES)
    assert hub[OVERDUE] in ("≥ 90 %", "≤ 10 %") or 0 <= float(hub[OVERDUE]) <= 100  # 2 of 6 loans late


def test_xlsx_is_the_csvs_table_with_typed_cells(city, planner):
    client = client_for(planner)
    response = get(client, "/insights/hubs.xlsx" + Q, "ca")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('carehub-insights-2025-01-01-2025-03-31.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    text = get(client, "/insights/hubs.csv" + Q, "ca").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [str(c) for c in cells[0]] == rows[0]
    assert len(cells) == len(rows)
    for xlsx_row, csv_row in zip(cells[1:], rows[1:]):
        for value, written in zip(xlsx_row, csv_row):
            if isinstance(value, (int, float)):  # a typed number where the CSV has a number
                assert value == pytest.approx(float(written.replace(",", ".")))
            else:
                assert value == written  # the texts: hub, district, "<5", "–", bands
    hub_row = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == city.hub.name)
    assert hub_row[2].data_type == "n" and hub_row[REACH].data_type == "n"
    assert hub_row[REACH].number_format == "0.0"


def test_exports_are_refused_to_other_staff(city, desk):
    for url in ("/insights/hubs.csv", "/insights/hubs.xlsx"):
        assert client_for(desk).get(url + Q).status_code == 403
