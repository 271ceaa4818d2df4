"""A planner opens the insights dashboard in a real browser, changes the period, sees the table change and
downloads the CSV, which is the table shown (numbers bare, for a Catalan spreadsheet), small cells included as
"<5". axe-core checks each page."""

import csv
import io
from datetime import datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.utils import formats, translation

from carehub.insights.perturbation import SUPPRESSED_TEXT
from carehub.insights.selectors import display
from carehub.insights.metrics import FIGURES_BY_KEY
from tests.insights.conftest import PERIOD, city, published  # noqa: F401  (known activity in January-March 2025)
from tests.insights.test_pages import as_exported

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def frozen_clock():
    """The default period is the last twelve months: the test reads it from a fixed day, whenever it runs
    (`tick=True` keeps the clock moving for the browser; the live server's thread sees the same time)."""
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Madrid")), tick=True):
        yield


@pytest.fixture(autouse=True)
def fresh_insights_cache():
    """The dashboard keeps figures for ten minutes; the live server shares this process's cache."""
    cache.clear()
    yield
    cache.clear()


def ca(message: str, **values) -> str:
    with translation.override("ca"):
        text = translation.gettext(message)
    assert text != message, f"no Catalan translation for {message!r}"
    return text % values if values else text


def shown_table(page) -> tuple[list[str], list[list[str]]]:
    """The table as the planner reads it: column headings (without the sort arrow) and the rows' cells."""
    header = [text.replace("▲", "").replace("▼", "").strip()
              for text in page.locator("table.insights-table thead th").all_inner_texts()]
    rows = [[cell.strip() for cell in row.locator("th, td").all_inner_texts()]
            for row in page.locator("table.insights-table tbody tr").all()]
    return header, rows


def test_a_planner_changes_the_period_and_downloads_the_table_as_csv(
        city, planner, open_page, login, check_a11y):  # noqa: F811
    page = open_page(lang="ca")
    login(page, "planner")
    check_a11y(page)  # where logging in lands
    page.goto("/insights/")
    assert page.get_attribute("html", "lang") == "ca"
    check_a11y(page)
    header, before = shown_table(page)
    loans = header.index(ca("Loans"))
    by_hub = {row[0]: row for row in before}
    assert set(by_hub) == {city.hub.name, city.other_hub.name}
    # The default period (the last twelve months) has none of the 2025 activity: no loan, published as 0.
    assert by_hub[city.hub.name][loans] == "0"

    # The period of the activity, chosen in the filter form.
    date_from, date_to = PERIOD
    page.fill("#id_date_from", date_from.isoformat())
    page.fill("#id_date_to", date_to.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name=ca("Show"), exact=True).click()
    check_a11y(page)
    query = parse_qs(urlsplit(page.url).query)
    assert query["date_from"] == [date_from.isoformat()] and query["date_to"] == [date_to.isoformat()]
    with translation.override("ca"):
        caption = translation.gettext("Figures by hub, %(start)s to %(end)s") % {
            "start": formats.date_format(date_from, "SHORT_DATE_FORMAT"),
            "end": formats.date_format(date_to, "SHORT_DATE_FORMAT")}
    assert page.locator("table.insights-table caption").inner_text().startswith(caption)
    header_after, after = shown_table(page)
    assert header_after == header
    assert after != before
    by_hub = {row[0]: row for row in after}
    with translation.override("ca"):  # six loans lent on 10 January 2025, perturbed
        assert by_hub[city.hub.name][loans] == display(FIGURES_BY_KEY["loans"], published(city.hub)[0]["loans"])
    assert by_hub[city.other_hub.name][loans] == SUPPRESSED_TEXT  # one loan: a small count
    small_cells = sum(row.count(SUPPRESSED_TEXT) + row.count("–") for row in after)  # greyed: no number
    assert page.locator("table.insights-table td.suppressed").count() == small_cells

    # The CSV of this view: the same header, hubs, order and cells, "<5" included.
    with page.expect_download() as download_info:
        page.get_by_role("link", name=ca("Download this table (CSV)")).click()
    download = download_info.value
    assert download.suggested_filename == f"carehub-insights-{date_from}-{date_to}.csv"
    with open(download.path(), encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(io.StringIO(stream.read()), delimiter=";"))
    assert [h.removesuffix(" (%)") for h in rows[0]] == header  # rates are in percent: the heading says so
    assert rows[1:] == [[as_exported(text) for text in row] for row in after]
