"""The lending bank's API, mounted at /api/v1/lending/. Thin: parse, call a service or a selector.

Lists are filtered by the FilterSets of `lending.filters` (the same ones as the pages) and are already
scoped by the selectors: a hub's staff see that hub, a caregiver their own loans and holds, a planner none.
Domain errors become `{"detail", "code"}` with their status (carehub.api).
"""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from carehub import errors
from carehub.api_auth import caller
from carehub.content import translated
from carehub.schemas import ErrorOut
from carehub.selectors import hub_by_slug

from . import selectors, services
from .filters import MAX_ID, HoldFilter, ItemFilter, LoanFilter, TransferFilter
from .models import Condition, DepositMethod, HoldPriority, ItemType, NeedCategory, ReturnCondition
from .tags import TAG_MAX_LENGTH

router = Router(tags=["lending"])

# A new asset tag (case-insensitive, stored upper-case; the service normalises and checks it again).
NEW_TAG_PATTERN = r"^\s*[A-Za-z0-9][A-Za-z0-9-]*\s*$"

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _filtered(filterset_class, params: dict, queryset):
    """Apply a FilterSet; an invalid filter value is a 422, never silently ignored."""
    data = {key: value for key, value in params.items() if value not in (None, "")}
    filterset = filterset_class(data, queryset=queryset)
    if not filterset.is_valid():
        field, messages = next(iter(filterset.errors.items()))
        raise errors.ValidationFailed(f"{field}: {' '.join(messages)}", code="invalid_filter", field=field)
    return filterset.qs


def _item_type(type_id: int) -> ItemType:
    item_type = ItemType.objects.filter(pk=type_id).first()
    if item_type is None:
        raise errors.NotFound(_("No such item type."), code="item_type_not_found", field="type")
    return item_type


# --- schemas --------------------------------------------------------------------------------------------
class ItemTypeOut(Schema):
    id: int
    name: str
    category: str
    description: str
    default_loan_days: int
    max_renewals: int
    needs_cleaning: bool
    requires_referral: bool
    max_age_years: int | None
    safety_check_every_days: int | None
    deposit_eur: float


class ItemOut(Schema):
    asset_tag: str
    type: str = Field(..., alias="item_type.name")
    type_id: int = Field(..., alias="item_type_id")
    hub: str = Field(..., alias="hub.slug")
    status: str
    condition: str
    donated: bool
    expires_on: date | None
    last_safety_check_on: date | None
    lendable: bool = Field(..., description="On the shelf and fit to lend today (not expired, safety check "
                                            "not due): what availability counts")
    blocked_reason: str = Field(..., description='"expired", "safety_check_due" or "" (nothing blocks it)')

    @staticmethod
    def resolve_lendable(item):
        return item.is_lendable_on(timezone.localdate())

    @staticmethod
    def resolve_blocked_reason(item):
        return item.blocked_reason(timezone.localdate())


class AvailabilityOut(Schema):
    hub: str
    hub_name: str
    type_id: int
    type: str
    available: int


class LoanOut(Schema):
    id: int
    status: str
    item: str = Field(..., alias="item.asset_tag")
    type: str = Field(..., alias="item.item_type.name")
    hub: str = Field(..., alias="hub.slug")
    borrower: int = Field(..., alias="borrower_id")
    borrower_name: str = Field(..., alias="borrower.full_name")
    for_name: str = Field(..., alias="for_display")
    need_category: str
    lent_at: datetime
    due_on: date
    days_overdue: int
    renewals: int
    renewal_requested_at: datetime | None
    returned_at: datetime | None
    return_condition: str
    deposit_eur: float
    deposit_waived: bool
    deposit_status: str = Field(..., description="none, due (to collect), collected, refunded or waived")
    deposit_method: str = Field(..., description='cash, card, bizum, bank_transfer, or "" (not recorded)')
    deposit_collected_at: datetime | None
    deposit_settled_at: datetime | None = Field(..., description="When it was refunded or waived")


