"""The monthly digest: each subscriber of a hub gets, once per month, the hub's coming programme and its news.

Run by `manage.py send_reminders` every day (registry hook `send_reminders`), or `manage.py send_digest`.

Editions: the edition of month M covers the programme of M. It is written from the DIGEST_DAY (25th) of the
month before; until the 24th of M, a subscriber who has not had edition M yet (they opted in on the 10th, or
cron did not run at the end of last month) gets it, with what is left of M. So on any day the edition due is
`edition_for(today)`, and each (subscriber, edition) is written once: the message's idempotency key is
(kind, hub, person, "YYYY-MM"), unique in the outbox, so a second run, a retry or two runs at once write
nothing twice. A hub with nothing to tell (no session, no news) sends nothing that day; a later run sends
the edition once there is something.

The programme comes from the apps through the registry hook `digest_section` (activities: activities/digest.py),
so news imports no other app. The digest goes by email or SMS only, never onto the desk's call list: a
subscriber reachable only by phone is skipped (the opt-in asks for an address; see selectors.can_get_digest).
"""

import logging
from datetime import date, datetime, time

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from carehub.models import Message
from carehub.notifications import notify
from carehub.notifications.models import Channel
from carehub.notifications.services import channel_for, idempotency_key
from carehub.registry import hooks
from carehub.timezones import local_datetime

from . import links, selectors

log = logging.getLogger(__name__)

KIND = "monthly_digest"
DIGEST_DAY = 25  # from this day of a month on, the edition due is next month's
NEWS_IN_DIGEST = 10


def first_of_next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def edition_for(today: date) -> date:
    """The first day of the month whose edition is due on `today`."""
    this_month = today.replace(day=1)
    return first_of_next_month(this_month) if today.day >= DIGEST_DAY else this_month


def occasion_of(edition: date) -> str:
    return edition.strftime("%Y-%m")


def window(edition: date, now: datetime) -> tuple[datetime, datetime]:
    """[from, until) of the programme an edition announces: its month, from now on."""
    start = local_datetime(edition, time.min)
    return max(start, now), local_datetime(first_of_next_month(edition), time.min)


def sections_for(hub, *, starts: datetime, ends: datetime) -> list[dict]:
    """What each app announces for the hub in the window (registry hook `digest_section`), in their order."""
    found = []
    for app, section in hooks("digest_section"):
        try:
            part = section(hub, starts=starts, ends=ends)
        except Exception:  # one app's bug must not stop every hub's digest; it is logged and left out
            log.exception("monthly digest: %s's section failed for hub %s", app, hub.pk)
            continue
        if part and part.get("entries"):
            found.append(part)
    return sorted(found, key=lambda part: part.get("order", 100))


def _news_for(items, language: str) -> list[dict]:
    return [{"title": shown.title, "body": shown.body, "link": shown.item.link,
             "url": settings.SITE_URL + shown.item.get_absolute_url()}
            for shown in selectors.in_language(items, language)]


def digest_channel(person) -> str | None:
    """Email or SMS as the person prefers; None when they can be reached only by a call from the desk."""
    channel, _address = channel_for(person, kind=KIND)
    if channel == Channel.CALL:
        channel, _address = channel_for(person, Channel.EMAIL, kind=KIND)  # falls back to a mobile
    return None if channel == Channel.CALL else channel


def send(*, today: date) -> int:
    """Write the edition due on `today` for every active subscriber who has not had it. Returns how many."""
    edition = edition_for(today)
    occasion = occasion_of(edition)
    now = timezone.now()
    starts, ends = window(edition, now)
    by_hub: dict[int, list] = {}
    for subscription in selectors.active_subscribers():
        by_hub.setdefault(subscription.hub_id, []).append(subscription)
    written = 0
    for subscriptions in by_hub.values():
        hub = subscriptions[0].hub
        keys = {s.pk: idempotency_key(kind=KIND, person=s.person, related=hub, occasion=occasion)
                for s in subscriptions}
        had = set(Message.objects.filter(idempotency_key__in=list(keys.values())).values_list(
            "idempotency_key", flat=True))
        due = [s for s in subscriptions if keys[s.pk] not in had]
        if not due:
            continue
        sections = sections_for(hub, starts=starts, ends=ends)
        items = list(selectors.current_news(hub, today=today)[:NEWS_IN_DIGEST])
        if not sections and not items:
            continue
        news_link = settings.SITE_URL + reverse("hub-news", kwargs={"slug": hub.slug})
        news_by_language: dict[str, list] = {}
        for subscription in due:
            person = subscription.person
            channel = digest_channel(person)
            if channel is None:
                continue
            language = person.preferred_language or settings.LANGUAGE_CODE
            if language not in news_by_language:
                with translation.override(language):
                    news_by_language[language] = _news_for(items, language)
            context = {"link": links.digest_link(subscription), "news_link": news_link, "month": edition,
                       "sections": sections, "news": news_by_language[language]}
            with transaction.atomic():  # each subscriber's message on its own: a failure keeps the others
                message = notify(person, kind=KIND, hub=hub, related=hub, occasion=occasion, channel=channel,
                                 context=context)
            written += message is not None
    return written
