"""Admin for advice (on carehub's admin site, see carehub/admin.py). Audited models show their history and are
never deleted here. Appointments are read-only: booking, cancelling and outcomes go through the services
(locks, the no-overlap rule, emails). Case notes have no admin at all: only the appointment's advisor reads
them, through the pages or the API."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from carehub.admin import KeptHistoryAdmin, ReadOnlyAdmin, site

from .models import AdviceService, Appointment, Availability, AvailabilityException


@admin.register(AdviceService, site=site)
class AdviceServiceAdmin(TranslationAdmin, KeptHistoryAdmin):
    list_display = ("name", "hub", "kind", "appointment_minutes", "buffer_minutes", "is_active")
    list_filter = ("kind", "is_active", "hub")
    search_fields = ("name",)


@admin.register(Availability, site=site)
class AvailabilityAdmin(KeptHistoryAdmin):
    list_display = ("advisor", "service", "weekday", "start_time", "end_time", "valid_from", "valid_until")
    list_filter = ("weekday", "service__hub")
    raw_id_fields = ("advisor", "service")


@admin.register(AvailabilityException, site=site)
class AvailabilityExceptionAdmin(KeptHistoryAdmin):
    list_display = ("advisor", "date", "kind", "service", "start_time", "end_time")
    list_filter = ("kind",)
    date_hierarchy = "date"
    raw_id_fields = ("advisor", "service")


@admin.register(Appointment, site=site)
class AppointmentAdmin(ReadOnlyAdmin, KeptHistoryAdmin):
    person_field = "person"
    list_display = ("starts_at", "service", "hub", "advisor", "status")
    list_filter = ("status", "hub")
    date_hierarchy = "starts_at"
    # No person search and no reason in the list: the admin lists times, not people's affairs.
    fields = ("service", "hub", "advisor", "person", "starts_at", "ends_at", "blocked_until", "mode", "reason",
              "status", "booked_by", "created_at", "cancelled_at", "cancelled_by")
    readonly_fields = fields
