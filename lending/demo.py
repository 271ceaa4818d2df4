"""Demo stock for `manage.py load_demo`: item types, items at every hub, a year and a half of loans (most
back on time, some late) and the holds that came before some of them; today: loans out (a few overdue), items
waiting to be cleaned, holds, and at the first hub an item ready to collect.

Rows are inserted in bulk with their audit history (`DemoContext.bulk`), dated when each thing happened, the
hub's desk user as the actor. Dates are relative to the demo's now; the rng is the demo's seeded one.
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
    ReturnCondition,
)

# Names in Catalan, the hubs' first language and the original (item types are data, not interface strings);
# their Spanish and English in TRANSLATIONS.
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

# The same types in Spanish and English, with a line on each for the catalogue (ca, es, en).
TRANSLATIONS = {
    "WC": ("Silla de ruedas plegable", "Folding wheelchair"),
    "WF": ("Andador con ruedas", "Wheeled walker"),
    "CR": ("Muletas (par)", "Crutches (pair)"),
    "WS": ("Bastón", "Walking stick"),
    "SC": ("Silla de ducha", "Shower chair"),
    "TB": ("Banco de transferencia para la bañera", "Bath transfer bench"),
    "TS": ("Elevador de inodoro", "Raised toilet seat"),
    "PB": ("Cama articulada eléctrica", "Electric adjustable bed"),
    "PL": ("Grúa de transferencia", "Patient hoist"),
    "AM": ("Colchón antiescaras", "Pressure-relief mattress"),
    "CB": ("Cuna", "Cot"),
    "CS": ("Silla infantil para el coche", "Child car seat"),
}
DESCRIPTIONS = {
    "WC": ("Per a sortides i trajectes curts; es plega per dur-la al cotxe.",
           "Para salidas y trayectos cortos; se pliega para llevarla en el coche.",
           "For outings and short trips; it folds to fit in a car."),
    "PB": ("Amb somier de tres trams i barana; us l'instal·lem a casa.",
           "Con somier de tres tramos y barandilla; os la instalamos en casa.",
           "With a three-section base and side rails; we set it up at home."),
    "PL": ("Per aixecar i traslladar una persona del llit a la cadira amb seguretat.",
           "Para levantar y trasladar a una persona de la cama a la silla con seguridad.",
           "To lift a person safely from the bed to a chair."),
    "CS": ("Grup 1-2-3, de 9 a 36 kg.", "Grupo 1-2-3, de 9 a 36 kg.", "Group 1-2-3, from 9 to 36 kg."),
}

NEEDS = {
    Category.MOBILITY: NeedCategory.MOBILITY,
    Category.BATHING: NeedCategory.PERSONAL_CARE,
    Category.BED_TRANSFER: NeedCategory.REST,
    Category.CHILDREN: NeedCategory.CHILDCARE,
}


# A loan is lent for the type's loan period; most people bring the item back before it is due, when they no
# longer need it; about one loan in ten comes back late. Between two loans an item rests (cleaning, on a shelf).
LATE_SHARE = 0.1
HOLD_SHARE = 0.55  # loans that came after a wait on the hold queue (stock is short: most do)
LENDING_HISTORY_DAYS = 540  # loans due in the first months of the demo's year were lent months before


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _save(instance, user):
    instance._history_user = user
    instance.save()
    return instance


def _deposit(amount, *, returned: bool) -> dict:
    """The deposit's state: taken when lent, given back on return (older schema: a refunded flag)."""
    fields = {f.name for f in Loan._meta.get_fields()}
    if "deposit_status" in fields:
        from .models import DepositStatus

        if not amount:
            return {"deposit_status": DepositStatus.NONE}
        return {"deposit_status": DepositStatus.REFUNDED if returned else DepositStatus.COLLECTED}
    return {"deposit_refunded": bool(amount) and returned}


