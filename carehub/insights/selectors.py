"""What a caller may see of the insights, already perturbed: the hubs table and a hub's monthly series.

Scoped by `carehub.permissions` (insights section): planners and administrators see every hub, a coordinator
their own hub(s) only, nobody else anything. Nothing here ever reads or returns a person.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from carehub import errors, permissions
from carehub.models import District, Hub

from . import metrics, perturbation
from .metrics import COUNT, DAYS, FIGURES, FIGURES_BY_KEY, PER_1000, RATE

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)  # keeps date arithmetic far from year 9999
MAX_MONTHS = 61  # five years and a month: bounds the monthly buckets (and the work) of one request
SORT_KEYS = ("hub", "district", "population") + tuple(f.key for f in FIGURES)


@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date

    @property
    def months(self) -> int:
        return (self.date_to.year - self.date_from.year) * 12 + self.date_to.month - self.date_from.month + 1


def default_period(today: date | None = None) -> Period:
    """The last twelve months, this one included."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    for _i in range(11):
        first = (first - timedelta(days=1)).replace(day=1)
    return Period(first, today)


def parse_period(date_from: date | None, date_to: date | None) -> Period:
    default = default_period()
    date_to = date_to or default.date_to
    date_from = date_from or min(default.date_from, date_to)
    period = Period(date_from, date_to)
    for day, name in ((date_from, "date_from"), (date_to, "date_to")):
        if not EARLIEST <= day <= LATEST:
            raise errors.ValidationFailed(_("Choose dates between 2000 and 2100."), code="invalid_period", field=name)
    if date_from > date_to:
        raise errors.ValidationFailed(_("The start of the period must be before its end."), code="invalid_period",
                                      field="date_from")
    if period.months > MAX_MONTHS:
        raise errors.ValidationFailed(_("Choose a period of at most five years."), code="period_too_long",
                                      field="date_from")
    return period


def parse_district(district: str | None) -> str | None:
    if not district:
        return None
    if district not in District.values:
        raise errors.ValidationFailed(_("Unknown district."), code="invalid_district", field="district")
    return district


def insights_hub_ids(access) -> frozenset | None:
    """Hubs whose figures the caller may see (None = all); raises for anyone else."""
    if not access.is_authenticated:
        raise errors.NotAuthenticated()
    if not permissions.can_see_insights(access):
        raise errors.PermissionDenied()
    return permissions.insights_hub_ids(access)


# --- formatting -----------------------------------------------------------------------------------------
def display(figure, value) -> str:
    """How a published figure is shown on the page: "<5" when not published, "–" when there is nothing to
    compute it from, "≥ 90 %" / "≤ 10 %" for a band."""
    if value is None:
        return perturbation.SUPPRESSED_TEXT
    if value is perturbation.NO_BASE:
        return perturbation.NO_BASE_TEXT
    if isinstance(value, perturbation.Band):
        if value.at_least is not None:
            return f"≥ {number_format(round(100 * value.at_least), 0)} %"
        return f"≤ {number_format(round(100 * value.at_most), 0)} %"
    if figure.kind == COUNT:
        return number_format(value, 0, force_grouping=True)
    # Rounded here, the same way as the exports (number_format alone cuts the digits off: 41.75 -> "41,7").
    if figure.kind == RATE:
        return f"{number_format(export_value(figure, value), 1)} %"
    if figure.kind in (PER_1000, DAYS):
        return number_format(export_value(figure, value), 1)
    return str(value)


def rounded(figure, value):
    """The API's number: counts as integers, the rest to two decimals (rates as shares 0..1, to four);
    null when not published, when there is nothing to compute it from, or for a band (see `band_of`)."""
    if not perturbation.is_number(value):
        return None
    if figure.kind == COUNT:
        return int(value)
    return round(float(value), 4 if figure.kind == RATE else 2)


def band_of(value) -> dict | None:
    """The API's description of a band: {"at_least": 0.9} or {"at_most": 0.1}; None for anything else."""
    if not isinstance(value, perturbation.Band):
        return None
    return {"at_least": value.at_least} if value.at_least is not None else {"at_most": value.at_most}


