"""Erasing a person changes no planners' figure: not for any period from one day to three years, not for any
district, not for any hub, not in the monthly series (docs/privacy.md, "What stays").

The person below has a year and a half of activity at `hub`: registration, loans (one late), a hold that
became a loan and one still waiting, bookings attended, missed and waitlisted, an upcoming booking, advice
appointments attended, missed and upcoming, a support group. Other people share the same days, so that the
published figures are numbers, not "<5".

Which of the person's rows a period contains only changes where one of its ends crosses a day with the
person's activity: every period whose ends are on such a day, the day before or the day after, is checked (in
a few batched queries, through `metrics.compute`, raw figures and bases, before any disclosure control), and
so is every single day of that time. The published figures — the dashboard rows for the whole city, each
district and the coordinator's own hub, and every hub's monthly series — are compared for the periods a
planner would pick.
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.cache import cache

from activities.models import Activity, Booking, GroupMembership, Session
from advice.models import AdviceService, Appointment
from carehub.insights import metrics, selectors
from carehub.models import District, Person, Role
from carehub.permissions import access_for
from carehub.privacy import erase_person
from carehub.timezones import LOCAL_TZ
from lending.models import Hold, HoldStatus, Item, ItemType, Loan
from tests.conftest import make_hub, make_person, make_user

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=LOCAL_TZ)  # a Monday; the person's history runs from March 2025
THREE_YEARS = 3 * 366
OTHERS = 12  # people sharing each of the person's days


def at(day: date, hour: int = 11, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    cache.clear()  # the figures' cache is emptied again between "before" and "after"
    yield
    cache.clear()


class History:
    """Builds the person's activity and, on the same days, the same activity by `OTHERS` other people."""

    def __init__(self, hub, advisor):
        self.hub, self.advisor = hub, advisor
        self.days: set[date] = set()
        self.wheelchair = ItemType.objects.create(name=f"Cadira de rodes {hub.slug}", category="mobility")
        self.activity = Activity.objects.create(hub=hub, title="Passejada", capacity=30)
        self.service = AdviceService.objects.create(hub=hub, kind="legal", name="Assessorament jurídic")
        self.items = 0
        self.minutes = 0  # advice appointments follow one another: one advisor, no overlap

    def mark(self, *moments):
        for moment in moments:
            if moment is not None:
                self.days.add(moment.astimezone(LOCAL_TZ).date() if isinstance(moment, datetime) else moment)

    def others(self, registered: datetime) -> list[Person]:
        self.mark(registered)
        return Person.objects.bulk_create(
            [Person(home_hub=self.hub, first_name=f"Veïna{n}", created_at=registered) for n in range(OTHERS)])

    def loan(self, people, lent: date, days: int, back_after: int | None):
        """Each of `people` borrows an item on `lent`, due `days` later, back `back_after` days after lending
        (None: still out)."""
        for person in people:
            self.items += 1
            item = Item.objects.create(asset_tag=f"WC-{self.hub.pk}-{self.items:03d}", item_type=self.wheelchair,
                                       hub=self.hub, created_at=at(date(2024, 1, 8)),
                                       status="on_loan" if back_after is None else "available")
            returned = None if back_after is None else at(lent + timedelta(days=back_after), 17)
            Loan.objects.create(item=item, hub=self.hub, borrower=person, lent_at=at(lent),
                                due_on=lent + timedelta(days=days), returned_at=returned,
                                return_condition="" if returned is None else "good")
            self.mark(lent, lent + timedelta(days=days), returned)

    def hold(self, people, asked: date, fulfilled: date | None):
        for person in people:
            Hold.objects.create(item_type=self.wheelchair, hub=self.hub, person=person,
                                created_at=at(asked, 10), queued_at=at(asked, 10),
                                status=HoldStatus.FULFILLED if fulfilled else HoldStatus.WAITING,
                                closed_at=at(fulfilled, 10) if fulfilled else None)
            self.mark(asked, fulfilled)

    def session(self, day: date, bookings: list[tuple[Person, str, str]], capacity: int = 30) -> Session:
        """A session on `day` with (person, status, attendance) bookings."""
        confirmed = sum(status == "confirmed" for _p, status, _a in bookings)
        session = Session.objects.create(activity=self.activity, starts_at=at(day, 10), ends_at=at(day, 12),
                                         capacity=capacity, confirmed_count=confirmed)
        Booking.objects.bulk_create([
            Booking(session=session, person=person, status=status, attendance=attendance,
                    created_at=at(day - timedelta(days=6)), confirmed_at=at(day - timedelta(days=6))
                    if status == "confirmed" else None) for person, status, attendance in bookings])
        self.mark(day, day - timedelta(days=6))
        return session

    def appointments(self, people, day: date, asked: date, status: str):
        for person in people:
            starts = at(day, 9) + timedelta(minutes=self.minutes)
            self.minutes += 30
            ends = starts + timedelta(minutes=30)
            Appointment.objects.create(service=self.service, advisor=self.advisor, hub=self.hub, person=person,
                                       status=status, starts_at=starts, ends_at=ends, blocked_until=ends,
                                       created_at=at(asked))
            self.mark(day, asked)
        self.minutes = 0


