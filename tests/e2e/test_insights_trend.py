"""The dashboard's monthly trend chart draws a line (it used to stay empty): a planner chooses a figure and a
hub, and the chart's canvas shows the line in the brand colour, over the months of the period.

The page is opened with the site's real Content-Security-Policy (no bypass), as a planner's browser sees it."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from lending.models import ItemType
from tests.conftest import make_hub, make_person
from tests.insights.conftest import at, make_item, make_loan

pytestmark = pytest.mark.django_db(transaction=True)

BRAND = (0x8A, 0x15, 0x38)  # --brand in site.css, the line's colour in static/insights/charts.js


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime(2025, 8, 1, 10, 0, tzinfo=ZoneInfo("Europe/Madrid")), tick=True):
        yield


@pytest.fixture(autouse=True)
def fresh_insights_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def busy_hub():
    """Loans in January, March and May 2025 (12, 9 and 15) and none in the months between: the shape of a
    small hub's year, where the chart used to stay empty (a month with none was hidden like a small count, so
    no two neighbouring months had a number and no line could be drawn)."""
    hub = make_hub(name="Vila Veïna Gràcia", slug="gracia-1")
    person = make_person(hub)
    wheelchair = ItemType.objects.create(name="Folding wheelchair", category="mobility")
    for month, loans in ((1, 12), (3, 9), (5, 15)):
        for n in range(loans):
            item = make_item(hub, wheelchair, f"G{month}-{n}", at(2024, 12, 1))
            make_loan(item, person, at(2025, month, 1 + n), date(2025, month, 28), at(2025, month, 28))
    return hub


def line_pixels(page) -> int:
    """How many pixels of the trend chart's plot area (axes, legend and labels left out) are the line's
    colour: a line between two months covers hundreds; lone points without a line, a few dozen."""
    return page.evaluate(
        """([r, g, b]) => {
            const canvas = document.getElementById("trend-chart");
            const area = window.Chart.getChart(canvas).chartArea;
            const ratio = canvas.width / canvas.clientWidth;
            const x = Math.floor(area.left * ratio), y = Math.floor(area.top * ratio);
            const w = Math.floor((area.right - area.left) * ratio), h = Math.floor((area.bottom - area.top) * ratio);
            const pixels = canvas.getContext("2d").getImageData(x, y, w, h).data;
            let n = 0;
            for (let i = 0; i < pixels.length; i += 4) {
                if (pixels[i + 3] > 200 && Math.abs(pixels[i] - r) < 40 && Math.abs(pixels[i + 1] - g) < 40
                    && Math.abs(pixels[i + 2] - b) < 40) n++;
            }
            return n;
        }""",
        list(BRAND),
    )


def test_the_monthly_trend_chart_draws_a_line(busy_hub, planner, browser, live_server, login):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en", base_url=live_server.url,
                                  extra_http_headers={"Accept-Language": "en"})
    context.set_default_timeout(10_000)
    errors = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    try:
        login(page, "planner")
        page.goto(f"/insights/?date_from=2025-01-01&date_to=2025-06-30&figure=loans&trend_hub={busy_hub.slug}")
        chart = page.locator("#trend-chart")
        chart.wait_for(state="visible")
        page.wait_for_function(
            "() => window.Chart && window.Chart.getChart(document.getElementById('trend-chart'))")
        points = page.evaluate(
            "() => window.Chart.getChart(document.getElementById('trend-chart')).getDatasetMeta(0).data.length")
        assert points == 6  # one point per month, January to June
        box = chart.bounding_box()
        assert box["width"] > 300 and box["height"] > 80
        assert line_pixels(page) > 300, "the trend chart's canvas has no line on it"
        assert not errors, errors  # no script error, every script and style loaded
    finally:
        context.close()


def test_the_trend_chart_shows_the_months_of_the_trend_table(busy_hub, planner, browser, live_server, login):
    # The line's points are the table's numbers (the accessible source of the chart).
    context = browser.new_context(locale="en", base_url=live_server.url, extra_http_headers={"Accept-Language": "en"})
    page = context.new_page()
    try:
        login(page, "planner")
        page.goto(f"/insights/?date_from=2025-01-01&date_to=2025-06-30&figure=loans&trend_hub={busy_hub.slug}")
        page.wait_for_function(
            "() => window.Chart && window.Chart.getChart(document.getElementById('trend-chart'))")
        drawn = page.evaluate(
            "() => window.Chart.getChart(document.getElementById('trend-chart')).data.datasets[0].data")
        shown = [int(text) for text in page.locator("table.trend-table tbody td").all_inner_texts()]
        assert drawn == shown
    finally:
        context.close()
