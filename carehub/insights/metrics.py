"""The planners' figures: what each one means, and the aggregate queries that compute them.

Every figure is computed per (hub, bucket) by a handful of GROUP BY queries, never by looping over rows in
Python and never from history tables. A *bucket* is a time window: the whole period for the dashboard, or one
calendar month for the monthly trend. The buckets are joined in as a small VALUES list, so the very same SQL
answers both questions, and the number of queries is fixed (one per figure family) whatever the data size.

The SQL is plain and portable (SQLite for the demo and tests, PostgreSQL in production); the few differences
(date arithmetic, GREATEST/LEAST, casts) are in `_Dialect`.

Definitions (docs/insights.md explains them for planners):

- people reached: distinct people with, at the hub, a loan lent in the bucket, a confirmed booking for a
  session starting in the bucket, or an advice appointment (not cancelled) starting in the bucket;
- new people: people whose home hub is the hub and who were registered in the bucket;
- loans: loans lent from the hub in the bucket;
- item utilisation: item-days on loan / item-days in stock, both clipped to the bucket (items counted from
  their intake; retired items are kept in the denominator because the retirement date is not recorded);
- median wait from hold to loan: over holds fulfilled in the bucket, days from the hold to its fulfilment;
- overdue rate: over loans due in the bucket (and before today), the share returned after the due date or
  still out;
- sessions held: sessions (not cancelled) that started in the bucket, before now;
- fill rate: confirmed places / places offered, over the sessions held;
- attendance and no-show rates: over confirmed bookings of sessions held whose attendance was recorded;
- waitlist: bookings still on the waitlist of sessions starting in the bucket;
- advice appointments: appointments (not cancelled) starting in the bucket;
- median days to the advice slot: a documented proxy for "days to the first free slot": days from booking an
  appointment to the appointment, over the appointments starting in the bucket;
- advice no-show rate: no-shows / (attended + no-shows);
- information and guidance (guidance/): attentions at the hub in the bucket (recorded by the desk, or asked
  online and answered; a question still waiting is not yet an attention), by `attended_at`. People attended:
  different people among them, each anonymous walk-in counted as one person (nothing tells two walk-ins
  apart). Shares by channel and by topic: attentions of the channel (with the topic) / attentions; an
  attention may have several topics; topics a hub added itself count as "other". Referrals made: referrals
  of those attentions. Median days to follow-up: over follow-ups done in the bucket, days from the attention
  to the follow-up done (`follow_up_done_at`), not to the date planned.
"""

from __future__ import annotations

import hashlib
import logging
import time as _time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy as _

from activities.models import Activity, Booking, Session
from advice.models import Appointment
from carehub.models import Hub, Person
from guidance.defaults import DEFAULT_TOPICS
from guidance.models import Attention, AttentionTopic, Channel, Referral
from lending.models import Hold, Item, Loan

logger = logging.getLogger("carehub.insights")

# --- the figures ----------------------------------------------------------------------------------------
COUNT, RATE, PER_1000, DAYS = "count", "rate", "per_1000", "days"


@dataclass(frozen=True)
class Figure:
    key: str
    label: object
    kind: str  # COUNT, RATE (a share 0..1), PER_1000 or DAYS
    base: str | None = None  # the raw count the figure is computed from (its suppression base)
    help: object = ""


# Information and guidance: the channels of an attention, and the topics compared across hubs (every hub starts
# with the same default topics, by key; a hub's own topics count as "other").
CHANNELS = tuple(Channel.values)
TOPICS = tuple(key for key, *_names in DEFAULT_TOPICS)
OTHER_TOPIC = "other"
assert OTHER_TOPIC in TOPICS


def _topic_name(key: str) -> str:
    """A default topic's name in the current language (guidance/defaults.py holds them in ca, es, en)."""
    names = dict(zip(("ca", "es", "en"), next(names for k, *names in DEFAULT_TOPICS if k == key)))
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return gettext("Topic: %(topic)s") % {"topic": names.get(language) or names["en"]}


_topic_label = lazy(_topic_name, str)


def channel_share_key(channel: str) -> str:
    return f"share_{channel}"


def topic_share_key(topic: str) -> str:
    return f"share_topic_{topic}"


