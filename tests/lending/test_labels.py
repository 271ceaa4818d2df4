"""Item labels: a Code 128 barcode (what desk scanners read) and a QR code on each label, A4 sheets of 24 for a
selection of items, styles from the static stylesheet only (the site's CSP blocks inline ones), and a print
view without navigation."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from lending.labels import LABELS_PER_SHEET, code128_modules
from tests.conftest import client_for as _client_for

from .conftest import make_item

pytestmark = pytest.mark.django_db

# Code 128's start symbol for character set B and its stop pattern, as bars (1) and spaces (0).
START_B = "11010010000"
STOP = "1100011101011"


def client_for(user):
    client = _client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _bars(svg: str) -> str:
    """The modules an SVG barcode of lending.labels draws: its rectangles back to "1"/"0", quiet zones cut."""
    width = int(re.search(r'viewBox="0 0 (\d+) 1"', svg).group(1))
    modules = ["0"] * width
    for x, run in re.findall(r"M(\d+) 0h(\d+)v1", svg):
        for n in range(int(x), int(x) + int(run)):
            modules[n] = "1"
    return "".join(modules).strip("0")


def _barcodes(page: str) -> list[str]:
    return re.findall(r'<svg[^>]*class="barcode".*?</svg>', page, re.S)


def test_the_label_has_a_code128_barcode_of_the_tag_and_a_qr_code(desk, item):
    page = client_for(desk).get(reverse("lending:label", args=[item.asset_tag])).content.decode()
    [barcode] = _barcodes(page)
    bars = _bars(barcode)
    assert bars == code128_modules("SA-WC-001")
    assert bars.startswith(START_B) and bars.endswith(STOP)
    assert 'class="qr"' in page and "SA-WC-001" in page


def test_the_label_page_uses_no_inline_style_the_csp_would_block(desk, item):
    response = client_for(desk).get(reverse("lending:label", args=[item.asset_tag]))
    page = response.content.decode()
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert "<style" not in page and not re.search(r"\sstyle=", page)
    assert 'href="/static/lending/lending.css"' in page


def test_the_print_stylesheet_hides_the_navigation_and_lays_out_a4_sheets():
    css = open(finders.find("lending/lending.css")).read()
    print_rules = css[css.index("@media print"):]
    assert ".site-header" in print_rules and ".lending-nav" in print_rules and "display: none" in print_rules
    assert "size: A4" in print_rules
    assert "repeat(3, 70mm)" in css and "repeat(8, 37mm)" in css


def test_the_barcode_file_is_an_svg_without_styles(desk, item):
    response = client_for(desk).get(reverse("lending:barcode-svg", args=[item.asset_tag]))
    assert response["Content-Type"] == "image/svg+xml"
    assert _bars(response.content.decode()) == code128_modules(item.asset_tag)
    assert b"style" not in response.content


def test_ticked_items_print_on_one_sheet_with_their_own_barcodes(desk, hub, item_type):
    items = [make_item(hub, item_type, asset_tag=f"SA-LB-{n:03d}") for n in range(3)]
    page = client_for(desk).get(reverse("lending:label-sheet"),
                                {"tag": [i.asset_tag.lower() for i in items]}).content.decode()
    assert page.count('class="label-sheet"') == 1
    assert [_bars(svg) for svg in _barcodes(page)] == [code128_modules(i.asset_tag) for i in items]
    assert "3 labels ready to print" in page


def test_every_item_of_a_type_at_a_hub_fills_sheets_of_24_after_the_used_cells(desk, hub, item_type):
    for n in range(LABELS_PER_SHEET + 1):
        make_item(hub, item_type, asset_tag=f"SA-BULK-{n:03d}")
    make_item(hub, asset_tag="SA-OTHER-TYPE")
    page = client_for(desk).get(reverse("lending:label-sheet"),
                                {"hub": hub.slug, "type": item_type.pk, "skip": 5}).content.decode()
    sheets = page.split('class="label-sheet"')[1:]
    assert len(sheets) == 2
    assert sheets[0].count("label-blank") == 5 and len(_barcodes(sheets[0])) == LABELS_PER_SHEET - 5
    assert len(_barcodes(sheets[1])) == LABELS_PER_SHEET + 1 - (LABELS_PER_SHEET - 5)
    assert '<p class="label-tag">SA-OTHER-TYPE' not in page


def test_a_sheet_never_prints_another_hubs_item(desk, other_hub, item):
    theirs = make_item(other_hub, asset_tag="PS-WC-001")
    page = client_for(desk).get(reverse("lending:label-sheet"), {"tag": [item.asset_tag, theirs.asset_tag]})
    assert '<p class="label-tag">PS-WC-001' not in page.content.decode()
    assert [_bars(svg) for svg in _barcodes(page.content.decode())] == [code128_modules(item.asset_tag)]


@pytest.mark.parametrize("query", [{"skip": "abc"}, {"skip": "-3"}, {"type": "99999999999999999999999"},
                                   {"hub": "nowhere"}, {"tag": "x" * 500}, {"tag": "<script>"}, {}])
def test_bad_sheet_choices_never_give_a_server_error(desk, item, query):
    response = client_for(desk).get(reverse("lending:label-sheet"), query)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_the_item_list_lets_the_desk_tick_items_for_a_label_sheet(desk, item):
    page = client_for(desk).get(reverse("lending:items")).content.decode()
    form = page[page.index(f'action="{reverse("lending:label-sheet")}"'):]
    assert f'name="tag" value="{item.asset_tag}"' in form
    assert "Print labels for the ticked items" in form


def test_label_sheets_are_for_the_desk_only(client, planner, item):
    assert client.get(reverse("lending:label-sheet")).status_code == 302
    assert client_for(planner).get(reverse("lending:label-sheet")).status_code == 403
