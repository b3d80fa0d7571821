"""The one object that owns the SQLite file: opens it safely, migrates it, reads and writes.

Every user action is one ``BEGIN IMMEDIATE`` transaction, so a crash leaves
either all of it or none of it, and two writers queue on the busy timeout
instead of failing.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from aliret_tui.domain.fields import FieldError, long_text
from aliret_tui.domain.models import (
    Attachment,
    ChatMessage,
    Dispute,
    Event,
    EventInput,
    EvidenceItem,
    Order,
    OrderFacts,
    OrderLine,
    OrderRecord,
    Refund,
    ReturnShipment,
)
from aliret_tui.domain.policy import DEFAULT_POLICY, Policy
from aliret_tui.domain.states import OrderState
from aliret_tui.domain.vocabulary import EventKind, EvidenceKind, Outcome, Reason, Sender
from aliret_tui.domain.workflow import Transition, apply_event, with_facts
from aliret_tui.errors import UserError
from aliret_tui.files import make_private_folder
from aliret_tui.paths import backup_dir
from aliret_tui.sanitize import shown
from aliret_tui.store import backup_status
from aliret_tui.store.backup import (
    BackupError,
    backup_name,
    daily_backup_due,
    daily_backup_path,
    prune_daily,
    quick_check,
    take_backup,
)
from aliret_tui.store.queries import dashboard_rows
from aliret_tui.store.readonly import NotAFile, connect_readonly, read_header
from aliret_tui.store.schema import KNOWN_MIGRATIONS, MIGRATION_SET, migrations
from aliret_tui.store.version import SCHEMA_VERSION
from aliret_tui.timesource import SYSTEM_TIME, TimeSource

if TYPE_CHECKING:
    from aliret_tui.importing.batch import ImportBatch
    from aliret_tui.importing.merge import ImportPlan

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
ID_CHUNK = 500  # order ids per IN (...) query
DIR_MODE = 0o700
FILE_MODE = 0o600


# Counts write transactions, so a daily backup is only taken when something changed.
_COUNT_CHANGE = """
    INSERT INTO meta (key, value) VALUES ('changes', '1')
    ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1
