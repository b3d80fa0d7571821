"""How the last daily backup went, kept in the meta table for ``check`` and the dashboard."""

from __future__ import annotations

import datetime as dt
import sqlite3

# meta value: "ok 2026-03-05" or "failed 2026-03-05 <why>"
KEY = "daily_backup"
OK, FAILED = "ok", "failed"


def status_value(outcome: str, day: dt.date, why: str = "") -> str:
    return f"{outcome} {day.isoformat()} {why}".rstrip()


def read_status(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", [KEY]).fetchone()
    except sqlite3.Error:
        return None  # no meta table: opening the database says what is wrong
    return row[0] if row else None


def write_status(conn: sqlite3.Connection, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [KEY, value],
    )


def last_failure(conn: sqlite3.Connection) -> tuple[str, str] | None:
    """(day, why) when the last daily backup failed; None when it did not."""
    outcome, _, rest = (read_status(conn) or "").partition(" ")
    if outcome != FAILED:
        return None
    day, _, why = rest.partition(" ")
    return day, why


def failure_message(day: str, why: str) -> str:
    return (
        f"the daily backup failed on {day} ({why}); changes since then are in no backup. "
        "It is tried again at the next change"
    )
