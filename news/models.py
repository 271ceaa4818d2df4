"""News for each hub: short announcements its coordinators publish, and people's monthly-digest subscriptions.

An announcement is written in one language (`language`, the coordinator's) and may carry versions in the
other languages in `translations` ({"es": {"title": ..., "body": ...}}): a JSON dict rather than six
columns, so that a fourth language needs no migration. A reader sees the version in their language, else the
one it was written in (`NewsItem.text_in`). It is current from `publish_on` through `ends_on` (Madrid dates)
unless withdrawn; a withdrawn item is kept, with who withdrew it, for the history.

A `DigestSubscription` is one person's opt-in to one hub's monthly digest. Ending it keeps the row
(`ended_at`), so that a later opt-in is the same row, its history says who subscribed and unsubscribed when,
and the signed unsubscribe link (its primary key) stays valid across a merge of two records.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from carehub.models import Hub, Language, Person

TITLE_MAX = 140
BODY_MAX = 2000


class NewsItem(models.Model):
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="news_items", verbose_name=_("hub"))
    language = models.CharField(_("written in"), max_length=2, choices=Language.choices, default=Language.CATALAN)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(_("text"), max_length=BODY_MAX)
    link = models.URLField(_("link"), max_length=300, blank=True,
                           help_text=_("Optional: a page with more information."))
    # {"es": {"title": "...", "body": "..."}, ...}: versions in the other languages (never the written one).
    translations = models.JSONField(_("other languages"), default=dict, blank=True)
    publish_on = models.DateField(_("published from"))
    ends_on = models.DateField(_("shown until"), null=True, blank=True,
                               help_text=_("Leave empty to show it until it is withdrawn."))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", editable=False, verbose_name=_("withdrawn by"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False, verbose_name=_("published by"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-publish_on", "-id"]
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        indexes = [models.Index(fields=["hub", "publish_on"], name="news_item_hub_publish")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("publish_on")),
                                   name="news_item_ends_after_publish",
                                   violation_error_message=_("The last day cannot be before the first.")),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.hub.name}"

    def get_absolute_url(self) -> str:
        return reverse("hub-news", kwargs={"slug": self.hub.slug}) + f"#news-{self.pk}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def is_current_on(self, day) -> bool:
        return (not self.is_withdrawn and self.publish_on <= day
                and (self.ends_on is None or day <= self.ends_on))

    def text_in(self, language: str) -> tuple[str, str, str]:
        """(title, body, language shown) for a reader of `language`: their version, else the written one."""
        version = (self.translations or {}).get(language) if language != self.language else None
        if version and version.get("title"):
            return version["title"], version.get("body", ""), language
        return self.title, self.body, self.language


class DigestSubscription(models.Model):
    """One person's opt-in to a hub's monthly digest (active while `ended_at` is empty)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="news_subscriptions",
                               verbose_name=_("person"))
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="digest_subscriptions",
                            verbose_name=_("hub"))
    subscribed_at = models.DateTimeField(_("subscribed at"), default=timezone.now)
    ended_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["hub_id", "id"]
        verbose_name = _("digest subscription")
        verbose_name_plural = _("digest subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["person", "hub"], name="digest_subscription_one_per_person_and_hub"),
        ]
        indexes = [models.Index(fields=["hub", "ended_at"], name="digest_subscription_hub_active")]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.hub_id}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None
