"""Which reminders already reached which target, and how the last reminder run went:
the ``reminders_sent`` table and one ``meta`` row, read and written with plain sqlite3.

``check --notify`` uses this, so it imports only the standard library (no
sqlite-utils). Reading opens the file read-only, as ``store.due`` does; recording
is one short write transaction behind a busy timeout. A target is named by a hash
of its URL, never by the URL, which holds its password or token.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3

from aliret_tui.errors import UserError
from aliret_tui.paths import sqlite_uri
from aliret_tui.store.due import open_readonly
from aliret_tui.store.readonly import SQLITE_MAGIC, read_header

BUSY_TIMEOUT_S = 10
LAST_RUN_KEY = "reminders_last_run"
_CHUNK = 400  # rows per query: below SQLite's limit on bound parameters

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    # (order_id, clock, deadline as YYYY-MM-DD, threshold in days (-1: overdue), target)
    SentKey = tuple[str, str, str, int, str]


class NotRecorded(UserError):
    """The database cannot record reminders (read-only, locked, older schema...)."""


def has_reminder_table(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'reminders_sent'"
    ).fetchone()
    return row is not None


def read_sent(path: str, order_ids: Iterable[str]) -> set[SentKey]:
    """The reminders already sent for these orders. Empty when there is no database,
    or one from before reminders were recorded (schema 3)."""
    conn = open_readonly(path)
    if conn is None:
        return set()
    try:
        if not has_reminder_table(conn):
            return set()
        wanted = sorted(set(order_ids))
        sent: set[SentKey] = set()
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(
                "SELECT order_id, clock, deadline, threshold, target FROM reminders_sent"
                f" WHERE order_id IN ({marks})",
                chunk,
            )
            sent.update((str(a), str(b), str(c), int(d), str(e)) for a, b, c, d, e in rows)
        return sent
    except sqlite3.Error as error:
        raise NotRecorded(f"{path}: the reminders sent cannot be read ({error})") from None
    finally:
        conn.close()


def record(path: str, sent: Iterable[SentKey], sent_at: str, last_run: dict | None) -> None:
    """Add ``sent`` (and the last run, as JSON in ``meta``) in one transaction.
    Raises NotRecorded, saying why, when the database cannot take them."""
    rows = list(sent)
    conn = _open_for_writing(path)
    try:
        if not has_reminder_table(conn):
            raise NotRecorded(
                f"{path}: this database is from an older aliret-tui; run any aliret-tui "
                "command (e.g. `aliret-tui list`) once to upgrade it"
            )
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT OR IGNORE INTO reminders_sent"
            " (order_id, clock, deadline, threshold, target, sent_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(*row, sent_at) for row in rows],
        )
        if last_run is not None:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [LAST_RUN_KEY, json.dumps(last_run, ensure_ascii=False, sort_keys=True)],
            )
        conn.execute("COMMIT")
    except sqlite3.Error as error:
        _roll_back(conn)
        raise NotRecorded(f"{path}: cannot record the reminders sent ({error})") from None
    finally:
        conn.close()


def read_last_run(path: str) -> dict | None:
    """What the last ``check --notify`` recorded, or None."""
    conn = open_readonly(path)
    if conn is None:
        return None
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", [LAST_RUN_KEY]).fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    if row is None:
        return None
    try:
        value = json.loads(row[0])
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _roll_back(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):  # closing the connection rolls back too
            conn.execute("ROLLBACK")


def _open_for_writing(path: str) -> sqlite3.Connection:
    """A read-write connection to an existing aliret-tui database; never creates one."""
    try:
        header = read_header(path)
    except OSError as error:
        raise NotRecorded(f"{path}: cannot be opened ({error})") from None
    if header != SQLITE_MAGIC:
        raise NotRecorded(f"{path}: is not an aliret-tui database")
    if not os.access(path, os.W_OK):
        raise NotRecorded(f"{path}: is read-only")
    try:
        conn = sqlite3.connect(
            sqlite_uri(path, mode="rw"), uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None
        )
    except sqlite3.Error as error:
        raise NotRecorded(f"{path}: cannot be opened ({error})") from None
    return conn
