"""Person cards: the number printed as a Code 128 barcode on a person's card, which the desk scans.

The number is "P" and the person's id, zero-padded to seven digits (P0000042): stable for the life of the
record, never the document number (a card lost in the street must not carry a DNI), and read by any 1D
scanner (letters and digits only, so a scanner set to another keyboard layout still types it right).
A tag shaped like a card number is read as a card first on the desk screen; `docs/desk.md` says why that is
safe enough (a lookup that finds nobody falls back to the tag).
"""

import re
from io import BytesIO

from django.utils.html import escape

CARD_PREFIX = "P"
CARD_DIGITS = 7
_CARD_RE = re.compile(r"^P(\d{%d,12})$" % CARD_DIGITS)


def card_number(person) -> str:
    return f"{CARD_PREFIX}{person.pk:0{CARD_DIGITS}d}"


def person_id_from_card(text) -> int | None:
    """The person id a scanned or typed card number stands for (any case, stray spaces), else None."""
    match = _CARD_RE.match(str(text or "").strip().upper())
    if match is None:
        return None
    person_id = int(match.group(1))
    return person_id if 0 < person_id < 2**31 else None


def barcode_svg(number: str, *, label: str = "") -> str:
    """The card number as an inline Code 128 SVG (python-barcode): no text under the bars (the page prints the
    number in large letters), no XML declaration, so it sits inside the HTML. python-barcode colours the bars
    with `style` attributes, which the site's Content-Security-Policy (`style-src 'self'`) blocks: they become
    `fill` presentation attributes, which it does not."""
    from barcode import Code128
    from barcode.writer import SVGWriter

    buffer = BytesIO()
    Code128(number, writer=SVGWriter()).write(buffer, options={
        "module_width": 0.33, "module_height": 14.0, "quiet_zone": 4.0, "write_text": False, "compress": False,
    })
    svg = buffer.getvalue().decode()
    svg = svg[svg.find("<svg"):]
    svg = re.sub(r'style="fill:\s*(\w+);?"', r'fill="\1"', svg)
    svg = re.sub(r"<!--.*?-->", "", svg)
    svg = svg.replace(' id="barcode_group"', "")
    accessible = f' role="img" aria-label="{escape(label)}"' if label else ' aria-hidden="true"'
    return svg.replace("<svg ", f'<svg class="card-barcode"{accessible} ', 1)
