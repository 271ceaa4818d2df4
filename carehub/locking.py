"""The one way carehub locks rows: `lock_rows()` / `lock_row()`, in one global order, inside a transaction.

Why one helper (pretix's `base/services/locking.py`, Saleor's warehouse management): two operations that lock
the same rows in different orders deadlock on PostgreSQL (`change_session` and `update_activity` did, one
locking sessions then the activity, the other the activity then its sessions). Here every lock follows

    LOCK_ORDER (the model's rank below), then primary key ascending

and the helper *refuses* a lock that would go backwards in that order within one transaction (a programming
error, raised as `LockOrderError` so that the test suite finds it), so no two carehub operations can wait on
each other in a cycle. Rows already held may be locked again (that never waits).

Each transaction that locks gets a `lock_timeout` (settings.LOCK_TIMEOUT_MS): a lock that cannot be had in
time, or a deadlock PostgreSQL detects anyway (e.g. with a hand-written SQL session), becomes the domain
error `Busy` (409, code `busy`, "try again") instead of a 500. `carehub.middleware.BusyMiddleware` and the
API's handler map the same database errors raised by any later statement.

`select_for_update()` is a no-op on SQLite (whose IMMEDIATE transactions serialise writers instead): the
invariants also hold by database constraints, and the concurrency tests run on PostgreSQL.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.models import Model, QuerySet

from . import errors

# Lower ranks are locked first. A user (an advisor's calendar) and a person before anything of theirs; an
# item before its holds, loans and transfers; an activity before its sessions, a session before its bookings;
# an advice service before its appointments. Apps follow INSTALLED_APPS order (lending, activities, advice),
# the order in which an erasure runs their hooks. Strings, not imports: the core knows no app's models.
LOCK_ORDER: tuple[str, ...] = (
    "auth.user",
    "carehub.person",
    "lending.item",
    "lending.hold",
    "lending.loan",
    "lending.transfer",
    "activities.activity",
    "activities.session",
    "activities.booking",
    "activities.groupmembership",
    "activities.calendarfeedtoken",
    "advice.adviceservice",
    "advice.appointment",
    "guidance.attention",
)
_RANK = {label: rank for rank, label in enumerate(LOCK_ORDER)}

# PostgreSQL SQLSTATEs: deadlock_detected, lock_not_available (lock_timeout), serialization_failure.
BUSY_SQLSTATES = {"40P01", "55P03", "40001"}


class LockOrderError(RuntimeError):
    """A service tried to lock rows out of the global order (or outside a transaction): fix the service."""


def rank_of(model: type[Model]) -> int:
    label = model._meta.label_lower
    concrete = model._meta.concrete_model._meta.label_lower
    if label in _RANK:
        return _RANK[label]
    if concrete in _RANK:
        return _RANK[concrete]
    raise LockOrderError(f"{label} has no place in carehub.locking.LOCK_ORDER; add it there.")


def is_busy_error(exc: BaseException) -> bool:
    """A database error that means "someone else holds these rows; try again", on either database."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__ or exc
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if sqlstate in BUSY_SQLSTATES:
        return True
    return "database is locked" in str(exc)  # SQLite, when the busy timeout runs out


def _end_of_transaction_marker() -> None:
    """Registered with on_commit: while it is still pending, the transaction that registered it is running
    (Django drops it on commit and on rollback alike)."""


def _transaction_key(connection):
    """What identifies the application's current transaction on this connection.

    The outermost atomic block that belongs to the application counts (a test case's wrapping transaction
    does not: each service call in a test is its own transaction in production). Nested in a test case's
    transaction, that block is a savepoint with an id unique on the connection. As a real outermost
    transaction it has none; then a marker registered with `on_commit` tells whether it is still the same
    transaction — the Atomic object itself cannot tell, since `@transaction.atomic` reuses one object for
    every call of the decorated function."""
    if not connection.in_atomic_block:
        raise LockOrderError("Rows can only be locked inside transaction.atomic().")
    blocks = connection.atomic_blocks
    index = next((i for i, block in enumerate(blocks) if not getattr(block, "_from_testcase", False)), None)
    if index is None:
        raise LockOrderError("Rows can only be locked inside transaction.atomic().")
    offset = len(blocks) - len(connection.savepoint_ids)
    sid = connection.savepoint_ids[index - offset] if index - offset >= 0 else None
    return sid


def _transaction_state(connection) -> dict:
    """Per-transaction lock bookkeeping, kept on the connection."""
    sid = _transaction_key(connection)
    state = getattr(connection, "_carehub_locks", None)
    if state is not None:
        if sid is not None:
            current = state["sid"] == sid
        else:
            current = state["sid"] is None and any(
                entry[1] is state["marker"] for entry in connection.run_on_commit)
        if current:
            return state
    state = {"sid": sid, "marker": None, "highest": None, "held": set(), "timeout_set": False}
    if sid is None:
        marker = state["marker"] = lambda: _end_of_transaction_marker()
        connection.on_commit(marker)
    connection._carehub_locks = state
    return state


def _set_lock_timeout(connection, state: dict) -> None:
    if state["timeout_set"] or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = %s", [f"{int(settings.LOCK_TIMEOUT_MS)}ms"])
    state["timeout_set"] = True


def lock_rows(queryset: QuerySet, *, using: str | None = None) -> list[Model]:
    """Lock the rows of `queryset` (its own table only: `FOR UPDATE OF self`), in primary-key order, and return
    them in that order. `select_related` on the queryset still works; the related rows are not locked.

    Raises `LockOrderError` if the rows rank below a row this transaction already locked, and `errors.Busy`
    when the lock cannot be had within the lock timeout or PostgreSQL detects a deadlock.
    """
    model = queryset.model
    alias = using or queryset.db or DEFAULT_DB_ALIAS
    connection = connections[alias]
    state = _transaction_state(connection)
    rank = rank_of(model)
    _set_lock_timeout(connection, state)
    try:
        rows = list(queryset.select_for_update(of=("self",)).order_by("pk"))
    except OperationalError as exc:
        if is_busy_error(exc):
            raise errors.Busy() from exc
        raise
    new = [(rank, row.pk) for row in rows if (rank, row.pk) not in state["held"]]
    if new and state["highest"] is not None and min(new) < state["highest"]:
        raise LockOrderError(
            f"{model._meta.label} pk={min(new)[1]} locked after {LOCK_ORDER[state['highest'][0]]} "
            f"pk={state['highest'][1]}: locks must follow carehub.locking.LOCK_ORDER, then primary key."
        )
    if new:
        state["held"].update(new)
        state["highest"] = max([*new, *([state["highest"]] if state["highest"] else [])])
    return rows


def lock_row(queryset: QuerySet) -> Model | None:
    """Lock the single row `queryset` selects (or nothing) and return it, or None if there is no such row."""
    rows = lock_rows(queryset)
    return rows[0] if rows else None