GUIDANCE_FIGURES: tuple[Figure, ...] = (
    Figure("people_attended", _("People attended"), COUNT,
           help=_("Different people the hub informed or guided, in person, by phone, online or in outreach. Each "
                  "anonymous walk-in counts as one person.")),
    Figure("attentions", _("Attentions"), COUNT,
           help=_("Consultations recorded by the desk, and questions asked online once answered.")),
    Figure("attentions_per_1000", _("Attentions per 1,000 inhabitants"), PER_1000, base="attentions"),
    Figure(channel_share_key(Channel.IN_PERSON), _("Share in person"), RATE, base="attentions",
           help=_("Share of the attentions made in person; likewise by phone, online and in outreach.")),
    Figure(channel_share_key(Channel.PHONE), _("Share by phone"), RATE, base="attentions"),
    Figure(channel_share_key(Channel.ONLINE), _("Share online"), RATE, base="attentions"),
    Figure(channel_share_key(Channel.OUTREACH), _("Share in outreach"), RATE, base="attentions"),
    *(Figure(topic_share_key(topic), _topic_label(topic), RATE, base="attentions",
             help=_("Share of the attentions about each topic. An attention may have several topics, so "
                    "together the shares come to more than the whole. Topics a hub added to its list count as "
                    "“Other”.")
             if index == 0 else "")
      for index, topic in enumerate(TOPICS)),
    Figure("referrals", _("Referrals made"), COUNT,
           help=_("Referrals of the period's attentions to the directory's resources, advice, activities or the "
                  "lending bank.")),
    Figure("median_days_to_follow_up", _("Median days to follow-up"), DAYS, base="_follow_ups_done",
           help=_("Days from an attention to its follow-up, over the follow-ups done in the period.")),
)

FIGURES: tuple[Figure, ...] = (
    Figure("people_reached", _("People reached"), COUNT,
           help=_("Different people with a loan, a booking or an advice appointment at the hub.")),
    Figure("people_reached_per_1000", _("People reached per 1,000 inhabitants"), PER_1000, base="people_reached"),
    Figure("new_people", _("New people"), COUNT, help=_("People registered at the hub in the period.")),
    Figure("loans", _("Loans"), COUNT),
    Figure("loans_per_1000", _("Loans per 1,000 inhabitants"), PER_1000, base="loans"),
    Figure("item_utilisation", _("Item utilisation"), RATE, base="_loans_overlapping",
           help=_("Share of item-days on loan.")),
    Figure("median_hold_wait_days", _("Median wait from hold to loan (days)"), DAYS, base="_holds_fulfilled"),
    Figure("overdue_rate", _("Overdue rate"), RATE, base="_loans_due",
           help=_("Share of loans due in the period returned late or still out.")),
    Figure("sessions_held", _("Sessions held"), COUNT),
    Figure("fill_rate", _("Fill rate"), RATE, base="_places_confirmed",
           help=_("Confirmed places out of places offered.")),
    Figure("attendance_rate", _("Attendance rate"), RATE, base="_attendance_recorded"),
    Figure("no_show_rate", _("No-show rate"), RATE, base="_attendance_recorded"),
    Figure("waitlist_size", _("Waitlist size"), COUNT, help=_("Bookings left on a waitlist.")),
    Figure("advice_appointments", _("Advice appointments"), COUNT),
    Figure("median_days_to_advice", _("Median days to the advice appointment"), DAYS, base="_appointments_timed",
           help=_("Days from asking for an appointment to the appointment.")),
    Figure("advice_no_show_rate", _("Advice no-show rate"), RATE, base="_advice_recorded"),
    *GUIDANCE_FIGURES,  # last: the earlier columns of the exports keep their places
)
FIGURES_BY_KEY = {figure.key: figure for figure in FIGURES}


# --- periods and buckets --------------------------------------------------------------------------------
def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


@dataclass(frozen=True)
class Bucket:
    index: int
    first_day: date
    last_day: date  # inclusive

    @property
    def starts_at(self) -> datetime:
        return local_midnight(self.first_day)

    @property
    def ends_at(self) -> datetime:
        return local_midnight(self.last_day + timedelta(days=1))


def period_bucket(date_from: date, date_to: date) -> list[Bucket]:
    return [Bucket(0, date_from, date_to)]


def month_buckets(date_from: date, date_to: date) -> list[Bucket]:
    """One bucket per calendar month touched by the period, clipped to it."""
    buckets, first = [], date_from
    while first <= date_to:
        next_month = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
        last = min(next_month - timedelta(days=1), date_to)
        buckets.append(Bucket(len(buckets), first, last))
        first = next_month
    return buckets


# --- SQL dialect ----------------------------------------------------------------------------------------
class _Dialect:
    def __init__(self):
        self.pg = connection.vendor == "postgresql"

    def ts(self, value: datetime):
        """A timestamp parameter as the backend stores it."""
        return value if self.pg else connection.ops.adapt_datetimefield_value(value)

    @property
    def ts_param(self) -> str:
        return "%s::timestamptz" if self.pg else "%s"

    def days(self, start: str, end: str) -> str:
        if self.pg:
            return f"(EXTRACT(EPOCH FROM ({end}) - ({start})) / 86400.0)"
        return f"(julianday({end}) - julianday({start}))"

    def greatest(self, a: str, b: str) -> str:
        return f"GREATEST({a}, {b})" if self.pg else f"MAX({a}, {b})"

    def least(self, a: str, b: str) -> str:
        return f"LEAST({a}, {b})" if self.pg else f"MIN({a}, {b})"

    def day(self, value: date):
        return value if self.pg else value.isoformat()

    @property
    def date_param(self) -> str:
        return "%s::date" if self.pg else "%s"

    def local_date(self, column: str) -> str:
        if self.pg:
            return f"(({column}) AT TIME ZONE 'Europe/Madrid')::date"
        return f"date({column})"  # SQLite (demo and tests): the UTC date, close enough


