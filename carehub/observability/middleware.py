"""The outermost middleware: one request id, one log line and one metrics sample per request."""

import json
import logging
import time

from django.utils.functional import empty

from . import metrics
from .context import request_id_from, request_id_var

log = logging.getLogger("carehub.request")


def route_of(request) -> tuple[str, str]:
    """(route pattern, view name) of the request: `activities/feeds/<str:secret>.ics`, never the path, which
    can hold a secret or a name. ("-", "-") when nothing matched (a 404 before any view)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "-", "-"
    return match.route or "-", match.view_name or "-"


def user_id_of(request) -> int | None:
    """The user's id, only if something during the request already loaded the user: the log never adds a
    query (pages' query counts are tested)."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)  # a SimpleLazyObject until someone reads it
    if wrapped is empty:
        return None
    return wrapped.pk if getattr(wrapped, "is_authenticated", False) else None


class RequestObservabilityMiddleware:
    """Gives every request an id (X-Request-ID from a proxy when it is a plain short token, else a new one),
    sends it back in the X-Request-ID header and in every API error body, writes one log line per request and
    counts it for /metrics. First in MIDDLEWARE, so that it sees every answer, the other middlewares' too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.request_id = request_id_from(request.headers.get("X-Request-ID"))
        token = request_id_var.set(request.request_id)
        try:
            response = self.get_response(request)
            duration = time.perf_counter() - started
            response["X-Request-ID"] = request.request_id
            if request.path.startswith("/api/") and response.status_code >= 400:
                add_request_id_to_error_body(response, request.request_id)
            route, view = route_of(request)
            metrics.observe_request(method=request.method, view=view, status=response.status_code,
                                    seconds=duration)
            log.info("request", extra={
                "method": request.method, "route": route, "view": view, "status": response.status_code,
                "duration_ms": round(duration * 1000, 1), "user_id": user_id_of(request),
            })
            return response
        finally:
            request_id_var.reset(token)


def add_request_id_to_error_body(response, request_id: str) -> None:
    """`{"detail", "code"}` becomes `{"detail", "code", "request_id"}`: whoever reports an API error can quote
    the id that finds its log line. Done here, once, because API errors are written in several places (the
    API's handlers, the middlewares that answer before it)."""
    if getattr(response, "streaming", False) or not response.get("Content-Type", "").startswith("application/json"):
        return
    try:
        body = json.loads(response.content)
    except ValueError:
        return
    if isinstance(body, dict) and "code" in body and "request_id" not in body:
        body["request_id"] = request_id
        response.content = json.dumps(body)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
