"""Series of sessions in Europe/Madrid wall-clock time.

A weekly 10:00 session stays at 10:00 local time across the daylight-saving changes in March and October:
every occurrence is computed as a naive local date and time, then given the zone, never by adding 7×24 hours
to a UTC instant (the classic bug of django-scheduler #109, #304, #509).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from carehub.holidays import holidays_between
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
    """(starts_at, ends_at) of every occurrence, first included; one pair for a one-off activity. Holidays
    included: `plan()` is what skips them."""
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


@dataclass(frozen=True)
class PlannedSession:
    """One date of a series as the coordinator sees it before saving: `holiday` names a public holiday, and
    `included` says whether a session will be created on it (holidays are left out unless chosen)."""

    starts_at: datetime
    ends_at: datetime
    holiday: str | None
    included: bool

    @property
    def day(self) -> date:
        return to_local_naive(self.starts_at).date()


def plan(
    *, starts_at: datetime, ends_at: datetime, frequency: str, occurrences: int | None = None,
    until: date | None = None, skip_holidays: bool = True,
) -> list[PlannedSession]:
    """The dates of a series, holidays named. With `skip_holidays`, a holiday is listed but not included and
    does not count: "10 sessions" are 10 sessions held, the series runs one week (or fortnight) longer. With
    `until` the series ends on that date whatever it skipped. Never more than MAX_OCCURRENCES included."""
    first_start, first_end = to_local_naive(starts_at), to_local_naive(ends_at)
    duration = first_end - first_start
    if frequency == Frequency.ONCE:
        steps, wanted = [first_start], 1
    else:
        wanted = min(occurrences or MAX_OCCURRENCES, MAX_OCCURRENCES)
        # Skipped holidays lengthen the series; a year has a dozen, so twice the dates (and a few) is a safe bound.
        steps = [first_start + n * STEP[frequency] for n in range(2 * wanted + 4)]
    steps = [moment for moment in steps if moment.date() <= LAST_DAY and (until is None or moment.date() <= until)]
    if not steps:
        return []
    names = holidays_between(steps[0].date(), steps[-1].date())
    result, included = [], 0
    for local_start in steps:
        if included >= wanted:
            break
        holiday = names.get(local_start.date())
        # A one-off is on the date the coordinator typed: named if a holiday, never dropped.
        include = holiday is None or not skip_holidays or frequency == Frequency.ONCE
        included += include
        result.append(PlannedSession(from_local_naive(local_start), from_local_naive(local_start + duration),
                                     holiday, include))
    return result


def shift_wall_clock(moment: datetime, shift: timedelta) -> datetime:
    """Move an instant by `shift` in local wall-clock time (so "one hour later" stays right across DST)."""
    return from_local_naive(to_local_naive(moment) + shift)
