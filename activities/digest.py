"""Activities' part of the monthly digest (registry hook `digest_section`, news/digest.py): a hub's sessions in
the edition's month, read through the public programme's selector, so the digest says exactly what the
programme page shows (scheduled sessions not started yet; support groups as sessions, never with members)."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import selectors

SHOWN = 25  # sessions listed in one digest; the rest are on the programme page it links to


def digest_section(hub, *, starts, ends) -> dict:
    sessions = list(selectors.upcoming_sessions(now=starts).filter(activity__hub=hub, starts_at__lt=ends)
                    [:SHOWN + 1])
    if not sessions:
        return {}
    more = 0
    if len(sessions) > SHOWN:
        more = selectors.upcoming_sessions(now=starts).filter(activity__hub=hub, starts_at__lt=ends).count() - SHOWN
        sessions = sessions[:SHOWN]
    return {
        "title": _("What's on"),
        "order": 10,
        "entries": [{"title": s.activity.title, "when": s.starts_at, "where": s.activity.place,
                     "link": settings.SITE_URL + s.get_absolute_url()} for s in sessions],
        "more": more,
        "link": settings.SITE_URL + reverse("activities:programme") + f"?hub={hub.slug}",
    }
