"""The figures on hand-made data with known answers (raw numbers, before suppression)."""

from datetime import date

import pytest

from carehub.insights import metrics
from tests.insights.conftest import PERIOD

pytestmark = pytest.mark.django_db


def figures_of(hub, period=PERIOD):
    raw = metrics.compute([hub.pk], metrics.period_bucket(*period))
    cell = raw[(hub.pk, 0)]
    metrics.add_population_rates(cell, hub.population)
    return cell


def test_people_reached_counts_each_person_once_across_loans_bookings_and_appointments(city):
    # Loans: people 0-5; confirmed bookings: 0-4; appointments (not cancelled): 6-11. Person 11's cancelled
    # booking and cancelled appointment and the waitlisted people do not count by themselves.
    assert figures_of(city.hub)["people_reached"] == 12
    assert figures_of(city.hub)["people_reached_per_1000"] == pytest.approx(12 * 1000 / 20000)


def test_new_people_are_those_registered_in_the_period(city):
    assert figures_of(city.hub)["new_people"] == 5


def test_loans_and_loans_per_1000(city):
    cell = figures_of(city.hub)
    assert cell["loans"] == 6
    assert cell["loans_per_1000"] == pytest.approx(0.3)
    assert figures_of(city.other_hub)["loans"] == 1


def test_overdue_rate_counts_late_returns_and_items_still_out(city):
    assert figures_of(city.hub)["overdue_rate"] == pytest.approx(2 / 6)


def test_item_utilisation_is_the_share_of_item_days_on_loan(city):
    start, end = metrics.local_midnight(date(2025, 1, 1)), metrics.local_midnight(date(2025, 4, 1))
    on_loan = sum(((loan.returned_at or end) - loan.lent_at).total_seconds() for loan in city.loans)
    in_stock = 6 * (end - start).total_seconds()
    assert figures_of(city.hub)["item_utilisation"] == pytest.approx(on_loan / in_stock, rel=1e-3)


def test_median_wait_from_hold_to_loan(city):
    cell = figures_of(city.hub)
    assert cell["median_hold_wait_days"] == pytest.approx(3)
    assert cell["_holds_fulfilled"] == 5


def test_sessions_fill_attendance_no_show_and_waitlist(city):
    cell = figures_of(city.hub)
    assert cell["sessions_held"] == 2
    assert cell["fill_rate"] == pytest.approx(0.5)
    assert cell["attendance_rate"] == pytest.approx(0.7)
    assert cell["no_show_rate"] == pytest.approx(0.3)
    assert cell["waitlist_size"] == 6


def test_advice_appointments_wait_and_no_show(city):
    cell = figures_of(city.hub)
    assert cell["advice_appointments"] == 6
    assert cell["median_days_to_advice"] == pytest.approx(7)  # waits of 2, 4, 6, 8, 10, 12 days
    assert cell["advice_no_show_rate"] == pytest.approx(0.2)


def test_nothing_counts_outside_the_period(city):
    cell = figures_of(city.hub, (date(2024, 1, 1), date(2024, 9, 30)))
    assert (cell["loans"], cell["people_reached"], cell["sessions_held"], cell["advice_appointments"]) == (0, 0, 0, 0)


def test_monthly_buckets_split_the_same_figures_by_month(city):
    buckets = metrics.month_buckets(*PERIOD)
    raw = metrics.compute([city.hub.pk], buckets)
    assert [raw[(city.hub.pk, b.index)]["loans"] for b in buckets] == [6, 0, 0]
    assert [raw[(city.hub.pk, b.index)]["sessions_held"] for b in buckets] == [0, 2, 0]
    assert [raw[(city.hub.pk, b.index)]["advice_appointments"] for b in buckets] == [0, 0, 6]
    assert [raw[(city.hub.pk, b.index)]["_loans_due"] for b in buckets] == [0, 6, 0]


def test_month_buckets_cover_the_period_exactly():
    buckets = metrics.month_buckets(date(2025, 1, 15), date(2025, 3, 2))
    assert [(b.first_day, b.last_day) for b in buckets] == [
        (date(2025, 1, 15), date(2025, 1, 31)), (date(2025, 2, 1), date(2025, 2, 28)),
        (date(2025, 3, 1), date(2025, 3, 2))]
