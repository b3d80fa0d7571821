"""Restore: a backup checked in full replaces the database, which need not open."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import shlex
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from aliret_tui.domain.checks import field_names
from aliret_tui.domain.clocks import ClockKind
from aliret_tui.domain.fields import FieldErrors
from aliret_tui.domain.models import (
    Attachment,
    ChatMessage,
    Dispute,
    Event,
    EvidenceItem,
    Order,
    OrderLine,
    Record,
    parse,
)
from aliret_tui.files import make_private_folder
from aliret_tui.paths import backup_dir
from aliret_tui.sanitize import shown
from aliret_tui.store import backup_status
from aliret_tui.store.backup import (
    FILE_MODE,
    backup_name,
    claim_name,
    daily_backups,
    quick_check,
    sweep_partials,
    take_backup,
)
from aliret_tui.store.connection import Connection
from aliret_tui.store.errors import StoreError
from aliret_tui.store.opening import BUSY_TIMEOUT_MS, describe_error, refuse_foreign_schema
from aliret_tui.store.readonly import SQLITE_MAGIC, NotAFile, connect_readonly, read_header
from aliret_tui.store.schema import MIGRATION_SET, migrations

BUSY_TIMEOUT_S = BUSY_TIMEOUT_MS / 1000


# -- the schema -----------------------------------------------------------------------


def refuse_broken_schema(conn: sqlite3.Connection, source: Path) -> list[str]:
    """Compare every table of ``source``, column by column, with what the same migrations
    make of an empty database; returns the migrations it has (a backup may be of an older
    schema). With ``refuse_bad_rows``, what ``check_restorable`` adds to SQLite's checks."""
    applied = [
        row[0]
        for row in conn.execute(
            f"SELECT name FROM {migrations.migrations_table} WHERE migration_set = ? "
            "ORDER BY rowid",
            [MIGRATION_SET],
        )
    ]
    known = [migration.name for migration in migrations._migrations]
    if applied != known[: len(applied)]:
        raise StoreError(
            f"{source}: its schema changes ({', '.join(applied) or 'none'}) are not this "
            "version's, in order; not restored"
        )
    expected = _tables(_reference_schema(applied))
    found = _tables(conn)
    for table in sorted(expected.keys() | found.keys()):
        if table not in found:
            raise StoreError(f"{source}: table {table} is missing; not restored")
        if table not in expected:
            raise StoreError(f"{source}: table {table} is not an aliret-tui table; not restored")
        difference = _column_difference(expected[table], found[table])
        if difference:
            raise StoreError(f"{source}: table {table}: {difference}; not restored")
    return applied


def _reference_schema(applied: list[str]) -> sqlite3.Connection:
    """An empty database in memory, with ``applied`` (the first migrations) applied."""
    db = Database(memory=True)
    pending = [migration.name for migration in migrations._migrations][len(applied) :]
    migrations.apply(db, stop_before=pending[0] if pending else None)
    return db.conn


# (name, declared type, NOT NULL, default, position in the primary key), in table order.
Column = tuple[str, str, int, Any, int]


def _tables(conn: sqlite3.Connection) -> dict[str, list[Column]]:
    """Every table's columns, but SQLite's own tables and the migrations record."""
    names = [
        row[0]
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not row[0].startswith("sqlite_") and row[0] != migrations.migrations_table
    ]
    return {
        name: [tuple(row[1:]) for row in conn.execute(f'PRAGMA table_info("{name}")')]
        for name in names
    }


def _column_difference(expected: list[Column], found: list[Column]) -> str | None:
    wanted = {column[0]: column for column in expected}
    have = {column[0]: column for column in found}
    for name, column in wanted.items():
        if name not in have:
            return f"column {name} is missing"
        if have[name] != column:
            return f"column {name} is {_declared(have[name])}, expected {_declared(column)}"
    for name in have:
        if name not in wanted:
            return f"column {name} is not an aliret-tui column"
    if [column[0] for column in found] != [column[0] for column in expected]:
        return "its columns are in another order"
    return None


