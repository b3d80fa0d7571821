"""Whole orders (facts, lines, timeline, chat, evidence) read and written in bulk,
a few hundred at a time with one query per table: what export and import move."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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

ID_CHUNK = 500  # order ids per IN (...) query


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
                    OrderRecord.model_construct(
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
