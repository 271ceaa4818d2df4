from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Activity, Booking, CalendarFeedToken, GroupAttendance, GroupMembership, Session


class SessionInline(admin.TabularInline):
    model = Session
    fields = ("starts_at", "ends_at", "capacity", "status", "confirmed_count", "sequence")
    readonly_fields = ("confirmed_count", "sequence")
    extra = 0
    show_change_link = True


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ("title", "hub", "kind", "language", "frequency", "capacity")
    list_filter = ("kind", "language", "hub")
    search_fields = ("title",)
    raw_id_fields = ("facilitator", "created_by")
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(SimpleHistoryAdmin):
    list_display = ("activity", "starts_at", "capacity", "confirmed_count", "status", "sequence")
    list_filter = ("status", "activity__hub")
    date_hierarchy = "starts_at"
    raw_id_fields = ("activity",)
    readonly_fields = ("confirmed_count", "sequence")


@admin.register(Booking)
class BookingAdmin(SimpleHistoryAdmin):
    """Read-mostly: places change only through the services, which keep the session's counter."""

    list_display = ("person", "session", "status", "attendance", "created_at")
    list_filter = ("status", "attendance")
    raw_id_fields = ("session", "person", "booked_by")
    readonly_fields = ("status", "confirmed_at", "cancelled_at")


@admin.register(GroupMembership)
class GroupMembershipAdmin(SimpleHistoryAdmin):
    list_display = ("person", "activity", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("activity", "person", "decided_by")


@admin.register(GroupAttendance)
class GroupAttendanceAdmin(SimpleHistoryAdmin):
    list_display = ("session", "person", "attended", "recorded_at")
    raw_id_fields = ("session", "person", "recorded_by")


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(admin.ModelAdmin):
    list_display = ("person", "created_at", "revoked_at")
    raw_id_fields = ("person",)
    exclude = ("secret",)
