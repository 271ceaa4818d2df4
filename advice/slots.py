"""Free slots, computed in Python from rows already loaded (no queries here).

Windows are weekly wall-clock times in Europe/Madrid: each date's window is built with that date's UTC offset,
so a Tuesday 10:00 window is at 10:00 local time before and after a daylight-saving change. Slots start at
the window's start and every `appointment + buffer` minutes; a slot fits when the appointment (not the
buffer) ends inside the window. A slot is taken when its range *with buffer* meets an existing appointment's
range with buffer — the same rule as the database's exclusion constraint.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from carehub.timezones import LOCAL_TZ, local_datetime

MAX_RANGE_DAYS = 56  # eight weeks


@dataclass(frozen=True, order=True)
class Slot:
    starts_at: datetime
    ends_at: datetime
    blocked_until: datetime
    advisor_id: int
    service_id: int

    @property
    def local_date(self) -> date:
        return self.starts_at.astimezone(LOCAL_TZ).date()


def _subtract(windows: list[tuple[datetime, datetime]], cut_from: datetime, cut_to: datetime):
    out = []
    for start, end in windows:
        if cut_to <= start or end <= cut_from:
            out.append((start, end))
            continue
        if start < cut_from:
            out.append((start, cut_from))
        if cut_to < end:
            out.append((cut_to, end))
    return out


def windows_for(*, service, availability, exceptions, date_from: date, date_to: date):
    """{(advisor_id, date): [(start, end)]} for `service` from weekly `availability` rows and `exceptions`
    (both already limited to the advisors concerned)."""
    windows: dict[tuple[int, date], list] = {}
    day = date_from
    while day <= date_to:
        for row in availability:
            if row.service_id != service.pk or row.weekday != day.weekday():
                continue
            if day < row.valid_from or (row.valid_until and day > row.valid_until):
                continue
            windows.setdefault((row.advisor_id, day), []).append(
                (local_datetime(day, row.start_time), local_datetime(day, row.end_time))
            )
        day += timedelta(days=1)
    for exc in exceptions:
        if exc.kind == "extra" and exc.service_id == service.pk and date_from <= exc.date <= date_to:
            windows.setdefault((exc.advisor_id, exc.date), []).append(
                (local_datetime(exc.date, exc.start_time), local_datetime(exc.date, exc.end_time))
            )
    for exc in exceptions:
        if exc.kind != "closed":
            continue
        key = (exc.advisor_id, exc.date)
        if key not in windows:
            continue
        if exc.start_time is None:
            del windows[key]
        else:
            windows[key] = _subtract(
                windows[key], local_datetime(exc.date, exc.start_time), local_datetime(exc.date, exc.end_time)
            )
    return windows


def candidate_slots(*, service, windows) -> list[Slot]:
    """Every slot the windows allow, before removing taken or past ones."""
    length = timedelta(minutes=service.appointment_minutes)
    step = timedelta(minutes=service.step_minutes)
    buffer = timedelta(minutes=service.buffer_minutes)
    slots = set()
    for (advisor_id, _day), day_windows in windows.items():
        for start, end in day_windows:
            cursor = start
            while cursor + length <= end:
                # Normalise to UTC so that equal instants compare and hash equal whatever their tzinfo.
                utc = cursor.astimezone(ZoneInfo("UTC"))
                slots.add(Slot(utc, utc + length, utc + length + buffer, advisor_id, service.pk))
                cursor += step
    return sorted(slots)


def overlaps(slot: Slot, appointments) -> bool:
    return any(
        a.advisor_id == slot.advisor_id and a.starts_at < slot.blocked_until and slot.starts_at < a.blocked_until
        for a in appointments
    )


def free_slots(*, service, availability, exceptions, appointments, date_from, date_to, earliest) -> list[Slot]:
    """Slots of `service` between the two dates (inclusive) that start at or after `earliest` and meet no
    appointment in `appointments` (the advisors' non-cancelled appointments at any hub)."""
    windows = windows_for(
        service=service, availability=availability, exceptions=exceptions, date_from=date_from, date_to=date_to
    )
    by_advisor: dict[int, list] = {}
    for appointment in appointments:
        by_advisor.setdefault(appointment.advisor_id, []).append(appointment)
    return [
        slot
        for slot in candidate_slots(service=service, windows=windows)
        if slot.starts_at >= earliest and not overlaps(slot, by_advisor.get(slot.advisor_id, ()))
    ]