def _declared(column: Column) -> str:
    _, kind, not_null, default, key = column
    parts = [kind or "untyped"]
    if not_null:
        parts.append("NOT NULL")
    if default is not None:
        parts.append(f"DEFAULT {default}")
    if key:
        parts.append("PRIMARY KEY")
    return " ".join(parts)


# -- the rows ----------------------------------------------------------------------------


class _BadValue(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


def refuse_bad_rows(conn: sqlite3.Connection, source: Path, applied: list[str]) -> None:
    """Read every row of every table through the models; refuse the first that fails,
    naming its table, row and column."""
    if len(applied) < len(migrations._migrations):
        conn = _migrated_copy(conn)  # the rows as this version will read them
    for table, check, which in _ROW_CHECKS:
        for row in _rows(conn, table):
            try:
                check(row)
            except _BadValue as bad:
                raise StoreError(
                    f"{source}: table {table}, {which(row)}, column {bad.column}: "
                    f"{bad.message}; not restored"
                ) from None
    for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
        raise StoreError(
            f"{source}: table {table}, row {rowid}: belongs to a row of {parent} that is "
            "not there; not restored"
        )


def _migrated_copy(conn: sqlite3.Connection) -> sqlite3.Connection:
    copy = sqlite3.connect(":memory:")
    conn.backup(copy)
    migrations.apply(Database(copy))
    return copy


def _rows(conn: sqlite3.Connection, table: str) -> Iterator[dict[str, Any]]:
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    for row in cursor.execute(f"SELECT rowid AS rowid_, * FROM {table} ORDER BY rowid"):
        yield dict(row)


def _through(model: type[Record], data: dict[str, Any], columns: dict[str, str]) -> None:
    """Validate ``data`` as ``model``; a refusal names the column (``columns`` maps the
    model's field names to the table's where they differ)."""
    try:
        parse(model, data)
    except FieldErrors as errors:
        first = errors.first
        message = first.message
        if "(got " not in message:
            message += f" (got {_short(_value_at(data, first.field))})"
        raise _BadValue(columns.get(first.field, first.field), message) from None


def _value_at(data: dict[str, Any], field: str) -> Any:
    """The value a field name such as ``refund.amount`` points to in ``data``."""
    value: Any = data
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _iso(row: dict[str, Any], *columns: str, moment: bool = False) -> None:
    """What the store reads with ``fromisoformat`` must parse with it."""
    parse_as = dt.datetime.fromisoformat if moment else dt.date.fromisoformat
    for column in columns:
        value = row[column]
        if value:
            try:
                parse_as(value)
            except (TypeError, ValueError):
                shape = "a time as YYYY-MM-DD HH:MM" if moment else "a date as YYYY-MM-DD"
                raise _BadValue(column, f"must be {shape} (got {_short(value)})") from None


def _short(value: Any) -> str:
    return repr(shown(str(value))[:40])


_ORDER_FIELDS = [name for name in field_names(Order) if name != "dispute"]
_CLOCKS = [kind.value for kind in ClockKind]


def _order(row: dict[str, Any]) -> None:
    _iso(row, "ordered_on", "delivered_on", "protection_ends", "clock_since", "deadline")
    data = {name: row[name] for name in _ORDER_FIELDS}
    data["clock_since"] = row["clock_since"] or None
    _through(Order, data, {})
    if row["clock"] is not None and row["clock"] not in _CLOCKS:
        raise _BadValue(
            "clock", f"must be one of {', '.join(_CLOCKS)} (got {_short(row['clock'])})"
        )
    if (row["clock"] is None) != (row["deadline"] is None):
        raise _BadValue("deadline", "must be set exactly when clock is")


_DISPUTE_COLUMNS = {
    "return_shipment.approved_on": "return_approved_on",
    "return_shipment.carrier": "return_carrier",
    "return_shipment.tracking": "return_tracking",
    "carrier": "return_carrier",
    "tracking": "return_tracking",
    "return_shipment.shipped_on": "return_shipped_on",
    "return_shipment.delivered_on": "return_delivered_on",
    "refund.due_since": "refund_due_since",
    "refund.expected_amount": "refund_expected",
    "refund.amount": "refund_amount",
    "refund.refunded_on": "refunded_on",
}


def _dispute(row: dict[str, Any]) -> None:
    """As ``store._dispute_from_row`` reads it: a shipment once a return is approved,
    a refund once one is due or paid."""
    _iso(row, "opened_on", "escalated_on", "return_approved_on", "return_shipped_on")
    _iso(row, "return_delivered_on", "refund_due_since", "refunded_on")
    shipment = refund = None
    if row["return_approved_on"]:
        shipment = {
            "approved_on": row["return_approved_on"],
            "carrier": row["return_carrier"],
            "tracking": row["return_tracking"],
            "shipped_on": row["return_shipped_on"] or None,
            "delivered_on": row["return_delivered_on"] or None,
        }
    if row["refund_due_since"] or row["refund_amount"] is not None:
        refund = {
            "due_since": row["refund_due_since"] or None,
            "expected_amount": row["refund_expected"],
            "amount": row["refund_amount"],
            "refunded_on": row["refunded_on"] or None,
        }
    data = {
        "reason": row["reason"],
        "outcome": row["outcome"],
        "opened_on": row["opened_on"],
        "escalated_on": row["escalated_on"] or None,
        "return_shipment": shipment,
        "refund": refund,
    }
    _through(Dispute, data, _DISPUTE_COLUMNS)


def _event(row: dict[str, Any]) -> None:
    _iso(row, "on_date")
    parts = row["lines"].split(",") if row["lines"] else []
    if not all(part.isdigit() for part in parts):
        raise _BadValue("lines", f"must be line numbers such as 1,3 (got {_short(row['lines'])})")
    data = {
        "seq": row["seq"],
        "kind": row["kind"],
        "on": row["on_date"],
        "note": row["note"],
        "reason": row["reason"] or None,
        "outcome": row["outcome"] or None,
        "tracking": row["tracking"],
        "carrier": row["carrier"],
        "amount": row["amount"],
        "lines": tuple(int(part) for part in parts),
        "recorded_at": row["recorded_at"],
        "source": row["source"],
    }
    _through(Event, data, {"on": "on_date"})


def _fields_of(model: type[Record], row: dict[str, Any]) -> dict[str, Any]:
    return {name: row[name] for name in field_names(model) if name in row}


def _message(row: dict[str, Any]) -> None:
    _iso(row, "sent_at", moment=True)
    _through(ChatMessage, _fields_of(ChatMessage, row), {})


def _evidence(row: dict[str, Any]) -> None:
    _through(EvidenceItem, _fields_of(EvidenceItem, row), {})


def _attachment(row: dict[str, Any]) -> None:
    _through(Attachment, _fields_of(Attachment, row), {})


def _line(row: dict[str, Any]) -> None:
    _through(OrderLine, _fields_of(OrderLine, row), {})


def _meta(row: dict[str, Any]) -> None:
    if row["key"] == "changes" and not str(row["value"]).isdigit():
        raise _BadValue(
            "value", f"the change counter must be a whole number (got {_short(row['value'])})"
        )


def _of_order(row: dict[str, Any]) -> str:
    return f"row {row['rowid_']} (order {_short(row['order_id'])})"


_ROW_CHECKS: list[tuple[str, Callable[[dict[str, Any]], None], Callable[[dict[str, Any]], str]]] = [
    ("meta", _meta, lambda row: f"key {_short(row['key'])}"),
    ("orders", _order, lambda row: f"order {_short(row['order_id'])}"),
    ("disputes", _dispute, lambda row: f"the dispute of order {_short(row['order_id'])}"),
    ("order_lines", _line, _of_order),
    ("events", _event, _of_order),
    ("messages", _message, _of_order),
    ("evidence", _evidence, _of_order),
    (
        "attachments",
        _attachment,
        lambda row: f"row {row['rowid_']} (evidence row {row['evidence_id']})",
    ),
]


# -- replacing the database ---------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    saved: Path | None  # the copy of what was there before, if anything was
    note: str  # how it was saved, for the user


def restore_database(live: Path, source: Path, now: dt.datetime) -> Restored:
    """Replace the database at ``live`` with ``source``, checked in full first.

    ``live`` is not opened as a store, so a database that broke can always be replaced:
    whatever is there is saved first, as a checked copy when it is a healthy database,
    as its bytes when it is not (garbage, damaged pages), then replaced. A healthy
    database that is another program's, or a newer aliret-tui's, is left untouched."""
    check_restorable(source)
    if live.exists() and live.resolve() == source.resolve():
        raise StoreError(f"{source}: is the database itself; nothing to restore")
    try:
        read_header(str(live))
    except NotAFile as error:
        raise StoreError(f"{live}: is {error.kind}, not a database file; not restored") from None
    except OSError:
        pass  # unreadable: saved if it can be, replaced all the same
    healthy = _is_healthy(live)
    if healthy:
        _refuse_what_is_not_ours(live)
    counted = _highest_change_count(live)
    restored = _save_what_is_there(live, now, healthy)
    if healthy:
        _copy_into(live, source)
    else:
        _replace_file(live, source)
    _count_as_newest(live, counted)
    return restored


def _is_healthy(live: Path) -> bool:
    try:
        header = read_header(str(live))
    except OSError:
        return False
    return header == SQLITE_MAGIC and quick_check(live) == "ok"


def _refuse_what_is_not_ours(live: Path) -> None:
    conn = connect_readonly(str(live), timeout=BUSY_TIMEOUT_S)
    try:
        refuse_foreign_schema(Connection(conn), live)
    except sqlite3.Error as error:
        raise StoreError(f"{live}: cannot be read ({error}); not restored") from None
    finally:
        conn.close()


def _save_what_is_there(live: Path, now: dt.datetime, healthy: bool) -> Restored:
    """A checked copy of a healthy database; the bytes of one that is not (SQLite
    cannot copy what it cannot read); and when even that fails, say so."""
    try:
        empty = live.stat().st_size == 0
    except FileNotFoundError:
        empty = True
    if empty:
        return Restored(None, f"There was no database at {live} before.")
    folder = backup_dir(live)
    destination = folder / backup_name("pre-restore", now, live.name)

    def numbered(number: int) -> Path:
        return folder / backup_name("pre-restore", now, live.name, number)

    if healthy:
        conn = sqlite3.connect(live, timeout=BUSY_TIMEOUT_S)
        try:
            saved = take_backup(conn, destination, numbered=numbered)
        finally:
            conn.close()
        return Restored(saved, f"The database as it was before is saved in {saved}")
    try:
        saved = _copy_bytes(live, destination, numbered)
    except OSError as error:
        return Restored(
            None,
            f"The database as it was before could not be read as a database, nor copied "
            f"({error.strerror}); it is replaced without a copy.",
        )
    return Restored(
        saved,
        "The database as it was before could not be read as a database; its bytes are "
        f"copied as they were to {saved}",
    )


def _copy_bytes(live: Path, destination: Path, numbered: Callable[[int], Path]) -> Path:
    """The file (and its -wal, which holds committed changes) copied as it is."""
    make_private_folder(destination.parent)
    placed = claim_name(destination, "rename", numbered)
    assert placed is not None
    try:
        _copy_private(live, placed)
        wal = Path(f"{live}-wal")
        if wal.exists():
            _copy_private(wal, Path(f"{placed}-wal"))
    except OSError:
        placed.unlink(missing_ok=True)
        Path(f"{placed}-wal").unlink(missing_ok=True)
        raise
    return placed


def _copy_private(source: Path, destination: Path) -> None:
    fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, FILE_MODE)
    with os.fdopen(fd, "wb") as out, source.open("rb") as into:
        shutil.copyfileobj(into, out)
        out.flush()
        os.fsync(out.fileno())


