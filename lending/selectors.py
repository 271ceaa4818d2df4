"""Read queries for the lending bank, already scoped to what the caller may see.

Lists join what their rows show (`select_related`) so that a page costs a fixed number of queries
whatever the number of loans. Figures are never computed by counting audit-history rows.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from carehub import content, errors, permissions
from carehub.models import Hub, Person
from carehub.permissions import Access
from carehub.timezones import day_bounds

from .models import (
    DepositStatus, Hold, HoldStatus, Item, ItemStatus, ItemType, Loan, Transfer, TransferStatus, fit_to_lend,
)
from .tags import lookup_values

DUE_SOON_DAYS = 7


def _hub_scope(access: Access, field: str = "hub_id") -> Q | None:
    """A filter on `field` for the caller's lending hubs; None = no restriction (administrators)."""
    hub_ids = permissions.people_hub_ids(access)
    if hub_ids is None:
        return None
    return Q(**{f"{field}__in": hub_ids})


# --- items ----------------------------------------------------------------------------------------------
def item_types() -> QuerySet[ItemType]:
    return ItemType.objects.all()


def items_visible_to(access: Access) -> QuerySet[Item]:
    """The stock of the caller's hubs (items carry no personal data, but stock work is the desk's)."""
    items = Item.objects.select_related("item_type", "hub")
    if not access.is_authenticated:
        return items.none()
    scope = _hub_scope(access)
    return items if scope is None else items.filter(scope)


def item_for(access: Access, tag: str) -> Item:
    """The item with this tag (in any case) at the caller's hubs, or NotFound."""
    item = items_visible_to(access).filter(asset_tag__in=lookup_values(tag)).first()
    if item is None:
        raise errors.NotFound(_("No item with this tag at your hub."), code="item_not_found", field="item")
    return item


def current_loan(item: Item) -> Loan | None:
    return (
        Loan.objects.filter(item=item, returned_at__isnull=True)
        .select_related("borrower", "for_person", "lent_by")
        .first()
    )


def current_offer(item: Item) -> Hold | None:
    return Hold.objects.filter(offered_item=item, status=HoldStatus.OFFERED).select_related("person").first()


# --- loans ----------------------------------------------------------------------------------------------
def _desk_or_own(access: Access, rows: QuerySet, person_field: str) -> QuerySet:
    """`rows` of the caller's hubs (staff) and the caller's own (`person_field` = them); none for anyone else."""
    if not access.is_authenticated:
        return rows.none()
    hub_ids = permissions.people_hub_ids(access)
    if hub_ids is None:
        return rows
    scope = Q(hub_id__in=hub_ids)
    if access.person is not None:
        scope |= Q(**{person_field: access.person.pk})
    return rows.filter(scope)


def _one(rows: QuerySet, pk: int, not_found: errors.NotFound):
    row = rows.filter(pk=pk).first()
    if row is None:
        raise not_found
    return row


def _at_desk(access: Access, row, not_found: errors.NotFound):
    """`row` only for the staff who may act at its hub (its page, its audit history): the history names staff
    and shows their notes, referral and waiver edits, so the person it concerns gets NotFound too."""
    if not permissions.can_act_for_people_at(access, row.hub_id):
        raise not_found
    return row


def loans_visible_to(access: Access) -> QuerySet[Loan]:
    """Loans of the caller's hubs; a caregiver's own loans; nothing for planners and other roles."""
    loans = Loan.objects.select_related(
        "item__item_type", "hub", "borrower", "for_person", "lent_by", "returned_to"
    )
    return _desk_or_own(access, loans, "borrower_id")


def _no_loan() -> errors.NotFound:
    return errors.NotFound(_("No such loan."), code="loan_not_found")


def loan_for(access: Access, loan_id: int) -> Loan:
    return _one(loans_visible_to(access), loan_id, _no_loan())


def loan_at_desk(access: Access, loan_id: int) -> Loan:
    return _at_desk(access, loan_for(access, loan_id), _no_loan())


