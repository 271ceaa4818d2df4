"""Admin for news (on carehub's admin site, see carehub/admin.py). Audited rows are never deleted here:
both are read-only (the services check the rules and record the actor): an announcement is edited and
withdrawn on the news pages, a subscription changed on the person's pages or ended by its link."""

from django.contrib import admin

from carehub.admin import KeptHistoryAdmin, ReadOnlyAdmin, site

from .models import DigestSubscription, NewsItem


@admin.register(NewsItem, site=site)
class NewsItemAdmin(ReadOnlyAdmin, KeptHistoryAdmin):
    list_display = ("title", "hub", "language", "publish_on", "ends_on", "withdrawn_at")
    list_filter = ("hub", "language")
    date_hierarchy = "publish_on"
    search_fields = ("title",)
    fields = ("hub", "language", "title", "body", "link", "translations", "publish_on", "ends_on", "created_by",
              "created_at", "updated_at", "withdrawn_at", "withdrawn_by")
    readonly_fields = fields


@admin.register(DigestSubscription, site=site)
class DigestSubscriptionAdmin(ReadOnlyAdmin, KeptHistoryAdmin):
    person_field = "person"
    list_display = ("hub", "subscribed_at", "ended_at")
    list_filter = ("hub",)
    fields = ("person", "hub", "subscribed_at", "ended_at")
    readonly_fields = fields