def _copy_into(live: Path, source: Path) -> None:
    """SQLite's online backup, page by page, into the open database: other programs
    that have it open see the restored data as one change."""
    incoming = connect_readonly(str(source), timeout=BUSY_TIMEOUT_S)
    target = sqlite3.connect(live, timeout=BUSY_TIMEOUT_S)
    try:
        incoming.backup(target)
    except sqlite3.Error as error:
        raise StoreError(f"{live}: could not be replaced ({error}); nothing was restored") from None
    finally:
        incoming.close()
        target.close()


def _replace_file(live: Path, source: Path) -> None:
    """A new file in place of one SQLite cannot open (or of none): written beside it,
    then renamed over it, with the old file's -wal and -shm removed first."""
    partial = live.parent / f".{live.name}.{os.getpid()}-{secrets.token_hex(4)}.partial"
    incoming = connect_readonly(str(source), timeout=BUSY_TIMEOUT_S)
    try:
        make_private_folder(live.parent)
        sweep_partials(live.parent)  # what a restore cut off by a crash left
        incoming.execute("VACUUM INTO ?", [str(partial)])
        os.chmod(partial, FILE_MODE)
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        for leftover in ("-wal", "-shm", "-journal"):
            Path(f"{live}{leftover}").unlink(missing_ok=True)
        os.replace(partial, live)
        _sync_folder(live.parent)
    except (sqlite3.Error, OSError) as error:
        raise StoreError(f"{live}: could not be replaced ({error}); nothing was restored") from None
    finally:
        incoming.close()
        partial.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _highest_change_count(live: Path) -> int:
    """The change counter of the database now, or of its newest daily backup."""
    counts = [0]
    with contextlib.suppress(OSError):
        counts += [backup.changes for backup in daily_backups(backup_dir(live), live.name)]
    try:
        conn = connect_readonly(str(live), timeout=BUSY_TIMEOUT_S)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'changes'").fetchone()
        finally:
            conn.close()
        counts.append(int(row[0]) if row else 0)
    except (sqlite3.Error, OSError, ValueError):
        pass
    return max(counts)


