"""Every order's history for the statistics, read straight from SQLite.

A few set-based queries in one read transaction (the orders, their disputes, and each
dispute's events in timeline order), no models built: about 60 ms for 10,000 orders
on the benchmark machine (tests/perf/bench_statistics.py). Standard library and pure
domain only, so ``aliret-tui stats`` can use it on a plain read-only connection.
Archived orders are included: they are history.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal

from aliret_tui.domain.clocks import inspection_deadline
from aliret_tui.domain.history import NOT_DISPUTE_EVENTS, HistoryEvent, OrderHistory
from aliret_tui.domain.policy import Policy
from aliret_tui.domain.states import OrderState
from aliret_tui.sanitize import shown

_ORDERS = """
    SELECT order_id, store, currency, price, state, archived, ordered_on, delivered_on, deadline
    FROM orders
"""
_DISPUTES = """
    SELECT order_id, reason, outcome, opened_on, escalated_on, return_approved_on,
           refund_due_since, refund_expected, refunded_on, refund_amount
    FROM disputes
"""
# What an open window's end is computed from, when the stored one cannot be used.
_WINDOWS = """
    SELECT order_id, delivered_on, protection_ends, window_days, local_return FROM orders
    WHERE state = 'window_open' AND delivered_on IS NOT NULL
"""
# The dispute's timeline: events before an order's dispute (or instead of one) are left
# out. The (order_id, seq) unique index gives this order without sorting.
_EVENTS = f"""
    SELECT order_id, kind, on_date, amount FROM events
    WHERE kind NOT IN ({", ".join(f"'{kind.value}'" for kind in sorted(NOT_DISPUTE_EVENTS))})
    ORDER BY order_id, seq
"""
_CHUNK = 2000


def read_histories(conn: sqlite3.Connection, policy: Policy | None = None) -> list[OrderHistory]:
    """Every order (archived ones too) with its dispute's columns and its timeline.

    Deadlines are the stored ones. With ``policy``, when the database's deadlines were
    computed under other rules (``config.toml`` changed since the store last opened
    it), an open window's end is computed here under ``policy`` instead, as
    ``aliret-tui check`` does. An empty or brand-new database gives [].
    """
    if not _has_orders(conn):
        return []
    began = not conn.in_transaction
    if began:
        conn.execute("BEGIN")  # one snapshot for every query
    try:
        days = _Days()
        window_ends = None
        if policy is not None and _stored_fingerprint(conn) != policy.deadline_fingerprint():
            window_ends = _window_ends(conn, policy, days)
        disputes = _disputes_by_order(conn, days)
        events = _events_by_order(conn, days)
        return _histories(conn, disputes, events, window_ends, days)
    finally:
        if began:
            conn.execute("COMMIT")


def _has_orders(conn: sqlite3.Connection) -> bool:
    found = conn.execute(
        "SELECT count(*) FROM sqlite_master "
        "WHERE type = 'table' AND name IN ('orders', 'disputes', 'events')"
    ).fetchone()[0]
    return found == 3


def _stored_fingerprint(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'policy'").fetchone()
    except sqlite3.OperationalError:  # no meta table: nothing was computed yet
        return None
    return row[0] if row else None


def _window_ends(conn: sqlite3.Connection, policy: Policy, days: _Days) -> dict[str, dt.date]:
    """Each open window's end under ``policy`` (orders delivered on a known day)."""
    ends = {}
    for order_id, delivered_on, protection_ends, window_days, local_return in conn.execute(
        _WINDOWS
    ):
        ends[order_id] = inspection_deadline(
            delivered_on=days[delivered_on],
            protection_ends=days[protection_ends] if protection_ends else None,
            window_days=window_days,
            local_return=bool(local_return),
            policy=policy,
        )
    return ends


def _disputes_by_order(conn: sqlite3.Connection, days: _Days) -> dict[str, tuple]:
    """OrderHistory's dispute fields, by order."""
    return {
        order_id: (
            reason,
            outcome,
            days[opened_on] if opened_on else None,
            days[escalated_on] if escalated_on else None,
            days[return_approved_on] if return_approved_on else None,
            days[refund_due_since] if refund_due_since else None,
            Decimal(refund_expected) if refund_expected else None,
            days[refunded_on] if refunded_on else None,
            Decimal(refund_amount) if refund_amount else None,
        )
        for (order_id, reason, outcome, opened_on, escalated_on, return_approved_on,
             refund_due_since, refund_expected, refunded_on, refund_amount)
        in conn.execute(_DISPUTES)
    }  # fmt: skip


def _events_by_order(conn: sqlite3.Connection, days: _Days) -> dict[str, tuple]:
    grouped: dict[str, list[HistoryEvent]] = {}
    current_id: str | None = None
    current: list[HistoryEvent] = []
    cursor = conn.execute(_EVENTS)
    while chunk := cursor.fetchmany(_CHUNK):
        for order_id, kind, on_date, amount in chunk:
            if order_id != current_id:
                current_id = order_id
                current = grouped.setdefault(order_id, [])
            current.append((kind, days[on_date], Decimal(amount) if amount else None))
    return {order_id: tuple(events) for order_id, events in grouped.items()}


_NO_DISPUTE = (None,) * 9  # an order without a dispute: OrderHistory's dispute fields
_WINDOW_OPEN = OrderState.WINDOW_OPEN.value


def _histories(
    conn: sqlite3.Connection,
    disputes: dict[str, tuple],
    events: dict[str, tuple],
    window_ends: dict[str, dt.date] | None,
    days: _Days,
) -> list[OrderHistory]:
    stores: dict[str, str] = {}
    histories: list[OrderHistory] = []
    new = tuple.__new__  # OrderHistory's own __new__ is a Python call per order
    no_events = ((),)
    cursor = conn.execute(_ORDERS)
    while chunk := cursor.fetchmany(_CHUNK):
        for row in chunk:
            order_id, store, currency, price, state, archived, ordered, delivered, deadline = row
            if window_ends is not None and state == _WINDOW_OPEN:
                ends = window_ends.get(order_id)
            else:
                ends = days[deadline] if deadline else None
            store_name = stores.get(store)
            if store_name is None:
                store_name = stores[store] = shown(store)
            facts = (
                order_id,
                store_name,
                currency,
                Decimal(price),
                state,
                archived == 1,
                days[ordered] if ordered else None,
                days[delivered] if delivered else None,
                ends,
            )
            timeline = events.get(order_id)
            dispute = disputes.get(order_id, _NO_DISPUTE)
            history = facts + dispute + ((timeline,) if timeline else no_events)
            histories.append(new(OrderHistory, history))
    return histories


class _Days(dict[str, dt.date]):
    """ISO date text to ``date``, each distinct day parsed once: ``days[text]``."""

    def __missing__(self, text: str) -> dt.date:
        day = self[text] = dt.date.fromisoformat(text)
        return day