def loans_by_status(loans: QuerySet[Loan], status: str, today=None) -> QuerySet[Loan]:
    today = today or timezone.localdate()
    if status == "active":
        return loans.filter(returned_at__isnull=True)
    if status == "overdue":
        return loans.filter(returned_at__isnull=True, due_on__lt=today)
    if status == "due_soon":
        return loans.filter(returned_at__isnull=True, due_on__gte=today,
                            due_on__lte=today + timedelta(days=DUE_SOON_DAYS))
    if status == "returned":
        return loans.filter(returned_at__isnull=False)
    return loans


def own_loans(person) -> QuerySet[Loan]:
    """A caregiver's own loans, for their account page (newest first, active first)."""
    return (
        Loan.objects.filter(borrower=person).select_related("item__item_type", "hub")
        .order_by("returned_at", "due_on")
    )


def person_loans(access: Access, person) -> QuerySet[Loan]:
    """A person's loans as the desk may see them (only loans of the caller's hubs)."""
    loans = Loan.objects.filter(borrower=person).select_related("item__item_type", "hub")
    scope = _hub_scope(access)
    if scope is None:
        return loans.order_by("returned_at", "due_on")
    if not access.hubs_with(*permissions.PEOPLE_ROLES):
        return loans.none()
    return loans.filter(scope).order_by("returned_at", "due_on")


def someone_waiting_for(loan: Loan) -> bool:
    """Whether a person waits for the loan's type at its hub (a renewal would keep the item from them)."""
    return Hold.objects.filter(hub_id=loan.hub_id, item_type_id=loan.item.item_type_id,
                               status=HoldStatus.WAITING).exists()


def deposits_on(access: Access, day: date) -> dict:
    """The day's deposits at the caller's hubs, for the desk's summary (one query): collected (how many, how
    much, and how much in cash, what the till should hold), refunded, waived, and active loans whose deposit
    is still to collect."""
    start, end = day_bounds(day)
    loans = Loan.objects.all()
    scope = _hub_scope(access)
    if scope is not None:
        loans = loans.filter(scope)
    collected = Q(deposit_collected_at__gte=start, deposit_collected_at__lt=end)
    settled = Q(deposit_settled_at__gte=start, deposit_settled_at__lt=end)
    refunded = settled & Q(deposit_status=DepositStatus.REFUNDED)
    figures = loans.filter(collected | settled | Q(deposit_status=DepositStatus.DUE, returned_at__isnull=True)) \
        .aggregate(
            collected_n=Count("id", filter=collected),
            collected_eur=Sum("deposit_eur", filter=collected),
            collected_cash_eur=Sum("deposit_eur", filter=collected & Q(deposit_method="cash")),
            refunded_n=Count("id", filter=refunded),
            refunded_eur=Sum("deposit_eur", filter=refunded),
            refunded_cash_eur=Sum("deposit_eur", filter=refunded & Q(deposit_method="cash")),
            waived_n=Count("id", filter=settled & Q(deposit_status=DepositStatus.WAIVED)),
            to_collect_n=Count("id", filter=Q(deposit_status=DepositStatus.DUE, returned_at__isnull=True)),
        )
    cents = Decimal("0.01")
    return {key: Decimal(value or 0).quantize(cents) if key.endswith("_eur") else value
            for key, value in figures.items()}


def items_for_labels(access: Access, *, tags=(), hub=None, item_type=None) -> list[Item]:
    """The items of the caller's hubs to print labels for: the tags chosen, else every item (not retired) of
    a hub and/or a type. At most `labels.MAX_LABELS`, in tag order."""
    from .labels import MAX_LABELS

    items = items_visible_to(access).order_by("asset_tag")
    if tags:
        wanted = [value for tag in tags[:MAX_LABELS] for value in lookup_values(tag)]
        return list(items.filter(asset_tag__in=wanted)[:MAX_LABELS])
    if hub is None and item_type is None:
        return []
    items = items.exclude(status=ItemStatus.RETIRED)
    if hub is not None:
        items = items.filter(hub=hub)
    if item_type is not None:
        items = items.filter(item_type=item_type)
    return list(items[:MAX_LABELS])


# --- holds ----------------------------------------------------------------------------------------------
def holds_visible_to(access: Access) -> QuerySet[Hold]:
    holds = Hold.objects.select_related("item_type", "hub", "person", "offered_item")
    return _desk_or_own(access, holds, "person_id")