"""


class StoreError(UserError):
    """The database cannot be used as asked; the message says why, for the user."""


class OrderNotFound(StoreError):
    def __init__(self, order_id: str):
        super().__init__(f"order {order_id!r} not found")
        self.order_id = order_id


class EditConflict(StoreError):
    """Somebody else saved the order since it was loaded."""


@dataclass(frozen=True)
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    @classmethod
    def of(cls, plan: ImportPlan) -> ImportReport:
        records_added = sum(1 for r in plan.records if r.previous is None)
        return cls(
            added=len(plan.added) + records_added,
            updated=len(plan.updated) + len(plan.records) - records_added,
            unchanged=len(plan.unchanged),
        )

    def __str__(self) -> str:
        return f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"


class Store:
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
            self.db = _open_readonly(self.path)
            return
        self.db = Database(_connect(self.path))
        try:
            _refuse_foreign_schema(self.db, self.path)
            _patiently(lambda: _configure(self.db))
            _patiently(self._migrate)
            self._refresh_deadlines_if_policy_changed()
        except sqlite3.Error as error:
            self.db.conn.close()
            raise StoreError(
                f"{self.path}: cannot be used ({_describe(error, self.path)})"
            ) from None
        except BaseException:
            self.db.conn.close()
            raise
        _restrict_permissions(self.path)

    # -- lifecycle -------------------------------------------------------------

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
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
            raise StoreError(f"{self.path}: cannot write ({_describe(error, self.path)})") from None
        try:
            yield
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            # SQLite may have rolled back already (a full disk): say what went wrong,
            # not that there was nothing left to roll back.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(
                f"{self.path}: the change was not saved ({_describe(error, self.path)})"
            ) from None
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _migrate(self) -> None:
        """Bring the schema up to date, after a backup; one process at a time."""
        if not migrations.pending(self.db):
            return
        self._backup_before_migrating()
        with self._immediate():  # re-checked under the lock: another process may have won
            migrations.apply(self.db)
            if self.db.conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- backups -----------------------------------------------------------------

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

    def data_version(self) -> tuple[int, int]:
        """Changes whenever data is committed: by another connection (SQLite's
        data_version) or by this one (its count of changed rows)."""
        conn = self.db.conn
        return conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes

    def _now(self) -> str:
        return self.time.now().isoformat(timespec="seconds")

    # -- orders ----------------------------------------------------------------

    def add_order(self, facts: OrderFacts) -> Order:
        with self.transaction():
            if self._order_row(facts.order_id) is not None:
                raise FieldError("order_id", f"order {facts.order_id!r} already exists")
            order = self.new_order(facts)
            self.db["orders"].insert(self.row_of(order))
        return order

    def new_order(self, facts: OrderFacts) -> Order:
        now = self._now()
        base = Order.model_construct(**dict(facts), created_at=now, updated_at=now)
        return with_facts(base, facts)

    def get_order(self, order_id: str) -> Order:
        row = self._order_row(order_id)
        if row is None:
            raise OrderNotFound(order_id)
        dispute = self._dispute_rows([order_id]).get(order_id)
        return _order_from_row(row, dispute)

    def orders_by_id(self, order_ids: list[str]) -> list[Order]:
        """The stored orders among ``order_ids`` (a few hundred at a time)."""
        marks = ",".join("?" * len(order_ids))
        rows = self.db.query(
            f"SELECT * FROM orders WHERE order_id IN ({marks}) ORDER BY order_id", order_ids
        )
        disputes = self._dispute_rows(order_ids)
        return [_order_from_row(row, disputes.get(row["order_id"])) for row in rows]

    def insert_order_rows(self, rows: list[dict[str, Any]]) -> None:
        """New orders' rows (``row_of``), with one prepared statement."""
        _insert_rows(self.db.conn, "orders", rows)

    def has_order(self, order_id: str) -> bool:
        return self._order_row(order_id) is not None

    def list_orders(self, *, include_archived: bool = False) -> list[Order]:
        where = "" if include_archived else "WHERE archived = 0"
        rows = list(self.db.query(f"SELECT * FROM orders {where} ORDER BY order_id"))
        disputes = self._dispute_rows(None)
        return [_order_from_row(row, disputes.get(row["order_id"])) for row in rows]

    def dashboard_rows(self, today: dt.date, *, live: bool) -> Iterator[tuple[Any, ...]]:
        """Flat tuples for the dashboard (``DASHBOARD_COLUMNS``), read in chunks and
        without building models, so 100k orders stay quick and small.

        ``live=True`` gives the orders where something may still happen (a few
        hundred even for a heavy buyer, found through indexes), ``live=False``
        all the others; the dashboard shows the first while it reads the rest."""
        return dashboard_rows(self.db.conn, today, live=live)

    def update_order(self, facts: OrderFacts, *, expected_version: int | None = None) -> Order:
        """Save edited facts. Refuses if the order changed since ``expected_version``."""
        with self.transaction():
            current = self.get_order(facts.order_id)
            if expected_version is not None and current.version != expected_version:
                raise EditConflict(
                    f"order {facts.order_id!r} was changed elsewhere since you opened it; "
                    "reload it to see the other change, then edit again"
                )
            saved = self.save_order(with_facts(current, facts))
        return saved

    def set_archived(self, order_id: str, archived: bool) -> Order:
        with self.transaction():
            order = self.get_order(order_id).model_copy(update={"archived": archived})
            saved = self.save_order(order)
        return saved

    def delete_order(self, order_id: str) -> None:
        with self.transaction():
            if self._order_row(order_id) is None:
                raise OrderNotFound(order_id)
            self.db.execute("DELETE FROM orders WHERE order_id = ?", [order_id])

    def save_order(self, order: Order) -> Order:
        """Write the order and its dispute (inside a transaction); bumps the version."""
        saved = order.model_copy(update={"version": order.version + 1, "updated_at": self._now()})
        self.db["orders"].update(order.order_id, self.row_of(saved))
        if saved.dispute is not None:
            self.db["disputes"].upsert(_dispute_row(order.order_id, saved.dispute), pk="order_id")
        return saved

    def row_of(self, order: Order) -> dict[str, Any]:
        clock = order.clock(self.policy)
        row = {
            name: _to_column(getattr(order, name))
            for name in Order.model_fields
            if name != "dispute"
        }
        row["clock"] = clock.kind.value if clock else None
        row["deadline"] = clock.deadline.isoformat() if clock else None
        return row

    def _order_row(self, order_id: str) -> dict[str, Any] | None:
        rows = list(self.db.query("SELECT * FROM orders WHERE order_id = ?", [order_id]))
        return rows[0] if rows else None

    def _dispute_rows(self, order_ids: list[str] | None) -> dict[str, dict[str, Any]]:
        if order_ids is None:
            rows = self.db.query("SELECT * FROM disputes")
        else:
            marks = ",".join("?" * len(order_ids))
            rows = self.db.query(f"SELECT * FROM disputes WHERE order_id IN ({marks})", order_ids)
        return {row["order_id"]: row for row in rows}

    # -- events ----------------------------------------------------------------

    def record_event(self, order_id: str, request: EventInput) -> Transition:
        """Check and record one lifecycle event; nothing is written if it is refused."""
        with self.transaction():
            order = self.get_order(order_id)
            events = self.events(order_id)
            evidence = self.evidence(order_id)
            lines = self.db.execute(
                "SELECT count(*) FROM order_lines WHERE order_id = ?", [order_id]
            ).fetchone()[0]
            transition = apply_event(
                order,
                request,
                today=self.time.today(),
                last_event=events[-1] if events else None,
                evidence_count=len(evidence),
                existing_evidence=evidence,
                line_count=lines,
            )
            saved = self.save_order(transition.order)
            self.insert_events(order_id, [transition.event])
            if transition.event.lines:
                marks = ",".join("?" * len(transition.event.lines))
                self.db.execute(
                    f"UPDATE order_lines SET disputed = 1 WHERE order_id = ? "
                    f"AND position IN ({marks})",
                    [order_id, *transition.event.lines],
                )
            self.insert_evidence(order_id, transition.new_evidence)
        return Transition(saved, transition.event, transition.new_evidence)

    def insert_events(self, order_id: str, events: Iterable[Event]) -> None:
        """Append to the timeline; an event recorded now gets this moment's time."""
        self.db["events"].insert_all(
            {
                "order_id": order_id,
                **_event_row(event),
                "recorded_at": event.recorded_at or self._now(),
            }
            for event in events
        )

    def insert_lines(self, order_id: str, lines: Iterable[OrderLine]) -> None:
        self.db.conn.executemany(
            "INSERT INTO order_lines (order_id, position, line_id, title, quantity, unit_price, "
            "attributes, product_url, free_return, disputed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (order_id, line.position, line.line_id, line.title, line.quantity,
                 _to_column(line.unit_price), line.attributes, line.product_url,
                 int(line.free_return), int(line.disputed))
                for line in lines
            ],
        )  # fmt: skip

    def order_lines(self, order_id: str) -> list[OrderLine]:
        rows = self.db.query(
            "SELECT * FROM order_lines WHERE order_id = ? ORDER BY position", [order_id]
        )
        return [_line_from_row(row) for row in rows]

    def fact_origins(self, order_id: str) -> dict[str, tuple[str, str]]:
        """field -> (typed or imported, source) for the facts an import touched."""
        rows = self.db.execute(
            "SELECT field, origin, source FROM fact_sources WHERE order_id = ?", [order_id]
        )
        return {name: (origin, shown(source)) for name, origin, source in rows}

    def events(self, order_id: str) -> list[Event]:
        rows = self.db.query("SELECT * FROM events WHERE order_id = ? ORDER BY seq", [order_id])
        return [_event_from_row(row) for row in rows]

    # -- chat log ----------------------------------------------------------------

    def add_messages(self, order_id: str, messages: list[ChatMessage]) -> int:
        """Append messages (one, or a whole transcript) in one transaction."""
        with self.transaction():
            self._require_order(order_id)
            self.insert_messages(order_id, messages)
        return len(messages)

    def edit_message(self, order_id: str, message_id: int, text: str) -> None:
        """Replace a message's text (cleaned of controls), marking it edited."""
        cleaned = long_text("text", text, required=True)
        with self.transaction():
            self._require_row("messages", order_id, message_id)
            self.db["messages"].update(message_id, {"text": cleaned, "edited_at": self._now()})

    def delete_message(self, order_id: str, message_id: int) -> None:
        with self.transaction():
            self._require_row("messages", order_id, message_id)
            self.db["messages"].delete(message_id)

    # -- evidence ------------------------------------------------------------------

    def add_evidence_item(self, order_id: str, item: EvidenceItem) -> EvidenceItem:
        with self.transaction():
            self._require_order(order_id)
            position = self.db.execute(
                "SELECT coalesce(max(position) + 1, 0) FROM evidence WHERE order_id = ?",
                [order_id],
            ).fetchone()[0]
            placed = item.model_copy(update={"position": position, "custom": True})
            self.insert_evidence(order_id, [placed])
        return placed

    def set_evidence_done(self, order_id: str, item_id: int, done: bool) -> None:
        with self.transaction():
            self._require_row("evidence", order_id, item_id)
            self.db["evidence"].update(item_id, {"done": int(done)})

    def set_evidence_note(self, order_id: str, item_id: int, note: str) -> None:
        cleaned = long_text("note", note)
        with self.transaction():
            self._require_row("evidence", order_id, item_id)
            self.db["evidence"].update(item_id, {"note": cleaned})

    def attach_file(self, order_id: str, item_id: int, attachment: Attachment) -> None:
        with self.transaction():
            self._require_row("evidence", order_id, item_id)
            self.db["attachments"].insert(
                {
                    "evidence_id": item_id,
                    "path": attachment.path,
                    "size": attachment.size,
                    "sha256": attachment.sha256,
                    "attached_at": attachment.attached_at,
                }
            )

    def _require_order(self, order_id: str) -> None:
        if self._order_row(order_id) is None:
            raise OrderNotFound(order_id)

    def _require_row(self, table: str, order_id: str, row_id: int) -> None:
        found = self.db.execute(
            f"SELECT 1 FROM {table} WHERE id = ? AND order_id = ?", [row_id, order_id]
        ).fetchone()
        if found is None:
            raise StoreError(f"that {table.rstrip('s')} is no longer there (deleted elsewhere?)")

    # -- reading evidence and chat ---------------------------------------------------

    def evidence(self, order_id: str) -> list[EvidenceItem]:
        items = list(
            self.db.query(
                "SELECT * FROM evidence WHERE order_id = ? ORDER BY position, id", [order_id]
            )
        )
        files = self._attachments([item["id"] for item in items])
        return [_evidence_from_row(item, files.get(item["id"], ())) for item in items]

    def _attachments(self, evidence_ids: list[int]) -> dict[int, tuple[Attachment, ...]]:
        if not evidence_ids:
            return {}
        marks = ",".join("?" * len(evidence_ids))
        found: dict[int, list[Attachment]] = {}
        for row in self.db.query(
            f"SELECT * FROM attachments WHERE evidence_id IN ({marks}) ORDER BY id", evidence_ids
        ):
            found.setdefault(row["evidence_id"], []).append(
                Attachment.model_construct(
                    id=row["id"],
                    path=shown(row["path"]),
                    size=row["size"],
                    sha256=row["sha256"],
                    attached_at=row["attached_at"],
                )
            )
        return {key: tuple(value) for key, value in found.items()}

    def messages(self, order_id: str) -> list[ChatMessage]:
        rows = self.db.query(
            "SELECT * FROM messages WHERE order_id = ? ORDER BY sent_at, id", [order_id]
        )
        return [_message_from_row(row) for row in rows]

    def insert_evidence(self, order_id: str, items: Iterable[EvidenceItem]) -> None:
        for item in items:
            item_id = (
                self.db["evidence"]
                .insert(
                    {
                        "order_id": order_id,
                        "position": item.position,
                        "label": item.label,
                        "kind": item.kind.value,
                        "done": int(item.done),
                        "note": item.note,
                        "custom": int(item.custom),
                    }
                )
                .last_pk
            )
            self.insert_attachments(item_id, item.attachments)

    def insert_attachments(self, item_id: int, attachments: Iterable[Attachment]) -> None:
        self.db["attachments"].insert_all(
            {
                "evidence_id": item_id,
                "path": file.path,
                "size": file.size,
                "sha256": file.sha256,
                "attached_at": file.attached_at,
            }
            for file in attachments
        )

    def insert_messages(self, order_id: str, messages: Iterable[ChatMessage]) -> None:
        self.db["messages"].insert_all(
            {"order_id": order_id, **_message_row(message)} for message in messages
        )

    # -- whole records (export / import) ----------------------------------------

    def record(self, order_id: str) -> OrderRecord:
        found = self.records([order_id])
        if not found:
            raise OrderNotFound(order_id)
        return found[0]

    def records(self, order_ids: list[str]) -> list[OrderRecord]:
        """Whole orders among ``order_ids``, read a few hundred at a time with one
        query per table (an export or an import reads thousands)."""
        found: list[OrderRecord] = []
        for start in range(0, len(order_ids), ID_CHUNK):
            chunk = order_ids[start : start + ID_CHUNK]
            lines = self._by_order("order_lines", chunk, "position", _line_from_row)
            events = self._by_order("events", chunk, "seq", _event_from_row)
            messages = self._by_order("messages", chunk, "sent_at, id", _message_from_row)
            evidence_rows = self._by_order("evidence", chunk, "position, id", dict)
            files = self._attachments([r["id"] for rs in evidence_rows.values() for r in rs])
            for order in self.orders_by_id(chunk):
                order_id = order.order_id
                found.append(
                    OrderRecord.model_construct(
                        order=order,
                        lines=tuple(lines.get(order_id, ())),
                        events=tuple(events.get(order_id, ())),
                        messages=tuple(messages.get(order_id, ())),
                        evidence=tuple(
                            _evidence_from_row(row, files.get(row["id"], ()))
                            for row in evidence_rows.get(order_id, ())
                        ),
                    )
                )
        return found

    def _by_order(
        self, table: str, order_ids: list[str], order_by: str, from_row: Callable[[Any], Any]
    ) -> dict[str, list[Any]]:
        """The rows of ``table`` for ``order_ids``, made into objects, grouped by order."""
        marks = ",".join("?" * len(order_ids))
        rows = self.db.query(
            f"SELECT * FROM {table} WHERE order_id IN ({marks}) ORDER BY {order_by}", order_ids
        )
        grouped: dict[str, list[Any]] = {}
        for row in rows:
            grouped.setdefault(row["order_id"], []).append(from_row(row))
        return grouped

    def all_records(self) -> list[OrderRecord]:
        ids = [row[0] for row in self.db.execute("SELECT order_id FROM orders ORDER BY order_id")]
        return self.records(ids)

    def import_facts(self, rows: list[OrderFacts], name: str = "rows") -> ImportReport:
        """Orders the user stated (a CSV of their own): added, or their values
        updated, never emptied. All rows in one transaction."""
        from aliret_tui.importing.batch import ImportBatch, LoadedSource
        from aliret_tui.importing.formats.own import CSV_LABEL, FORMATS
        from aliret_tui.importing.incoming import Parsed
        from aliret_tui.importing.merge import Source
        from aliret_tui.importing.validate import ValidOrder

        source = Source(CSV_LABEL, name, self.time.today(), True, FORMATS[1].origin)
        orders = [
            ValidOrder(facts.order_id, f"row {number}", _given_facts(facts))
            for number, facts in enumerate(rows, start=1)
        ]
        batch = ImportBatch([LoadedSource(source, FORMATS[1], Parsed(), orders)])
        return ImportReport.of(self.apply_import(batch))

    def import_records(
        self, records: list[OrderRecord], name: str = "records", replace: bool = False
    ) -> ImportReport:
        """Whole orders from our own JSON export, merged (see importing.records)."""
        from aliret_tui.importing.batch import ImportBatch, LoadedSource
        from aliret_tui.importing.formats.own import FORMATS, JSON_LABEL
        from aliret_tui.importing.incoming import Parsed
        from aliret_tui.importing.merge import Source

        source = Source(JSON_LABEL, name, self.time.today(), True, FORMATS[0].origin)
        parsed = Parsed(records=list(records))
        batch = ImportBatch([LoadedSource(source, FORMATS[0], parsed, [])], replace=replace)
        return ImportReport.of(self.apply_import(batch))

    def plan_import(self, batch: ImportBatch) -> ImportPlan:
        from aliret_tui.store.imports import plan_import

        return plan_import(self, batch)

    def apply_import(self, batch: ImportBatch) -> ImportPlan:
        from aliret_tui.store.imports import apply_import

        return apply_import(self, batch)

    def insert_record(self, record: OrderRecord) -> None:
        self.insert_records([record])

    def insert_records(self, records: Iterable[OrderRecord]) -> None:
        """Whole new orders, each table written with one prepared statement."""
        records = list(records)
        conn = self.db.conn
        _insert_rows(conn, "orders", [self.row_of(record.order) for record in records])
        _insert_rows(
            conn,
            "disputes",
            [
                _dispute_row(record.order.order_id, record.order.dispute)
                for record in records
                if record.order.dispute is not None
            ],
        )
        now = self._now()
        _insert_rows(
            conn,
            "events",
            [
                {"order_id": record.order.order_id, **_event_row(event),
                 "recorded_at": event.recorded_at or now}
                for record in records
                for event in record.events
            ],
        )  # fmt: skip
        _insert_rows(
            conn,
            "messages",
            [
                {"order_id": record.order.order_id, **_message_row(message)}
                for record in records
                for message in record.messages
            ],
        )
        for record in records:
            self.insert_lines(record.order.order_id, record.lines)
            if record.evidence:
                self.insert_evidence(record.order.order_id, record.evidence)

    # -- deadlines cache -------------------------------------------------------

    def _refresh_deadlines_if_policy_changed(self) -> None:
        """Stored deadlines depend on the policy; recompute them when it changed."""
        fingerprint = self.policy.deadline_fingerprint()
        rows = list(self.db.query("SELECT value FROM meta WHERE key = 'policy'"))
        if rows and rows[0]["value"] == fingerprint:
            return
        with self.transaction():
            disputes = self._dispute_rows(None)
            for row in self.db.query("SELECT * FROM orders WHERE clock IS NOT NULL"):
                order = _order_from_row(row, disputes.get(row["order_id"]))
                fresh = self.row_of(order)
                if (fresh["clock"], fresh["deadline"]) != (row["clock"], row["deadline"]):
                    self.db.execute(
                        "UPDATE orders SET clock = ?, deadline = ? WHERE order_id = ?",
                        [fresh["clock"], fresh["deadline"], row["order_id"]],
                    )
            self.db["meta"].upsert({"key": "policy", "value": fingerprint}, pk="key")


