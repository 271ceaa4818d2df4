"""The Django admin, for carehub's administrators only, and the rules every app's admin follows.

Why a site of our own: Django's default site opens to any `is_staff` user and then trusts model permissions,
which know nothing of hubs: a staff user given "view person" saw every hub's people, support-group members and
appointment reasons. `CarehubAdminSite` lets in only active staff who are superusers or hold the city-wide
administrator role (`carehub.permissions.access_for(user).is_admin`), the same people who see every hub on the
pages. Every app registers on `site` (`@admin.register(Model, site=site)`); models that other packages
register on Django's default site (users, groups, login attempts) are taken over when the URLs are built, so
nothing in the admin escapes the check.

Why `KeptRecordAdmin`: deleting from the admin bypasses the services and the erasure. A deleted person left
their name and phone in the history with no erasure record; deleted bookings left session counters wrong
(`check_integrity` then reports breaches). Audited rows and rows about a person are therefore never deleted
here, and their pages say where a person's data is removed: the person's privacy page.
"""

from django.contrib import admin
from django.urls import reverse
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import ApiToken, Hub, OpeningBlock, Person, PrivacyRecord, StaffRole
from .permissions import access_for


class CarehubAdminSite(admin.AdminSite):
    site_header = "carehub"
    site_title = "carehub"

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_staff and access_for(user).is_admin)

    def get_urls(self):
        self.adopt_default_site()
        return super().get_urls()

    def adopt_default_site(self):
        """Register here what other packages registered on Django's default site, with their own ModelAdmin
        classes, so that their pages too sit behind `has_permission`. (They are imported after carehub's
        admin module, so this waits until the URLs are built.)"""
        for model, model_admin in admin.site._registry.items():
            if not self.is_registered(model):
                self.register(model, type(model_admin))


site = CarehubAdminSite(name="admin")


class KeptRecordAdmin:
    """For audited rows and rows about a person: no delete (nor "delete selected"), and a notice on the list
    and the change page that erasure, on the person's privacy page, is how a person's data is removed.

    `person_field` names the foreign key to the person a row is about, so that its page links to their
    privacy page."""

    change_form_template = "admin/carehub/kept_change_form.html"
    change_list_template = "admin/carehub/kept_change_list.html"
    person_field: str | None = None

    def has_delete_permission(self, request, obj=None):
        return False

    def person_id_of(self, obj) -> int | None:
        return getattr(obj, f"{self.person_field}_id", None) if self.person_field else None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        person_id = self.person_id_of(obj) if obj is not None else None
        if person_id:
            context["privacy_url"] = reverse("person-privacy", args=[person_id])
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


class KeptHistoryAdmin(KeptRecordAdmin, SimpleHistoryAdmin):
    """An audited model's admin: its history visible, nothing deleted."""


class ReadOnlyAdmin:
    """Mixin for rows that only the services write (they keep counters, locks and rules): the admin shows
    them and changes nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OpeningBlockInline(admin.TabularInline):
    model = OpeningBlock
    extra = 0


@admin.register(Hub, site=site)
class HubAdmin(TranslationAdmin):
    list_display = ("name", "district", "population", "community_space", "is_active")
    list_filter = ("district", "is_active")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [OpeningBlockInline]


@admin.register(Person, site=site)
class PersonAdmin(KeptHistoryAdmin):
    list_display = ("full_name", "home_hub", "phone", "preferred_language", "created_at")
    list_filter = ("home_hub", "preferred_language")
    search_fields = ("search_text",)
    raw_id_fields = ("user", "registered_by")
    readonly_fields = ("consent_given_at", "erased_at", "created_at")

    def person_id_of(self, obj) -> int | None:
        return obj.pk


@admin.register(StaffRole, site=site)
class StaffRoleAdmin(SimpleHistoryAdmin):
    """Audited, yet deletable: deleting a role is how access is taken away, and the history records who did
    it (a role holds no personal data besides its user)."""

    list_display = ("user", "role", "hub")
    list_filter = ("role", "hub")
    search_fields = ("user__username",)
    raw_id_fields = ("user",)


@admin.register(ApiToken, site=site)
class ApiTokenAdmin(admin.ModelAdmin):
    """Deleting a token revokes it."""

    list_display = ("user", "created_at", "last_used_at")
    readonly_fields = ("user", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False


@admin.register(PrivacyRecord, site=site)
class PrivacyRecordAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The audit trail of exports and erasures: read-only, it is evidence."""

    list_display = ("done_at", "kind", "person_id", "hub", "done_by", "reason")
    list_filter = ("kind", "reason", "hub")
    readonly_fields = ("kind", "person", "hub", "done_by", "done_at", "reason")