class LoanIn(Schema):
    item: str = Field(..., min_length=1, max_length=TAG_MAX_LENGTH, description="The item's asset tag")
    borrower: int = Field(..., description="The borrower's person id")
    due_on: date | None = None
    for_person: int | None = Field(None, description="The cared-for person's id, if registered")
    for_name: str = Field("", max_length=120)
    need_category: NeedCategory = NeedCategory.OTHER
    referral_reference: str = Field("", max_length=120)
    override_reason: str = Field("", max_length=200, description="To lend despite an overdue item")
    deposit_waived: bool = False
    deposit_waiver_reason: str = Field("", max_length=200)
    deposit_method: DepositMethod | None = Field(None, description="The deposit was collected now, so")


class ReturnIn(Schema):
    condition: ReturnCondition
    notes: str = Field("", max_length=2000)
    refund_deposit: bool = Field(True, description="Refund a deposit the hub holds (false: keep it for now)")


class CollectDepositIn(Schema):
    method: DepositMethod
    amount: Decimal | None = Field(None, gt=0, le=Decimal("9999.99"), decimal_places=2,
                                   description="Defaults to the amount the loan asks")


class RefundDepositIn(Schema):
    note: str = Field("", max_length=100)


class WaiveDepositIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)


class DeclineRenewalIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200, description="What the borrower is told")


class ChangeOut(Schema):
    field: str
    old: str | int | float | bool | None
    new: str | int | float | bool | None


class HistoryEntryOut(Schema):
    at: datetime
    username: str | None
    action: str
    changes: list[ChangeOut]
    reason: str


class HoldOut(Schema):
    id: int
    hub: str = Field(..., alias="hub.slug")
    type: str = Field(..., alias="item_type.name")
    type_id: int = Field(..., alias="item_type_id")
    person: int = Field(..., alias="person_id")
    priority: int
    need_category: str
    status: str
    queued_at: datetime
    offered_item: str | None = None
    offer_expires_at: datetime | None
    missed_pickups: int

    @staticmethod
    def resolve_offered_item(hold):
        return hold.offered_item.asset_tag if hold.offered_item_id else None


class HoldIn(Schema):
    hub: str = Field(..., max_length=80, description="Slug of the hub")
    type: int = Field(..., description="Item type id")
    person: int
    priority: HoldPriority = HoldPriority.NORMAL
    need_category: NeedCategory = NeedCategory.OTHER
    notes: str = Field("", max_length=200)


class ReorderIn(Schema):
    to_position: int = Field(..., ge=1, le=100000)
    reason: str = Field(..., min_length=1, max_length=200)


class TransferOut(Schema):
    id: int
    item: str = Field(..., alias="item.asset_tag")
    from_hub: str = Field(..., alias="from_hub.slug")
    to_hub: str = Field(..., alias="to_hub.slug")
    status: str
    requested_at: datetime
    sent_at: datetime | None
    received_at: datetime | None


class TransferIn(Schema):
    item: str = Field(..., min_length=1, max_length=TAG_MAX_LENGTH)
    to_hub: str = Field(..., max_length=80)
    notes: str = Field("", max_length=200)


class ItemIn(Schema):
    asset_tag: str = Field(..., min_length=1, max_length=TAG_MAX_LENGTH + 8, pattern=NEW_TAG_PATTERN,
                           description="Letters, digits and hyphens, e.g. SA-WC-001")
    hub: str = Field(..., max_length=80)
    type: int
    condition: Condition = Condition.GOOD
    donated: bool = False
    intake_notes: str = Field("", max_length=2000)
    expires_on: date | None = None
    last_safety_check_on: date | None = None


class CleanIn(Schema):
    notes: str = Field("", max_length=200)


class RepairIn(Schema):
    condition: Condition = Condition.GOOD
    notes: str = Field("", max_length=2000)


class RetireIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)


class SafetyCheckIn(Schema):
    passed: bool
    notes: str = Field("", max_length=2000)


class ItemFilters(Schema):
    hub: str | None = Field(None, max_length=80, description="Hub slug")
    type: int | None = Field(None, description="Item type id")
    status: str | None = Field(None, max_length=20)


class LoanFilters(Schema):
    hub: str | None = Field(None, max_length=80)
    status: str | None = Field(None, max_length=20, description="active, due_soon, overdue or returned")
    type: int | None = None
    borrower: int | None = Field(None, ge=1, le=MAX_ID, description="The borrower's person id")