# The deposit's state in a loan's first version (SQL, for `DemoContext.insert`): taken when lent.
_DEPOSIT_WHEN_LENT = (
    {"deposit_status": "CASE WHEN deposit_eur > 0 THEN 'collected' ELSE 'none' END"}
    if "deposit_status" in {f.name for f in Loan._meta.get_fields()} else {"deposit_refunded": "FALSE"}
)


def _current_state(rng, code, n, n_items, type_index, waiting_for) -> str:
    """What an item is doing today: out on loan for the waited-for types, else mostly out or on the shelf."""
    if code in waiting_for:
        return "cleaning" if n == n_items - 1 and type_index == 0 else "loan"
    if type_index == 2 and n == 1:
        return "overdue"  # every hub has some overdue loans
    if type_index == 3 and n == 1:
        return "cleaning"  # and something waiting to be cleaned
    if n == 0:
        return "available"
    return rng.choices(["loan", "available", "cleaning", "overdue"], weights=[10, 6, 1, 1])[0]


def _past_loans(rng, item_type, since, until) -> list[tuple]:
    """(lent_at, due_on, returned_at) of one item's loans, one after the other, from `since` to `until`,
    written backwards from `until` (when the item's present begins)."""
    loans, back = [], until - timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 5))
    days = item_type.default_loan_days
    while True:
        if rng.random() < LATE_SHARE:
            kept = days + rng.randint(1, 25)  # back late
        else:
            kept = rng.randint(min(10, days - 1), max(min(days - 1, 80), 11))
        lent_day = timezone.localtime(back).date() - timedelta(days=kept)
        lent_at = _at(lent_day, rng.randint(10, 12), rng.choice((0, 15, 30, 45)))
        if lent_at < since:
            return loans
        back_at = _at(timezone.localtime(back).date(), rng.randint(10, 18), rng.choice((0, 20, 40)))
        loans.append((lent_at, lent_day + timedelta(days=days), back_at))
        back = lent_at - timedelta(days=rng.randint(2, 25))


