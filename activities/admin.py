"""Admin for activities (on carehub's admin site, see carehub/admin.py). Audited models show their history and,
like every row about a person, are never deleted here. Bookings are read-only: places change only through
the services, which keep each session's counter."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from carehub.admin import KeptHistoryAdmin, KeptRecordAdmin, ReadOnlyAdmin, site

from .models import Activity, Booking, CalendarFeedToken, GroupAttendance, GroupMembership, Session


class SessionInline(admin.TabularInline):
    model = Session
    fields = ("starts_at", "ends_at", "capacity", "status", "confirmed_count", "sequence")
    readonly_fields = ("confirmed_count", "sequence")
    extra = 0
    show_change_link = True
    can_delete = False  # a session's bookings would go with it


@admin.register(Activity, site=site)
class ActivityAdmin(TranslationAdmin, KeptHistoryAdmin):
    list_display = ("title", "hub", "kind", "language", "frequency", "capacity")
    list_filter = ("kind", "language", "hub")
    search_fields = ("title",)
    raw_id_fields = ("facilitator", "created_by")
    inlines = [SessionInline]


@admin.register(Session, site=site)
class SessionAdmin(KeptHistoryAdmin):
    list_display = ("activity", "starts_at", "capacity", "confirmed_count", "status", "sequence")
    list_filter = ("status", "activity__hub")
    date_hierarchy = "starts_at"
    raw_id_fields = ("activity",)
    readonly_fields = ("confirmed_count", "sequence")


@admin.register(Booking, site=site)
class BookingAdmin(ReadOnlyAdmin, KeptHistoryAdmin):
    person_field = "person"
    list_display = ("person", "session", "status", "attendance", "created_at")
    list_filter = ("status", "attendance")
    raw_id_fields = ("session", "person", "booked_by")


@admin.register(GroupMembership, site=site)
class GroupMembershipAdmin(KeptHistoryAdmin):
    person_field = "person"
    list_display = ("person", "activity", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("activity", "person", "decided_by")


@admin.register(GroupAttendance, site=site)
class GroupAttendanceAdmin(KeptHistoryAdmin):
    person_field = "person"
    list_display = ("session", "person", "attended", "recorded_at")
    raw_id_fields = ("session", "person", "recorded_by")


@admin.register(CalendarFeedToken, site=site)
class CalendarFeedTokenAdmin(KeptRecordAdmin, admin.ModelAdmin):
    """A person's feed link: revoked (its `revoked_at`), not deleted; erasure removes it."""

    person_field = "person"
    list_display = ("person", "created_at", "revoked_at")
    raw_id_fields = ("person",)
    exclude = ("secret",)