def _buckets_sql(dialect: _Dialect, buckets: list[Bucket], now: datetime):
    """A VALUES list: column1 = index, column2 = start, column3 = end (clipped to now: what has happened),
    column4 = first day, column5 = the day after the last day (for date columns such as `Loan.due_on`)."""
    rows, params = [], []
    for bucket in buckets:
        rows.append(f"(%s, {dialect.ts_param}, {dialect.ts_param}, {dialect.date_param}, {dialect.date_param})")
        params += [bucket.index, dialect.ts(bucket.starts_at),
                   dialect.ts(min(bucket.ends_at, max(now, bucket.starts_at))),
                   dialect.day(bucket.first_day), dialect.day(bucket.last_day + timedelta(days=1))]
    return "(VALUES " + ", ".join(rows) + ")", params


def _in(column: str, hub_ids: list[int]):
    if not hub_ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(hub_ids))})", list(hub_ids)


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# --- the queries ----------------------------------------------------------------------------------------
def cached_compute(hub_ids: list[int], buckets: list[Bucket]) -> dict:
    """`compute`, kept for INSIGHTS_CACHE_SECONDS (default 600; 0 turns it off), computed once however many
    requests ask for it at the same time.

    Five years of a whole city take seconds to aggregate; planners then sort, switch the trend, and export the
    same view, which must not redo that work. Figures up to ten minutes old are fine for planning.

    Stampede guard: when many cold requests for the same figures arrive together (a dashboard shared in a
    meeting, several app servers behind one Redis), the first takes a lock (`cache.add`, atomic on Redis and
    in memory) and computes; the others wait for its result instead of running the same heavy aggregates 20
    times over on a 2-core database. The lock expires after INSIGHTS_LOCK_SECONDS, so a holder that dies (a
    killed worker) holds nobody up for longer; a waiter that sees the lock gone without a result takes it and
    computes, and no waiter waits longer than INSIGHTS_LOCK_WAIT_SECONDS before computing by itself.
    """
    seconds = getattr(settings, "INSIGHTS_CACHE_SECONDS", 600)
    if not seconds:
        return _compute_logged(hub_ids, buckets)
    spec = repr((sorted(hub_ids), [(b.index, b.first_day, b.last_day) for b in buckets], connection.vendor))
    key = "insights:v2:" + hashlib.sha256(spec.encode()).hexdigest()
    result = cache.get(key)
    if result is not None:
        return result
    lock_seconds = getattr(settings, "INSIGHTS_LOCK_SECONDS", 60)
    give_up_at = _time.monotonic() + getattr(settings, "INSIGHTS_LOCK_WAIT_SECONDS", lock_seconds)
    lock, token = f"{key}:lock", uuid.uuid4().hex
    while True:
        if cache.add(lock, token, lock_seconds):
            try:
                result = cache.get(key)  # computed by the holder that just let go of the lock
                if result is None:
                    result = _compute_logged(hub_ids, buckets)
                    cache.set(key, result, seconds)
                return result
            finally:
                if cache.get(lock) == token:  # not a later holder's, if ours expired while computing
                    cache.delete(lock)
        # Someone else is computing: wait for their result, or for their lock to go (done, failed or expired).
        while cache.get(lock) is not None:
            if _time.monotonic() >= give_up_at:
                result = _compute_logged(hub_ids, buckets)
                cache.set(key, result, seconds)
                return result
            _time.sleep(LOCK_POLL_SECONDS)
            result = cache.get(key)
            if result is not None:
                return result
        result = cache.get(key)
        if result is not None:
            return result


LOCK_POLL_SECONDS = 0.05


def _compute_logged(hub_ids: list[int], buckets: list[Bucket]) -> dict:
    """`compute`, logged: one "insights computed" line each time figures are actually computed (not served from
    the cache), which is how operators (and the two-server test) see the cache and the stampede guard work."""
    began = _time.perf_counter()
    result = compute(hub_ids, buckets)
    duration_ms = round((_time.perf_counter() - began) * 1000)
    logger.info("insights computed", extra={"duration_ms": duration_ms, "hubs": len(hub_ids),
                                             "buckets": len(buckets)})
    return result


def compute(hub_ids: list[int], buckets: list[Bucket], *, now: datetime | None = None,
            record_keys: bool = True, rollup: bool | None = None) -> dict:
    """See `_compute`. On PostgreSQL, runs with JIT compilation off: compiling these expression-heavy aggregates
    costs more than it saves (whole city over three years, measured: about 800 ms with JIT, 550 ms without)."""
    if connection.vendor != "postgresql":
        return _compute(hub_ids, buckets, now=now, record_keys=record_keys, rollup=False)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        if rollup is None:
            rollup = getattr(settings, "INSIGHTS_ROLLUPS", True)  # off: straight from the events (the bench)
        return _compute(hub_ids, buckets, now=now, record_keys=record_keys, rollup=rollup)


