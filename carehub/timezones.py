"""Local time: carehub stores UTC and shows Europe/Madrid (settings.TIME_ZONE). Dates people choose are dates;
times people type are wall-clock times at the hub."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

LOCAL_TZ = ZoneInfo(settings.TIME_ZONE)


def aware(moment: datetime | None) -> datetime | None:
    """A time without an offset is read as local wall-clock time; one with an offset is kept."""
    if moment is not None and timezone.is_naive(moment):
        return moment.replace(tzinfo=LOCAL_TZ)
    return moment


def local_datetime(day: date, at: time) -> datetime:
    """The aware moment of `at` o'clock on `day` at the hub (the right UTC offset on each side of a DST change)."""
    return datetime.combine(day, at, tzinfo=LOCAL_TZ)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a local day, as aware datetimes (23 or 25 hours long on DST days)."""
    return local_datetime(day, time.min), local_datetime(day + timedelta(days=1), time.min)
