from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ApiToken, Hub, OpeningBlock, Person, PrivacyRecord, StaffRole


class OpeningBlockInline(admin.TabularInline):
    model = OpeningBlock
    extra = 0


@admin.register(Hub)
class HubAdmin(admin.ModelAdmin):
    list_display = ("name", "district", "population", "community_space", "is_active")
    list_filter = ("district", "is_active")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [OpeningBlockInline]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ("full_name", "home_hub", "phone", "preferred_language", "created_at")
    list_filter = ("home_hub", "preferred_language")
    search_fields = ("search_text",)
    raw_id_fields = ("user", "registered_by")
    readonly_fields = ("consent_given_at", "erased_at", "created_at")


@admin.register(StaffRole)
class StaffRoleAdmin(SimpleHistoryAdmin):
    list_display = ("user", "role", "hub")
    list_filter = ("role", "hub")
    search_fields = ("user__username",)
    raw_id_fields = ("user",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "last_used_at")
    readonly_fields = ("user", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False


@admin.register(PrivacyRecord)
class PrivacyRecordAdmin(admin.ModelAdmin):
    """The audit trail of exports and erasures: read-only, it is evidence."""

    list_display = ("done_at", "kind", "person_id", "hub", "done_by", "reason")
    list_filter = ("kind", "reason", "hub")
    readonly_fields = ("kind", "person", "hub", "done_by", "done_at", "reason")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
