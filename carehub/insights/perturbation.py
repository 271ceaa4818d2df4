"""Cell-key perturbation: what the planners' figures publish instead of the raw counts.

Per-cell suppression ("<5") keeps each single answer safe, but planners may ask for any period and district,
and two periods that both show 5 or more give back the count of the day between them exactly. Official
statistics answer this with *cell-key perturbation* (the Australian Bureau of Statistics' TableBuilder; the
2021 census outputs of England and Wales):

1. every record that a figure counts (a person, a loan, a hold, a session, a booking, an appointment, an
   attention; a referral counts with its attention's key) carries
   a fixed random **record key** in [0, M), M = 2**31, drawn once at creation and never shown
   (`carehub.models.new_record_key`);
2. a **cell key** is the sum of the record keys of the records in the cell, mod M. It is computed in SQL, in the
   same aggregate query as the count (`SUM(record_key)` beside `COUNT(*)`), so perturbation adds no query;
3. a fixed **perturbation table** maps (count, cell key) to a small noise, here within ±2, which is added to the
   count. The same records always give the same cell key, hence the same published value: on every server, in
   every process, before and after a cache expiry. Two cells that differ by a few records have unrelated keys,
   so their difference is the true difference plus noise, never exactly the true difference with certainty.

Rules on top of the table (parameters in settings.INSIGHTS_PERTURBATION, defaults in `DEFAULTS`):

- a count of 0 is published as 0 (no record, no key, nothing to protect), and a count of 1 or more is never
  perturbed to 0 or below, so "0" always means none;
- a perturbed count under `threshold` (5) is not published: "<5" on the page and in the exports, null in the
  API. No published count is ever 1, 2, 3 or 4;
- rates, per-1,000 figures and medians are computed from the perturbed counts, and not published when their
  perturbed base is under the threshold; a rate whose base is under `band_base` (20) and whose value is within
  `band` (10 points) of 0 % or 100 % is published as a band, "≤ 10 %" or "≥ 90 %": "all of the 7 were late"
  says something about each of them;
- item utilisation is a share of item-days: its item-days on loan get the noise of the loans behind them (one
  loan's day is about one item-day), so that two windows a day apart do not give a day's loans back.

docs/insights.md shows the table and explains, for planners, why small numbers move slightly.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

from carehub.models import RECORD_KEY_MODULUS

from .metrics import CHANNELS, FIGURES, GUIDANCE_COUNT_KEYS, TOPICS, channel_share_key, topic_share_key

SUPPRESSED_TEXT = "<5"
NO_BASE_TEXT = "–"  # a rate or median of nothing (no loans due, no sessions held): there is no value

DEFAULTS = {
    "threshold": 5,  # perturbed counts under it are "<5"; rates and medians need a perturbed base of at least it
    "noise": {-2: 0.10, -1: 0.20, 0: 0.40, 1: 0.20, 2: 0.10},  # the noise and its probability, for counts ≥ 3
    "columns": 256,  # positions of the table: a cell key falls on one of them
    "band_base": 20,  # a rate from a perturbed base under this…
    "band": 0.10,  # …within this of 0 or 1 is shown as a band
}

# The counts a cell carries (published ones and the bases of rates and medians). Each comes from metrics with
# its cell key's sum under "<name>_key". Their noise is drawn from the table, each with its own cell key.
PERTURBED_COUNTS = (
    "people_reached", "new_people", "loans", "_loans_due", "_loans_late", "_loans_overlapping", "sessions_held",
    "_places_confirmed", "_attended", "_no_show", "waitlist_size", "advice_appointments", "_advice_attended",
    "_advice_no_show", "_holds_fulfilled", "_appointments_timed", *GUIDANCE_COUNT_KEYS,
)


@dataclass(frozen=True)
class Band:
    """A rate published as a band: at least `at_least`, or at most `at_most`."""

    at_least: float | None = None
    at_most: float | None = None


class NoBase:
    """The value of a rate or median over nothing (published as "–", null in the API)."""

    def __repr__(self):
        return "NO_BASE"


NO_BASE = NoBase()


def parameters() -> dict:
    return {**DEFAULTS, **getattr(settings, "INSIGHTS_PERTURBATION", {})}


# --- the table ------------------------------------------------------------------------------------------
class PerturbationTable:
    """rows[n][position] = the noise added to a count n whose cell key falls on `position`.

    Rows 0 … `top` are stored; every count above `top` uses row `top` (the full noise distribution). Row 0 is
    all zeros. In the rows of counts 1 and 2 the noises that would reach 0 or below are left out and their
    share spread over the others in proportion: those counts are published "<5" whatever their noise.
    Positions are laid out in order of noise, each noise taking round(probability × columns) positions.
    """

    def __init__(self, noise: dict, columns: int):
        noise = {int(d): float(p) for d, p in noise.items() if float(p) > 0}
        if abs(sum(noise.values()) - 1.0) > 1e-9:
            raise ValueError("INSIGHTS_PERTURBATION['noise'] probabilities must add up to 1.")
        self.columns = int(columns)
        self.max_noise = max(abs(d) for d in noise)
        self.top = self.max_noise + 1
        self.rows = [self._row(n, noise) for n in range(self.top + 1)]

    def _row(self, n: int, noise: dict) -> tuple[int, ...]:
        if n == 0:
            return (0,) * self.columns
        allowed = {d: p for d, p in sorted(noise.items()) if n + d >= 1}
        total = sum(allowed.values())
        row, cumulative = [], 0.0
        for d, p in allowed.items():
            cumulative += p / total
            row += [d] * (round(cumulative * self.columns) - len(row))
        return tuple(row + [row[-1]] * (self.columns - len(row)))

    def noise(self, count: int, cell_key: int) -> int:
        return self.rows[min(count, self.top)][position(cell_key, self.columns)]


@lru_cache(maxsize=65536)  # a pure function; the same cells' keys come back with every cached answer
def position(cell_key: int, columns: int) -> int:
    """Where a cell key falls in the table's columns.

    Hashed, not `cell_key % columns`: the keys of two overlapping cells differ by the (fixed) key sum of the
    records between them, and a plain modulus would then place them a fixed distance apart in the table; the
    hash makes their positions unrelated. No secret is needed: the record keys are the secret.
    """
    digest = hashlib.blake2b(str(cell_key % RECORD_KEY_MODULUS).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % columns


@lru_cache(maxsize=8)
def _table(noise_items: tuple, columns: int) -> PerturbationTable:
    return PerturbationTable(dict(noise_items), columns)


def table() -> PerturbationTable:
    p = parameters()
    return _table(tuple(sorted(p["noise"].items())), p["columns"])


def perturb(count: int, cell_key: int) -> int:
    """The perturbed value of a count (0 stays 0; any other count stays at least 1)."""
    count = int(count)
    if count <= 0:
        return 0
    return count + table().noise(count, int(cell_key))


# --- a cell's published figures -------------------------------------------------------------------------
def perturbed_counts(cell: dict, noise_table: PerturbationTable | None = None) -> dict:
    """`perturb` of each count of a cell (the table looked up once: a cell has some thirty counts)."""
    noise_table = noise_table or table()
    counts = {}
    for key in PERTURBED_COUNTS:
        count = int(cell.get(key) or 0)
        counts[key] = count + noise_table.noise(count, int(cell.get(f"{key}_key") or 0)) if count > 0 else 0
    return counts


def publish(cell: dict, population: int | None) -> dict:
    """{figure key: number, None (not published: "<5"), NO_BASE or a Band} for one raw cell of metrics."""
    p = parameters()
    limit = p["threshold"]
    noise_table = table()
    n = perturbed_counts(cell, noise_table)

    def count(value):
        return value if value == 0 or value >= limit else None

    def per_1000(value):
        if not population:
            return NO_BASE
        return 1000.0 * value / population if count(value) is not None else None

    def rate(numerator, denominator, base):
        """A share from perturbed numbers; `base` is the perturbed count of people/events it describes."""
        if not denominator:
            return NO_BASE
        if base == 0:
            return 0.0  # nothing happened: nobody to protect
        if base < limit:
            return None
        value = min(max(float(numerator) / float(denominator), 0.0), 1.0)
        if base < p["band_base"]:
            if value >= 1.0 - p["band"]:
                return Band(at_least=1.0 - p["band"])
            if value <= p["band"]:
                return Band(at_most=p["band"])
        return value

    def median(value, base):
        if base == 0 or value is None:
            return NO_BASE
        return float(value) if base >= limit else None

    on_loan = max(float(cell.get("_item_days_on_loan") or 0)
                  + noise_table.noise(int(cell.get("_loans_overlapping") or 0),
                                      cell.get("_loans_overlapping_key") or 0),
                  0.0) if cell.get("_loans_overlapping") else 0.0
    attendance = n["_attended"] + n["_no_show"]
    advice_recorded = n["_advice_attended"] + n["_advice_no_show"]
    return {
        "people_reached": count(n["people_reached"]),
        "people_reached_per_1000": per_1000(n["people_reached"]),
        "new_people": count(n["new_people"]),
        "loans": count(n["loans"]),
        "loans_per_1000": per_1000(n["loans"]),
        "item_utilisation": rate(on_loan, cell.get("_item_days") or 0, n["_loans_overlapping"]),
        "median_hold_wait_days": median(cell.get("median_hold_wait_days"), n["_holds_fulfilled"]),
        "overdue_rate": rate(n["_loans_late"], n["_loans_due"], n["_loans_due"]),
        "sessions_held": count(n["sessions_held"]),
        "fill_rate": rate(n["_places_confirmed"], cell.get("_places_offered") or 0, n["_places_confirmed"]),
        "attendance_rate": rate(n["_attended"], attendance, attendance),
        "no_show_rate": rate(n["_no_show"], attendance, attendance),
        "waitlist_size": count(n["waitlist_size"]),
        "advice_appointments": count(n["advice_appointments"]),
        "median_days_to_advice": median(cell.get("median_days_to_advice"), n["_appointments_timed"]),
        "advice_no_show_rate": rate(n["_advice_no_show"], advice_recorded, advice_recorded),
        # Information and guidance. Shares are of the perturbed attentions, each channel's and topic's count
        # perturbed on its own: like a total and its parts, the channels' shares may add up to a little more or
        # less than 100 %.
        "people_attended": count(n["people_attended"]),
        "attentions": count(n["attentions"]),
        "attentions_per_1000": per_1000(n["attentions"]),
        **{channel_share_key(c): rate(n[f"_attentions_{c}"], n["attentions"], n["attentions"]) for c in CHANNELS},
        **{topic_share_key(t): rate(n[f"_topic_{t}"], n["attentions"], n["attentions"]) for t in TOPICS},
        "referrals": count(n["referrals"]),
        "median_days_to_follow_up": median(cell.get("median_days_to_follow_up"), n["_follow_ups_done"]),
    }


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def sort_value(value):
    """Where a published value sorts: numbers by value, a band at its edge; None and NO_BASE are not sorted
    (they go last, in hub order, whichever way: their order would say something about them)."""
    if is_number(value):
        return value
    if isinstance(value, Band):
        return value.at_least if value.at_least is not None else value.at_most
    return None


assert {f.key for f in FIGURES} == {
    "people_reached", "people_reached_per_1000", "new_people", "loans", "loans_per_1000", "item_utilisation",
    "median_hold_wait_days", "overdue_rate", "sessions_held", "fill_rate", "attendance_rate", "no_show_rate",
    "waitlist_size", "advice_appointments", "median_days_to_advice", "advice_no_show_rate",
    "people_attended", "attentions", "attentions_per_1000", "referrals", "median_days_to_follow_up",
    *(channel_share_key(c) for c in CHANNELS), *(topic_share_key(t) for t in TOPICS),
}, "a new figure needs its publication rule in perturbation.publish"
