"""The differencing attack of issue 14 fails: a few events on one known day at one hub cannot be recovered by
subtracting two periods that differ only by that day (API, CSV, monthly series), nor two views that differ only
by that hub (districts, a coordinator's own hub). No published count is ever 1, 2, 3 or 4.

Record keys are fixed from a seeded generator (`fix_record_keys`), so that the test is the same on every run;
the guarantee does not depend on those keys, only on their being unknown to the caller."""

import csv
import io
from datetime import date, timedelta

import pytest

from activities.models import Activity, Session
from advice.models import AdviceService, Appointment
from carehub.insights.metrics import COUNT, FIGURES
from carehub.models import Person, Role
from lending.models import Item, ItemType, Loan
from tests.conftest import bearer, client_for, make_hub, make_person, make_user
from tests.insights.conftest import at, fix_record_keys

pytestmark = pytest.mark.django_db

DAY = date(2025, 2, 12)
KNOWN = {"loans": 3, "advice_appointments": 2, "sessions_held": 1, "new_people": 4}  # all of them on DAY
FIRST, LAST = date(2025, 1, 1), date(2025, 3, 31)


def days():
    day = FIRST
    while day <= LAST:
        yield day
        day += timedelta(days=1)


@pytest.fixture
def known_day():
    """At `hub`: every day of January-March 2025 but DAY, two loans, an appointment, a session and a new
    person; on DAY only the small activity of KNOWN. Two other hubs, one in the same district."""
    hub = make_hub(name="Vila Veïna Vallcarca", slug="vallcarca", district="gracia")
    neighbour = make_hub(name="Vila Veïna la Salut", slug="la-salut", district="gracia")
    elsewhere = make_hub(name="Vila Veïna Fort Pienc", slug="fort-pienc", district="eixample")
    borrower = make_person(hub)
    advisor = make_user(roles=[(Role.ADVISOR, hub)])
    service = AdviceService.objects.create(hub=hub, kind="legal", name="Assessorament jurídic")
    activity = Activity.objects.create(hub=hub, title="Cafè de persones cuidadores", capacity=10)
    wheelchair = ItemType.objects.create(name="Folding wheelchair", category="mobility")
    plan = {day: ({"loans": 2, "advice_appointments": 1, "sessions_held": 1, "new_people": 1} if day != DAY
                  else KNOWN) for day in days()}
    items = Item.objects.bulk_create([Item(asset_tag=f"V{n}", item_type=wheelchair, hub=hub, created_at=at(2024, 12, 1))
                                      for n in range(sum(p["loans"] for p in plan.values()))])
    loans, appointments, sessions, people = [], [], [], []
    for day, counts in plan.items():
        for n in range(counts["loans"]):
            loans.append(Loan(item=items[len(loans)], hub=hub, borrower=borrower, lent_at=at(day.year, day.month,
                              day.day, 10 + n), due_on=day + timedelta(days=20),
                              returned_at=at(day.year, day.month, day.day, 18)))
        for n in range(counts["advice_appointments"]):
            starts = at(day.year, day.month, day.day, 9 + n)
            appointments.append(Appointment(service=service, advisor=advisor, hub=hub, person=borrower,
                                            status="attended", starts_at=starts,
                                            ends_at=starts + timedelta(minutes=30),
                                            blocked_until=starts + timedelta(minutes=30),
                                            created_at=starts - timedelta(days=3)))
        for n in range(counts["sessions_held"]):
            starts = at(day.year, day.month, day.day, 17)
            sessions.append(Session(activity=activity, starts_at=starts, ends_at=starts + timedelta(hours=2),
                                    capacity=10))
        for n in range(counts["new_people"]):
            people.append(make_person(hub))
            people[-1].created_at = at(day.year, day.month, day.day, 12, n)
    Loan.objects.bulk_create(loans)
    Appointment.objects.bulk_create(appointments)
    Session.objects.bulk_create(sessions)
    Person.objects.bulk_update(people, ["created_at"])
    Person.objects.filter(pk=borrower.pk).update(created_at=at(2024, 1, 1))
    fix_record_keys()
    return hub, neighbour, elsewhere


def period_pairs():
    """Every pair of periods that differ only by DAY: (with it, without it)."""
    for start in days():
        if start < DAY - timedelta(days=6):
            yield (start, DAY), (start, DAY - timedelta(days=1))
    for end in days():
        if end > DAY + timedelta(days=6):
            yield (DAY, end), (DAY + timedelta(days=1), end)


def assert_attack_fails(differences: dict, channel: str):
    for key, found in differences.items():
        assert len(found) >= 10, f"{channel}: too few published pairs of {key} to attack"
        exact = sum(1 for d in found if d == KNOWN[key])
        # Subtracting gives back the true count in some pairs (noise can cancel), but never in all of them nor in
        # most: the caller cannot tell which pairs are right.
        assert exact < len(found), f"{channel}: every pair gives {key} = {KNOWN[key]} back"
        assert exact / len(found) < 0.5, f"{channel}: {exact} of {len(found)} pairs give {key} back"
        assert len(set(found)) >= 3, f"{channel}: {key}'s differences {sorted(set(found))} are too telling"


