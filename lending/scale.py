"""Lending's part of `manage.py seed_scale` (the registry hook `seed_scale`, see carehub/scale.py): item
types, each hub's stock, years of loans one after the other per item, and the holds that came before some."""

from datetime import time, timedelta

from django.db import connection

from carehub.scale import Seeder, local

from .models import Hold, HoldStatus, Item, ItemStatus, ItemType, Loan

ITEM_TYPES = [("Cadira de rodes plegable", "mobility", 120), ("Crosses", "mobility", 60),
              ("Caminador", "mobility", 90), ("Cadira de dutxa", "bathing", 120),
              ("Llit articulat", "bed_transfer", 180), ("Grua de transferència", "bed_transfer", 180),
              ("Bressol de viatge", "children", 90), ("Cadira de cotxe infantil", "children", 180)]
LOAN_COLUMNS = ["item_id", "hub_id", "borrower_id", "lent_at", "due_on", "returned_at", "need_category",
                "renewals", "for_name", "return_notes", "return_condition", "deposit_waiver_reason",
                "deposit_eur", "referral_reference", "override_reason"]
HOLD_COLUMNS = ["item_type_id", "hub_id", "person_id", "priority", "need_category", "notes", "created_at",
                "queued_at", "status", "missed_pickups", "closed_at"]


def seed(seeder: Seeder) -> dict:
    rng = seeder.rng
    seeder.progress.expect(seeder.n_hubs * seeder.items_per_hub * 8)
    seeder.progress.begin("items and loans")
    types = seeder.bulk(ItemType, [ItemType(name=name, category=cat, default_loan_days=days)
                                   for name, cat, days in ITEM_TYPES])
    plans, items = [], []
    for hub in seeder.hubs:
        for n in range(seeder.items_per_hub):
            item_type = rng.choice(types)
            intake = seeder.start - timedelta(days=rng.randint(0, 200)) if n < seeder.items_per_hub * 0.8 else (
                seeder.start + timedelta(days=rng.randint(0, max((seeder.today - seeder.start).days - 1, 0))))
            loans = _loans_of_one_item(seeder, item_type, intake)
            on_loan = bool(loans) and loans[-1][2] is None
            items.append(Item(asset_tag=f"{hub.slug.upper()}-{n:04d}", item_type=item_type, hub=hub,
                              status=ItemStatus.ON_LOAN if on_loan else ItemStatus.AVAILABLE,
                              created_at=local(intake, time(9))))
            plans.append(loans)
    items = seeder.bulk(Item, items)
    loan_rows, hold_rows = [], []
    for item, loans in zip(items, plans):
        people = seeder.people_by_hub[item.hub_id]
        for lent_at, due, returned in loans:
            person = rng.choice(people)
            loan_rows.append((item.pk, item.hub_id, person, lent_at, due, returned, "other", 0,
                              "", "", "good" if returned else "", "", 0, "", ""))
            if rng.random() < 0.3:  # a third of the loans came after a wait on the hold queue
                asked = lent_at - timedelta(days=rng.randint(1, 45), hours=rng.randint(0, 8))
                hold_rows.append((item.item_type_id, item.hub_id, person, 1, "other", "", asked, asked,
                                  HoldStatus.FULFILLED, 0, lent_at))
    n_loans = seeder.copy(Loan, LOAN_COLUMNS, loan_rows)
    _loan_history()
    n_holds = seeder.copy(Hold, HOLD_COLUMNS, hold_rows)
    return {"items": len(items), "loans": n_loans, "holds": n_holds}


def _loans_of_one_item(seeder: Seeder, item_type, intake) -> list[tuple]:
    """(lent_at, due_on, returned_at or None) for one item from its intake to today: loans one after the
    other, so that an item is never on two active loans; some are late, the last may still be out."""
    rng = seeder.rng
    loans, day = [], intake + timedelta(days=rng.randint(1, 30))
    while day < seeder.today:
        days = rng.randint(14, item_type.default_loan_days)
        due = day + timedelta(days=days)
        lent_at = local(day, time(rng.randint(10, 12), rng.choice((0, 15, 30, 45))))
        late = rng.random() < 0.12
        back_day = due + timedelta(days=rng.randint(1, 40)) if late else day + timedelta(
            days=rng.randint(max(1, days // 2), days))
        if back_day >= seeder.today:
            if rng.random() < 0.7 or due >= seeder.today:
                loans.append((lent_at, due, None))  # still out (some of them overdue)
            break
        loans.append((lent_at, due, local(back_day, time(rng.randint(10, 19), 0))))
        day = back_day + timedelta(days=rng.randint(2, 45))
    return loans


def _loan_history() -> None:
    """One "created" history row per loan, in one INSERT … SELECT: `check_integrity` expects every loan to
    have one (loans are only ever written by the services). Other audited tables get none (carehub/scale.py)."""
    history = Loan.history.model
    kept = {f.column for f in history._meta.concrete_fields}  # the history leaves out the record key
    fields = [f.column for f in Loan._meta.concrete_fields if f.column in kept]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(history._meta.db_table)} ({columns}, history_date, history_type) "
            f"SELECT {columns}, lent_at, '+' FROM {qn(Loan._meta.db_table)}"
        )
