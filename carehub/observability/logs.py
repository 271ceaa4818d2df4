"""JSON log lines, and the filters that keep paths out of them.

Every line is one JSON object: ts, level, logger, message, request_id (when written during a request), the
request fields of the request log (method, route, view, status, duration_ms, user_id), and the traceback of an
exception. Only those fields are written: the `extra` a library attaches (Django puts the whole request on its
records) is never serialised.

Paths are not safe to log: a calendar feed's secret is in its path (/activities/feeds/<secret>.ics) and the
people search carries names in its query string. Django's own loggers write the path ("Not Found: /…",
"Forbidden (CSRF cookie not set.): /…") and runserver the whole request line; `RedactPaths` replaces those with
the route pattern or nothing.
"""

import json
import logging
import traceback
from datetime import datetime, timezone

from .context import current_request_id

REQUEST_FIELDS = ("method", "route", "view", "status", "duration_ms", "user_id")


class RequestIdFilter(logging.Filter):
    """Stamps every record written during a request with that request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            # Django logs a 4xx/5xx answer ("Not Found") once the middlewares are done: the request still says.
            record.request_id = current_request_id() or getattr(getattr(record, "request", None), "request_id", None)
        return True


def _route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.route or match.view_name) if match is not None else "-"


class RedactPaths(logging.Filter):
    """Takes the request's path and query string out of the records of Django's request, security and server
    loggers (their messages are `"%s: %s" % (reason, path)` or `'"%s" %s %s' % (request line, status, size)`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        name = record.name
        if not (name == "django.request" or name == "django.server" or name.startswith("django.security")):
            return True
        args = record.args if isinstance(record.args, tuple) else ()
        request = getattr(record, "request", None)
        if name == "django.server":
            # ("GET /people/?q=Rosa HTTP/1.1", "200", "512"): keep the method only.
            if args:
                record.args = (str(args[0]).split(" ", 1)[0] + " [path not logged]", *args[1:])
            return True
        paths = set()
        if request is not None and hasattr(request, "path"):
            paths = {request.path, request.path_info, request.get_full_path()}
        route = _route_of(request) if request is not None else "-"
        record.args = tuple(route if (isinstance(a, str) and (a in paths or a.startswith("/"))) else a for a in args)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            line["request_id"] = request_id
        for field in REQUEST_FIELDS:
            if hasattr(record, field):
                line[field] = getattr(record, field)
        if record.exc_info:
            line["exc_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            line["traceback"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """For a terminal (LOG_FORMAT=text): the same fields, one readable line."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        fields = " ".join(f"{f}={getattr(record, f)}" for f in REQUEST_FIELDS if hasattr(record, f))
        request_id = getattr(record, "request_id", None)
        prefix = f"[{request_id}] " if request_id else ""
        return f"{prefix}{text}{(' ' + fields) if fields else ''}"


def logging_config(*, level: str = "INFO", fmt: str = "json") -> dict:
    """The LOGGING setting: one console handler, JSON by default, paths redacted, request ids stamped."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "carehub.observability.logs.RequestIdFilter"},
            "redact_paths": {"()": "carehub.observability.logs.RedactPaths"},
        },
        "formatters": {
            "json": {"()": "carehub.observability.logs.JsonFormatter"},
            "text": {"()": "carehub.observability.logs.TextFormatter",
                     "format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "text" if fmt == "text" else "json",
                        "filters": ["request_id", "redact_paths"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "INFO"},
            # Django's loggers have their own handlers (mail_admins, runserver's console): route them through ours
            # only, so that every line is redacted and in one format.
            "django": {"handlers": ["console"], "level": level, "propagate": False},
            "django.server": {"handlers": ["console"], "level": level, "propagate": False},
        },
    }
