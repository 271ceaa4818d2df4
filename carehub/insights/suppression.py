"""Small-cell suppression: no figure may single out fewer than SUPPRESS_BELOW (5) people.

- a count under the threshold is hidden (zero included: "none" is also a small cell);
- a rate, a per-1,000 figure or a median is hidden when the count it was computed from is under the threshold
  (a per-1,000 figure would otherwise give the hidden count back, since populations are public);
- in a monthly series, additive counts also get a *complementary* suppression: when only one month of a series
  is hidden, the smallest visible month is hidden too, so that the hidden one cannot be recomputed from the
  period's total shown on the dashboard (Open Data BCN's secondary suppression).

Hidden values are None here, "<5" on the page and in the CSV, null in the API. The dashboard has no totals row
and sorts hidden cells together at the end, so neither gives a hidden value away.
"""

from django.conf import settings

from .metrics import COUNT, FIGURES

SUPPRESSED_TEXT = "<5"
# Counts that add up across months (a unique-people count does not, so it cannot be recomputed that way).
ADDITIVE_COUNTS = ("new_people", "loans", "sessions_held", "waitlist_size", "advice_appointments")


def threshold() -> int:
    return getattr(settings, "SUPPRESS_BELOW", 5)


def hidden_counts(cell: dict) -> set:
    """The raw counts (figures and bases) of one cell that are under the threshold."""
    limit = threshold()
    return {key for key, value in cell.items() if isinstance(value, int) and value < limit}


def visible_figures(cell: dict, hidden: set) -> dict:
    """{figure key: value or None (suppressed)} for one cell, given its hidden counts."""
    shown = {}
    for figure in FIGURES:
        base = figure.key if figure.kind == COUNT else figure.base
        value = cell.get(figure.key)
        shown[figure.key] = None if (base in hidden or value is None) else value
    return shown


def suppress_table(cells: list[dict]) -> list[dict]:
    """One row per hub: primary suppression only (no totals are shown across hubs)."""
    return [visible_figures(cell, hidden_counts(cell)) for cell in cells]


def suppress_series(cells: list[dict]) -> list[dict]:
    """A monthly series of one hub: primary, then complementary suppression of additive counts."""
    hidden = [hidden_counts(cell) for cell in cells]
    if len(cells) > 1:
        for key in ADDITIVE_COUNTS:
            hidden_months = [i for i, keys in enumerate(hidden) if key in keys]
            if len(hidden_months) == 1:
                visible = [i for i, keys in enumerate(hidden) if key not in keys]
                smallest = min(visible, key=lambda i: (cells[i][key], i))
                hidden[smallest].add(key)
    return [visible_figures(cell, keys) for cell, keys in zip(cells, hidden)]