def _no_hold() -> errors.NotFound:
    return errors.NotFound(_("No such hold."), code="hold_not_found")


def hold_for(access: Access, hold_id: int) -> Hold:
    return _one(holds_visible_to(access), hold_id, _no_hold())


def hold_at_desk(access: Access, hold_id: int) -> Hold:
    return _at_desk(access, hold_for(access, hold_id), _no_hold())


def waiting_queue(hub_id: int, item_type_id: int) -> QuerySet[Hold]:
    """The waiting holds for a type at a hub, in queue order."""
    return Hold.objects.filter(hub_id=hub_id, item_type_id=item_type_id, status=HoldStatus.WAITING).order_by(
        "priority", "queued_at", "id"
    )


def own_holds(person) -> QuerySet[Hold]:
    return Hold.objects.filter(person=person, status__in=[HoldStatus.WAITING, HoldStatus.OFFERED]).select_related(
        "item_type", "hub", "offered_item")


def position_in_queue(hold: Hold) -> int | None:
    if hold.status != HoldStatus.WAITING:
        return None
    ahead = Hold.objects.filter(hub_id=hold.hub_id, item_type_id=hold.item_type_id, status=HoldStatus.WAITING).filter(
        Q(priority__lt=hold.priority)
        | Q(priority=hold.priority, queued_at__lt=hold.queued_at)
        | Q(priority=hold.priority, queued_at=hold.queued_at, pk__lt=hold.pk)
    )
    return ahead.count() + 1


# --- transfers ------------------------------------------------------------------------------------------
def transfers_visible_to(access: Access) -> QuerySet[Transfer]:
    transfers = Transfer.objects.select_related("item__item_type", "from_hub", "to_hub", "requested_by")
    if not access.is_authenticated:
        return transfers.none()
    hub_ids = permissions.people_hub_ids(access)
    if hub_ids is None:
        return transfers
    return transfers.filter(Q(from_hub_id__in=hub_ids) | Q(to_hub_id__in=hub_ids))


def open_transfers(transfers: QuerySet[Transfer]) -> QuerySet[Transfer]:
    return transfers.filter(status__in=[TransferStatus.REQUESTED, TransferStatus.SENT])


# --- aggregates (no personal data) -----------------------------------------------------------------------
def _status_counts(day: date) -> dict:
    """Items in each status; "available" only those fit to lend on `day`, the others on the shelf counted
    apart (`n_blocked`: expired or due for their safety check)."""
    counts = {f"n_{status}": Count("id", filter=Q(status=status)) for status in ItemStatus.values}
    counts["n_available"] = Count("id", filter=Q(status=ItemStatus.AVAILABLE) & fit_to_lend(day))
    counts["n_shelf"] = Count("id", filter=Q(status=ItemStatus.AVAILABLE))
    return counts


def stock_by_type(hub_ids=None, day: date | None = None) -> list[dict]:
    """Per hub and type: how many items in each status (one query). An expired item, or one due for its safety
    check, is not counted as available: it is `n_blocked`."""
    day = day or timezone.localdate()
    items = Item.objects.exclude(status=ItemStatus.RETIRED)
    if hub_ids is not None:
        items = items.filter(hub_id__in=hub_ids)
    rows = list(
        items.values("hub_id", "hub__name", "hub__slug", "item_type_id", "item_type__name", "item_type__category")
        .annotate(total=Count("id"), **_status_counts(day))
        .order_by("hub__name", "item_type__category", "item_type__name")
    )
    for row in rows:
        row["n_blocked"] = row.pop("n_shelf") - row["n_available"]
    return rows


def waiting_counts(hub_ids=None) -> dict:
    holds = Hold.objects.filter(status=HoldStatus.WAITING)
    if hub_ids is not None:
        holds = holds.filter(hub_id__in=hub_ids)
    return {
        (row["hub_id"], row["item_type_id"]): row["n"]
        for row in holds.values("hub_id", "item_type_id").annotate(n=Count("id")).order_by()
    }


