"""Admin for the lending bank (on carehub's admin site, see carehub/admin.py). Audited models show their history
and, like every row about a person, are never deleted here; status changes belong to the desk (services), so
the admin keeps status read-only on items and loans."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from carehub.admin import KeptHistoryAdmin, KeptRecordAdmin, site

from .models import Cleaning, Hold, HoldReorder, Item, ItemType, Loan, LoanReminder, Transfer


@admin.register(ItemType, site=site)
class ItemTypeAdmin(TranslationAdmin):  # name_ca, name_es… (docs/translation.md)
    list_display = ["name", "category", "default_loan_days", "needs_cleaning", "requires_referral", "deposit_eur"]
    list_filter = ["category", "needs_cleaning", "requires_referral"]
    search_fields = ["name"]


@admin.register(Item, site=site)
class ItemAdmin(KeptHistoryAdmin):
    list_display = ["asset_tag", "item_type", "hub", "status", "condition"]
    list_filter = ["status", "item_type", "hub"]
    search_fields = ["asset_tag"]
    list_select_related = ["item_type", "hub"]
    readonly_fields = ["status"]
    show_full_result_count = False


@admin.register(Loan, site=site)
class LoanAdmin(KeptHistoryAdmin):
    person_field = "borrower"
    list_display = ["id", "item", "hub", "borrower", "due_on", "returned_at"]
    list_filter = ["hub"]
    list_select_related = ["item__item_type", "hub", "borrower"]
    raw_id_fields = ["item", "borrower", "for_person", "lent_by", "returned_to"]
    readonly_fields = ["item", "hub", "borrower", "lent_at", "lent_by", "returned_at", "returned_to"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # loans are made at the desk, where every rule is checked under a lock


@admin.register(Hold, site=site)
class HoldAdmin(KeptHistoryAdmin):
    person_field = "person"
    list_display = ["id", "item_type", "hub", "person", "priority", "status", "queued_at"]
    list_filter = ["status", "hub"]
    list_select_related = ["item_type", "hub", "person"]
    raw_id_fields = ["person", "offered_item", "created_by"]
    readonly_fields = ["status", "offered_item"]

    def has_add_permission(self, request):
        return False


@admin.register(Transfer, site=site)
class TransferAdmin(KeptHistoryAdmin):
    list_display = ["id", "item", "from_hub", "to_hub", "status", "requested_at"]
    list_filter = ["status"]
    list_select_related = ["item__item_type", "from_hub", "to_hub"]
    raw_id_fields = ["item", "requested_by", "sent_by", "received_by"]
    readonly_fields = ["status"]


@admin.register(Cleaning, site=site)
class CleaningAdmin(admin.ModelAdmin):
    list_display = ["item", "cleaned_at", "cleaned_by"]
    raw_id_fields = ["item", "cleaned_by"]


@admin.register(HoldReorder, site=site)
class HoldReorderAdmin(KeptRecordAdmin, admin.ModelAdmin):
    """A queue move and its reason, which may name the person: kept, like the hold."""

    list_display = ["hold", "moved_at", "moved_by", "from_position", "to_position", "reason"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LoanReminder, site=site)
class LoanReminderAdmin(KeptRecordAdmin, admin.ModelAdmin):
    """Which reminders a loan's borrower was sent: kept with the loan."""