# -- opening the file safely ----------------------------------------------------


class UpgradeNeeded(StoreError):
    """A read-only open found a database that needs a migration (a write) first."""


def _connect(path: Path) -> sqlite3.Connection:
    """Open ``path``; refuse anything that is not a database we may use, untouched."""
    header = _header(path)
    if header is None:
        _create_private_file(path)
    else:
        if header and header != SQLITE_MAGIC:
            raise StoreError(f"{path}: is not a SQLite database; it was left untouched")
        if not os.access(path, os.W_OK):
            raise StoreError(f"{path}: is read-only; aliret-tui needs to write to it")
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot be opened ({_describe(error)})") from None
    return conn


def _open_readonly(path: Path) -> Database:
    """The read-only store's database: creates nothing, writes nothing (see Store)."""
    header = _header(path)
    if header and header != SQLITE_MAGIC:
        raise StoreError(f"{path}: is not a SQLite database; it was left untouched")
    if not header:
        return _empty_database()  # no database yet
    try:
        db = Database(connect_readonly(str(path), timeout=BUSY_TIMEOUT_MS / 1000))
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot be read ({_describe(error, path)})") from None
    try:
        _refuse_foreign_schema(db, path)
        if not db.table_names():
            db.conn.close()
            return _empty_database()
        if migrations.pending(db):
            version = db.conn.execute("PRAGMA user_version").fetchone()[0]
            raise UpgradeNeeded(
                f"{path}: was written by an older aliret-tui (schema {version}) and must be "
                f"upgraded to schema {SCHEMA_VERSION} before it can be read, which writes to it"
            )
    except sqlite3.Error as error:
        db.conn.close()
        raise StoreError(f"{path}: cannot be read ({_describe(error, path)})") from None
    except BaseException:
        db.conn.close()
        raise
    return db


