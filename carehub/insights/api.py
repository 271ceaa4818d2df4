"""/api/v1/insights: the planners' figures as JSON. Aggregates only, perturbed (carehub/insights/perturbation.py):
figures not published ("<5" on the page), or with nothing to compute them from, are null; a rate published as
a band is null with its band in `bands`."""

from datetime import date

from ninja import Field, Query, Router, Schema

from carehub.api import ErrorOut
from carehub.api_auth import caller

from . import selectors
from .metrics import FIGURES

router = Router(tags=["insights"])


class PeriodIn(Schema):
    date_from: date | None = Field(None, description="First day (default: the first day 11 months ago)")
    date_to: date | None = Field(None, description="Last day, inclusive (default: today)")


class HubsIn(PeriodIn):
    district: str | None = Field(None, max_length=32, description="Only the hubs of this district")


def _figure_fields() -> dict:
    fields = {}
    for figure in FIGURES:
        kind = int if figure.kind == "count" else float
        fields[figure.key] = (kind | None, Field(None, description=f"{figure.label} (null when not published)"))
    fields["bands"] = (dict[str, dict[str, float]], Field(
        default_factory=dict, description='Rates published as a band: {"overdue_rate": {"at_least": 0.9}}'))
    return fields


def _schema(name: str, base_fields: dict):
    annotations = {k: v[0] for k, v in {**base_fields, **_figure_fields()}.items()}
    namespace = {k: v[1] for k, v in {**base_fields, **_figure_fields()}.items()}
    namespace["__annotations__"] = annotations
    return type(name, (Schema,), namespace)


HubFiguresOut = _schema("HubFiguresOut", {
    "hub": (str, Field(..., description="The hub's slug")),
    "name": (str, Field(...)),
    "district": (str, Field(...)),
    "population": (int, Field(...)),
})
MonthFiguresOut = _schema("MonthFiguresOut", {
    "month": (str, Field(..., description="YYYY-MM")),
    "first_day": (date, Field(...)),
    "last_day": (date, Field(...)),
})


class HubMonthlyOut(Schema):
    hub: str
    population: int
    date_from: date
    date_to: date
    months: list[MonthFiguresOut]


def _figures(values: dict) -> dict:
    bands = {f.key: selectors.band_of(values[f.key]) for f in FIGURES if selectors.band_of(values[f.key])}
    return {**{f.key: selectors.rounded(f, values[f.key]) for f in FIGURES}, "bands": bands}


@router.get("/hubs", response={200: list[HubFiguresOut], 401: ErrorOut, 403: ErrorOut, 422: ErrorOut})
def hub_figures(request, filters: Query[HubsIn]):
    """Every hub the caller may see (planners, administrators: all; coordinators: their own), side by side,
    for a period and optionally a district. Every count is perturbed (within ±2, the same every time); counts
    under 5 after perturbation, and rates from fewer than 5, are null."""
    access = caller(request)
    period = selectors.parse_period(filters.date_from, filters.date_to)
    district = selectors.parse_district(filters.district)
    rows, _sort = selectors.hub_rows(access, period=period, district=district)
    return [
        {"hub": r.hub.slug, "name": r.hub.name, "district": r.hub.district, "population": r.hub.population,
         **_figures(r.figures)}
        for r in rows
    ]


@router.get("/hubs/{slug}/monthly",
            response={200: HubMonthlyOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def hub_monthly(request, slug: str, filters: Query[PeriodIn]):
    """One hub's figures month by month, each month perturbed as a cell of its own."""
    access = caller(request)
    period = selectors.parse_period(filters.date_from, filters.date_to)
    hub = selectors.hub_for_insights(access, slug[:80])
    months = selectors.hub_monthly(access, hub, period=period)
    return {
        "hub": hub.slug, "population": hub.population, "date_from": period.date_from, "date_to": period.date_to,
        "months": [{"month": m.month, "first_day": m.first_day, "last_day": m.last_day, **_figures(m.figures)}
                   for m in months],
    }