class HoldFilters(Schema):
    hub: str | None = Field(None, max_length=80)
    type: int | None = None
    status: str | None = Field(None, max_length=20)


class TransferFilters(Schema):
    hub: str | None = Field(None, max_length=80)
    status: str | None = Field(None, max_length=20)


# --- item types, items, availability --------------------------------------------------------------------
@router.get("/item-types", auth=None, response=list[ItemTypeOut])
def list_item_types(request):
    """Every kind of equipment the bank lends (public)."""
    return selectors.item_types()


@router.get("/availability", auth=None, response={200: list[AvailabilityOut], 404: ErrorOut})
def availability(request, hub: str | None = Query(None, max_length=80), type: int | None = None):
    """How many items of each type are available now, per hub (public, no personal data)."""
    hub_obj = hub_by_slug(hub) if hub else None
    item_type = ItemType.objects.filter(pk=type).first() if type else None
    if type and item_type is None:
        raise errors.NotFound(_("No such item type."), code="item_type_not_found")
    return [
        {"hub": row["hub__slug"], "hub_name": row["hub__name"], "type_id": row["item_type_id"],
         "type": translated(row, "item_type__name")[0], "available": row["available"]}
        for row in selectors.availability(hub=hub_obj, item_type=item_type)
    ]


@router.get("/items", response={200: list[ItemOut], **ERRORS})
@paginate(LimitOffsetPagination)
def list_items(request, filters: Query[ItemFilters]):
    """The stock of the caller's hubs."""
    return _filtered(ItemFilter, filters.dict(), selectors.items_visible_to(caller(request)))


@router.post("/items", response={201: ItemOut, **ERRORS})
def take_in_item(request, payload: ItemIn):
    """Add an item to a hub's stock (e.g. a donation, with its condition check)."""
    access = caller(request)
    item_type = _item_type(payload.type)
    item = services.take_in_item(
        access=access, hub=hub_by_slug(payload.hub), item_type=item_type, asset_tag=payload.asset_tag,
        condition=payload.condition, donated=payload.donated, intake_notes=payload.intake_notes,
        expires_on=payload.expires_on, last_safety_check_on=payload.last_safety_check_on,
    )
    return 201, item


@router.get("/items/{tag}", response={200: ItemOut, **ERRORS})
def get_item(request, tag: str):
    return selectors.item_for(caller(request), tag)


@router.get("/items/{tag}/history", response={200: list[HistoryEntryOut], **ERRORS})
def item_history(request, tag: str):
    return selectors.history_entries(selectors.item_for(caller(request), tag))


@router.post("/items/{tag}/clean", response={200: ItemOut, **ERRORS})
def clean_item(request, tag: str, payload: CleanIn):
    """Record the cleaning step; the item is then offered to the first hold or available."""
    access = caller(request)
    services.mark_cleaned(access=access, item_tag=tag, notes=payload.notes)
    return selectors.item_for(access, tag)


@router.post("/items/{tag}/repair", response={200: ItemOut, **ERRORS})
def repair_item(request, tag: str, payload: RepairIn):
    return services.mark_repaired(access=caller(request), item_tag=tag, condition=payload.condition,
                                  notes=payload.notes)


@router.post("/items/{tag}/safety-check", response={200: ItemOut, **ERRORS})
def safety_check(request, tag: str, payload: SafetyCheckIn):
    return services.record_safety_check(access=caller(request), item_tag=tag, passed=payload.passed,
                                        notes=payload.notes)


@router.post("/items/{tag}/retire", response={200: ItemOut, **ERRORS})
def retire_item(request, tag: str, payload: RetireIn):
    return services.retire_item(access=caller(request), item_tag=tag, reason=payload.reason)


