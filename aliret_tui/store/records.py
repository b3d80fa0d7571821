"""Whole orders (facts, lines, timeline, chat, evidence) read and written in bulk,
a few hundred at a time with one query per table: what export and import move.

Import reads and writes models (``records``, ``insert_records``). Export reads the
rows as stored (``export_batches``, ``order_row_batches``), without a model per
row, and never more than a batch at a time."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import groupby
from operator import itemgetter
from typing import Any

from aliret_tui.domain.models import OrderRecord
from aliret_tui.store.chat_evidence import ChatAndEvidence
from aliret_tui.store.errors import OrderNotFound
from aliret_tui.store.orders import OrdersAndEvents
from aliret_tui.store.rows import (
    dispute_row,
    event_from_row,
    event_row,
    evidence_from_row,
    insert_rows,
    line_from_row,
    message_from_row,
    message_row,
)
from aliret_tui.transfer.export_rows import (
    ATTACHMENT_COLUMNS,
    CSV_ORDER_COLUMNS,
    DISPUTE_COLUMNS,
    EVENT_COLUMNS,
    EVIDENCE_COLUMNS,
    LINE_COLUMNS,
    MESSAGE_COLUMNS,
    ORDER_COLUMNS,
    OrderRows,
)

ID_CHUNK = 500  # order ids per IN (...) query
EXPORT_BATCH = 500  # orders per export batch (one query per table each)

# The export's queries. Orders are read in order id order through the primary key's
# index, a batch after the last one read; each other table's rows for the batch's
# range of order ids through its (order_id, ...) index, already in the record's order.
_ORDERS = (
    f"SELECT {', '.join('o.' + name for name in ORDER_COLUMNS)}, d.order_id IS NOT NULL, "
    f"{', '.join('d.' + name for name in DISPUTE_COLUMNS)} "
    "FROM orders o LEFT JOIN disputes d ON d.order_id = o.order_id"
)
_CSV_ORDERS = (
    f"SELECT {', '.join('o.' + name for name in CSV_ORDER_COLUMNS)}, d.opened_on "
    "FROM orders o LEFT JOIN disputes d ON d.order_id = o.order_id"
)


def _in_range(table: str, columns: tuple[str, ...], order_by: str) -> str:
    return (
        f"SELECT order_id, {', '.join(columns)} FROM {table} "
        f"WHERE order_id BETWEEN ? AND ? ORDER BY order_id, {order_by}"
    )


_LINES = _in_range("order_lines", LINE_COLUMNS, "position")
_EVENTS = _in_range("events", EVENT_COLUMNS, "seq")
_MESSAGES = _in_range("messages", MESSAGE_COLUMNS, "sent_at, id")
_EVIDENCE = _in_range("evidence", ("id", *EVIDENCE_COLUMNS), "position, id")
_ATTACHMENTS = (
    f"SELECT a.evidence_id, {', '.join('a.' + name for name in ATTACHMENT_COLUMNS)} "
    "FROM evidence e JOIN attachments a ON a.evidence_id = e.id "
    "WHERE e.order_id BETWEEN ? AND ? ORDER BY a.evidence_id, a.id"
)


class WholeRecords(OrdersAndEvents, ChatAndEvidence):
    # -- whole records -------------------------------------------------------------

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
            lines = self._by_order("order_lines", chunk, "position", line_from_row)
            events = self._by_order("events", chunk, "seq", event_from_row)
            messages = self._by_order("messages", chunk, "sent_at, id", message_from_row)
            evidence_rows = self._by_order("evidence", chunk, "position, id", dict)
            files = self._attachments([r["id"] for rs in evidence_rows.values() for r in rs])
            for order in self.orders_by_id(chunk):
                order_id = order.order_id
                found.append(
                    OrderRecord(
                        order=order,
                        lines=tuple(lines.get(order_id, ())),
                        events=tuple(events.get(order_id, ())),
                        messages=tuple(messages.get(order_id, ())),
                        evidence=tuple(
                            evidence_from_row(row, files.get(row["id"], ()))
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

    # -- export: the rows as stored -----------------------------------------------------

    def export_batches(self, size: int = EXPORT_BATCH) -> Iterator[OrderRows]:
        """Every order with its lines, events, messages and evidence, as stored, in
        order id order, ``size`` orders at a time: one query per table per batch,
        all from one snapshot of the database."""
        for orders in self._order_batches(_ORDERS, size):
            bounds = (orders[0][0], orders[-1][0])
            evidence = self._rows_by_first_column(_EVIDENCE, bounds)
            yield OrderRows(
                orders=orders,
                lines=self._rows_by_first_column(_LINES, bounds),
                events=self._rows_by_first_column(_EVENTS, bounds),
                messages=self._rows_by_first_column(_MESSAGES, bounds),
                evidence=evidence,
                attachments=self._rows_by_first_column(_ATTACHMENTS, bounds) if evidence else {},
            )

    def csv_batches(self, size: int = EXPORT_BATCH) -> Iterator[list[tuple[Any, ...]]]:
        """Every order's ``CSV_ORDER_COLUMNS`` and its dispute's opening day, in order id
        order, ``size`` at a time, from one snapshot."""
        return self._order_batches(_CSV_ORDERS, size)

    def _order_batches(self, query: str, size: int) -> Iterator[list[tuple[Any, ...]]]:
        """``query``'s rows (its first column the order id) in order id order, ``size``
        at a time, each batch after the last one read, all in one read transaction."""
        with self.read_snapshot():
            rows = self._plain().execute(f"{query} ORDER BY o.order_id LIMIT ?", (size,))
            rows = rows.fetchall()
            while rows:
                yield rows
                if len(rows) < size:
                    return
                rows = (
                    self._plain()
                    .execute(
                        f"{query} WHERE o.order_id > ? ORDER BY o.order_id LIMIT ?",
                        (rows[-1][0], size),
                    )
                    .fetchall()
                )

    def _rows_by_first_column(
        self, query: str, bounds: tuple[str, str]
    ) -> dict[Any, list[tuple[Any, ...]]]:
        rows = self._plain().execute(query, bounds)
        return {key: list(group) for key, group in groupby(rows, itemgetter(0))}

    def _plain(self) -> sqlite3.Cursor:
        """A cursor that gives plain tuples."""
        cursor = self.db.conn.cursor()
        cursor.row_factory = None
        return cursor

    @contextmanager
    def read_snapshot(self) -> Iterator[None]:
        """One read transaction, so that batches read one after the other all see the
        same database, whatever is written meanwhile. (The batches open one of their
        own if needed; the export holds one around the whole file, so that it ends
        before the store is closed however the export ends.)"""
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN")
        try:
            yield
        finally:
            try:
                if conn.in_transaction:
                    conn.execute("COMMIT")  # nothing was written: this only ends the read
            except sqlite3.ProgrammingError:
                pass  # the store was closed already, which ended the read

    def all_records(self) -> list[OrderRecord]:
        ids = [row[0] for row in self.db.execute("SELECT order_id FROM orders ORDER BY order_id")]
        return self.records(ids)

    def insert_record(self, record: OrderRecord) -> None:
        self.insert_records([record])

    def insert_records(self, records: Iterable[OrderRecord]) -> None:
        """Whole new orders, each table written with one prepared statement."""
        records = list(records)
        conn = self.db.conn
        insert_rows(conn, "orders", [self.row_of(record.order) for record in records])
        insert_rows(
            conn,
            "disputes",
            [
                dispute_row(record.order.order_id, record.order.dispute)
                for record in records
                if record.order.dispute is not None
            ],
        )
        now = self._now()
        insert_rows(
            conn,
            "events",
            [
                {"order_id": record.order.order_id, **event_row(event),
                 "recorded_at": event.recorded_at or now}
                for record in records
                for event in record.events
            ],
        )  # fmt: skip
        insert_rows(
            conn,
            "messages",
            [
                {"order_id": record.order.order_id, **message_row(message)}
                for record in records
                for message in record.messages
            ],
        )
        for record in records:
            self.insert_lines(record.order.order_id, record.lines)
            if record.evidence:
                self.insert_evidence(record.order.order_id, record.evidence)
