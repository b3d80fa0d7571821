"""Orders and their timeline: adding, editing, archiving and deleting orders;
recording lifecycle events (checked by the domain's workflow); the order lines and
where imported facts came from; and the stored deadlines, kept in step with the policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from aliret_tui.domain.checks import field_names
from aliret_tui.domain.fields import FieldError
from aliret_tui.domain.models import Event, EventInput, Order, OrderFacts, OrderLine
from aliret_tui.domain.workflow import Transition, apply_event, with_facts
from aliret_tui.sanitize import shown
from aliret_tui.store.base import StoreBase
from aliret_tui.store.errors import EditConflict, OrderNotFound
from aliret_tui.store.queries import DASHBOARD_COLUMNS, LIVE_ORDERS, dashboard_rows
from aliret_tui.store.rows import (
    dispute_row,
    event_from_row,
    event_row,
    insert_rows,
    line_from_row,
    order_from_row,
    to_column,
)


class OrdersAndEvents(StoreBase):
    # -- orders --------------------------------------------------------------------

    def add_order(self, facts: OrderFacts) -> Order:
        with self.transaction():
            if self._order_row(facts.order_id) is not None:
                raise FieldError("order_id", f"order {facts.order_id!r} already exists")
            order = self.new_order(facts)
            self.db.insert("orders", self.row_of(order))
        return order

    def new_order(self, facts: OrderFacts) -> Order:
        now = self._now()
        base = Order(**facts.values(), created_at=now, updated_at=now)
        return with_facts(base, facts)

    def get_order(self, order_id: str) -> Order:
        row = self._order_row(order_id)
        if row is None:
            raise OrderNotFound(order_id)
        dispute = self._dispute_rows([order_id]).get(order_id)
        return order_from_row(row, dispute)

    def orders_by_id(self, order_ids: list[str]) -> list[Order]:
        """The stored orders among ``order_ids`` (a few hundred at a time)."""
        marks = ",".join("?" * len(order_ids))
        rows = self.db.query(
            f"SELECT * FROM orders WHERE order_id IN ({marks}) ORDER BY order_id", order_ids
        )
        disputes = self._dispute_rows(order_ids)
        return [order_from_row(row, disputes.get(row["order_id"])) for row in rows]

    def insert_order_rows(self, rows: list[dict[str, Any]]) -> None:
        """New orders' rows (``row_of``), with one prepared statement."""
        insert_rows(self.db.conn, "orders", rows)

    def has_order(self, order_id: str) -> bool:
        return self._order_row(order_id) is not None

    def list_orders(self, *, include_archived: bool = False) -> list[Order]:
        where = "" if include_archived else "WHERE archived = 0"
        rows = list(self.db.query(f"SELECT * FROM orders {where} ORDER BY order_id"))
        disputes = self._dispute_rows(None)
        return [order_from_row(row, disputes.get(row["order_id"])) for row in rows]

    def dashboard_rows(self, today: dt.date, *, live: bool) -> Iterator[tuple[Any, ...]]:
        """Flat tuples for the dashboard (``DASHBOARD_COLUMNS``), read in chunks and
        without building models, so 100k orders stay quick and small.

        ``live=True`` gives the orders where something may still happen (a few
        hundred even for a heavy buyer, found through indexes), ``live=False``
        all the others; the dashboard shows the first while it reads the rest."""
        return dashboard_rows(self.db.conn, today, live=live)

    def dashboard_rows_after(
        self, today: dt.date, after: int, limit: int
    ) -> tuple[list[tuple[Any, ...]], int]:
        """The next ``limit`` rows of ``dashboard_rows(today, live=False)`` past the
        position ``after`` (0 to begin), and the position to ask from next.

        Each call is a query of its own, not a cursor left open, so the TUI can
        read all the orders in short calls with other work (a save, closing the
        store) in between."""
        cursor = self.db.conn.execute(
            f"SELECT o.rowid, {', '.join(DASHBOARD_COLUMNS)} "
            "FROM orders o LEFT JOIN disputes d ON d.order_id = o.order_id "
            f"WHERE o.rowid > ? AND NOT ({LIVE_ORDERS}) ORDER BY o.rowid LIMIT ?",
            [after, today.isoformat(), limit],
        )
        found = cursor.fetchall()
        if not found:
            return [], after
        return [row[1:] for row in found], found[-1][0]

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
            order = self.get_order(order_id).replace(archived=archived)
            saved = self.save_order(order)
        return saved

    def delete_order(self, order_id: str) -> None:
        with self.transaction():
            if self._order_row(order_id) is None:
                raise OrderNotFound(order_id)
            self.db.execute("DELETE FROM orders WHERE order_id = ?", [order_id])

    def save_order(self, order: Order) -> Order:
        """Write the order and its dispute (inside a transaction); bumps the version."""
        saved = order.replace(version=order.version + 1, updated_at=self._now())
        self.db.update("orders", {"order_id": order.order_id}, self.row_of(saved))
        if saved.dispute is not None:
            self.db.upsert("disputes", dispute_row(order.order_id, saved.dispute), key="order_id")
        return saved

    def row_of(self, order: Order) -> dict[str, Any]:
        clock = order.clock(self.policy)
        row = {
            name: to_column(getattr(order, name))
            for name in field_names(Order)
            if name != "dispute"
        }
        row["clock"] = clock.kind.value if clock else None
        row["deadline"] = clock.deadline.isoformat() if clock else None
        return row

    def _dispute_rows(self, order_ids: list[str] | None) -> dict[str, dict[str, Any]]:
        if order_ids is None:
            rows = self.db.query("SELECT * FROM disputes")
        else:
            marks = ",".join("?" * len(order_ids))
            rows = self.db.query(f"SELECT * FROM disputes WHERE order_id IN ({marks})", order_ids)
        return {row["order_id"]: row for row in rows}

    # -- events --------------------------------------------------------------------

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
                policy=self.policy,
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
        self.db.insert_all(
            "events",
            (
                {
                    "order_id": order_id,
                    **event_row(event),
                    "recorded_at": event.recorded_at or self._now(),
                }
                for event in events
            ),
        )

    def insert_lines(self, order_id: str, lines: Iterable[OrderLine]) -> None:
        self.db.conn.executemany(
            "INSERT INTO order_lines (order_id, position, line_id, title, quantity, unit_price, "
            "attributes, product_url, free_return, disputed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (order_id, line.position, line.line_id, line.title, line.quantity,
                 to_column(line.unit_price), line.attributes, line.product_url,
                 int(line.free_return), int(line.disputed))
                for line in lines
            ],
        )  # fmt: skip

    def order_lines(self, order_id: str) -> list[OrderLine]:
        rows = self.db.query(
            "SELECT * FROM order_lines WHERE order_id = ? ORDER BY position", [order_id]
        )
        return [line_from_row(row) for row in rows]

    def fact_origins(self, order_id: str) -> dict[str, tuple[str, str]]:
        """field -> (typed or imported, source) for the facts an import touched."""
        rows = self.db.execute(
            "SELECT field, origin, source FROM fact_sources WHERE order_id = ?", [order_id]
        )
        return {name: (origin, shown(source)) for name, origin, source in rows}

    def events(self, order_id: str) -> list[Event]:
        rows = self.db.query("SELECT * FROM events WHERE order_id = ? ORDER BY seq", [order_id])
        return [event_from_row(row) for row in rows]

    # -- deadlines cache -----------------------------------------------------------

    def _refresh_deadlines_if_policy_changed(self) -> None:
        """Stored deadlines depend on the policy; recompute them when it changed."""
        fingerprint = self.policy.deadline_fingerprint()
        rows = list(self.db.query("SELECT value FROM meta WHERE key = 'policy'"))
        if rows and rows[0]["value"] == fingerprint:
            return
        with self.transaction():
            disputes = self._dispute_rows(None)
            for row in self.db.query("SELECT * FROM orders WHERE clock IS NOT NULL"):
                order = order_from_row(row, disputes.get(row["order_id"]))
                fresh = self.row_of(order)
                if (fresh["clock"], fresh["deadline"]) != (row["clock"], row["deadline"]):
                    self.db.execute(
                        "UPDATE orders SET clock = ?, deadline = ? WHERE order_id = ?",
                        [fresh["clock"], fresh["deadline"], row["order_id"]],
                    )
            self.db.upsert("meta", {"key": "policy", "value": fingerprint}, key="key")
