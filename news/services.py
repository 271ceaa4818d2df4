"""Every write in news. One function = one business operation = one transaction; each records its actor.

No row locks: two coordinators editing one announcement at once is last-write-wins (both versions stay in
its history), and a subscription's uniqueness per person and hub is a database constraint, so two opt-ins at
once end as one row (the loser re-reads it).
"""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from carehub import permissions
from carehub import selectors as core_selectors
from carehub.models import Language
from carehub.permissions import Access, require_login

from . import errors, links, selectors
from .models import BODY_MAX, TITLE_MAX, DigestSubscription, NewsItem

FIELDS = ("title", "body", "language", "link", "publish_on", "ends_on", "translations")
MAX_DAYS_AHEAD = 366  # an item is published within a year and shown for at most a year


def _actor(access: Access):
    return access.user if getattr(access.user, "is_authenticated", False) else None


def _save(row, user, reason: str):
    row._history_user = user
    row._change_reason = reason
    row.save()
    return row


# --- announcements ------------------------------------------------------------------------------------------
def _clean_text(title, body, *, suffix: str = "") -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip().replace("\r\n", "\n")
    if not title:
        raise errors.ValidationFailed(_("Give the news a title."), code="title_required", field="title" + suffix)
    if len(title) > TITLE_MAX:
        raise errors.ValidationFailed(_("Keep the title under %(n)d characters.") % {"n": TITLE_MAX},
                                      code="title_too_long", field="title" + suffix)
    if not body:
        raise errors.ValidationFailed(_("Write the text of the news."), code="body_required", field="body" + suffix)
    if len(body) > BODY_MAX:
        raise errors.ValidationFailed(_("Keep the text under %(n)d characters: news is short.") % {"n": BODY_MAX},
                                      code="body_too_long", field="body" + suffix)
    if "\x00" in title + body:
        raise errors.ValidationFailed(_("The text contains a character that cannot be stored."),
                                      code="text_invalid", field="body" + suffix)
    return title, body


def _clean_language(language) -> str:
    language = language or translation.get_language() or Language.CATALAN
    language = language[:2]
    if language not in Language.values:
        raise errors.ValidationFailed(_("Choose Catalan, Spanish or English."), code="language_invalid",
                                      field="language")
    return language


def _clean_translations(translations, written_in: str) -> dict:
    """{"es": {"title", "body"}} for the languages other than the written one; an empty version is none."""
    if translations in (None, ""):
        return {}
    if not isinstance(translations, dict):
        raise errors.ValidationFailed(_("Give the other languages as {\"es\": {\"title\": ..., \"body\": ...}}."),
                                      code="translations_invalid", field="translations")
    cleaned = {}
    for language, version in translations.items():
        if language not in Language.values:
            raise errors.ValidationFailed(_("Versions can be in Catalan, Spanish or English only."),
                                          code="translations_invalid", field="translations")
        if not isinstance(version, dict):
            raise errors.ValidationFailed(_("Each version needs a title and a text."),
                                          code="translations_invalid", field="translations")
        title, body = version.get("title") or "", version.get("body") or ""
        if not isinstance(title, str) or not isinstance(body, str):
            raise errors.ValidationFailed(_("Each version needs a title and a text."),
                                          code="translations_invalid", field="translations")
        if language == written_in or not (title.strip() or body.strip()):
            continue  # the written version is the item's own title and text
        cleaned[language] = dict(zip(("title", "body"), _clean_text(title, body, suffix=f"_{language}")))
    return cleaned


def _clean_link(link) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    link = (link or "").strip()
    if not link:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(link)
    except ValidationError:
        link = ""
    if not link or len(link) > 300:
        raise errors.ValidationFailed(_("Enter a web address starting with https://, or leave it empty."),
                                      code="link_invalid", field="link")
    return link


def _clean_dates(publish_on: date, ends_on: date | None, *, today: date, new_publish: bool) -> None:
    if new_publish and publish_on < today:
        raise errors.ValidationFailed(_("The news cannot be published in the past: choose today or a later day."),
                                      code="publish_on_past", field="publish_on")
    if publish_on > today + timedelta(days=MAX_DAYS_AHEAD):
        raise errors.ValidationFailed(_("Publish it within a year."), code="publish_on_too_far", field="publish_on")
    if ends_on is not None:
        if ends_on < publish_on:
            raise errors.ValidationFailed(_("The last day cannot be before the first."), code="ends_before_publish",
                                          field="ends_on")
        if ends_on > publish_on + timedelta(days=MAX_DAYS_AHEAD):
            raise errors.ValidationFailed(_("Show it for a year at most."), code="ends_on_too_far", field="ends_on")


@transaction.atomic
def publish_news(*, access: Access, hub, title: str, body: str, language: str | None = None, link: str = "",
                 publish_on: date | None = None, ends_on: date | None = None,
                 translations: dict | None = None) -> NewsItem:
    """A coordinator of `hub` publishes an announcement: from `publish_on` (today by default) until `ends_on`
    (or until withdrawn), in `language` (the coordinator's by default) with optional versions in the others."""
    require_login(access)
    if not permissions.can_publish_news(access, hub.pk):
        raise errors.NewsForbidden()
    today = timezone.localdate()
    language = _clean_language(language)
    title, body = _clean_text(title, body)
    publish_on = publish_on or today
    _clean_dates(publish_on, ends_on, today=today, new_publish=True)
    item = NewsItem(hub=hub, language=language, title=title, body=body, link=_clean_link(link),
                    translations=_clean_translations(translations, language), publish_on=publish_on,
                    ends_on=ends_on, created_by=_actor(access))
    return _save(item, _actor(access), "published")