def api_row(client, headers, slug, period):
    rows = client.get(f"/api/v1/insights/hubs?date_from={period[0]}&date_to={period[1]}", **headers).json()
    return next(r for r in rows if r["hub"] == slug)


def test_subtracting_two_periods_through_the_api_never_gives_the_days_counts(client, known_day, planner):
    hub = known_day[0]
    headers = bearer(planner)
    differences = {key: [] for key in KNOWN}
    for with_day, without_day in period_pairs():
        a, b = api_row(client, headers, hub.slug, with_day), api_row(client, headers, hub.slug, without_day)
        for key in KNOWN:
            if a[key] is not None and b[key] is not None:
                differences[key].append(a[key] - b[key])
        for row in (a, b):
            assert not [f.key for f in FIGURES if f.kind == COUNT and row[f.key] in (1, 2, 3, 4)]
    assert_attack_fails(differences, "API")


def test_subtracting_two_periods_through_the_csv_never_gives_the_days_counts(known_day, planner):
    hub = known_day[0]
    client = client_for(planner)
    columns = {f.key: 3 + i for i, f in enumerate(FIGURES)}

    def row(period):
        response = client.get(f"/insights/hubs.csv?date_from={period[0]}&date_to={period[1]}")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        return next(r for r in rows[1:] if r[0] == hub.name)

    differences = {key: [] for key in KNOWN}
    for with_day, without_day in list(period_pairs())[::2]:
        a, b = row(with_day), row(without_day)
        for key in KNOWN:
            x, y = a[columns[key]], b[columns[key]]
            if x != "<5" and y != "<5":
                differences[key].append(int(x) - int(y))
        for r in (a, b):
            assert not [f.key for f in FIGURES if f.kind == COUNT and r[columns[f.key]] in ("1", "2", "3", "4")]
    assert_attack_fails(differences, "CSV")


def test_subtracting_two_monthly_series_never_gives_the_days_counts(client, known_day, planner):
    # The February bucket is clipped to the period: moving an end of the period by DAY moves only that month.
    hub = known_day[0]
    headers = bearer(planner)

    def february(period):
        body = client.get(f"/api/v1/insights/hubs/{hub.slug}/monthly?date_from={period[0]}&date_to={period[1]}",
                          **headers).json()
        for month in body["months"]:
            assert not [f.key for f in FIGURES if f.kind == COUNT and month[f.key] in (1, 2, 3, 4)]
        return next(m for m in body["months"] if m["month"] == "2025-02")

    differences = {key: [] for key in KNOWN}
    pairs = [((start, DAY), (start, DAY - timedelta(days=1))) for start in days() if start < DAY - timedelta(days=3)]
    pairs += [((DAY, end), (DAY + timedelta(days=1), end)) for end in days() if end > DAY + timedelta(days=3)]
    for with_day, without_day in pairs:
        a, b = february(with_day), february(without_day)
        for key in KNOWN:
            if a[key] is not None and b[key] is not None:
                differences[key].append(a[key] - b[key])
    assert_attack_fails(differences, "monthly series")


def test_views_that_differ_by_the_hub_publish_the_same_cell(client, known_day, planner):
    # A district, the whole city and the hub's coordinator each see the same row for the hub: nothing published
    # for a set of hubs, so two districts (or two coordinators' views) differing by the hub hold no difference.
    hub, neighbour, elsewhere = known_day
    coordinator = make_user("coordinator-vallcarca", roles=[(Role.COORDINATOR, hub)])
    query = f"date_from={DAY}&date_to={DAY}"
    city = client.get(f"/api/v1/insights/hubs?{query}", **bearer(planner)).json()
    gracia = client.get(f"/api/v1/insights/hubs?{query}&district=gracia", **bearer(planner)).json()
    eixample = client.get(f"/api/v1/insights/hubs?{query}&district=eixample", **bearer(planner)).json()
    own = client.get(f"/api/v1/insights/hubs?{query}", **bearer(coordinator)).json()
    by_slug = {r["hub"]: r for r in city}
    assert [r["hub"] for r in own] == [hub.slug] and own[0] == by_slug[hub.slug]
    assert {r["hub"] for r in gracia} == {hub.slug, neighbour.slug}
    assert all(r == by_slug[r["hub"]] for r in gracia + eixample)
    assert {r["hub"] for r in city} == {hub.slug, neighbour.slug, elsewhere.slug}  # no totals row to subtract
    # The day alone: the small counts are not published; zero is.
    day = by_slug[hub.slug]
    assert (day["loans"], day["advice_appointments"], day["sessions_held"], day["new_people"]) == (None,) * 4
    assert by_slug[neighbour.slug]["loans"] == 0