def _count_as_newest(live: Path, counted: int) -> None:
    """The restored data counts as a change after everything before it: the change
    counter only grows, so daily backups never take it for data already backed up.
    Its deadlines are computed again and the last backup's outcome is forgotten."""
    conn = sqlite3.connect(live, timeout=BUSY_TIMEOUT_S)
    try:
        with conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'changes'").fetchone()
            changes = max(int(row[0]) if row else 0, counted) + 1
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('changes', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [str(changes)],
            )
            conn.execute("DELETE FROM meta WHERE key IN ('policy', ?)", [backup_status.KEY])
    except sqlite3.Error as error:
        raise StoreError(f"{live}: restored, but could not be updated ({error})") from None
    finally:
        conn.close()


def check_restorable(source: Path) -> None:
    """Refuse a file that is not a healthy aliret-tui database this version can read:
    its schema is compared column by column, and every row is read through the models
    (see ``store.restore``)."""
    if source.is_dir():
        raise StoreError(f"{source}: is a folder, not a backup file")
    if not source.is_file():
        raise StoreError(f"{source}: no such file")
    with source.open("rb") as handle:
        start = handle.read(64)
    if not start.startswith(SQLITE_MAGIC):
        if start.lstrip().startswith((b"{", b"[")) or source.suffix.lower() in (".json", ".csv"):
            raise StoreError(
                f"{source}: is an export, not a backup; bring it in with "
                f"aliret-tui import {shlex.quote(str(source))} (restore takes a file made by "
                "aliret-tui backup)"
            )
        raise StoreError(f"{source}: is not a SQLite database")
    verdict = quick_check(source)
    if verdict != "ok":
        raise StoreError(f"{source}: is damaged ({verdict}); not restored")
    conn = connect_readonly(str(source), timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        database = Connection(conn)
        refuse_foreign_schema(database, source)
        if "orders" not in database.table_names():
            raise StoreError(f"{source}: holds no aliret-tui data")
        applied = refuse_broken_schema(conn, source)
        refuse_bad_rows(conn, source, applied)
    except sqlite3.Error as error:
        raise StoreError(
            f"{source}: cannot be read ({describe_error(error)}); not restored"
        ) from None
    finally:
        conn.close()
