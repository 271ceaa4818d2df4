"""The perturbation table and the publication rules (carehub/insights/perturbation.py), on counts and keys."""

import random
from collections import Counter

import pytest

from carehub.insights import perturbation
from carehub.insights.perturbation import NO_BASE, Band, perturb, publish
from carehub.models import RECORD_KEY_MODULUS

_rng = random.Random(14)
KEYS = [_rng.randrange(RECORD_KEY_MODULUS) for _ in range(4000)]


def raw(**counts):
    """A raw cell of metrics: the given counts, every other count 0; keys drawn from a fixed generator."""
    rng = random.Random(sum(counts.values()) if counts else 0)
    cell = {key: 0 for key in perturbation.PERTURBED_COUNTS}
    cell.update({"_places_offered": 0, "_item_days": 0.0, "_item_days_on_loan": 0.0,
                 "median_hold_wait_days": None, "median_days_to_advice": None})
    cell.update(counts)
    for key in perturbation.PERTURBED_COUNTS:
        cell[f"{key}_key"] = rng.randrange(RECORD_KEY_MODULUS) if cell[key] else 0
    return cell


def test_no_published_count_is_1_2_3_or_4_and_every_count_moves_at_most_2():
    for count in range(0, 60):
        for key in KEYS[:600]:
            value = perturb(count, key)
            assert abs(value - count) <= 2
            shown = publish(raw(loans=count) | {"loans_key": key}, 20000)["loans"]
            assert shown is None or shown == 0 or shown >= 5
            assert shown is None or shown == value


def test_zero_stays_zero_and_no_other_count_becomes_zero():
    assert all(perturb(0, key) == 0 for key in KEYS[:100])
    assert all(perturb(count, key) >= 1 for count in (1, 2, 3) for key in KEYS)


def test_the_same_count_and_key_always_give_the_same_value():
    assert [perturb(12, key) for key in KEYS[:200]] == [perturb(12, key) for key in KEYS[:200]]
    perturbation._table.cache_clear()
    assert perturb(12, KEYS[0]) == perturb(12, KEYS[0])


def test_the_noise_follows_the_tables_probabilities_and_averages_to_nothing():
    noise = Counter(perturb(40, key) - 40 for key in KEYS)
    shares = {d: noise[d] / len(KEYS) for d in range(-2, 3)}
    for d, p in {-2: 0.10, -1: 0.20, 0: 0.40, 1: 0.20, 2: 0.10}.items():
        assert shares[d] == pytest.approx(p, abs=0.03)
    assert sum(d * n for d, n in noise.items()) / len(KEYS) == pytest.approx(0, abs=0.1)


def test_the_table_comes_from_settings(settings):
    settings.INSIGHTS_PERTURBATION = {"noise": {-1: 0.5, 1: 0.5}}
    assert {perturb(30, key) for key in KEYS[:300]} == {29, 31}
    settings.INSIGHTS_PERTURBATION = {"noise": {0: 1.0}}
    assert {perturb(30, key) for key in KEYS[:50]} == {30}


def test_probabilities_that_do_not_add_up_are_refused():
    with pytest.raises(ValueError):
        perturbation.PerturbationTable({-1: 0.5, 0: 0.2}, 256)


def test_rates_and_per_1000_figures_follow_their_perturbed_base(settings):
    settings.INSIGHTS_PERTURBATION = {"noise": {0: 1.0}}  # no noise: the rules alone
    shown = publish(raw(loans=3, _loans_due=4, _loans_late=1, _attended=30, _no_show=10), 20000)
    assert shown["loans"] is None and shown["loans_per_1000"] is None
    assert shown["overdue_rate"] is None  # 4 loans due
    assert shown["attendance_rate"] == 0.75 and shown["no_show_rate"] == 0.25
    assert shown["sessions_held"] == 0 and shown["advice_no_show_rate"] is NO_BASE


def test_an_extreme_rate_from_a_small_base_is_a_band(settings):
    settings.INSIGHTS_PERTURBATION = {"noise": {0: 1.0}}
    all_late = publish(raw(_loans_due=7, _loans_late=7), 20000)["overdue_rate"]
    assert all_late == Band(at_least=0.9)
    none_late = publish(raw(_loans_due=12, _loans_late=0), 20000)["overdue_rate"]
    assert none_late == Band(at_most=0.1)
    assert publish(raw(_loans_due=12, _loans_late=6), 20000)["overdue_rate"] == 0.5
    assert publish(raw(_loans_due=40, _loans_late=40), 20000)["overdue_rate"] == 1.0  # a base of 40 is not small


def test_a_rate_stays_a_share_whatever_the_noise():
    for key in KEYS[:300]:
        cell = raw(_loans_due=6, _loans_late=6) | {"_loans_late_key": key}
        value = publish(cell, 20000)["overdue_rate"]
        assert value is None or isinstance(value, Band) or 0.0 <= value <= 1.0


def test_medians_need_a_base_of_five():
    shown = publish(raw(_holds_fulfilled=3) | {"median_hold_wait_days": 4.0}, 20000)
    assert shown["median_hold_wait_days"] is None
    assert publish(raw() | {"median_hold_wait_days": None}, 20000)["median_hold_wait_days"] is NO_BASE
    shown = publish(raw(_holds_fulfilled=30) | {"median_hold_wait_days": 4.0}, 20000)
    assert shown["median_hold_wait_days"] == 4.0


def test_item_days_on_loan_carry_the_loans_noise():
    # Two windows a day apart must not give the day's item-days (and so its loans) back exactly.
    values = {publish(raw(_loans_overlapping=30) | {"_loans_overlapping_key": key, "_item_days": 1000.0,
                                                    "_item_days_on_loan": 500.0}, 20000)["item_utilisation"]
              for key in KEYS[:200]}
    assert len(values) == 5 and all(abs(v - 0.5) <= 0.002 + 1e-9 for v in values)
