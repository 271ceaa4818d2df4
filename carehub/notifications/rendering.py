"""Render a kind's templates in the person's language and Madrid time, at the moment notify() is called: the
message then says what was true when the change was committed, and the worker needs no app's models."""

import re
from datetime import date, datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from .. import i18n
from . import phones
from .kinds import required_context

_BLANK_LINES = re.compile(r"\n{3,}")


def _text(value) -> str:
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")


def template_context(kind: str, *, person, hub, context: dict) -> dict:
    missing = [key for key in required_context(kind) if key not in context]
    if missing:
        raise KeyError(f"notify(kind={kind!r}) needs {', '.join(missing)} in its context.")
    values = {
        "name": person.first_name,
        "hub": hub.name,
        "hub_phone": phones.for_display(hub.phone),
        "where": f"{hub.name}, {hub.address}",
        "link": settings.SITE_URL + reverse("account"),
        "site_url": settings.SITE_URL,
        **context,
    }
    for key, value in list(values.items()):
        if isinstance(value, (date, datetime)):
            values[f"{key}_text"] = _text(value)
    return values


def _render(kind: str, part: str, values: dict) -> str:
    # The names and dates put into a Catalan sentence decide its elisions ("cita d'Assessorament", "l'1 de").
    text = i18n.elide(render_to_string(f"notifications/{kind}/{part}.txt", values))
    text = _BLANK_LINES.sub("\n\n", text).strip()
    if part in ("email_subject", "sms", "call"):
        text = " ".join(text.split())  # one line: a header, one SMS, one line on the call list
    return text


def render(kind: str, *, person, hub, context: dict, channel: str, language: str) -> dict:
    """{"subject", "body", "call_text"} of `kind` for `channel`, in `language` and Madrid time."""
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        values = template_context(kind, person=person, hub=hub, context=context)
        rendered = {"subject": "", "body": "", "call_text": _render(kind, "call", values)}
        if channel == "email":
            rendered["subject"] = _render(kind, "email_subject", values)[:200]
            rendered["body"] = _render(kind, "email", values) + "\n"
        elif channel == "sms":
            rendered["body"] = _render(kind, "sms", values)
        else:
            rendered["body"] = rendered["call_text"]
    return rendered
