"""Admin for advice. Appointments are read-only here: booking, cancelling and outcomes go through the
services (locks, the no-overlap rule, emails). Case notes have no admin at all: only the appointment's advisor
reads them, through the pages or the API."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AdviceService, Appointment, Availability, AvailabilityException


@admin.register(AdviceService)
class AdviceServiceAdmin(SimpleHistoryAdmin):
    list_display = ("name", "hub", "kind", "appointment_minutes", "buffer_minutes", "is_active")
    list_filter = ("kind", "is_active", "hub")
    search_fields = ("name",)


@admin.register(Availability)
class AvailabilityAdmin(SimpleHistoryAdmin):
    list_display = ("advisor", "service", "weekday", "start_time", "end_time", "valid_from", "valid_until")
    list_filter = ("weekday", "service__hub")
    raw_id_fields = ("advisor", "service")


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(SimpleHistoryAdmin):
    list_display = ("advisor", "date", "kind", "service", "start_time", "end_time")
    list_filter = ("kind",)
    date_hierarchy = "date"
    raw_id_fields = ("advisor", "service")


@admin.register(Appointment)
class AppointmentAdmin(SimpleHistoryAdmin):
    list_display = ("starts_at", "service", "hub", "advisor", "status")
    list_filter = ("status", "hub")
    date_hierarchy = "starts_at"
    # No person search and no reason in the list: the admin lists times, not people's affairs.
    fields = ("service", "hub", "advisor", "person", "starts_at", "ends_at", "blocked_until", "mode", "reason",
              "status", "booked_by", "created_at", "cancelled_at", "cancelled_by")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
