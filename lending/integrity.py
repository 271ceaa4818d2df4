"""The lending bank's integrity checks (`manage.py check_integrity`, through the registry)."""

from django.db.models import Count, Exists, OuterRef, Q

from carehub.integrity import Check


def _items_with_two_active_loans() -> list[str]:
    from .models import Loan

    rows = (Loan.objects.filter(returned_at__isnull=True).values("item_id", "item__asset_tag")
            .annotate(active=Count("id")).filter(active__gt=1).order_by("item_id"))
    return [f"item {r['item__asset_tag']} (id {r['item_id']}) has {r['active']} active loans" for r in rows]


def _items_status_against_loans() -> list[str]:
    from .models import Item, ItemStatus, Loan

    active = Loan.objects.filter(item=OuterRef("pk"), returned_at__isnull=True)
    rows = (Item.objects.annotate(lent=Exists(active))
            .filter(Q(status=ItemStatus.ON_LOAN, lent=False) | (Q(lent=True) & ~Q(status=ItemStatus.ON_LOAN)))
            .order_by("asset_tag").values_list("asset_tag", "status"))
    return [f"item {tag} is '{status}' but its loans say otherwise" for tag, status in rows]


def _loans_without_history() -> list[str]:
    from .models import Loan

    history = Loan.history.model.objects.filter(id=OuterRef("pk"))
    return [f"loan {pk} has no history row (written without the services?)"
            for pk in Loan.objects.exclude(Exists(history)).order_by("pk").values_list("pk", flat=True)]


def _offers_without_reserved_item() -> list[str]:
    from .models import Hold, ItemStatus

    rows = (Hold.objects.filter(status="offered").exclude(offered_item__status=ItemStatus.RESERVED)
            .values_list("pk", "offered_item__asset_tag", "offered_item__status"))
    return [f"hold {pk} is offered item {tag}, which is '{status}', not reserved" for pk, tag, status in rows]


def _erased_people_with_loans_or_holds() -> list[str]:
    """An erasure is refused while an item is out and closes open holds; a loan made at the very moment of the
    erasure (another desk, another transaction) would slip through."""
    from carehub.models import Person

    from .models import Hold, Loan

    person = OuterRef("pk")
    rows = Person.objects.filter(erased_at__isnull=False).filter(
        Exists(Loan.objects.filter(borrower=person, returned_at__isnull=True))
        | Exists(Hold.objects.filter(person=person, status__in=["waiting", "offered"]))
    ).values_list("pk", flat=True)
    return [f"person {pk} is erased but still has an active loan or an open hold" for pk in rows]


def checks() -> list[Check]:
    return [
        Check("loan_one_active_per_item", "No item has two active loans", _items_with_two_active_loans),
        Check("item_status_matches_loans", "An item is 'on loan' exactly when it has an active loan",
              _items_status_against_loans),
        Check("loan_has_history", "Every loan has at least one history row", _loans_without_history),
        Check("offer_reserves_item", "An offered hold's item is reserved", _offers_without_reserved_item),
        Check("erased_without_loans", "An erased person has no active loan or open hold",
              _erased_people_with_loans_or_holds),
    ]