def availability(*, hub=None, item_type=None, day: date | None = None) -> QuerySet:
    """Public: per hub and type, how many items are available now (fit to lend: not expired, safety check not
    due). No personal data."""
    items = Item.objects.lendable_on(day or timezone.localdate()).filter(hub__is_active=True)
    if hub is not None:
        items = items.filter(hub=hub)
    if item_type is not None:
        items = items.filter(item_type=item_type)
    # The type's name in each language: the page and the API show the reader's ({% content %}).
    names = [f"item_type__name_{code}" for code in content.LANGUAGES]
    return (
        items.values("hub__slug", "hub__name", "item_type_id", "item_type__name", *names, "item_type__category")
        .annotate(available=Count("id"))
        .order_by("hub__name", "item_type__category", "item_type__name")
    )


# --- history --------------------------------------------------------------------------------------------
HISTORY_LIMIT = 50


def history_entries(instance, *, limit: int = HISTORY_LIMIT) -> list[dict]:
    """The newest `limit` audit entries of a loan, item or hold: who, when, what changed (old → new).

    Each change has the stored values (`old`, `new`: the API's, stable codes) and the values as people read
    them (`old_display`, `new_display`: choice labels, names instead of ids, dates in local time). Reads
    `limit + 1` rows (one more to diff the oldest shown against), never counts the table, and resolves the
    ids the changes name with one query per related model.
    """
    records = list(instance.history.select_related("history_user").order_by("-history_date", "-history_id")
                   [: limit + 1])
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            changes = [{"field": c.field, "label": _label(instance, c.field), "old": _plain(c.old),
                        "new": _plain(c.new), "raw_old": c.old, "raw_new": c.new} for c in delta.changes]
        user = record.history_user
        entries.append({
            "at": record.history_date,
            "username": user.get_username() if user else None,
            "action": {"+": "created", "~": "changed", "-": "deleted"}[record.history_type],
            "changes": changes,
            "reason": record.history_change_reason or "",
        })
    _add_display_values(type(instance), entries)
    return entries


def _field(model, name: str):
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field since removed from the model
        return None


def _related_names(model, entries) -> dict:
    """{(related model, pk): what people call it} for every id the changes name: a user by their username,
    a person by their name, an item by its tag, a hub by its name. One query per related model."""
    wanted: dict = {}
    for entry in entries:
        for change in entry["changes"]:
            field = _field(model, change["field"])
            if isinstance(field, models.ForeignKey):
                for value in (change["raw_old"], change["raw_new"]):
                    if value is not None:
                        wanted.setdefault(field.related_model, set()).add(value)
    names = {}
    for related, pks in wanted.items():
        if related is get_user_model():
            rows = {user.pk: user.get_username() for user in related.objects.filter(pk__in=pks)}
        elif related is Person:
            rows = {person.pk: person.full_name for person in related.objects.filter(pk__in=pks)}
        elif related is Item:
            rows = dict(related.objects.filter(pk__in=pks).values_list("pk", "asset_tag"))
        elif related is Hub:
            rows = dict(related.objects.filter(pk__in=pks).values_list("pk", "name"))
        else:
            rows = {row.pk: str(row) for row in related.objects.filter(pk__in=pks)}
        names.update({(related, pk): name for pk, name in rows.items()})
    return names


def _add_display_values(model, entries) -> None:
    names = _related_names(model, entries)
    for entry in entries:
        for change in entry["changes"]:
            field = _field(model, change["field"])
            change["old_display"] = _display(field, change.pop("raw_old"), names)
            change["new_display"] = _display(field, change.pop("raw_new"), names)


def _display(field, value, names) -> str:
    """A stored value as a page shows it, in the current language and Madrid time; "—" for nothing."""
    if value is None or value == "":
        return "—"
    if field is None:
        return str(value)
    if isinstance(field, models.ForeignKey):
        return names.get((field.related_model, value), pgettext("history", "(removed)"))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, Decimal):
        return f"{formats.number_format(value, 2)} €" if "eur" in field.name else formats.number_format(value)
    return str(value)


def _label(instance, field_name: str) -> str:
    """The field's translated name, for pages (the API keeps the stable field name)."""
    field = _field(type(instance), field_name)
    return str(field.verbose_name) if field is not None else field_name


def _plain(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