def load(ctx) -> None:
    rng = ctx.rng
    today = ctx.today
    now = ctx.now
    types = {}
    for code, name, category, days, cleaning, referral, max_age, safety, deposit in TYPES:
        name_es, name_en = TRANSLATIONS[code]
        description = dict(zip(("description_ca", "description_es", "description_en"), DESCRIPTIONS.get(code, ())))
        types[code] = ItemType.objects.create(
            name_ca=name, name_es=name_es, name_en=name_en, category=category, default_loan_days=days,
            needs_cleaning=cleaning, requires_referral=referral, max_age_years=max_age,
            safety_check_every_days=safety, deposit_eur=Decimal(deposit), **description,
        )
    desk_by_hub = {role.hub_id: role.user for role in StaffRole.objects.filter(role=Role.DESK).select_related("user")}
    fallback = ctx.users.get("admin")

    for index, hub in enumerate(ctx.hubs):
        staff = desk_by_hub.get(hub.pk, fallback)
        people = list(ctx.people[hub.slug])
        carer = next((p for p in people if p.user_id), None) if index == 0 else None
        # Every hub stocks at least 8 types; two of them are fully out, so people wait for them.
        codes = rng.sample(list(types), k=rng.randint(9, 11))
        waiting_for = codes[:2]
        items, plans = [], []
        for type_index, code in enumerate(codes):
            item_type = types[code]
            n_items = rng.randint(3, 5)
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
                state = _current_state(rng, code, n, n_items, type_index, waiting_for)
                item.status = {"available": ItemStatus.AVAILABLE, "cleaning": ItemStatus.CLEANING}.get(
                    state, ItemStatus.ON_LOAN)
                items.append(item)
                plans.append(state)
        items = ctx.bulk(Item, items, user=staff)

        loans, holds, cleanings = [], [], []

        def loan_of(item, borrower, lent_at, due_on, returned_at=None) -> dict:
            item_type = item.item_type
            return {
                "item_id": item.pk, "hub_id": hub.pk, "borrower_id": borrower.pk,
                "need_category": NEEDS.get(item_type.category, NeedCategory.OTHER), "lent_at": lent_at,
                "lent_by_id": staff.pk, "due_on": due_on, "deposit_eur": item_type.deposit_eur,
                "returned_at": returned_at, "returned_to_id": staff.pk if returned_at else None,
                "return_condition": (rng.choice([ReturnCondition.GOOD] * 4 + [ReturnCondition.NEEDS_CLEANING])
                                     if returned_at else ""),
                **_deposit(item_type.deposit_eur, returned=bool(returned_at)),
                "referral_reference": "OT-2026-%04d" % rng.randint(1, 9999) if item_type.requires_referral else "",
            }

        for item, state in zip(items, plans):
            item_type = item.item_type
            present_from = now
            if state in ("loan", "overdue"):
                days = item_type.default_loan_days
                if state == "overdue":
                    due_on = today - timedelta(days=rng.randint(2, 40))
                else:  # lent at some point of its loan period, this week included
                    due_on = today + timedelta(days=rng.randint(3, days - 1))
                lent_at = _at(due_on - timedelta(days=days), rng.randint(10, 12))
                if lent_at > now:
                    lent_at = now - timedelta(hours=1)
                borrower = rng.choice(ctx.registered_before(hub, lent_at))
                if carer is not None and item_type.pk == types[codes[1]].pk:
                    borrower, carer = carer, None
                loans.append(loan_of(item, borrower, lent_at, due_on))
                present_from = lent_at
            elif state == "cleaning":
                present_from = now - timedelta(days=rng.randint(1, 3))
                if rng.random() < 0.5:
                    cleanings.append(Cleaning(item=item, cleaned_by=staff, cleaned_at=now - timedelta(days=60),
                                              protocol=item_type.protocol))
            since = max(item.created_at, now - timedelta(days=LENDING_HISTORY_DAYS))
            for lent_at, due_on, returned_at in _past_loans(rng, item_type, since, present_from):
                borrower = rng.choice(ctx.registered_before(hub, lent_at - timedelta(days=1)))
                loans.append(loan_of(item, borrower, lent_at, due_on, returned_at))
                if rng.random() < HOLD_SHARE:  # they had waited for it on the hold queue
                    asked = lent_at - timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 6))
                    holds.append({
                        "item_type_id": item_type.pk, "hub_id": hub.pk, "person_id": borrower.pk,
                        "created_by_id": staff.pk, "need_category": NEEDS.get(item_type.category, NeedCategory.OTHER),
                        "created_at": asked, "queued_at": asked, "status": HoldStatus.FULFILLED, "closed_at": lent_at,
                    })
        ctx.insert(Loan, loans, user=staff, created="lent_at", changed="returned_at",
                   before={"returned_at": "NULL", "returned_to_id": "NULL", "return_condition": "''",
                           **_DEPOSIT_WHEN_LENT})
        ctx.insert(Hold, holds, user=staff, changed="closed_at",
                   before={"status": f"'{HoldStatus.WAITING}'", "closed_at": "NULL"})
        Cleaning.objects.bulk_create(cleanings)

        # A few holds on the types that are fully out: one urgent (a hospital discharge).
        waiting_people = rng.sample(people, 3)
        ctx.bulk(Hold, [
            Hold(item_type=types[waiting_for[n % 2]], hub=hub, person=person, created_by=staff,
                 priority=HoldPriority.URGENT if n == 2 else HoldPriority.NORMAL,
                 need_category=NEEDS.get(types[waiting_for[n % 2]].category, NeedCategory.OTHER),
                 created_at=now - timedelta(days=10 - n), queued_at=now - timedelta(days=10 - n),
                 notes="Alta hospitalària la setmana vinent" if n == 2 else "")
            for n, person in enumerate(waiting_people)
        ], user=staff)
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

