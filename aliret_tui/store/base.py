"""The store's connection: opening the file, one transaction per user action, the
schema's migrations, the daily and named backups, and the rows every part needs.
The parts that read and write orders, events, chat and evidence build on it
(see ``store.store``).

Every user action is one ``BEGIN IMMEDIATE`` transaction, so a crash leaves
either all of it or none of it, and two writers queue on the busy timeout
instead of failing.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from aliret_tui.domain.policy import DEFAULT_POLICY, Policy
from aliret_tui.paths import backup_dir
from aliret_tui.sanitize import shown
from aliret_tui.store import backup_status
from aliret_tui.store.backup import (
    BackupError,
    backup_name,
    daily_backup_due,
    daily_backup_path,
    prune_daily,
    take_backup,
)
from aliret_tui.store.connection import Connection
from aliret_tui.store.errors import OrderNotFound, StoreError
from aliret_tui.store.opening import (
    configure,
    connect_file,
    describe_error,
    migration_due,
    open_readonly,
    patiently,
    refuse_foreign_schema,
    restrict_permissions,
)
from aliret_tui.store.version import SCHEMA_VERSION
from aliret_tui.timesource import SYSTEM_TIME, TimeSource

# Counts write transactions, so a daily backup is only taken when something changed.
_COUNT_CHANGE = """
    INSERT INTO meta (key, value) VALUES ('changes', '1')
    ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1