def _empty_database() -> Database:
    """An empty database of the current schema, in memory: reading commands show no
    orders where there is no database, without creating one."""
    db = Database(sqlite3.connect(":memory:", check_same_thread=False))
    migrations.apply(db)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return db


def _header(path: Path) -> bytes | None:
    """The file's first 16 bytes, or None when there is none; only a regular file is
    opened (a FIFO would hang, a device would get a -journal beside it)."""
    try:
        return read_header(str(path))
    except NotAFile as error:
        raise StoreError(
            f"{path}: is {error.kind}, not a database file; it was left untouched"
        ) from None
    except OSError as error:
        raise StoreError(f"{path}: cannot be read ({error.strerror})") from None


def _create_private_file(path: Path) -> None:
    """A new empty file, 0600, in folders created 0700, whatever the umask."""
    try:
        make_private_folder(path.parent)
    except OSError as error:
        raise StoreError(f"{path.parent}: cannot be created ({error.strerror})") from None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, FILE_MODE)
    except FileExistsError:
        if not path.exists():  # a link to nowhere: SQLite would create its target
            raise StoreError(
                f"{path}: is a symbolic link to a missing file; it was left untouched"
            ) from None
        return  # another process created it meanwhile
    except OSError as error:
        raise StoreError(f"{path}: cannot be created ({error.strerror})") from None
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def check_restorable(source: Path) -> None:
    """Refuse a file that is not a healthy aliret-tui database this version can read:
    its schema is compared column by column, and every row is read through the models
    (see ``store.restore``)."""
    from aliret_tui.store.restore import refuse_bad_rows, refuse_broken_schema

    if source.is_dir():
        raise StoreError(f"{source}: is a folder, not a backup file")
    if not source.is_file():
        raise StoreError(f"{source}: no such file")
    with source.open("rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise StoreError(f"{source}: is not a SQLite database")
    verdict = quick_check(source)
    if verdict != "ok":
        raise StoreError(f"{source}: is damaged ({verdict}); not restored")
    conn = connect_readonly(str(source), timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        database = Database(conn)
        _refuse_foreign_schema(database, source)
        if "orders" not in database.table_names():
            raise StoreError(f"{source}: holds no aliret-tui data")
        applied = refuse_broken_schema(conn, source)
        refuse_bad_rows(conn, source, applied)
    except sqlite3.Error as error:
        raise StoreError(f"{source}: cannot be read ({_describe(error)}); not restored") from None
    finally:
        conn.close()


def _refuse_foreign_schema(db: Database, path: Path) -> None:
    """Read-only checks before anything is written to the file."""
    tables = set(db.table_names())
    version = db.conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: was written by a newer aliret-tui (schema {version}, this version "
            f"knows {SCHEMA_VERSION}); upgrade aliret-tui. The file was left untouched"
        )
    if not tables:
        return
    if migrations.migrations_table not in tables:
        raise StoreError(f"{path}: is a SQLite database, but not an aliret-tui one; left untouched")
    applied = {
        row[0]
        for row in db.conn.execute(
            f"SELECT name FROM {migrations.migrations_table} WHERE migration_set = ?",
            [MIGRATION_SET],
        )
    }
    unknown = applied - set(KNOWN_MIGRATIONS)
    if unknown:
        raise StoreError(
            f"{path}: has schema changes this version does not know "
            f"({', '.join(sorted(unknown))}); upgrade aliret-tui. The file was left untouched"
        )


def _configure(db: Database) -> None:
    conn = db.conn
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise sqlite3.OperationalError(f"could not switch to WAL mode (got {mode})")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")


def _disk_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < 1024 * 1024
    except OSError:
        return False


def _restrict_permissions(path: Path) -> None:
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if stat.S_IMODE(candidate.stat().st_mode) != FILE_MODE:
                candidate.chmod(FILE_MODE)
        except OSError:
            pass


def _patiently(step: Callable[[], None]) -> None:
    """Retry a step of opening that SQLite refuses at once, without waiting on the
    busy timeout, when another process opens the same new database."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as error:
            busy = "locked" in str(error) or "busy" in str(error)
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.02 + random.random() * 0.08)


def _describe(error: sqlite3.Error, path: Path | None = None) -> str:
    text = str(error)
    if "locked" in text or "busy" in text:
        return "another program held the database for too long; try again"
    if "full" in text or (path is not None and "disk I/O" in text and _disk_full(path)):
        return "the disk is full"
    if "readonly" in text or "read-only" in text:
        return "it is read-only"
    return text


# -- rows <-> models -------------------------------------------------------------


def _to_column(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.date | Decimal):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def _order_from_row(row: dict[str, Any], dispute: dict[str, Any] | None) -> Order:
    return Order.model_construct(
        order_id=row["order_id"],
        title=shown(row["title"]),
        price=Decimal(row["price"]),
        currency=row["currency"],
        store=shown(row["store"]),
        ordered_on=_date(row["ordered_on"]),
        delivered_on=_date(row["delivered_on"]),
        window_days=row["window_days"],
        protection_ends=_date(row["protection_ends"]),
        country=row["country"],
        free_return=bool(row["free_return"]),
        local_return=bool(row["local_return"]),
        note=shown(row["note"], multiline=True),
        state=OrderState(row["state"]),
        clock_since=_date(row["clock_since"]),
        archived=bool(row["archived"]),
        delivery_unknown=bool(row["delivery_unknown"]),
        version=row["version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        dispute=_dispute_from_row(dispute) if dispute else None,
    )


def _insert_rows(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """Rows with the same keys, in one prepared statement."""
    if not rows:
        return
    columns = list(rows[0])
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [[row[name] for name in columns] for row in rows],
    )


def _line_from_row(row: dict[str, Any]) -> OrderLine:
    return OrderLine.model_construct(
        position=row["position"],
        title=shown(row["title"]),
        quantity=row["quantity"],
        unit_price=_decimal(row["unit_price"]),
        attributes=shown(row["attributes"]),
        product_url=shown(row["product_url"]),
        line_id=shown(row["line_id"]),
        free_return=bool(row["free_return"]),
        disputed=bool(row["disputed"]),
    )


def _dispute_from_row(row: dict[str, Any]) -> Dispute:
    shipment = None
    if row["return_approved_on"]:
        shipment = ReturnShipment.model_construct(
            approved_on=_date(row["return_approved_on"]),
            carrier=shown(row["return_carrier"]),
            tracking=shown(row["return_tracking"]),
            shipped_on=_date(row["return_shipped_on"]),
            delivered_on=_date(row["return_delivered_on"]),
        )
    refund = None
    if row["refund_due_since"] or row["refund_amount"] is not None:
        refund = Refund.model_construct(
            due_since=_date(row["refund_due_since"]),
            expected_amount=_decimal(row["refund_expected"]),
            amount=_decimal(row["refund_amount"]),
            refunded_on=_date(row["refunded_on"]),
        )
    return Dispute.model_construct(
        reason=Reason(row["reason"]),
        outcome=Outcome(row["outcome"]),
        opened_on=_date(row["opened_on"]),
        escalated_on=_date(row["escalated_on"]),
        return_shipment=shipment,
        refund=refund,
    )


def _dispute_row(order_id: str, dispute: Dispute) -> dict[str, Any]:
    shipment, refund = dispute.return_shipment, dispute.refund
    return {
        "order_id": order_id,
        "reason": dispute.reason.value,
        "outcome": dispute.outcome.value,
        "opened_on": dispute.opened_on.isoformat(),
        "escalated_on": _to_column(dispute.escalated_on),
        "return_approved_on": _to_column(shipment.approved_on) if shipment else None,
        "return_carrier": shipment.carrier if shipment else "",
        "return_tracking": shipment.tracking if shipment else "",
        "return_shipped_on": _to_column(shipment.shipped_on) if shipment else None,
        "return_delivered_on": _to_column(shipment.delivered_on) if shipment else None,
        "refund_due_since": _to_column(refund.due_since) if refund else None,
        "refund_expected": _to_column(refund.expected_amount) if refund else None,
        "refund_amount": _to_column(refund.amount) if refund else None,
        "refunded_on": _to_column(refund.refunded_on) if refund else None,
    }


def _event_row(event: Event) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "kind": event.kind.value,
        "on_date": event.on.isoformat(),
        "note": event.note,
        "reason": _to_column(event.reason),
        "outcome": _to_column(event.outcome),
        "tracking": event.tracking,
        "carrier": event.carrier,
        "amount": _to_column(event.amount),
        "lines": ",".join(str(number) for number in event.lines),
        "source": event.source,
    }


def _event_from_row(row: dict[str, Any]) -> Event:
    return Event.model_construct(
        seq=row["seq"],
        kind=EventKind(row["kind"]),
        on=_date(row["on_date"]),
        note=shown(row["note"], multiline=True),
        reason=Reason(row["reason"]) if row["reason"] else None,
        outcome=Outcome(row["outcome"]) if row["outcome"] else None,
        tracking=shown(row["tracking"]),
        carrier=shown(row["carrier"]),
        amount=_decimal(row["amount"]),
        lines=tuple(int(part) for part in row["lines"].split(",") if part.isdigit()),
        recorded_at=row["recorded_at"],
        source=shown(row["source"]),
    )


def _message_row(message: ChatMessage) -> dict[str, Any]:
    return {
        "sender": message.sender.value,
        "sent_at": message.sent_at.strftime("%Y-%m-%d %H:%M"),
        "text": message.text,
        "edited_at": message.edited_at,
    }


def _message_from_row(row: dict[str, Any]) -> ChatMessage:
    return ChatMessage.model_construct(
        id=row["id"],
        sender=Sender(row["sender"]),
        sent_at=dt.datetime.fromisoformat(row["sent_at"]),
        text=shown(row["text"], multiline=True),
        edited_at=row["edited_at"],
    )


def _evidence_from_row(row: dict[str, Any], files: tuple[Attachment, ...]) -> EvidenceItem:
    return EvidenceItem.model_construct(
        id=row["id"],
        label=shown(row["label"]),
        kind=EvidenceKind(row["kind"]),
        done=bool(row["done"]),
        note=shown(row["note"], multiline=True),
        custom=bool(row["custom"]),
        position=row["position"],
        attachments=files,
    )


def _given_facts(facts: OrderFacts) -> dict[str, Any]:
    """The values an ``OrderFacts`` carries: the ones set, not its defaults."""
    return {name: getattr(facts, name) for name in facts.model_fields_set if name != "order_id"}