def export_value(figure, value):
    """A figure as the exports (CSV, XLSX) write it: the page's number as a number (rates in percent, one
    decimal; per-1,000 figures and days to one decimal), or the page's text where the page shows text."""
    if not perturbation.is_number(value):
        return display(figure, value)
    if figure.kind == COUNT:
        return int(value)
    if figure.kind == RATE:
        return round(100.0 * value, 1)
    return round(float(value), 1)


# --- the hubs table -------------------------------------------------------------------------------------
@dataclass
class HubRow:
    hub: Hub
    figures: dict  # key -> published value: a number, None ("<5"), NO_BASE or a Band (perturbation.py)

    @cached_property
    def cells(self) -> list:
        """[(figure, display text)] in FIGURES order: formatted only for the page that shows them (the API and
        the exports never read them; formatting 115 × 40 numbers was most of a cached answer's time)."""
        return [(f, display(f, self.figures[f.key])) for f in FIGURES]


def _sort(rows: list[HubRow], sort: str | None) -> tuple[list[HubRow], str]:
    key = (sort or "hub").lstrip("-")
    if key not in SORT_KEYS:
        key, sort = "hub", "hub"
    descending = (sort or "").startswith("-")
    if key in ("hub", "district", "population"):
        attr = {"hub": "name"}.get(key, key)
        rows.sort(key=lambda r: (getattr(r.hub, attr), r.hub.name), reverse=descending)
    else:
        # Cells without a number ("<5", "–") sort together, at the end, in hub order: their order would say
        # something about them. A band sorts at its edge.
        def value(r):
            return perturbation.sort_value(r.figures[key])

        shown = [r for r in rows if value(r) is not None]
        hidden = [r for r in rows if value(r) is None]
        shown.sort(key=lambda r: (-value(r) if descending else value(r), r.hub.name))
        hidden.sort(key=lambda r: r.hub.name)
        rows = shown + hidden
    return rows, ("-" if descending else "") + key


def hub_rows(access, *, period: Period, district: str | None = None, sort: str | None = None):
    """(rows, sort actually applied) for the hubs the caller may see. A fixed number of queries."""
    hub_ids = insights_hub_ids(access)
    if hub_ids is None:
        # City-wide callers: the figures are computed (and cached) for every hub, and a district is a slice of
        # them, so that switching districts or exporting never recomputes the city.
        computed = metrics.hubs_for(None)
        hubs = [hub for hub in computed if not district or hub.district == district]
    else:
        computed = hubs = metrics.hubs_for(hub_ids, district)
    raw = metrics.cached_compute([h.pk for h in computed], metrics.period_bucket(period.date_from, period.date_to))
    rows = []
    for hub in hubs:
        figures = perturbation.publish(raw[(hub.pk, 0)], hub.population)
        rows.append(HubRow(hub=hub, figures=figures))
    return _sort(rows, sort)


# --- one hub, month by month ----------------------------------------------------------------------------
@dataclass
class MonthRow:
    month: str  # "2025-01"
    first_day: date
    last_day: date
    figures: dict


def hub_for_insights(access, slug: str) -> Hub:
    hub_ids = insights_hub_ids(access)
    hub = Hub.objects.filter(slug=slug).only("id", "slug", "name", "district", "population").first()
    if hub is None:
        raise errors.NotFound()
    if hub_ids is not None and hub.pk not in hub_ids:
        raise errors.PermissionDenied()
    return hub


def hub_monthly(access, hub: Hub, *, period: Period) -> list[MonthRow]:
    buckets = metrics.month_buckets(period.date_from, period.date_to)
    raw = metrics.cached_compute([hub.pk], buckets)
    # Each month is a cell of its own, perturbed by its own key: no complementary suppression is needed, and
    # the months need not add up to the period's figure (docs/insights.md says why).
    return [
        MonthRow(month=f"{b.first_day:%Y-%m}", first_day=b.first_day, last_day=b.last_day,
                 figures=perturbation.publish(raw[(hub.pk, b.index)], hub.population))
        for b in buckets
    ]


def figure(key: str | None):
    return FIGURES_BY_KEY.get(key or "") or FIGURES[0]
