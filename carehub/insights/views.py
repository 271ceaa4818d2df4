"""The insights dashboard and its exports. Thin: figures come from `selectors` (already scoped and perturbed)."""

import csv
import io
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from carehub import errors
from carehub.permissions import access_for
from carehub.web import forbidden

from . import metrics, selectors
from .forms import InsightsFilterForm
from .metrics import FIGURES, GUIDANCE_FIGURES, RATE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _choices(request, access):
    """Period, district, sort and trend choices from the query string (invalid input: the defaults)."""
    hubs = metrics.hubs_for(selectors.insights_hub_ids(access))
    form = InsightsFilterForm(request.GET or None, hubs=hubs)
    form.is_valid()  # the valid fields are used even when another one is not (its error is shown)
    data = getattr(form, "cleaned_data", {})
    try:
        period = selectors.parse_period(data.get("date_from"), data.get("date_to"))
    except errors.DomainError as exc:
        form.add_error("date_from", exc.message)
        period = selectors.default_period()
    return form, hubs, period, data.get("district") or None, data


@login_required
def dashboard(request):
    access = access_for(request.user)
    try:
        form, hubs, period, district, data = _choices(request, access)
    except errors.PermissionDenied:
        return forbidden(request)
    rows, sort = selectors.hub_rows(access, period=period, district=district, sort=data.get("sort"))
    params = {"date_from": period.date_from.isoformat(), "date_to": period.date_to.isoformat()}
    if district:
        params["district"] = district
    trend_figure = selectors.figure(data.get("figure"))
    trend_hub = next((h for h in hubs if h.slug == data.get("trend_hub")), rows[0].hub if rows else None)
    trend = []
    if trend_hub is not None:
        trend = [(m, selectors.display(trend_figure, m.figures[trend_figure.key]))
                 for m in selectors.hub_monthly(access, trend_hub, period=period)]
    keep = {**params, "figure": trend_figure.key, **({"trend_hub": trend_hub.slug} if trend_hub else {})}
    columns = [("hub", _("Hub")), ("district", _("District")), ("population", _("Population"))]
    columns += [(f.key, f.label) for f in FIGURES]
    headers = []
    for key, label in columns:
        current = sort.lstrip("-") == key
        descending = sort.startswith("-")
        next_sort = ("" if current and descending else "-") + key if current else key
        headers.append({
            "key": key, "label": label, "url": "?" + urlencode({**keep, "sort": next_sort}),
            "aria_sort": ("descending" if descending else "ascending") if current else None,
        })
    chart_data = {
        "hubs": [r.hub.name for r in rows],
        "figures": [
            {"key": f.key, "label": str(f.label), "rate": f.kind == "rate",
             "values": [selectors.rounded(f, r.figures[f.key]) for r in rows]}
            for f in FIGURES
        ],
        "trend": {"label": str(trend_figure.label), "rate": trend_figure.kind == "rate",
                  "months": [m.month for m, _text in trend],
                  "values": [selectors.rounded(trend_figure, m.figures[trend_figure.key]) for m, _t in trend]},
    }
    return render(request, "carehub/insights/dashboard.html", {
        "form": form, "rows": rows, "headers": headers, "sort": sort, "period": period,
        "district": district, "csv_query": urlencode({**params, "sort": sort}),
        "trend_figure": trend_figure, "trend_hub": trend_hub, "trend": trend, "chart_data": chart_data,
        "figures": FIGURES, "is_city_wide": selectors.insights_hub_ids(access) is None,
        "guidance_start": GUIDANCE_FIGURES[0].key,  # where the information and guidance columns begin
    })


def _export_table(request):
    """(period, header, rows) of the table shown, for the exports; or a 403 response."""
    access = access_for(request.user)
    try:
        _form, _hubs, period, district, data = _choices(request, access)
    except errors.PermissionDenied:
        return forbidden(request)
    rows, _sort = selectors.hub_rows(access, period=period, district=district, sort=data.get("sort"))
    # Rates are written as numbers in percent (the page's "33,3 %" is 33.3): the heading carries the unit.
    header = [_("Hub"), _("District"), _("Population")] + [
        f"{f.label} (%)" if f.kind == RATE else str(f.label) for f in FIGURES]
    body = [[row.hub.name, row.hub.get_district_display(), row.hub.population]
            + [selectors.export_value(f, row.figures[f.key]) for f in FIGURES] for row in rows]
    return period, header, body


def _csv_text(value, decimal: str) -> str:
    if isinstance(value, float):
        return repr(value).replace(".", decimal)
    return str(value)


@login_required
def hubs_csv(request):
    """Exactly the table of the page (same hubs, order, figures and "<5" cells), written for the reader's
    locale: where the decimal separator is a comma (ca, es), fields are separated by semicolons, as a
    spreadsheet set to that locale expects on a double click; numbers are bare numbers, never text."""
    table = _export_table(request)
    if isinstance(table, HttpResponse):
        return table
    period, header, body = table
    decimal = formats.get_format("DECIMAL_SEPARATOR")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="carehub-insights-{period.date_from}-{period.date_to}.csv"'
    )
    response.write("\ufeff")  # spreadsheets then read the accents right
    writer = csv.writer(response, delimiter=";" if decimal == "," else ",")
    writer.writerow(header)
    for row in body:
        writer.writerow([_csv_text(value, decimal) for value in row])
    return response


@login_required
def hubs_xlsx(request):
    """The same table as the CSV, as a spreadsheet with typed cells: counts as integers, the rest as numbers
    with one decimal, "<5" and the bands as text."""
    table = _export_table(request)
    if isinstance(table, HttpResponse):
        return table
    period, header, body = table
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Figures by hub")[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in body:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, float):
                cell.number_format = "0.0"
    sheet.freeze_panes = "B2"
    stream = io.BytesIO()
    workbook.save(stream)
    response = HttpResponse(stream.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="carehub-insights-{period.date_from}-{period.date_to}.xlsx"'
    )
    return response