def _compute(hub_ids: list[int], buckets: list[Bucket], *, now: datetime | None = None,
             record_keys: bool = True, rollup: bool = False) -> dict:
    """Raw figures: {(hub_id, bucket_index): {key: number}}, for every hub and bucket (zeros included).

    Keys starting with "_" are the bases the rates were computed from, never shown. Beside each count, its
    cell key's sum "<count>_key": the sum of the record keys of the records counted, from the same aggregate
    (perturbation.py turns both into the published value). `record_keys=False` leaves the sums out (0): the
    same aggregates without perturbation, for the bench's comparison.
    A fixed number of queries (nine; ten with the rollup), whatever the size of the data or the number of hubs
    and buckets. `rollup` (PostgreSQL only; the default there) counts people reached from the
    `insights_person_reach` rollup (models.py) instead of over every loan, booking and appointment: the same
    figures, exactly (tests/insights/test_rollup.py compares both).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    d = _Dialect()
    values, vparams = _buckets_sql(d, buckets, now)
    result = {(hub_id, b.index): {} for hub_id in hub_ids for b in buckets}

    def put(rows, keys):
        for hub_id, index, *numbers in rows:
            cell = result.get((hub_id, int(index)))
            if cell is not None:
                for key, number in zip(keys, numbers):
                    cell[key] = number

    def rk(column: str) -> str:
        """A record key column, or 0 when the sums are left out."""
        return column if record_keys else "0"

    in_bucket = "{col} >= b.column2 AND {col} < b.column3"
    ts = d.ts_param

    # People reached (distinct people over loans, confirmed bookings and appointments) and, from the same single
    # pass over the bookings (the largest table), attendance, waitlists and the confirmed places of sessions
    # held: rows are first grouped per person, which makes the distinct count a plain SUM and avoids a second
    # scan of a million bookings. A person's key comes from the person's row, joined once per (hub, bucket,
    # person) group; the bookings' keys are summed as they go.
    loan_hub, lparams = _in("l.hub_id", hub_ids)
    act_hub, aparams = _in("a.hub_id", hub_ids)
    ap_hub, apparams = _in("ap.hub_id", hub_ids)
    past = f"s.starts_at < {ts}"
    attended = f"bk.attendance = 'attended' AND {past}"
    no_show = f"bk.attendance = 'no_show' AND {past}"
    waitlisted = "bk.status = 'waitlisted'"
    confirmed_held = f"bk.status = 'confirmed' AND {past}"
    bk_key = rk("bk.record_key")
    if rollup:
        # People reached from the rollup: a person is reached in a bucket when one of their moments at the hub
        # falls in it ([start, end), the same test as the events' below).
        r_hub, rparams = _in("r.hub_id", hub_ids)
        sql = f"""SELECT r.hub_id, b.column1, COUNT(*), SUM({rk("p.record_key")})
                    FROM insights_person_reach r JOIN {values} b ON r.moments && tstzrange(b.column2, b.column3)
                    {f"JOIN {_t(Person)} p ON p.id = r.person_id" if record_keys else ""}
                   WHERE {r_hub} GROUP BY r.hub_id, b.column1"""
        put(_fetch(sql, vparams + rparams), ["people_reached", "people_reached_key"])
        # The bookings' counts from each session's tally (models.py); whether the session is past is decided
        # here, from its start, as below.
        def tally(column: str, past_only: bool = True) -> str:
            value = f"t.{column}" if record_keys or not column.endswith("_key") else "0"
            return f"SUM(CASE WHEN {past} THEN {value} ELSE 0 END)" if past_only else f"SUM({value})"

        sql = f"""
            SELECT a.hub_id, b.column1, {tally("attended")}, {tally("attended_key")}, {tally("no_show")},
                   {tally("no_show_key")}, {tally("waitlisted", False)}, {tally("waitlisted_key", False)},
                   {tally("confirmed")}, {tally("confirmed_key")}
              FROM insights_session_tally t JOIN {_t(Session)} s ON s.id = t.session_id
              JOIN {_t(Activity)} a ON a.id = s.activity_id
              JOIN {values} b ON {in_bucket.format(col="s.starts_at")}
             WHERE s.status = 'scheduled' AND {act_hub}
             GROUP BY a.hub_id, b.column1"""
        put(_fetch(sql, [d.ts(now)] * 6 + vparams + aparams),
            ["_attended", "_attended_key", "_no_show", "_no_show_key", "waitlist_size", "waitlist_size_key",
             "_places_confirmed", "_places_confirmed_key"])
    else:
        person_key = f"SUM(pp.reached * {rk('p.record_key')})"
        sql = f"""
            SELECT pp.hub_id, pp.k, SUM(pp.reached), {person_key},
                   SUM(pp.attended), SUM(pp.attended_key), SUM(pp.no_show), SUM(pp.no_show_key),
                   SUM(pp.waitlisted), SUM(pp.waitlisted_key), SUM(pp.confirmed_held), SUM(pp.confirmed_held_key)
            FROM (
              SELECT hub_id, k, person_id, MAX(reached) AS reached,
                     SUM(attended) AS attended, SUM(attended_key) AS attended_key,
                     SUM(no_show) AS no_show, SUM(no_show_key) AS no_show_key,
                     SUM(waitlisted) AS waitlisted, SUM(waitlisted_key) AS waitlisted_key,
                     SUM(confirmed_held) AS confirmed_held, SUM(confirmed_held_key) AS confirmed_held_key FROM (
                SELECT l.hub_id AS hub_id, b.column1 AS k, l.borrower_id AS person_id, 1 AS reached,
                       0 AS attended, 0 AS attended_key, 0 AS no_show, 0 AS no_show_key,
                       0 AS waitlisted, 0 AS waitlisted_key, 0 AS confirmed_held, 0 AS confirmed_held_key
                  FROM {_t(Loan)} l JOIN {values} b ON {in_bucket.format(col="l.lent_at")} WHERE {loan_hub}
                UNION ALL
                SELECT a.hub_id, b.column1, bk.person_id,
                       CASE WHEN bk.status = 'confirmed' THEN 1 ELSE 0 END,
                       CASE WHEN {attended} THEN 1 ELSE 0 END, CASE WHEN {attended} THEN {bk_key} ELSE 0 END,
                       CASE WHEN {no_show} THEN 1 ELSE 0 END, CASE WHEN {no_show} THEN {bk_key} ELSE 0 END,
                       CASE WHEN {waitlisted} THEN 1 ELSE 0 END, CASE WHEN {waitlisted} THEN {bk_key} ELSE 0 END,
                       CASE WHEN {confirmed_held} THEN 1 ELSE 0 END,
                       CASE WHEN {confirmed_held} THEN {bk_key} ELSE 0 END
                  FROM {_t(Booking)} bk JOIN {_t(Session)} s ON s.id = bk.session_id
                  JOIN {_t(Activity)} a ON a.id = s.activity_id
                  JOIN {values} b ON {in_bucket.format(col="s.starts_at")}
                 WHERE s.status = 'scheduled' AND bk.status IN ('confirmed', 'waitlisted') AND {act_hub}
                UNION ALL
                SELECT ap.hub_id, b.column1, ap.person_id, 1, 0, 0, 0, 0, 0, 0, 0, 0
                  FROM {_t(Appointment)} ap JOIN {values} b ON {in_bucket.format(col="ap.starts_at")}
                 WHERE ap.status <> 'cancelled' AND {ap_hub}
              ) activity_rows GROUP BY hub_id, k, person_id
            ) pp {f"JOIN {_t(Person)} p ON p.id = pp.person_id" if record_keys else ""}
            GROUP BY pp.hub_id, pp.k"""
        put(_fetch(sql, vparams + lparams + [d.ts(now)] * 6 + vparams + aparams + vparams + apparams),
            ["people_reached", "people_reached_key", "_attended", "_attended_key", "_no_show", "_no_show_key",
             "waitlist_size", "waitlist_size_key", "_places_confirmed", "_places_confirmed_key"])

    # New people: registered in the bucket, by home hub.
    p_hub, pparams = _in("p.home_hub_id", hub_ids)
    sql = f"""SELECT p.home_hub_id, b.column1, COUNT(*), SUM({rk("p.record_key")}) FROM {_t(Person)} p
              JOIN {values} b ON {in_bucket.format(col="p.created_at")} WHERE {p_hub}
              GROUP BY p.home_hub_id, b.column1"""
    put(_fetch(sql, vparams + pparams), ["new_people", "new_people_key"])

    # Loans lent in the bucket; loans due in the bucket (before today) and how many of them were late.
    late = f"(l.returned_at IS NULL OR {d.local_date('l.returned_at')} > l.due_on)"
    due = f"(l.due_on >= b.column4 AND l.due_on < b.column5 AND l.due_on < {d.date_param})"
    lent = in_bucket.format(col="l.lent_at")
    l_key = rk("l.record_key")
    sql = f"""
        SELECT l.hub_id, b.column1,
               SUM(CASE WHEN {lent} THEN 1 ELSE 0 END), SUM(CASE WHEN {lent} THEN {l_key} ELSE 0 END),
               SUM(CASE WHEN {due} THEN 1 ELSE 0 END), SUM(CASE WHEN {due} THEN {l_key} ELSE 0 END),
               SUM(CASE WHEN {due} AND {late} THEN 1 ELSE 0 END),
               SUM(CASE WHEN {due} AND {late} THEN {l_key} ELSE 0 END)
          FROM {_t(Loan)} l JOIN {values} b
            ON ({lent}) OR (l.due_on >= b.column4 AND l.due_on < b.column5)
         WHERE {loan_hub}
         GROUP BY l.hub_id, b.column1"""
    put(_fetch(sql, [d.day(today)] * 4 + vparams + lparams),
        ["loans", "loans_key", "_loans_due", "_loans_due_key", "_loans_late", "_loans_late_key"])

    # Item utilisation: item-days on loan (clipped to the bucket) over item-days in stock.
    loan_end = f"COALESCE(l.returned_at, {ts})"
    sql = f"""
        SELECT l.hub_id, b.column1, COUNT(*), SUM({l_key}),
               SUM({d.days(d.greatest('l.lent_at', 'b.column2'), d.least(loan_end, 'b.column3'))})
          FROM {_t(Loan)} l JOIN {values} b ON l.lent_at < b.column3 AND {loan_end} > b.column2
         WHERE {loan_hub} GROUP BY l.hub_id, b.column1"""
    put(_fetch(sql, [d.ts(now)] + vparams + [d.ts(now)] + lparams),
        ["_loans_overlapping", "_loans_overlapping_key", "_item_days_on_loan"])
    i_hub, iparams = _in("i.hub_id", hub_ids)
    sql = f"""
        SELECT i.hub_id, b.column1, SUM({d.days(d.greatest('i.created_at', 'b.column2'), 'b.column3')})
          FROM {_t(Item)} i JOIN {values} b ON i.created_at < b.column3
         WHERE {i_hub} GROUP BY i.hub_id, b.column1"""
    put(_fetch(sql, vparams + iparams), ["_item_days"])

    # Sessions held in the bucket (before now) and the places they offered (their confirmed places come from
    # the bookings above, with the bookings' keys).
    sql = f"""
        SELECT a.hub_id, b.column1, COUNT(*), SUM({rk("s.record_key")}), SUM(s.capacity)
          FROM {_t(Session)} s JOIN {_t(Activity)} a ON a.id = s.activity_id
          JOIN {values} b ON {in_bucket.format(col="s.starts_at")}
         WHERE s.status = 'scheduled' AND s.starts_at < {ts} AND {act_hub}
         GROUP BY a.hub_id, b.column1"""
    put(_fetch(sql, vparams + [d.ts(now)] + aparams), ["sessions_held", "sessions_held_key", "_places_offered"])

    # Advice appointments.
    ap_key = rk("ap.record_key")
    sql = f"""
        SELECT ap.hub_id, b.column1, COUNT(*), SUM({ap_key}),
               SUM(CASE WHEN ap.status = 'attended' THEN 1 ELSE 0 END),
               SUM(CASE WHEN ap.status = 'attended' THEN {ap_key} ELSE 0 END),
               SUM(CASE WHEN ap.status = 'no_show' THEN 1 ELSE 0 END),
               SUM(CASE WHEN ap.status = 'no_show' THEN {ap_key} ELSE 0 END)
          FROM {_t(Appointment)} ap JOIN {values} b ON {in_bucket.format(col="ap.starts_at")}
         WHERE ap.status <> 'cancelled' AND {ap_hub} GROUP BY ap.hub_id, b.column1"""
    put(_fetch(sql, vparams + apparams), ["advice_appointments", "advice_appointments_key", "_advice_attended",
                                          "_advice_attended_key", "_advice_no_show", "_advice_no_show_key"])

    # Information and guidance: attentions, their channels, topics and referrals, and people attended.
    sql, flag_params, gparams = _attentions_sql(values, rk, hub_ids)
    put(_fetch(sql, flag_params + vparams + gparams), ATTENTION_KEYS)

    # Medians, all in one query (each series of waits numbered `m`), portable: window functions number the
    # values per group and the middle one(s) are averaged (percentile_cont on PostgreSQL).
    h_hub, hparams = _in("h.hub_id", hub_ids)
    at_hub, atparams = _in("at.hub_id", hub_ids)
    waits = [
        (f"""SELECT h.hub_id AS hub_id, b.column1 AS k, {d.days('h.created_at', 'h.closed_at')} AS v,
                    {rk("h.record_key")} AS rk
               FROM {_t(Hold)} h JOIN {values} b ON {in_bucket.format(col="h.closed_at")}
              WHERE h.status = 'fulfilled' AND {h_hub}""", vparams + hparams,
         ["median_hold_wait_days", "_holds_fulfilled", "_holds_fulfilled_key"]),
        (f"""SELECT ap.hub_id AS hub_id, b.column1 AS k, {d.days('ap.created_at', 'ap.starts_at')} AS v,
                    {ap_key} AS rk
               FROM {_t(Appointment)} ap JOIN {values} b ON {in_bucket.format(col="ap.starts_at")}
              WHERE ap.status <> 'cancelled' AND {ap_hub}""", vparams + apparams,
         ["median_days_to_advice", "_appointments_timed", "_appointments_timed_key"]),
        # Days to follow-up: over the follow-ups done in the bucket, from the attention to the follow-up done
        # (one marked done before the attention's time, which only a correction could give, counts as 0).
        (f"""SELECT at.hub_id AS hub_id, b.column1 AS k,
                    {d.greatest(d.days('at.attended_at', 'at.follow_up_done_at'), '0')} AS v,
                    {rk("at.record_key")} AS rk
               FROM {_t(Attention)} at JOIN {values} b ON {in_bucket.format(col="at.follow_up_done_at")}
              WHERE at.follow_up_on IS NOT NULL AND at.status <> '{Attention.Status.WAITING}' AND {at_hub}""",
         vparams + atparams, ["median_days_to_follow_up", "_follow_ups_done", "_follow_ups_done_key"]),
    ]
    series = " UNION ALL ".join(f"SELECT {m} AS m, hub_id, k, v, rk FROM ({sql}) w{m}"
                                for m, (sql, _params, _keys) in enumerate(waits))
    rows = _fetch(_median_sql(series, d), [p for _sql, params, _keys in waits for p in params])
    for m, (_sql, _params, keys) in enumerate(waits):
        put([row[1:] for row in rows if int(row[0]) == m], keys)

    for cell in result.values():
        _derive(cell)
    return result


ATTENTION_KEYS = (["people_attended", "people_attended_key", "attentions", "attentions_key"]
                  + [f"_attentions_{c}{suffix}" for c in CHANNELS for suffix in ("", "_key")]
                  + [f"_topic_{t}{suffix}" for t in TOPICS for suffix in ("", "_key")]
                  + ["referrals", "referrals_key"])


def _attentions_sql(values: str, rk, hub_ids: list[int]) -> tuple[str, list, list]:
    """One query for the information and guidance counts per (hub, bucket), in `ATTENTION_KEYS` order: (SQL,
    the parameters before the buckets' VALUES list, those after it).

    An attention counts in the bucket of its `attended_at`, unless it is an online question still waiting for an
    answer (nobody has attended to it yet). Three levels:
    1. one row per attention and bucket, with a flag per topic compared (a hub's own topics count as "other",
       and an attention with "other" and one of its hub's own topics counts once there) and its number of
       referrals (a correlated count on the referrals' index: a referral has no key of its own and counts
       with its attention's key, once per referral);
    2. grouped per person (an anonymous walk-in is a group of its own: `-id`), so that people attended are a
       plain COUNT of the groups;
    3. per (hub, bucket), a person's key from the person's row, a walk-in's from the attention."""
    at_hub, params = _in("at.hub_id", hub_ids)
    key_column = connection.ops.quote_name("key")
    through = Attention.topics.through
    topic_column = through._meta.get_field("attentiontopic").column
    attention_column = through._meta.get_field("attention").column
    named = [t for t in TOPICS if t != OTHER_TOPIC]
    flags = [f"MAX(CASE WHEN t.{key_column} = %s THEN 1 ELSE 0 END) AS t_{t}" for t in named]
    flags.append(f"MAX(CASE WHEN t.id IS NULL OR t.{key_column} IN ({', '.join(['%s'] * len(named))}) THEN 0 "
                 f"ELSE 1 END) AS t_{OTHER_TOPIC}")

    def count_and_key(condition: str, name: str) -> str:
        return (f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS n_{name}, "
                f"SUM(CASE WHEN {condition} THEN a.rk ELSE 0 END) AS k_{name}")

    per_person = [count_and_key(f"a.channel = '{c}'", f"c_{c}") for c in CHANNELS]
    per_person += [count_and_key(f"a.t_{t} = 1", f"t_{t}") for t in TOPICS]
    totals = ([f"SUM(g.n_c_{c}), SUM(g.k_c_{c})" for c in CHANNELS]
              + [f"SUM(g.n_t_{t}), SUM(g.k_t_{t})" for t in TOPICS])
    sql = f"""
        SELECT g.hub_id, g.k, COUNT(*), SUM(COALESCE({rk("p.record_key")}, g.walk_in_key)), SUM(g.n), SUM(g.n_key),
               {", ".join(totals)}, SUM(g.referrals), SUM(g.referrals_key)
          FROM (
            SELECT a.hub_id AS hub_id, a.k AS k, MAX(a.person_id) AS person_id,
                   SUM(CASE WHEN a.person_id IS NULL THEN a.rk ELSE 0 END) AS walk_in_key,
                   COUNT(*) AS n, SUM(a.rk) AS n_key, {", ".join(per_person)},
                   SUM(a.referrals) AS referrals, SUM(a.referrals * a.rk) AS referrals_key
              FROM (
                SELECT at.id AS id, at.hub_id AS hub_id, b.column1 AS k, at.person_id AS person_id,
                       at.channel AS channel, {rk("at.record_key")} AS rk, {", ".join(flags)},
                       (SELECT COUNT(*) FROM {_t(Referral)} r WHERE r.attention_id = at.id) AS referrals
                  FROM {_t(Attention)} at
                  JOIN {values} b ON at.attended_at >= b.column2 AND at.attended_at < b.column3
                  LEFT JOIN {_t(through)} atp ON atp.{attention_column} = at.id
                  LEFT JOIN {_t(AttentionTopic)} t ON t.id = atp.{topic_column}
                 WHERE at.status <> '{Attention.Status.WAITING}' AND {at_hub}
                 GROUP BY at.id, at.hub_id, b.column1, at.person_id, at.channel, at.record_key
              ) a
             GROUP BY a.hub_id, a.k, COALESCE(a.person_id, -a.id)
          ) g LEFT JOIN {_t(Person)} p ON p.id = g.person_id
         GROUP BY g.hub_id, g.k"""
    return sql, named + named, params


def _median_sql(values_sql: str, dialect: _Dialect | None = None) -> str:
    """(m, hub_id, k, median of v, count, sum of rk) per group of `values_sql`'s (m, hub_id, k, v, rk) rows."""
    if dialect is not None and dialect.pg:
        return f"""SELECT m, hub_id, k, percentile_cont(0.5) WITHIN GROUP (ORDER BY v), COUNT(*), SUM(rk)
                   FROM ({values_sql}) vals GROUP BY m, hub_id, k"""
    return f"""
        SELECT m, hub_id, k, AVG(v), MAX(n), MAX(keys) FROM (
          SELECT m, hub_id, k, v,
                 ROW_NUMBER() OVER (PARTITION BY m, hub_id, k ORDER BY v) AS rn,
                 COUNT(*) OVER (PARTITION BY m, hub_id, k) AS n,
                 SUM(rk) OVER (PARTITION BY m, hub_id, k) AS keys
            FROM ({values_sql}) vals
        ) ranked WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY m, hub_id, k"""


def _ratio(numerator, denominator):
    return float(numerator) / float(denominator) if denominator else None


GUIDANCE_COUNT_KEYS = ("people_attended", "attentions", *(f"_attentions_{c}" for c in CHANNELS),
                       *(f"_topic_{t}" for t in TOPICS), "referrals", "_follow_ups_done")
COUNT_KEYS = ("people_reached", "new_people", "loans", "_loans_due", "_loans_late", "_loans_overlapping",
              "sessions_held", "_places_offered", "_places_confirmed", "_attended", "_no_show", "waitlist_size",
              "advice_appointments", "_advice_attended", "_advice_no_show", "_holds_fulfilled",
              "_appointments_timed", *GUIDANCE_COUNT_KEYS)


def _derive(cell: dict) -> None:
    """Fill zeros for what had no rows, and compute the raw rates from the raw counts (the published ones are
    computed from the perturbed counts, in perturbation.py)."""
    for key in COUNT_KEYS:
        cell[key] = int(cell.get(key) or 0)
        if key != "_places_offered":
            cell[f"{key}_key"] = int(cell.get(f"{key}_key") or 0)
    for key in ("_item_days_on_loan", "_item_days"):
        cell[key] = float(cell.get(key) or 0)
    cell["item_utilisation"] = _ratio(cell["_item_days_on_loan"], cell["_item_days"])
    if cell["item_utilisation"] is not None:
        cell["item_utilisation"] = min(cell["item_utilisation"], 1.0)
    cell["overdue_rate"] = _ratio(cell["_loans_late"], cell["_loans_due"])
    cell["fill_rate"] = _ratio(cell["_places_confirmed"], cell["_places_offered"])
    cell["_attendance_recorded"] = cell["_attended"] + cell["_no_show"]
    cell["attendance_rate"] = _ratio(cell["_attended"], cell["_attendance_recorded"])
    cell["no_show_rate"] = _ratio(cell["_no_show"], cell["_attendance_recorded"])
    cell["_advice_recorded"] = cell["_advice_attended"] + cell["_advice_no_show"]
    cell["advice_no_show_rate"] = _ratio(cell["_advice_no_show"], cell["_advice_recorded"])
    for channel in CHANNELS:
        cell[channel_share_key(channel)] = _ratio(cell[f"_attentions_{channel}"], cell["attentions"])
    for topic in TOPICS:
        cell[topic_share_key(topic)] = _ratio(cell[f"_topic_{topic}"], cell["attentions"])
    for key in ("median_hold_wait_days", "median_days_to_advice", "median_days_to_follow_up"):
        cell[key] = float(cell[key]) if cell.get(key) is not None else None


def add_population_rates(cell: dict, population: int) -> None:
    cell["people_reached_per_1000"] = 1000.0 * cell["people_reached"] / population if population else None
    cell["loans_per_1000"] = 1000.0 * cell["loans"] / population if population else None
    cell["attentions_per_1000"] = 1000.0 * cell["attentions"] / population if population else None


def hubs_for(hub_ids=None, district: str | None = None):
    """The hubs to show: open ones, optionally of one district and limited to `hub_ids` (None = all)."""
    hubs = Hub.objects.filter(is_active=True).only("id", "slug", "name", "district", "population").order_by("name")
    if hub_ids is not None:
        hubs = hubs.filter(pk__in=hub_ids)
    if district:
        hubs = hubs.filter(district=district)
    return list(hubs)
