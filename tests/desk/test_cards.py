"""Person cards: a printable card with a Code 128 barcode of the person number (never the document), which
the desk's scan fields accept."""

import re

import pytest

from carehub.desk.cards import barcode_svg, card_number, person_id_from_card
from tests.conftest import client_for, make_person

from .conftest import screen

pytestmark = pytest.mark.django_db


def test_the_card_number_is_p_and_the_zero_padded_id(hub):
    person = make_person(hub)
    assert card_number(person) == f"P{person.pk:07d}"


@pytest.mark.parametrize("text, person_id", [
    ("P0000042", 42), (" p0000042\n", 42), ("P12345678", 12345678),
    ("P000042", None), ("0000042", None), ("PX000042", None), ("P0000000", None), ("P" + "9" * 12, None),
    ("SA-WC-001", None), ("", None), (None, None),
])
def test_a_card_number_is_read_in_any_case_and_nothing_else_is(text, person_id):
    assert person_id_from_card(text) == person_id


def test_the_card_page_prints_the_barcode_the_name_and_the_number_not_the_document(desk, hub):
    person = make_person(hub, first_name="Núria", last_name="Vilalta", document_number="12345678Z")
    response = client_for(desk).get(f"/desk/people/{person.pk}/card/")
    page = response.content.decode()
    assert response.status_code == 200
    number = card_number(person)
    assert "Núria Vilalta" in page and f'<p class="person-card-number">{number}</p>' in page
    assert "12345678Z" not in page and "5678Z" not in page
    assert '<svg class="card-barcode" role="img"' in page and f"Barcode of card number {number}" in page
    assert 'style="' not in page  # the site's CSP blocks inline styles: the bars are coloured by attributes
    assert "desk/desk.css" in page


def test_the_barcode_is_code_128_of_the_number():
    """The bars are python-barcode's Code 128 of exactly the number (start code B, the data, checksum, stop)."""
    from barcode import Code128

    svg = barcode_svg("P0000042")
    modules = Code128("P0000042").build()[0]
    widths = [len(run) for run in re.findall(r"1+", modules)]
    drawn = re.findall(r'<rect x="[\d.]+mm" y="[\d.]+mm" width="([\d.]+)mm" height="[\d.]+mm" fill="black"/>', svg)
    assert [round(float(width) / 0.33) for width in drawn] == widths


def test_the_screen_links_the_card_and_shows_its_number(desk, hub):
    person = make_person(hub)
    page = client_for(desk).get(screen(person)).content.decode()
    assert f"/desk/people/{person.pk}/card/" in page and card_number(person) in page