"""


class StoreBase:
    # -- lifecycle -----------------------------------------------------------------

    def __init__(
        self,
        path: Path | str,
        *,
        policy: Policy = DEFAULT_POLICY,
        time: TimeSource = SYSTEM_TIME,
        readonly: bool = False,
    ):
        """``readonly=True``: for commands that only read (list, export, ics, backup).
        Nothing is written or created beside the file, so read-only media and a full
        disk do not stop them; a database that needs a migration is refused
        (``UpgradeNeeded``), and no database at all reads as an empty one."""
        self.path = Path(path)
        self.policy = policy
        self.time = time
        self.backups = backup_dir(self.path)
        self._daily_backup_checked: dt.date | None = None
        self.readonly = readonly
        if readonly:
            self.db = open_readonly(self.path)
            return
        self.db = Connection(connect_file(self.path))
        try:
            refuse_foreign_schema(self.db, self.path)
            patiently(lambda: configure(self.db))
            patiently(self._migrate)
            self._refresh_deadlines_if_policy_changed()
        except sqlite3.Error as error:
            self.db.conn.close()
            raise StoreError(
                f"{self.path}: cannot be used ({describe_error(error, self.path)})"
            ) from None
        except BaseException:
            self.db.conn.close()
            raise
        restrict_permissions(self.path)

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One user action: all of it is committed, or none of it."""
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic():
                yield self.db
            return
        self._daily_backup_if_due()
        with self._immediate():
            changes_before = conn.total_changes
            yield self.db
            if conn.total_changes != changes_before:
                conn.execute(_COUNT_CHANGE)

    @contextmanager
    def _immediate(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT: writers queue on the busy timeout up front,
        instead of failing when a read turns into a write."""
        conn = self.db.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            why = describe_error(error, self.path)
            raise StoreError(f"{self.path}: cannot write ({why})") from None
        try:
            yield
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            # SQLite may have rolled back already (a full disk): say what went wrong,
            # not that there was nothing left to roll back.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(
                f"{self.path}: the change was not saved ({describe_error(error, self.path)})"
            ) from None
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _migrate(self) -> None:
        """Bring the schema up to date, after a backup; one process at a time."""
        if not migration_due(self.db):
            return
        from aliret_tui.store.schema import migrations  # sqlite-utils: to change the schema

        if not migrations.pending(self.db.schema_tools):
            self._record_schema_version()  # all there, the version unwritten: write it
            return
        self._backup_before_migrating()
        with self._immediate():  # re-checked under the lock: another process may have won
            migrations.apply(self.db.schema_tools)
            self._record_schema_version()

    def _record_schema_version(self) -> None:
        """``check`` and the quick reads trust PRAGMA user_version."""
        if self.db.conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- backups -------------------------------------------------------------------

    def changes(self) -> int:
        """How many write transactions this database has seen (backups record it)."""
        row = self.db.conn.execute("SELECT value FROM meta WHERE key = 'changes'").fetchone()
        return int(row[0]) if row else 0

    def backup_to(self, destination: Path) -> Path:
        """A checked copy of the database at ``destination`` (a new file)."""
        if destination.exists():
            raise BackupError(f"{destination}: already exists; choose another name")
        placed = take_backup(self.db.conn, destination, if_exists="error")
        assert placed is not None
        return placed

    def backup_now(self, kind: str) -> Path:
        """A named backup in the backups folder: manual, pre-restore, ... (never
        replacing one: a second one in the same second gets -2 after the time)."""
        moment, name = self.time.now(), self.path.name
        placed = take_backup(
            self.db.conn,
            self.backups / backup_name(kind, moment, name),
            if_exists="rename",
            numbered=lambda number: self.backups / backup_name(kind, moment, name, number),
        )
        assert placed is not None
        return placed

    def _daily_backup_if_due(self) -> None:
        """Before the first change of each day. A backup that fails does not stop the
        change: it is recorded for ``check`` and the dashboard, and tried again at the
        next change."""
        today = self.time.today()
        if self._daily_backup_checked == today:
            return
        name, changes = self.path.name, self.changes()
        taken = False
        try:
            if daily_backup_due(self.backups, name, today, changes):
                # Another process may take today's backup at the same moment: keep theirs.
                destination = daily_backup_path(self.backups, name, today, changes)
                take_backup(self.db.conn, destination, if_exists="skip")
                prune_daily(self.backups, name, today)
                taken = True
        except (BackupError, OSError) as error:
            why = str(error) if isinstance(error, BackupError) else error.strerror or str(error)
            self._record_backup_status(backup_status.status_value(backup_status.FAILED, today, why))
            return
        self._daily_backup_checked = today
        # Only a failure, or the first success after one, is worth a write: a command
        # refused on a normal day must leave the file as it was.
        if taken and backup_status.last_failure(self.db.conn) is not None:
            self._record_backup_status(backup_status.status_value(backup_status.OK, today))

    def _record_backup_status(self, value: str) -> None:
        try:
            with self._immediate():
                backup_status.write_status(self.db.conn, value)
        except StoreError:
            pass  # the change that comes next says what is wrong with the database

    def backup_problem(self) -> str | None:
        """Why the last daily backup failed, for the user; None when it did not."""
        failure = backup_status.last_failure(self.db.conn)
        return shown(backup_status.failure_message(*failure)) if failure else None

    def _backup_before_migrating(self) -> None:
        if not self.db.table_names():
            return  # a new, empty database has nothing to lose
        version = self.db.conn.execute("PRAGMA user_version").fetchone()[0]
        self.backup_now(f"pre-migration-s{version}-to-s{SCHEMA_VERSION}")

    def restore_from(self, source: Path) -> Path | None:
        """Replace this database with ``source``, checked in full first (see
        ``store.restore``); returns the copy of what was here before."""
        from aliret_tui.store.restore import restore_database

        restored = restore_database(self.path, source, self.time.now())
        self._migrate()
        self._refresh_deadlines_if_policy_changed()
        return restored.saved

    # -- reading -------------------------------------------------------------------

    def data_version(self) -> tuple[int, int]:
        """Changes whenever data is committed: by another connection (SQLite's
        data_version) or by this one (its count of changed rows)."""
        conn = self.db.conn
        return conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes

    def _now(self) -> str:
        return self.time.now().isoformat(timespec="seconds")

    def _order_row(self, order_id: str) -> dict[str, Any] | None:
        rows = list(self.db.query("SELECT * FROM orders WHERE order_id = ?", [order_id]))
        return rows[0] if rows else None

    def _require_order(self, order_id: str) -> None:
        if self._order_row(order_id) is None:
            raise OrderNotFound(order_id)

    def _require_row(self, table: str, order_id: str, row_id: int) -> None:
        found = self.db.execute(
            f"SELECT 1 FROM {table} WHERE id = ? AND order_id = ?", [row_id, order_id]
        ).fetchone()
        if found is None:
            raise StoreError(f"that {table.rstrip('s')} is no longer there (deleted elsewhere?)")

    def _refresh_deadlines_if_policy_changed(self) -> None:
        """Recompute stored deadlines when the policy changed (``store.orders`` does)."""
        raise NotImplementedError
