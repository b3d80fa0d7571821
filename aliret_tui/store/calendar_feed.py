"""What the calendar (``aliret-tui ics``) reads and records, in plain SQL.

It reads the orders whose clock runs, found through the ``(clock, deadline)``
index and completed a few hundred at a time with one query per table. It also
keeps ``calendar_published``: the events each export published, so that a
cancellation is sent only for an event a calendar may hold. That record is
bookkeeping, not the user's data: writing it is not counted as a change, so
it never makes a daily backup due.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from aliret_tui.domain.clocks import Clock, ClockKind
from aliret_tui.domain.models import Order
from aliret_tui.domain.policy import Policy
from aliret_tui.domain.states import CLOSED_STATES
from aliret_tui.domain.vocabulary import EvidenceKind, Sender
from aliret_tui.sanitize import shown
from aliret_tui.store.errors import StoreError
from aliret_tui.store.opening import describe_error
from aliret_tui.store.readonly import ROOM_NEEDED
from aliret_tui.store.rows import order_from_row

CHUNK = 500  # orders per batch, and ids per IN (...) query
_ACTIONABLE = tuple(kind.value for kind in ClockKind if kind is not ClockKind.INSPECTION)
# Running clocks as stored (valid while the stored policy fingerprint matches):
# inspection windows from today on, the other clocks even when overdue.
_RUNNING_STORED = f"""
    SELECT * FROM orders
    WHERE archived = 0 AND (
        (clock = 'inspection' AND deadline >= :today)
        OR clock IN ({", ".join(f"'{kind}'" for kind in _ACTIONABLE)}))
    ORDER BY deadline, order_id
"""
# Otherwise (a read-only database whose policy changed) every order that is not closed.
_NOT_CLOSED = f"""
    SELECT * FROM orders
    WHERE archived = 0 AND state NOT IN ({", ".join(f"'{state.value}'" for state in CLOSED_STATES)})
    ORDER BY order_id
"""
# What the deadline rule names the origin of.
_DATED_FIELDS = ("delivered_on", "protection_ends")


class ChecklistEntry(NamedTuple):
    """One evidence item, as the calendar shows it (and ``readiness`` reads it)."""

    label: str
    kind: EvidenceKind
    has_proof: bool


class SenderOnly(NamedTuple):
    """Who wrote in the chat: all ``readiness`` reads of a message."""

    sender: Sender


class LiveOrder(NamedTuple):
    """An order whose clock runs, with what its calendar event says."""

    order: Order
    clock: Clock
    checklist: tuple[ChecklistEntry, ...]
    senders: tuple[SenderOnly, ...]
    origins: dict[str, tuple[str, str]]


class PublishedEvent(NamedTuple):
    """A row of ``calendar_published``: an event an export sent to calendars."""

    uid: str
    order_id: str
    summary: str
    starts_on: dt.date
    sequence: int
    cancelled_at: str | None = None


def can_record(path: Path) -> bool:
    """Whether the database exists and can be written (file, folder and disk), so an
    export can record what it published."""
    folder = os.path.dirname(os.path.realpath(path))
    if not (os.path.isfile(path) and os.access(path, os.W_OK)):
        return False
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    try:
        return shutil.disk_usage(folder).free >= ROOM_NEEDED
    except OSError:
        return False


def running_clocks(
    conn: sqlite3.Connection, policy: Policy, today: dt.date
) -> Iterator[list[LiveOrder]]:
    """The orders whose clock runs today (overdue actionable clocks included, expired
    inspection windows and archived orders not), a few hundred at a time, soonest
    deadline first."""
    stored = _stored_fingerprint(conn) == policy.deadline_fingerprint()
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    cursor.execute(_RUNNING_STORED if stored else _NOT_CLOSED, {"today": today.isoformat()})
    while rows := cursor.fetchmany(CHUNK):
        live = _complete(conn, rows, policy, today)
        if live:
            yield live


def _stored_fingerprint(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = 'policy'").fetchone()
    return row[0] if row else None


def _complete(
    conn: sqlite3.Connection, rows: list[sqlite3.Row], policy: Policy, today: dt.date
) -> list[LiveOrder]:
    ids = [row["order_id"] for row in rows]
    disputes = {row["order_id"]: row for row in _select(conn, "SELECT * FROM disputes", ids)}
    checklists = _checklists(conn, ids)
    senders = _senders(conn, ids)
    origins = _origins(conn, ids)
    live = []
    for row in rows:
        order = order_from_row(row, disputes.get(row["order_id"]))
        clock = order.clock(policy)
        if clock is None or clock.is_expired(today):
            continue
        order_id = order.order_id
        live.append(
            LiveOrder(
                order,
                clock,
                tuple(checklists.get(order_id, ())),
                tuple(senders.get(order_id, ())),
                origins.get(order_id, {}),
            )
        )
    return live


def _select(
    conn: sqlite3.Connection, query: str, ids: Sequence[str], tail: str = ""
) -> Iterator[sqlite3.Row]:
    """``query WHERE order_id IN (ids) tail``, as rows read by name."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    marks = ",".join("?" * len(ids))
    return cursor.execute(f"{query} WHERE order_id IN ({marks}) {tail}", list(ids))


