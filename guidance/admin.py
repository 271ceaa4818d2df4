"""Admin for guidance (on carehub's admin site, see carehub/admin.py). Audited models show their history and
are never deleted here. Attentions are read-only and list no person and no text: the admin lists counts and
dates, not people's affairs; the desk works on the pages."""

from django.contrib import admin

from carehub.admin import KeptHistoryAdmin, ReadOnlyAdmin, site

from .models import Attention, AttentionTopic, CareResource, CarersCardGuide


@admin.register(AttentionTopic, site=site)
class AttentionTopicAdmin(KeptHistoryAdmin):
    list_display = ("key", "name_ca", "hub", "position", "is_active")
    list_filter = ("is_active", "hub")


@admin.register(CareResource, site=site)
class CareResourceAdmin(KeptHistoryAdmin):
    list_display = ("name", "hub", "kind", "reviewed_on", "is_published")
    list_filter = ("kind", "is_published", "hub")
    search_fields = ("name", "address")


@admin.register(CarersCardGuide, site=site)
class CarersCardGuideAdmin(KeptHistoryAdmin):
    list_display = ("__str__", "updated_at")


@admin.register(Attention, site=site)
class AttentionAdmin(ReadOnlyAdmin, KeptHistoryAdmin):
    person_field = "person"
    list_display = ("attended_at", "hub", "channel", "status", "follow_up_on")
    list_filter = ("channel", "status", "hub")
    date_hierarchy = "attended_at"
    fields = ("hub", "person", "channel", "status", "age_band", "is_caregiver", "outcome", "notes", "question",
              "answer", "answered_at", "answered_by", "follow_up_on", "follow_up_done_at", "attended_at",
              "recorded_by")
    readonly_fields = fields
