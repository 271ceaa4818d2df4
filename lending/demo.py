"""Demo stock for `manage.py load_demo`: item types, items at every hub, loans (some overdue), items
waiting to be cleaned, holds, and at the first hub an item ready to collect.

Rows are saved one by one through `save()` so that each has its audit history, as the desk would leave
it (the demo's desk user is the acting user). Dates are relative to today; the rng is the demo's seeded one.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from carehub.models import Role, StaffRole

from .models import (
    Category,
    Cleaning,
    Condition,
    Hold,
    HoldPriority,
    HoldStatus,
    Item,
    ItemStatus,
    ItemType,
    Loan,
    NeedCategory,
)

# Names in Catalan, the hubs' first language (item types are data, not interface strings).
# (code, name, category, loan days, needs cleaning, referral, max age years, safety check days, deposit)
TYPES = [
    ("WC", "Cadira de rodes plegable", Category.MOBILITY, 180, True, False, None, None, "30"),
    ("WF", "Caminador amb rodes", Category.MOBILITY, 180, True, False, None, None, "10"),
    ("CR", "Crosses (parell)", Category.MOBILITY, 90, True, False, None, None, "0"),
    ("WS", "Bastó", Category.MOBILITY, 90, False, False, None, None, "0"),
    ("SC", "Cadira de dutxa", Category.BATHING, 180, True, False, None, None, "0"),
    ("TB", "Banc de transferència per a la banyera", Category.BATHING, 180, True, False, None, None, "0"),
    ("TS", "Elevador de vàter", Category.BATHING, 180, True, False, None, None, "0"),
    ("PB", "Llit articulat elèctric", Category.BED_TRANSFER, 180, True, True, None, 180, "50"),
    ("PL", "Grua de transferència", Category.BED_TRANSFER, 180, True, True, None, 180, "50"),
    ("AM", "Matalàs antiescares", Category.BED_TRANSFER, 180, True, True, 5, None, "20"),
    ("CB", "Bressol", Category.CHILDREN, 180, True, False, None, None, "0"),
    ("CS", "Cadira infantil per al cotxe", Category.CHILDREN, 180, True, False, 10, None, "15"),
]

NEEDS = {
    Category.MOBILITY: NeedCategory.MOBILITY,
    Category.BATHING: NeedCategory.PERSONAL_CARE,
    Category.BED_TRANSFER: NeedCategory.REST,
    Category.CHILDREN: NeedCategory.CHILDCARE,
}


def _save(instance, user):
    instance._history_user = user
    instance.save()
    return instance


def load(ctx) -> None:
    rng = ctx.rng
    today = timezone.localdate()
    now = timezone.now()
    types = {}
    for code, name, category, days, cleaning, referral, max_age, safety, deposit in TYPES:
        types[code] = ItemType.objects.create(
            name=name, category=category, default_loan_days=days, needs_cleaning=cleaning,
            requires_referral=referral, max_age_years=max_age, safety_check_every_days=safety,
            deposit_eur=Decimal(deposit),
            description="",
        )
    desk_by_hub = {role.hub_id: role.user for role in StaffRole.objects.filter(role=Role.DESK).select_related("user")}
    fallback = ctx.users.get("admin")

    for index, hub in enumerate(ctx.hubs):
        staff = desk_by_hub.get(hub.pk, fallback)
        people = list(ctx.people[hub.slug])
        borrowers = iter(rng.sample(people, len(people)))
        if index == 0:
            carer = next((p for p in people if p.user_id), None)
        else:
            carer = None
        # Every hub stocks at least 8 types; two of them are fully out, so people wait for them.
        codes = rng.sample(list(types), k=rng.randint(9, 11))
        waiting_for = codes[:2]
        for type_index, code in enumerate(codes):
            item_type = types[code]
            n_items = rng.randint(2, 4)
            for n in range(n_items):
                item = Item(
                    asset_tag=f"H{index + 1:02d}-{code}-{n + 1:02d}", item_type=item_type, hub=hub,
                    condition=rng.choice([Condition.GOOD, Condition.GOOD, Condition.FAIR]),
                    donated=rng.random() < 0.3,
                    created_at=now - timedelta(days=rng.randint(200, 900)),
                )
                if item.donated:
                    item.intake_notes = "Revisat en l'entrada: complet, net i funciona."
                if item_type.max_age_years:
                    item.expires_on = today + timedelta(days=rng.randint(200, 1500))
                if item_type.safety_check_every_days:
                    item.last_safety_check_on = today - timedelta(days=rng.randint(5, 120))
                # The state: out on loan for the waited-for types, else a mix with one available first.
                if code in waiting_for:
                    state = "cleaning" if n == n_items - 1 and type_index == 0 else "loan"
                elif n == 0:
                    state = "available"
                else:
                    state = rng.choice(["loan", "loan", "overdue", "available", "cleaning"])
                if type_index == 2 and n == 1:
                    state = "overdue"  # every hub has some overdue loans
                if type_index == 3 and n == 1:
                    state = "cleaning"  # and something waiting to be cleaned
                item.status = {"available": ItemStatus.AVAILABLE, "cleaning": ItemStatus.CLEANING}.get(
                    state, ItemStatus.ON_LOAN)
                _save(item, staff)
                if state in ("loan", "overdue"):
                    borrower = next(borrowers, None) or rng.choice(people)
                    if carer is not None and type_index == 1:
                        borrower, carer = carer, None
                    if state == "overdue":
                        due_on = today - timedelta(days=rng.randint(2, 40))
                    else:
                        due_on = today + timedelta(days=rng.randint(1, 150))
                    lent_at = timezone.make_aware(
                        datetime.combine(due_on - timedelta(days=item_type.default_loan_days), time(10, 0)))
                    _save(Loan(
                        item=item, hub=hub, borrower=borrower, need_category=NEEDS.get(item_type.category,
                                                                                        NeedCategory.OTHER),
                        lent_at=lent_at, lent_by=staff, due_on=due_on, deposit_eur=item_type.deposit_eur,
                        referral_reference="OT-2026-%04d" % rng.randint(1, 9999) if item_type.requires_referral
                        else "",
                    ), staff)
                elif state == "cleaning" and rng.random() < 0.5:
                    Cleaning.objects.create(item=item, cleaned_by=staff, cleaned_at=now - timedelta(days=60),
                                            protocol=item_type.protocol)
        # A few holds on the types that are fully out: one urgent (a hospital discharge).
        waiting_people = rng.sample(people, 3)
        for n, person in enumerate(waiting_people):
            code = waiting_for[n % 2]
            _save(Hold(
                item_type=types[code], hub=hub, person=person, created_by=staff,
                priority=HoldPriority.URGENT if n == 2 else HoldPriority.NORMAL,
                need_category=NEEDS.get(types[code].category, NeedCategory.OTHER),
                created_at=now - timedelta(days=10 - n), queued_at=now - timedelta(days=10 - n),
                notes="Alta hospitalària la setmana vinent" if n == 2 else "",
            ), staff)
        if index == 0:
            _offer_one(hub, staff, people, now)


def _offer_one(hub, staff, people, now) -> None:
    """At the first hub, one available item is reserved for someone who waited: the desk sees it ready."""
    item = Item.objects.filter(hub=hub, status=ItemStatus.AVAILABLE).order_by("asset_tag").last()
    taken = set(Hold.objects.filter(hub=hub, status__in=[HoldStatus.WAITING, HoldStatus.OFFERED])
                .values_list("person_id", flat=True))
    person = next(p for p in reversed(people) if p.pk not in taken)
    item.status = ItemStatus.RESERVED
    _save(item, staff)
    _save(Hold(
        item_type=item.item_type, hub=hub, person=person, created_by=staff, status=HoldStatus.OFFERED,
        created_at=now - timedelta(days=5), queued_at=now - timedelta(days=5), offered_item=item,
        offered_at=now - timedelta(hours=20), offer_expires_at=now + timedelta(days=2),
    ), staff)

