"""The dashboard's first rows, read straight from SQLite before the store opens.

Opening the store imports sqlite-utils and pydantic and may migrate or back up
the database, which takes a few hundred ms; the live orders can be on screen
before that. Only a database of this schema, with deadlines stored under the
current policy, is read this way. For anything else the caller waits for the
store, which also explains any problem to the user. It runs before the screen
exists, so it waits at most a moment for a writer.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from typing import TYPE_CHECKING, Any

from aliret_tui.errors import UserError
from aliret_tui.store.due import is_ours, open_readonly, stored_fingerprint
from aliret_tui.store.queries import LIVE_BY_INDEX
from aliret_tui.store.version import SCHEMA_VERSION

BUSY_TIMEOUT_S = 0.2


if TYPE_CHECKING:
    from os import PathLike

    from aliret_tui.domain.policy import Policy


def live_dashboard_rows(
    path: str | PathLike[str], policy: Policy, today: dt.date
) -> list[tuple[Any, ...]] | None:
    """The live orders' rows (as ``Store.dashboard_rows``), or None when only the
    store can read this database."""
    path = os.fspath(path)
    try:
        conn = open_readonly(path, BUSY_TIMEOUT_S)
    except UserError:
        return None
    if conn is None:
        return None
    try:
        same_schema = conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        if not same_schema or not is_ours(conn, path):
            return None
        if stored_fingerprint(conn) != policy.deadline_fingerprint():
            return None
        return conn.execute(LIVE_BY_INDEX, [today.isoformat()] * 2).fetchall()
    except (sqlite3.Error, UserError):
        return None
    finally:
        conn.close()