# --- loans ----------------------------------------------------------------------------------------------
@router.post("/loans", response={201: LoanOut, **ERRORS})
def lend(request, payload: LoanIn):
    """Lend an item (by asset tag) to a person. 409 when the item is not available."""
    access = caller(request)
    loan = services.lend_item(
        access=access, item_tag=payload.item, borrower_id=payload.borrower, due_on=payload.due_on,
        for_person_id=payload.for_person, for_name=payload.for_name, need_category=payload.need_category,
        referral_reference=payload.referral_reference, override_reason=payload.override_reason,
        deposit_waived=payload.deposit_waived, deposit_waiver_reason=payload.deposit_waiver_reason,
        deposit_method=payload.deposit_method or "",
    )
    return 201, selectors.loan_for(access, loan.pk)


@router.get("/loans", response={200: list[LoanOut], **ERRORS})
@paginate(LimitOffsetPagination)
def list_loans(request, filters: Query[LoanFilters]):
    """Loans of the caller's hubs (staff) or the caller's own loans (caregivers); none for planners."""
    loans = _filtered(LoanFilter, filters.dict(), selectors.loans_visible_to(caller(request)))
    return loans.order_by("due_on", "id") if filters.status != "returned" else loans


@router.get("/loans/{int:loan_id}", response={200: LoanOut, **ERRORS})
def get_loan(request, loan_id: int):
    return selectors.loan_for(caller(request), loan_id)


@router.post("/loans/{int:loan_id}/return", response={200: LoanOut, **ERRORS})
def return_loan(request, loan_id: int, payload: ReturnIn):
    access = caller(request)
    services.return_loan(access=access, loan_id=loan_id, condition=payload.condition, notes=payload.notes,
                         refund_deposit=payload.refund_deposit)
    return selectors.loan_for(access, loan_id)


@router.post("/loans/{int:loan_id}/renew", response={200: LoanOut, **ERRORS})
def renew_loan(request, loan_id: int):
    access = caller(request)
    services.renew_loan(access=access, loan_id=loan_id)
    return selectors.loan_for(access, loan_id)


@router.post("/loans/{int:loan_id}/request-renewal", response={200: LoanOut, **ERRORS})
def request_renewal(request, loan_id: int):
    """A caregiver asks for their own loan to be renewed; the desk approves it."""
    access = caller(request)
    services.request_renewal(access=access, loan_id=loan_id)
    return selectors.loan_for(access, loan_id)


@router.post("/loans/{int:loan_id}/decline-renewal", response={200: LoanOut, **ERRORS})
def decline_renewal(request, loan_id: int, payload: DeclineRenewalIn):
    """The desk declines a renewal the borrower asked for; the borrower is told why (409 no_renewal_request
    when nobody asked)."""
    access = caller(request)
    services.decline_renewal(access=access, loan_id=loan_id, reason=payload.reason)
    return selectors.loan_for(access, loan_id)


@router.post("/loans/{int:loan_id}/deposit/collect", response={200: LoanOut, **ERRORS})
def collect_deposit(request, loan_id: int, payload: CollectDepositIn):
    """The borrower paid the deposit (how; the amount defaults to the loan's). 409 when already collected,
    refunded or waived."""
    access = caller(request)
    services.collect_deposit(access=access, loan_id=loan_id, method=payload.method, amount=payload.amount)
    return selectors.loan_for(access, loan_id)


@router.post("/loans/{int:loan_id}/deposit/refund", response={200: LoanOut, **ERRORS})
def refund_deposit(request, loan_id: int, payload: RefundDepositIn):
    """The collected deposit was handed back (also after the return). 409 when none is held."""
    access = caller(request)
    services.refund_deposit(access=access, loan_id=loan_id, note=payload.note)
    return selectors.loan_for(access, loan_id)


@router.post("/loans/{int:loan_id}/deposit/waive", response={200: LoanOut, **ERRORS})
def waive_deposit(request, loan_id: int, payload: WaiveDepositIn):
    """The borrower is let off a deposit not yet collected, with the reason (staff only, like the history)."""
    access = caller(request)
    services.waive_deposit(access=access, loan_id=loan_id, reason=payload.reason)
    return selectors.loan_for(access, loan_id)


@router.get("/loans/{int:loan_id}/history", response={200: list[HistoryEntryOut], **ERRORS})
def loan_history(request, loan_id: int):
    """Who changed the loan, when, and which fields (newest first, at most 50 entries). Staff of the loan's
    hub only: the history names staff and shows fields `LoanOut` keeps from the borrower (404 for them)."""
    return selectors.history_entries(selectors.loan_at_desk(caller(request), loan_id))