@pytest.fixture
def world(hub, other_hub, coordinator, planner):
    """The person's history at `hub` (Eixample); a second Eixample hub and `other_hub` (Sants-Montjuïc) with
    activity of their own, so that district slices and the whole city have more than one hub."""
    advisor = make_user(roles=[(Role.ADVISOR, hub)])
    history = History(hub, advisor)
    registered = at(date(2025, 3, 10), 10)
    subject = make_person(hub, first_name="Montserrat", last_name="Garcia Pujol", birth_year=1958,
                          document_number="12345678Z")
    Person.objects.filter(pk=subject.pk).update(created_at=registered)
    others = history.others(registered)
    everyone = [subject, *others]
    history.hold(everyone, date(2025, 3, 20), fulfilled=date(2025, 4, 2))
    history.loan(everyone, date(2025, 4, 2), days=30, back_after=38)  # late
    history.loan(everyone, date(2026, 1, 15), days=60, back_after=17)
    history.hold([subject], date(2026, 5, 30), fulfilled=None)  # cancelled by the erasure
    history.session(date(2025, 6, 5), [(p, "confirmed", "attended") for p in everyone])
    history.session(date(2025, 11, 20), [(p, "confirmed", "no_show" if p is subject else "attended")
                                         for p in everyone])
    history.session(date(2026, 2, 12), [(p, "confirmed", "attended") for p in others[:10]]
                    + [(p, "waitlisted", "unknown") for p in [subject, *others[10:]]], capacity=10)
    # Upcoming and full, with a waitlist: the erasure cancels the person's place and promotes the next one.
    history.session(date(2026, 6, 25), [(p, "confirmed", "unknown") for p in everyone[:10]]
                    + [(p, "waitlisted", "unknown") for p in everyone[10:]], capacity=10)
    history.appointments(everyone, date(2025, 9, 10), asked=date(2025, 8, 28), status="attended")
    history.appointments(everyone, date(2026, 3, 4), asked=date(2026, 2, 20), status="no_show")
    history.appointments(everyone, date(2026, 6, 22), asked=date(2026, 6, 10), status="booked")
    group = Activity.objects.create(hub=hub, title="Grup de suport", kind="support_group", capacity=12)
    GroupMembership.objects.create(activity=group, person=subject, status="member")

    second_eixample = make_hub(name="Vila Veïna Fort Pienc", slug="fort-pienc", district="eixample")
    for other in (second_eixample, other_hub):
        elsewhere = History(other, make_user(roles=[(Role.ADVISOR, other)]))
        people = elsewhere.others(at(date(2025, 3, 10), 16))
        elsewhere.loan(people, date(2025, 4, 2), days=30, back_after=20)
        elsewhere.appointments(people, date(2025, 9, 10), asked=date(2025, 9, 1), status="attended")
    history.mark(NOW)
    return {"subject": subject, "hubs": [hub, second_eixample, other_hub], "days": sorted(history.days),
            "coordinator": coordinator, "planner": planner}


def _periods_to_check(days: list[date]) -> list[tuple[date, date]]:
    """Every period (one day to three years) whose ends lie on a day of the person's activity or next to one,
    plus every single day from a month before the person's first activity to today (a day missed above
    would show there)."""
    edges = sorted({day + timedelta(days=shift) for day in days for shift in (-1, 0, 1)})
    periods = {(a, b) for a in edges for b in edges if a <= b and (b - a).days < THREE_YEARS}
    periods |= {(edges[0], edges[0] + timedelta(days=THREE_YEARS - 1)),
                (edges[-1] - timedelta(days=THREE_YEARS - 1), edges[-1])}  # three years, either way
    day = min(days) - timedelta(days=30)
    while day <= NOW.date():
        periods.add((day, day))
        day += timedelta(days=1)
    return sorted(periods)


