"""The news API: a hub's news (/api/v1/hubs/{slug}/news) and one's monthly-digest subscription
(/api/v1/news/subscription). Thin: parse, call a selector or a service; the root's handlers map domain errors
to `{"detail", "code"}` with their status.

Texts come in the reader's language (`?lang=`, else the request's: Accept-Language, the language cookie, a
caregiver's profile), else in the language the item was written in; `language` says which one it is.
"""

from datetime import date, datetime
from typing import Literal

from django.utils import timezone, translation
from ninja import Field, Query, Router, Schema

from carehub import selectors as core_selectors
from carehub.api_auth import caller
from carehub.models import Language
from carehub.schemas import ErrorOut

from . import selectors, services
from .models import BODY_MAX, TITLE_MAX

router = Router(tags=["news"])

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class VersionIn(Schema):
    title: str = Field(..., max_length=TITLE_MAX)
    body: str = Field(..., max_length=BODY_MAX)


class NewsIn(Schema):
    title: str = Field(..., max_length=TITLE_MAX)
    body: str = Field(..., max_length=BODY_MAX)
    language: Language | None = Field(None, description="The language it is written in; default: the request's")
    link: str = Field("", max_length=300, description="Optional https:// link to more information")
    publish_on: date | None = Field(None, description="First day shown (Madrid); default today")
    ends_on: date | None = Field(None, description="Last day shown; empty: until withdrawn")
    translations: dict[Language, VersionIn] = Field(
        default_factory=dict, description='Versions in the other languages: {"es": {"title": ..., "body": ...}}')


class NewsPatch(Schema):
    """Only the fields sent change. `ends_on: null` shows it until withdrawn; `translations` replaces them all."""

    title: str | None = Field(None, max_length=TITLE_MAX)
    body: str | None = Field(None, max_length=BODY_MAX)
    language: Language | None = None
    link: str | None = Field(None, max_length=300)
    publish_on: date | None = None
    ends_on: date | None = None
    translations: dict[Language, VersionIn] | None = None


class NewsOut(Schema):
    id: int
    hub: str
    title: str
    body: str
    language: str = Field(..., description="The language of `title` and `body`")
    written_in: str
    link: str
    publish_on: date
    ends_on: date | None
    url: str
    status: Literal["scheduled", "current", "ended", "withdrawn"]
    translations: dict = Field(..., description="Every version in another language, as written")


class NewsFilter(Schema):
    lang: Language | None = Field(None, description="The reader's language (default: the request's)")
    all: bool = Field(False, description="Coordinators of the hub: also scheduled, ended and withdrawn items")


def _language(wanted) -> str:
    return wanted or (translation.get_language() or "ca")[:2]


def _out(shown, request, *, today: date | None = None) -> dict:
    item = shown.item
    return {"id": item.pk, "hub": item.hub.slug, "title": shown.title, "body": shown.body, "language": shown.language,
            "written_in": item.language, "link": item.link, "publish_on": item.publish_on, "ends_on": item.ends_on,
            "url": request.build_absolute_uri(item.get_absolute_url()),
            "status": selectors.status_of(item, today or timezone.localdate()), "translations": item.translations}


def _versions(translations) -> dict | None:
    if translations is None:
        return None
    return {str(code): version.dict() for code, version in translations.items()}


@router.get("/hubs/{slug}/news", auth=None, response={200: list[NewsOut], 401: ErrorOut,
                                                      403: ErrorOut, 404: ErrorOut})
def list_news(request, slug: str, filters: Query[NewsFilter]):
    """A hub's current news, newest first (public). With `all=true`, its coordinators get every item."""
    hub = core_selectors.hub_by_slug(slug)
    language = _language(filters.lang)
    if filters.all:
        items = selectors.news_of_hub_for_coordinator(caller(request), hub)[:500]
        today = timezone.localdate()
        return [_out(shown, request, today=today) for shown in selectors.in_language(items, language)]
    today = timezone.localdate()
    return [_out(shown, request, today=today)
            for shown in selectors.in_language(selectors.current_news(hub, today=today), language)]


