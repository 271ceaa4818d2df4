"""Item labels: the asset tag as a Code 128 barcode (what most desk scanners read) and as a QR code (what a
phone reads), both as SVG markup that the pages inline.

The SVG carries its colours as attributes, never in `style`: the site's Content-Security-Policy
(`style-src 'self'`) blocks inline styles, and python-barcode's own SVG writer uses them. So python-barcode
encodes (character sets, check digit) and this module draws its bars.
"""

from dataclasses import dataclass
from math import ceil

from barcode import Code128
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

import segno

# The 24-label A4 sheet (3 columns × 8 rows of 70 × 37 mm, no margins): the common office label sheet.
SHEET_COLUMNS = 3
SHEET_ROWS = 8
LABELS_PER_SHEET = SHEET_COLUMNS * SHEET_ROWS
# A print run is a few sheets; more in one page would be slow to render and to print.
MAX_LABELS = 10 * LABELS_PER_SHEET
# Code 128 asks for a quiet zone of ten modules on each side of the bars.
QUIET_ZONE = 10


def code128_modules(text: str) -> str:
    """The bars of `text` in Code 128, as "1" (bar) and "0" (space) modules, quiet zones excluded."""
    return Code128(text).build()[0]


def code128_svg(text: str, *, title: str = "") -> SafeString:
    """The Code 128 barcode of `text` as inline SVG. It scales to its box (the stylesheet sets the size):
    the bars are drawn in module units, one path, crisp edges, black on white."""
    modules = code128_modules(text)
    width = len(modules) + 2 * QUIET_ZONE
    bars, x = [], QUIET_ZONE
    for run in _runs(modules):
        if run[0] == "1":
            bars.append(f"M{x} 0h{len(run)}v1h-{len(run)}z")
        x += len(run)
    if title:
        accessible = f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    else:  # the tag is printed beside it in letters
        accessible = 'aria-hidden="true">'
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="barcode" viewBox="0 0 {width} 1" '
        f'preserveAspectRatio="none" shape-rendering="crispEdges" {accessible}'
        f'<rect width="{width}" height="1" fill="#fff"/><path fill="#000" d="{"".join(bars)}"/></svg>'
    )


def _runs(modules: str):
    start = 0
    for index in range(1, len(modules) + 1):
        if index == len(modules) or modules[index] != modules[start]:
            yield modules[start:index]
            start = index


def qr_code(text: str):
    return segno.make(text, error="m")


def qr_svg(text: str) -> SafeString:
    """The QR code of `text` as inline SVG without a fixed size (the stylesheet sets it)."""
    svg = qr_code(text).svg_inline(scale=1, dark="#000", light="#fff", omitsize=True, svgclass="qr")
    # The tag is printed beside it in letters: screen readers skip the drawing.
    return mark_safe(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))


@dataclass
class Label:
    """One cell of a sheet: an item's label, or a blank cell (a sheet already partly used)."""

    item: object = None
    barcode: str = ""
    qr: str = ""

    @property
    def blank(self) -> bool:
        return self.item is None


def label_for(item) -> Label:
    return Label(item=item, barcode=code128_svg(item.asset_tag), qr=qr_svg(item.asset_tag))


def sheets(items, *, skip: int = 0) -> list[list[Label]]:
    """The labels of `items` laid out on A4 sheets of LABELS_PER_SHEET, after `skip` blank cells (the labels
    already peeled off the first sheet)."""
    skip = max(0, min(int(skip), LABELS_PER_SHEET - 1))
    cells = [Label() for _ in range(skip)] + [label_for(item) for item in items]
    count = max(1, ceil(len(cells) / LABELS_PER_SHEET))
    return [cells[n * LABELS_PER_SHEET:(n + 1) * LABELS_PER_SHEET] for n in range(count)]
