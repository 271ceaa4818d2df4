"""Error tracking with Sentry (or a compatible service), on only when SENTRY_DSN is set.

No personal data leaves: `send_default_pii` off (no user, no address, no cookies), no request body
(`max_request_body_size="never"`), no local variables in stack frames (they hold names and search terms),
and `scrub()` drops what is left of the request — URL (a calendar feed's secret is in its path), query string,
headers, cookies, data — keeping its method. Events are named by route pattern and carry the request id, so a
report leads to its log line and the other way round.
"""

import warnings

from .context import current_request_id

# Loggers whose messages carry the request path (carehub.observability.logs.RedactPaths redacts them in logs).
PATH_LOGGERS = ("django.request", "django.server", "django.security")


def _is_path_logger(name: str | None) -> bool:
    return bool(name) and any(name == p or name.startswith(p + ".") for p in PATH_LOGGERS)


def scrub(event: dict, hint=None) -> dict:
    request = event.get("request")
    if isinstance(request, dict):
        event["request"] = {"method": request.get("method")} if request.get("method") else {}
    event.pop("user", None)
    if _is_path_logger(event.get("logger")):
        # "Internal Server Error: /activities/feeds/<secret>.ics": keep the words, not the path.
        entry = event.get("logentry") or {}
        message = str(entry.get("message") or event.get("message") or "").split(":", 1)[0]
        event["logentry"] = {"message": message, "params": []}
        event.pop("message", None)
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def scrub_breadcrumb(crumb: dict, hint=None) -> dict | None:
    if crumb.get("category") == "query" or _is_path_logger(crumb.get("category")):
        return None  # SQL parameters and request paths
    crumb.pop("data", None)
    return crumb


def init(dsn: str, *, environment: str = "production", release: str | None = None, traces_sample_rate: float = 0.0,
         transport=None) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    with warnings.catch_warnings():
        # sentry-sdk 2.7x calls the option deprecated in favour of `data_collection` (absent before 2.7x); it is
        # still honoured, and it is the one setting every version reads the same way.
        warnings.simplefilter("ignore", DeprecationWarning)
        _init(sentry_sdk, DjangoIntegration, dsn=dsn, environment=environment, release=release,
              traces_sample_rate=traces_sample_rate, transport=transport)


def _init(sentry_sdk, DjangoIntegration, *, dsn, environment, release, traces_sample_rate, transport):
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration(transaction_style="url")],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=scrub,
        before_send_transaction=scrub,
        before_breadcrumb=scrub_breadcrumb,
        traces_sample_rate=traces_sample_rate,
        transport=transport,
    )