@router.post("/hubs/{slug}/news", response={201: NewsOut, **ERRORS})
def publish_news(request, slug: str, payload: NewsIn):
    """Publish an announcement (the hub's coordinators)."""
    hub = core_selectors.hub_by_slug(slug)
    item = services.publish_news(
        access=caller(request), hub=hub, title=payload.title, body=payload.body, language=payload.language,
        link=payload.link, publish_on=payload.publish_on, ends_on=payload.ends_on,
        translations=_versions(payload.translations))
    return 201, _out(selectors.in_language([item], item.language)[0], request)


@router.patch("/hubs/{slug}/news/{int:item_id}", response={200: NewsOut, **ERRORS})
def update_news(request, slug: str, item_id: int, payload: NewsPatch):
    """Correct an announcement (the hub's coordinators). Its history keeps every version with who changed it."""
    hub = core_selectors.hub_by_slug(slug)
    changes = payload.dict(exclude_unset=True)
    if "translations" in changes:
        changes["translations"] = _versions(payload.translations) or {}
    for name in ("title", "body", "language", "link", "publish_on"):
        if name in changes and changes[name] is None:
            changes.pop(name)
    item = services.update_news(access=caller(request), item_id=item_id, hub=hub, **changes)
    return _out(selectors.in_language([item], item.language)[0], request)


@router.post("/hubs/{slug}/news/{int:item_id}/withdraw", response={200: NewsOut, **ERRORS})
def withdraw_news(request, slug: str, item_id: int):
    """Take an announcement off the page, the feed, this API and the digest (the hub's coordinators)."""
    hub = core_selectors.hub_by_slug(slug)
    item = services.withdraw_news(access=caller(request), item_id=item_id, hub=hub)
    return _out(selectors.in_language([item], item.language)[0], request)


# --- the monthly digest ---------------------------------------------------------------------------------------
class SubscriptionIn(Schema):
    subscribed: bool
    hub: str | None = Field(None, max_length=80, description="Slug of the hub; default: the person's home hub")
    person: int | None = Field(None, ge=1, le=2**31 - 1,
                               description="The desk and coordinators: whose subscription; default: the caller's own")


class SubscriptionOut(Schema):
    hub: str
    subscribed: bool
    subscribed_at: datetime | None
    ended_at: datetime | None


class SubscriptionFilter(Schema):
    person: int | None = Field(None, ge=1, le=2**31 - 1, description="The desk: whose subscriptions")


def _subscription_out(subscription, hub) -> dict:
    if subscription is None:
        return {"hub": hub.slug, "subscribed": False, "subscribed_at": None, "ended_at": None}
    return {"hub": subscription.hub.slug, "subscribed": subscription.is_active,
            "subscribed_at": subscription.subscribed_at, "ended_at": subscription.ended_at}


@router.get("/news/subscription", response={200: list[SubscriptionOut], **ERRORS})
def get_subscriptions(request, filters: Query[SubscriptionFilter]):
    """The monthly-digest subscriptions of the caller (or, for the desk, of `person`)."""
    person = services.subscriber_for(caller(request), filters.person)
    return [_subscription_out(s, s.hub) for s in selectors.subscriptions_of(person)]


@router.put("/news/subscription", response={200: SubscriptionOut, **ERRORS})
def put_subscription(request, payload: SubscriptionIn):
    """Opt in to (`subscribed: true`) or out of a hub's monthly digest: the caller's own, or (the desk and
    coordinators of the person's hub) a person's. Idempotent. 422 `digest_needs_address` without an email
    address or a mobile number."""
    access = caller(request)
    hub = core_selectors.hub_by_slug(payload.hub) if payload.hub else None
    subscription = services.set_digest_subscription(access=access, subscribed=payload.subscribed,
                                                    person_id=payload.person, hub=hub)
    if hub is None:
        hub = subscription.hub if subscription is not None else services.subscriber_for(access, payload.person).home_hub
    return _subscription_out(subscription, hub)
