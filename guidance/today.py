"""Guidance's section of the desk's day (registry hook `desk_day`): online questions waiting for an answer,
follow-ups due (today or overdue), and, for coordinators, directory entries not reviewed for twelve months.

Each list is capped (SHOWN rows, plus one to tell that there are more, with a link to the full list): three
queries whatever the numbers."""

from django.utils.translation import gettext as _

from carehub import permissions
from carehub.notifications.phones import for_display

from . import selectors

SHOWN = 30


def _capped(rows) -> tuple[list, bool]:
    rows = list(rows[:SHOWN + 1])
    return rows[:SHOWN], len(rows) > SHOWN


def desk_day(access, *, hub_ids, today, now) -> dict:
    waiting, more_waiting = _capped(selectors.waiting_requests(access, hub_ids=hub_ids))
    due, more_due = _capped(selectors.follow_ups_due(access, hub_ids=hub_ids, today=today))
    coordinated = [hub_id for hub_id in hub_ids if permissions.can_edit_directory_of(access, hub_id)]
    stale, more_stale = _capped(selectors.stale_resources(hub_ids=coordinated, today=today)) if coordinated \
        else ([], False)
    for attention in waiting + due:
        if attention.person is not None:
            attention.person.phone_display = for_display(attention.person.phone)
        attention.days_late = (today - attention.follow_up_on).days if attention.follow_up_on else 0
    return {
        "template": "guidance/_desk_day.html", "order": 25, "anchor": "day-guidance",
        "title": _("Questions and follow-ups"), "count": len(waiting) + len(due) + len(stale),
        "waiting": waiting, "more_waiting": more_waiting, "due": due, "more_due": more_due,
        "stale": stale, "more_stale": more_stale, "today": today,
    }