def _checklists(conn: sqlite3.Connection, ids: list[str]) -> dict[str, list[ChecklistEntry]]:
    query = """
        SELECT order_id, label, kind,
               done OR EXISTS (SELECT 1 FROM attachments a WHERE a.evidence_id = e.id) AS proof
        FROM evidence e"""
    found: dict[str, list[ChecklistEntry]] = {}
    for row in _select(conn, query, ids, "ORDER BY order_id, position, id"):
        entry = ChecklistEntry(shown(row["label"]), EvidenceKind(row["kind"]), bool(row["proof"]))
        found.setdefault(row["order_id"], []).append(entry)
    return found


def _senders(conn: sqlite3.Connection, ids: list[str]) -> dict[str, list[SenderOnly]]:
    query = "SELECT DISTINCT order_id, sender FROM messages"
    found: dict[str, list[SenderOnly]] = {}
    for row in _select(conn, query, ids):
        found.setdefault(row["order_id"], []).append(SenderOnly(Sender(row["sender"])))
    return found


def _origins(conn: sqlite3.Connection, ids: list[str]) -> dict[str, dict[str, tuple[str, str]]]:
    fields = ", ".join(f"'{name}'" for name in _DATED_FIELDS)
    query = "SELECT order_id, field, origin, source FROM fact_sources"
    found: dict[str, dict[str, tuple[str, str]]] = {}
    for row in _select(conn, query, ids, f"AND field IN ({fields})"):
        found.setdefault(row["order_id"], {})[row["field"]] = (row["origin"], shown(row["source"]))
    return found


# -- what was published ------------------------------------------------------------------

_PUBLISHED_COLUMNS = "uid, order_id, summary, starts_on, sequence, cancelled_at"


def published_events(conn: sqlite3.Connection, uids: Sequence[str]) -> dict[str, PublishedEvent]:
    """The recorded events among ``uids``, by uid."""
    found: dict[str, PublishedEvent] = {}
    for start in range(0, len(uids), CHUNK):
        chunk = list(uids[start : start + CHUNK])
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT {_PUBLISHED_COLUMNS} FROM calendar_published WHERE uid IN ({marks})", chunk
        )
        for row in rows:
            found[row[0]] = _published(row)
    return found


def cancellation_candidates(
    conn: sqlite3.Connection, today: dt.date, resend_since: dt.date
) -> Iterator[PublishedEvent]:
    """Published events that a cancellation may concern: those not cancelled whose day
    is today or later (an event in the past is left as it happened), and those
    cancelled since ``resend_since`` (their cancellation is sent again)."""
    rows = conn.execute(
        f"""SELECT {_PUBLISHED_COLUMNS} FROM calendar_published
            WHERE (cancelled_at IS NULL AND starts_on >= :today) OR cancelled_at >= :since
            ORDER BY starts_on, uid""",
        {"today": today.isoformat(), "since": resend_since.isoformat()},
    )
    return (_published(row) for row in rows)


def _published(row: tuple[Any, ...]) -> PublishedEvent:
    uid, order_id, summary, starts_on, sequence, cancelled_at = row
    return PublishedEvent(
        uid, order_id, shown(summary), dt.date.fromisoformat(starts_on), sequence, cancelled_at
    )


def record_export(
    conn: sqlite3.Connection,
    path: Path,
    *,
    published: Sequence[PublishedEvent],
    cancelled: Sequence[PublishedEvent],
    now: dt.datetime,
) -> None:
    """Record the events an export published (new or changed) and the ones it
    cancelled, in one transaction. Sequences only ever grow, whatever another
    export recorded meanwhile."""
    if not published and not cancelled:
        return
    moment = now.isoformat(timespec="seconds")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        raise StoreError(f"{path}: cannot write ({describe_error(error, path)})") from None
    try:
        conn.executemany(
            """INSERT INTO calendar_published
                   (uid, order_id, summary, starts_on, sequence, published_at, cancelled_at)
               VALUES (?, ?, ?, ?, ?, ?, NULL)
               ON CONFLICT (uid) DO UPDATE SET
                   order_id = excluded.order_id, summary = excluded.summary,
                   starts_on = excluded.starts_on,
                   sequence = max(sequence, excluded.sequence),
                   published_at = excluded.published_at, cancelled_at = NULL""",
            [
                (event.uid, event.order_id, event.summary, event.starts_on.isoformat(),
                 event.sequence, moment)
                for event in published
            ],
        )  # fmt: skip
        conn.executemany(
            """UPDATE calendar_published SET cancelled_at = ?, sequence = max(sequence, ?)
               WHERE uid = ? AND cancelled_at IS NULL""",
            [(moment, event.sequence, event.uid) for event in cancelled],
        )
        conn.execute("COMMIT")
    except sqlite3.Error as error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        why = describe_error(error, path)
        raise StoreError(f"{path}: the calendar's record was not saved ({why})") from None
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
