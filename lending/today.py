"""Lending's section of the desk's day (registry hook `desk_day`): holds ready to collect and offers about to
lapse, items waiting for cleaning or repair, loans due today and overdue loans to chase, the day's deposits, at the
desk's hubs.

Each list is capped (SHOWN rows, plus one to tell that there are more, with a link to the full list): five
queries whatever the stock and the number of loans."""

from datetime import timedelta

from django.utils.translation import gettext as _

from carehub.notifications.phones import for_display

from . import selectors
from .models import HoldStatus, ItemStatus

SHOWN = 30
# An offer that ends within this time is listed as about to lapse: phone the person today.
LAPSING_WITHIN = timedelta(hours=24)


def _capped(rows) -> tuple[list, bool]:
    rows = list(rows[:SHOWN + 1])
    return rows[:SHOWN], len(rows) > SHOWN


def desk_day(access, *, hub_ids, today, now) -> dict:
    offers, more_offers = _capped(
        selectors.holds_visible_to(access).filter(hub_id__in=hub_ids, status=HoldStatus.OFFERED)
        .order_by("offer_expires_at", "pk"))
    lapse_by = now + LAPSING_WITHIN
    items, more_items = _capped(
        selectors.items_visible_to(access).filter(hub_id__in=hub_ids,
                                                  status__in=[ItemStatus.CLEANING, ItemStatus.IN_REPAIR])
        .order_by("status", "asset_tag"))
    active = selectors.loans_visible_to(access).filter(hub_id__in=hub_ids, returned_at__isnull=True)
    due_today, more_due = _capped(active.filter(due_on=today).order_by("item__asset_tag", "pk"))
    overdue, more_overdue = _capped(active.filter(due_on__lt=today).order_by("due_on", "pk"))
    for loan in overdue:
        loan.days_late = (today - loan.due_on).days
    for person in [hold.person for hold in offers] + [loan.borrower for loan in due_today + overdue]:
        person.phone_display = for_display(person.phone)  # as the desk reads it aloud
    lapsing = [hold for hold in offers if hold.offer_expires_at <= lapse_by]
    return {
        "template": "today/_lending.html", "order": 30, "anchor": "day-lending",
        "title": _("Lending"), "count": len(offers) + len(items) + len(due_today) + len(overdue),
        "lapsing": lapsing, "ready": [hold for hold in offers if hold.offer_expires_at > lapse_by],
        "more_offers": more_offers, "items": items, "more_items": more_items,
        "due_today": due_today, "more_due": more_due, "overdue": overdue, "more_overdue": more_overdue,
        "deposits": selectors.deposits_on(access, today),
    }