@transaction.atomic
def update_news(*, access: Access, item_id: int, hub=None, **changes) -> NewsItem:
    """A coordinator of the item's hub corrects it. Only the fields given change; the history keeps the old
    version with who changed it. A withdrawn item stays withdrawn (publish a new one)."""
    require_login(access)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise errors.ValidationFailed(_("These details cannot be changed here."), code="field_not_editable",
                                      field=sorted(unknown)[0])
    item = selectors.item_for_coordinator(access, item_id, hub=hub)
    if item.is_withdrawn:
        raise errors.NewsWithdrawn()
    today = timezone.localdate()
    values = {name: getattr(item, name) for name in FIELDS}
    values.update(changes)
    language = _clean_language(values["language"])
    title, body = _clean_text(values["title"], values["body"])
    publish_on = values["publish_on"] or item.publish_on
    _clean_dates(publish_on, values["ends_on"], today=today,
                 new_publish=publish_on != item.publish_on)
    cleaned = dict(language=language, title=title, body=body, link=_clean_link(values["link"]),
                   translations=_clean_translations(values["translations"], language), publish_on=publish_on,
                   ends_on=values["ends_on"])
    changed = [name for name, value in cleaned.items() if getattr(item, name) != value]
    if not changed:
        return item
    for name, value in cleaned.items():
        setattr(item, name, value)
    item.updated_at = timezone.now()
    return _save(item, _actor(access), "changed: " + ", ".join(changed))


@transaction.atomic
def withdraw_news(*, access: Access, item_id: int, hub=None) -> NewsItem:
    """Take an item off the hub's page, feed, API and digest at once. It stays in the history."""
    require_login(access)
    item = selectors.item_for_coordinator(access, item_id, hub=hub)
    if item.is_withdrawn:
        raise errors.NewsWithdrawn(_("This news item has already been withdrawn."), code="news_withdrawn")
    item.withdrawn_at = item.updated_at = timezone.now()
    item.withdrawn_by = _actor(access)
    return _save(item, _actor(access), "withdrawn")


# --- the monthly digest ---------------------------------------------------------------------------------------
def subscriber_for(access: Access, person_id: int | None):
    """Whose subscription a call is about: the caller's own, or a person the caller may act for."""
    require_login(access)
    if person_id is None:
        person = access.person
        if person is None:
            raise errors.ValidationFailed(_("Say whose subscription this is."), code="person_required",
                                          field="person")
        return person
    person = core_selectors.person_for(access, person_id)
    if not permissions.can_manage_digest_of(access, person):
        raise errors.PermissionDenied(_("You cannot change this person's subscriptions."),
                                      code="digest_forbidden")
    return person


@transaction.atomic
def set_digest_subscription(*, access: Access, subscribed: bool, person_id: int | None = None,
                            hub=None) -> DigestSubscription | None:
    """Opt a person in to (or out of) a hub's monthly digest: the caller themselves, or (the desk and
    coordinators of their hub) a person of theirs. The hub is the person's home hub unless given. Saying the
    same twice changes nothing. Returns the subscription (None: there was none to end)."""
    person = subscriber_for(access, person_id)
    hub = hub or person.home_hub
    if not hub.is_active:
        raise errors.NotFound(code="hub_not_found")
    subscription = selectors.subscription_of(person, hub)
    user = _actor(access)
    by_whom = "by the person" if access.person is not None and access.person.pk == person.pk else "by the desk"
    if not subscribed:
        if subscription is None or not subscription.is_active:
            return subscription
        subscription.ended_at = timezone.now()
        return _save(subscription, user, f"unsubscribed {by_whom}")
    if not selectors.can_get_digest(person):
        raise errors.DigestNeedsAddress()
    if subscription is not None:
        if subscription.is_active:
            return subscription
        subscription.ended_at = None
        subscription.subscribed_at = timezone.now()
        return _save(subscription, user, f"subscribed again {by_whom}")
    try:
        with transaction.atomic():  # a concurrent twin opt-in must not break the caller's transaction
            return _save(DigestSubscription(person=person, hub=hub), user, f"subscribed {by_whom}")
    except IntegrityError:
        return selectors.subscription_of(person, hub)


def subscription_for_link(token: str) -> DigestSubscription:
    """The subscription a digest's signed link names, or DigestLinkInvalid (no 404 leak of what exists)."""
    subscription_id = links.subscription_id_from(token)
    subscription = (DigestSubscription.objects.select_related("hub", "person").filter(pk=subscription_id).first()
                    if subscription_id is not None else None)
    if subscription is None:
        raise errors.DigestLinkInvalid()
    return subscription


@transaction.atomic
def unsubscribe_by_link(*, token: str) -> DigestSubscription:
    """The one-click unsubscribe: whoever holds the signed link from a digest ends that subscription, with no
    login (the link was sent to the person's own address). Audited with no user and this reason."""
    subscription = subscription_for_link(token)
    if subscription.is_active:
        subscription.ended_at = timezone.now()
        _save(subscription, None, "unsubscribed through the link in the digest")
    return subscription
