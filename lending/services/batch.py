"""Lending several items to one person in one go (the desk screen's scan field): all of them, or none.

Locks, in this order: the borrower, every item asked for (one statement, primary-key order), the holds
those items are offered to (one statement), then each loan is written by `lend_item`, whose own locks are
then rows this transaction already holds. Taking them all first is what keeps the global order
(carehub.locking): lending the items one by one would lock a second item after the first one's hold.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from carehub import errors
from carehub.locking import lock_rows
from carehub.permissions import Access

from ..models import Category, Hold, HoldStatus, Item, Loan, NeedCategory
from ..tags import lookup_values, normalise_tag
from ._common import lock_person
from .loans import lend_item

# A desk never lends more at once; the limit bounds the statement and the page that lists refusals.
MAX_ITEMS_AT_ONCE = 20

# The need a loan records when the desk does not say: what the type is for, in the same broad words.
NEED_OF_CATEGORY = {
    Category.MOBILITY: NeedCategory.MOBILITY,
    Category.BATHING: NeedCategory.PERSONAL_CARE,
    Category.BED_TRANSFER: NeedCategory.REST,
    Category.CHILDREN: NeedCategory.CHILDCARE,
}


@dataclass(frozen=True)
class LendLine:
    """One item of a batch and what its type may need: a referral, how the deposit was paid or why it is
    waived, a need or a due date other than the type's."""

    tag: str
    referral_reference: str = ""
    deposit_method: str = ""
    deposit_waived: bool = False
    deposit_waiver_reason: str = ""
    need_category: str = ""
    due_on: date | None = None


class BatchRefused(errors.Conflict):
    """Some items of a batch could not be lent, so none was. `problems` is [(tag, DomainError)], in the order
    the tags were given; the status is the first problem's (a 422 for missing details, else 409/404)."""

    code = "batch_refused"
    default_message = _("Nothing was lent: some of the items cannot be lent now.")

    def __init__(self, problems: list[tuple[str, errors.DomainError]]):
        super().__init__()
        self.problems = problems
        self.status = problems[0][1].status if problems else 409


def _need_for(item: Item, offered: dict[int, Hold], borrower_id: int) -> str:
    hold = offered.get(item.pk)
    if hold is not None and hold.person_id == borrower_id:
        return hold.need_category
    return NEED_OF_CATEGORY.get(item.item_type.category, NeedCategory.OTHER)


def _each_tag_once(lines: list[LendLine]) -> list[LendLine]:
    """A tag typed twice (in any case) is one item: lending it twice would refuse the whole batch."""
    seen, once = set(), []
    for line in lines:
        if normalise_tag(line.tag) not in seen:
            seen.add(normalise_tag(line.tag))
            once.append(line)
    return once


@transaction.atomic
def lend_items(*, access: Access, borrower_id: int, lines: list[LendLine], override_reason: str = "") -> list[Loan]:
    """Lend every item of `lines` to the borrower in one transaction, each under `lend_item`'s rules (due date
    from the type unless given; a referral when the type needs one; the deposit; `override_reason` when the
    borrower holds an overdue item). If any item is refused, nothing is lent: `BatchRefused` lists every
    refused tag with its reason, so the desk fixes them all at once."""
    if not lines:
        raise errors.ValidationFailed(_("Scan or type at least one asset tag."), code="no_items", field="scan")
    if len(lines) > MAX_ITEMS_AT_ONCE:
        raise errors.ValidationFailed(
            _("At most %(n)s items can be lent at once.") % {"n": MAX_ITEMS_AT_ONCE}, code="too_many_items",
            field="scan")
    lines = _each_tag_once(lines)
    lock_person(access, borrower_id)
    spellings = [value for line in lines for value in lookup_values(line.tag)]
    items = lock_rows(Item.objects.filter(asset_tag__in=spellings))
    offered = {hold.offered_item_id: hold for hold in lock_rows(
        Hold.objects.filter(offered_item__in=[item.pk for item in items], status=HoldStatus.OFFERED))}
    by_tag = {item.asset_tag: item for item in items}

    loans, problems = [], []
    for line in lines:
        item = next((by_tag[value] for value in lookup_values(line.tag) if value in by_tag), None)
        need = line.need_category or (_need_for(item, offered, borrower_id) if item is not None
                                      else NeedCategory.OTHER)
        options = {"deposit_method": line.deposit_method} if line.deposit_method else {}
        try:
            loans.append(lend_item(
                access=access, item_tag=line.tag, borrower_id=borrower_id, due_on=line.due_on,
                need_category=need, referral_reference=line.referral_reference,
                override_reason=override_reason, deposit_waived=line.deposit_waived,
                deposit_waiver_reason=line.deposit_waiver_reason, **options,
            ))
        except errors.Busy:
            raise
        except errors.DomainError as exc:  # its savepoint is rolled back; the next items are still checked
            problems.append((line.tag, exc))
    if problems:
        raise BatchRefused(problems)
    return loans


class _TriedOnly(Exception):
    """Raised inside `check_lend_items` to roll back a batch that would have been lent."""


def check_lend_items(*, access: Access, borrower_id: int, lines: list[LendLine]) -> None:
    """Raise what `lend_items` would refuse for reasons no detail can fix (an item unknown, on loan, reserved
    for someone else, expired...), without lending anything: the desk says so before asking for referrals
    and deposits. Runs the real batch with the details filled in and rolls it back, so the rules are
    checked in one place; the locks end with that rollback."""
    filled = [LendLine(tag=line.tag, referral_reference=line.referral_reference or "-",
                       deposit_method=line.deposit_method, deposit_waived=line.deposit_waived,
                       deposit_waiver_reason=line.deposit_waiver_reason, need_category=line.need_category,
                       due_on=line.due_on) for line in lines]
    try:
        with transaction.atomic():
            lend_items(access=access, borrower_id=borrower_id, lines=filled, override_reason="-")
            raise _TriedOnly
    except _TriedOnly:
        return
