"""The error pages (403, 404, 500, CSRF failure): in the site's layout and the user's language, with a way
back. The API's answers stay JSON (ApiErrorShapeMiddleware and the API's handlers shape them)."""

import logging

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from .context import current_request_id

log = logging.getLogger("carehub.errors")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """An expired or missing form token, mostly a form left open across a login or for hours: reload it."""
    return render(request, "403_csrf.html", status=403)


# The last resort if even the layout cannot be drawn (a broken template, no translations): plain, English.
FALLBACK_500 = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Error · Vila Veïna</title>"
                "</head><body><h1>Something went wrong</h1><p>Please try again in a few minutes. "
                "<a href=\"/\">Home</a></p><p>Reference: {id}</p></body></html>")


def server_error(request):
    """The 500 page. Rendered without the context processors (they read the database, which may be what
    failed) and without the request in the context: only the layout, the language and the request id, which
    the person can quote and which finds the log line and the error report."""
    request_id = getattr(request, "request_id", None) or current_request_id() or "-"
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Something went wrong on our side. Please try again later."),
                             "code": "server_error", "request_id": request_id}, status=500)
    try:
        content = loader.get_template("500.html").render({"request_id": request_id})
    except Exception:
        log.exception("the 500 page could not be rendered; answering the plain one")
        content = FALLBACK_500.format(id=request_id)
    return HttpResponseServerError(content)
