"""Reads for news, already scoped to what the caller may see."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from carehub import permissions
from carehub.notifications import phones
from carehub.permissions import Access

from . import errors
from .models import DigestSubscription, NewsItem

PUBLIC_LIMIT = 50  # a hub's page and feed show at most this many current items (newest first)


@dataclass(frozen=True)
class Shown:
    """A news item as one reader sees it: the version in their language, else the one it was written in."""

    item: NewsItem
    title: str
    body: str
    language: str

    @property
    def pk(self) -> int:
        return self.item.pk

    @property
    def is_translated_for_reader(self) -> bool:
        return self.language != self.item.language


def in_language(items, language: str) -> list[Shown]:
    shown = []
    for item in items:
        title, body, used = item.text_in(language)
        shown.append(Shown(item=item, title=title, body=body, language=used))
    return shown


def current_news(hub, *, today: date | None = None) -> QuerySet[NewsItem]:
    """What a hub's page, feed, API and digest show today (Madrid): published, not ended, not withdrawn."""
    today = today or timezone.localdate()
    return (NewsItem.objects.filter(hub=hub, withdrawn_at__isnull=True, publish_on__lte=today)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
            .select_related("hub").order_by("-publish_on", "-id")[:PUBLIC_LIMIT])


def news_of_hub_for_coordinator(access: Access, hub) -> QuerySet[NewsItem]:
    """Every item of the hub (scheduled, current, ended, withdrawn): its coordinators only."""
    if not permissions.can_publish_news(access, hub.pk):
        raise errors.NewsForbidden()
    return NewsItem.objects.filter(hub=hub).select_related("hub").order_by("-publish_on", "-id")


def news_manageable_by(access: Access) -> QuerySet[NewsItem]:
    items = NewsItem.objects.select_related("hub", "withdrawn_by", "created_by")
    if access.is_admin:
        return items
    return items.filter(hub_id__in=permissions.news_hub_ids(access))


def item_for_coordinator(access: Access, item_id: int, *, hub=None) -> NewsItem:
    """One item the caller may edit; NotFound otherwise (another hub's drafts are nobody else's business)."""
    items = news_manageable_by(access)
    if hub is not None:
        items = items.filter(hub=hub)
    item = items.filter(pk=item_id).first()
    if item is None:
        raise errors.NewsItemNotFound()
    return item


def status_of(item: NewsItem, today: date) -> str:
    if item.is_withdrawn:
        return "withdrawn"
    if item.publish_on > today:
        return "scheduled"
    if item.ends_on is not None and item.ends_on < today:
        return "ended"
    return "current"


# --- the digest -----------------------------------------------------------------------------------------------
def subscription_of(person, hub) -> DigestSubscription | None:
    return DigestSubscription.objects.filter(person=person, hub=hub).first()


def subscriptions_of(person) -> QuerySet[DigestSubscription]:
    return DigestSubscription.objects.filter(person=person).select_related("hub").order_by("hub__name", "pk")


def can_get_digest(person) -> bool:
    """The digest goes by email or SMS, never as a call from the desk: it needs an address or a mobile."""
    return bool(person.email) or phones.is_mobile(person.phone)


def active_subscribers() -> QuerySet[DigestSubscription]:
    return (DigestSubscription.objects.filter(ended_at__isnull=True, hub__is_active=True,
                                              person__erased_at__isnull=True, person__merged_into__isnull=True)
            .select_related("person", "hub").order_by("hub_id", "pk"))