def _raw_figures(hub_ids, periods) -> list[dict]:
    """Raw figures and bases (nothing suppressed or perturbed) of every hub over every period, up to 200
    periods per call (each call is one fixed set of queries)."""
    found = []
    for start in range(0, len(periods), 200):
        chunk = periods[start:start + 200]
        buckets = [metrics.Bucket(index, first, last) for index, (first, last) in enumerate(chunk)]
        computed = metrics.compute(hub_ids, buckets)
        found += [{hub_id: computed[hub_id, index] for hub_id in hub_ids} for index in range(len(chunk))]
    return found


def _erase(world):
    erase_person(access=access_for(world["coordinator"]), person_id=world["subject"].pk,
                 reason="person_request")
    subject = Person.objects.get(pk=world["subject"].pk)
    assert subject.erased_at is not None and subject.first_name == "[erased]" and subject.birth_year is None
    # The erasure did act on what was upcoming (so the comparison is not trivially about an untouched person).
    assert not Booking.objects.filter(person=subject, session__starts_at__gt=NOW, status="confirmed").exists()
    assert not Appointment.objects.filter(person=subject, status="booked").exists()
    assert not Hold.objects.filter(person=subject, status="waiting").exists()


def test_no_raw_figure_of_any_period_from_one_day_to_three_years_changes(world):
    hub_ids = [hub.pk for hub in world["hubs"]]
    periods = _periods_to_check(world["days"])
    assert len(periods) > 2000
    before = _raw_figures(hub_ids, periods)
    # The check has teeth: the person's registration day shows the person among the new people.
    registration = periods.index((date(2025, 3, 10), date(2025, 3, 10)))
    assert before[registration][hub_ids[0]]["new_people"] == OTHERS + 1

    _erase(world)

    after = _raw_figures(hub_ids, periods)
    changed = [(period, hub_id) for period, old, new in zip(periods, before, after) for hub_id in hub_ids
               if old[hub_id] != new[hub_id]]
    assert changed == []


def _published(world) -> dict:
    """What planners and the coordinator see: the dashboard's rows (city, each district, own hub) and each
    hub's monthly series, for the periods a planner picks around the person's activity."""
    planner, coordinator = access_for(world["planner"]), access_for(world["coordinator"])
    days = world["days"]
    periods = [(day, day) for day in days if day <= NOW.date()] + [
        (date(2025, 3, 1), date(2025, 3, 31)), (date(2025, 1, 1), date(2025, 12, 31)),
        (date(2025, 3, 10), date(2026, 3, 9)), (date(2023, 6, 16), date(2026, 6, 15)),
        (selectors.default_period(NOW.date()).date_from, NOW.date())]
    seen = {}
    for first, last in periods:
        period = selectors.Period(first, last)
        for district in [None, *District.values]:
            rows, _sort = selectors.hub_rows(planner, period=period, district=district)
            seen["city", district, first, last] = [(row.hub.slug, row.figures) for row in rows]
        rows, _sort = selectors.hub_rows(coordinator, period=period)
        seen["own hub", first, last] = [(row.hub.slug, row.figures) for row in rows]
    three_years = selectors.Period(date(2023, 7, 1), NOW.date())
    for hub in world["hubs"]:
        seen["monthly", hub.slug] = [(month.month, month.figures)
                                     for month in selectors.hub_monthly(planner, hub, period=three_years)]
    return seen


def test_no_published_figure_changes_for_any_district_hub_or_month(world):
    before = _published(world)
    # The figures compared are numbers at the person's hub, not only "<5".
    registration_day = before["city", None, date(2025, 3, 10), date(2025, 3, 10)]
    assert dict(registration_day)[world["hubs"][0].slug]["new_people"] is not None
    monthly = dict(before["monthly", world["hubs"][0].slug])
    assert monthly["2025-03"]["new_people"] is not None and monthly["2025-04"]["loans"] is not None

    _erase(world)
    cache.clear()

    after = _published(world)
    assert {key for key in before if before[key] != after[key]} == set()