# --- holds ----------------------------------------------------------------------------------------------
@router.get("/holds", response={200: list[HoldOut], **ERRORS})
@paginate(LimitOffsetPagination)
def list_holds(request, filters: Query[HoldFilters]):
    """Holds in queue order (priority, then date)."""
    return _filtered(HoldFilter, filters.dict(), selectors.holds_visible_to(caller(request)))


@router.post("/holds", response={201: HoldOut, **ERRORS})
def place_hold(request, payload: HoldIn):
    access = caller(request)
    item_type = _item_type(payload.type)
    hold = services.place_hold(access=access, hub=hub_by_slug(payload.hub), item_type=item_type,
                               person_id=payload.person, priority=payload.priority,
                               need_category=payload.need_category, notes=payload.notes)
    return 201, selectors.hold_for(access, hold.pk)


@router.get("/holds/{int:hold_id}", response={200: HoldOut, **ERRORS})
def get_hold(request, hold_id: int):
    return selectors.hold_for(caller(request), hold_id)


@router.post("/holds/{int:hold_id}/cancel", response={200: HoldOut, **ERRORS})
def cancel_hold(request, hold_id: int):
    access = caller(request)
    services.cancel_hold(access=access, hold_id=hold_id)
    return selectors.hold_for(access, hold_id)


@router.post("/holds/{int:hold_id}/not-collected", response={200: HoldOut, **ERRORS})
def hold_not_collected(request, hold_id: int):
    """The person did not collect the offered item: back of the queue, the item to the next person."""
    access = caller(request)
    services.expire_offer(access=access, hold_id=hold_id)
    return selectors.hold_for(access, hold_id)


@router.post("/holds/{int:hold_id}/reorder", response={200: HoldOut, **ERRORS})
def reorder_hold(request, hold_id: int, payload: ReorderIn):
    access = caller(request)
    services.reorder_hold(access=access, hold_id=hold_id, to_position=payload.to_position, reason=payload.reason)
    return selectors.hold_for(access, hold_id)


@router.get("/holds/{int:hold_id}/history", response={200: list[HistoryEntryOut], **ERRORS})
def hold_history(request, hold_id: int):
    """Staff of the hold's hub only (404 for the person: it names staff and shows their notes)."""
    return selectors.history_entries(selectors.hold_at_desk(caller(request), hold_id))


# --- transfers ------------------------------------------------------------------------------------------
@router.get("/transfers", response={200: list[TransferOut], **ERRORS})
@paginate(LimitOffsetPagination)
def list_transfers(request, filters: Query[TransferFilters]):
    return _filtered(TransferFilter, filters.dict(), selectors.transfers_visible_to(caller(request)))


@router.post("/transfers", response={201: TransferOut, **ERRORS})
def create_transfer(request, payload: TransferIn):
    """The sending hub sends an idle item at once; the receiving hub requests one."""
    access = caller(request)
    transfer = services.create_transfer(access=access, item_tag=payload.item, to_hub=hub_by_slug(payload.to_hub),
                                        notes=payload.notes)
    return 201, selectors.transfers_visible_to(access).get(pk=transfer.pk)


def _transfer_action(request, transfer_id, service):
    access = caller(request)
    service(access=access, transfer_id=transfer_id)
    return selectors.transfers_visible_to(access).get(pk=transfer_id)


@router.post("/transfers/{int:transfer_id}/send", response={200: TransferOut, **ERRORS})
def send_transfer(request, transfer_id: int):
    return _transfer_action(request, transfer_id, services.send_transfer)


@router.post("/transfers/{int:transfer_id}/receive", response={200: TransferOut, **ERRORS})
def receive_transfer(request, transfer_id: int):
    return _transfer_action(request, transfer_id, services.receive_transfer)


@router.post("/transfers/{int:transfer_id}/cancel", response={200: TransferOut, **ERRORS})
def cancel_transfer(request, transfer_id: int):
    return _transfer_action(request, transfer_id, services.cancel_transfer)
