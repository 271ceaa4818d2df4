"""Small-cell suppression rules, including the complementary suppression of monthly series."""

from carehub.insights import suppression
from carehub.insights.metrics import FIGURES


def cell(**values):
    base = {f.key: 0 for f in FIGURES if f.kind == "count"}
    base.update({"_loans_overlapping": 0, "_holds_fulfilled": 0, "_loans_due": 0, "_places_confirmed": 0,
                 "_attendance_recorded": 0, "_appointments_timed": 0, "_advice_recorded": 0})
    for f in FIGURES:
        if f.kind != "count":
            base[f.key] = 0.5
    base.update(values)
    return base


def test_counts_under_five_are_hidden_five_is_shown():
    shown = suppression.suppress_table([cell(loans=4, people_reached=5)])[0]
    assert shown["loans"] is None and shown["people_reached"] == 5


def test_rates_follow_their_base_count():
    shown = suppression.suppress_table([cell(loans=4, people_reached=50, _attendance_recorded=4,
                                             _advice_recorded=9)])[0]
    assert shown["loans_per_1000"] is None
    assert shown["people_reached_per_1000"] == 0.5
    assert shown["attendance_rate"] is None and shown["no_show_rate"] is None
    assert shown["advice_no_show_rate"] == 0.5


def test_a_lone_hidden_month_hides_the_smallest_other_month_too():
    months = [cell(loans=20), cell(loans=3), cell(loans=8), cell(loans=12)]
    assert [m["loans"] for m in suppression.suppress_series(months)] == [20, None, None, 12]


def test_two_hidden_months_need_no_complement():
    months = [cell(loans=20), cell(loans=3), cell(loans=2), cell(loans=12)]
    assert [m["loans"] for m in suppression.suppress_series(months)] == [20, None, None, 12]
