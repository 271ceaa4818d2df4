"""Series of sessions in Europe/Madrid wall-clock time.

A weekly 10:00 session stays at 10:00 local time across the daylight-saving changes in March and October:
every occurrence is computed as a naive local date and time, then given the zone, never by adding 7×24 hours
to a UTC instant (the classic bug of django-scheduler #109, #304, #509).
"""

from datetime import date, datetime, timedelta

from carehub.timezones import LOCAL_TZ

from .models import Frequency

MAX_OCCURRENCES = 104
# The days a session may fall on. Far enough for any programme, and far from the edges of Python's dates,
# where "the day after" or a series of 104 fortnights would overflow (9999-12-31 was a 500).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
STEP = {Frequency.WEEKLY: timedelta(days=7), Frequency.FORTNIGHTLY: timedelta(days=14)}


def to_local_naive(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_TZ).replace(tzinfo=None)


def from_local_naive(moment: datetime) -> datetime:
    """The aware instant of a local wall-clock time (fold=0: the first 02:30 on the October change)."""
    return moment.replace(tzinfo=LOCAL_TZ)


def series(
    *, starts_at: datetime, ends_at: datetime, frequency: str, occurrences: int | None = None,
    until: date | None = None,
) -> list[tuple[datetime, datetime]]:
    """(starts_at, ends_at) of every occurrence, first included; one pair for a one-off activity."""
    first_start, first_end = to_local_naive(starts_at), to_local_naive(ends_at)
    duration = first_end - first_start
    if frequency == Frequency.ONCE:
        return [(from_local_naive(first_start), from_local_naive(first_end))]
    step = STEP[frequency]
    limit = min(occurrences or MAX_OCCURRENCES, MAX_OCCURRENCES)
    result = []
    for n in range(limit):
        local_start = first_start + n * step
        if until is not None and local_start.date() > until:
            break
        result.append((from_local_naive(local_start), from_local_naive(local_start + duration)))
    return result


def shift_wall_clock(moment: datetime, shift: timedelta) -> datetime:
    """Move an instant by `shift` in local wall-clock time (so "one hour later" stays right across DST)."""
    return from_local_naive(to_local_naive(moment) + shift)
