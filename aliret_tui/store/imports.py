"""Applying an import plan to the database: planned against what is stored,
written in one transaction, every imported fact saved with its source."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator, Mapping
from typing import TYPE_CHECKING

from aliret_tui.domain.checks import field_names
from aliret_tui.domain.models import EventInput, OrderFacts, OrderLine
from aliret_tui.domain.states import OrderState
from aliret_tui.domain.vocabulary import EventKind
from aliret_tui.domain.workflow import apply_event, with_delivery_unknown, with_facts
from aliret_tui.importing.batch import ImportBatch
from aliret_tui.importing.collector import collector_paused
from aliret_tui.importing.merge import (
    IMPORTED,
    TYPED,
    ImportPlan,
    OrderPlan,
    Source,
    StoredOrder,
    combine,
    plan_merge,
)
from aliret_tui.importing.records import RecordPlan, plan_records
from aliret_tui.store.rows import facts_from_row, insert_order_rows, new_order_row

if TYPE_CHECKING:
    from aliret_tui.store.records import WholeRecords

CHUNK = 500  # ids per IN (...) query


def plan_import(store: WholeRecords, batch: ImportBatch) -> ImportPlan:
    """What applying ``batch`` would change, read from the database as it is now."""
    with collector_paused():
        return _planned(store, batch)


def _planned(store: WholeRecords, batch: ImportBatch) -> ImportPlan:
    plan = ImportPlan()
    for loaded in batch.loaded:
        plan.skipped.extend(loaded.parsed.skipped)
    incoming = combine(batch.entries(), plan.conflicts)
    with_lines = {order_id for order_id, entry in incoming.items() if entry.lines}
    plan_merge(incoming, stored_orders(store, list(incoming), with_lines), plan)
    records = batch.records()
    incoming_ids = [record.order.order_id for record, _ in records]
    stored_records = {stored.order.order_id: stored for stored in store.records(incoming_ids)}
    plan.records = plan_records(records, stored_records, plan, replace=batch.replace)
    return plan


def apply_import(store: WholeRecords, batch: ImportBatch) -> ImportPlan:
    """Plan and apply in one transaction: all of it is written, or none of it."""
    if batch.replace and any(store.has_order(r.order.order_id) for r, _ in batch.records()):
        store.backup_now("pre-import")
    with collector_paused(), store.transaction():
        plan = _planned(store, batch)
        _add_orders(store, plan.added)
        for order_plan in plan.updated:
            _update_order(store, order_plan)
        _record_sources(store, [*plan.added, *plan.updated])
        store.insert_records(r.incoming for r in plan.records if r.previous is None)
        for record_plan in plan.records:
            if record_plan.previous is not None:
                _apply_record(store, record_plan)
    return plan


def stored_orders(
    store: WholeRecords, order_ids: list[str], with_lines: Collection[str] = ()
) -> dict[str, StoredOrder]:
    """The stored orders among ``order_ids``: their facts, state, and where each fact
    came from (read only if a conflict asks). Lines are counted for ``with_lines``,
    the orders the import brings lines for."""
    found: dict[str, StoredOrder] = {}
    cursor = store.db.conn.cursor()
    cursor.row_factory = sqlite3.Row
    for start in range(0, len(order_ids), CHUNK):
        chunk = order_ids[start : start + CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = cursor.execute(
            f"SELECT {', '.join(field_names(OrderFacts))}, state, delivery_unknown, "
            "EXISTS (SELECT 1 FROM disputes WHERE disputes.order_id = orders.order_id) "
            f"AS has_dispute FROM orders WHERE order_id IN ({marks})",
            chunk,
        ).fetchall()
        if not rows:
            continue
        counted = [order_id for order_id in chunk if order_id in with_lines]
        lines = dict(
            store.db.execute(
                f"SELECT order_id, count(*) FROM order_lines WHERE order_id IN "
                f"({','.join('?' * len(counted))}) GROUP BY order_id",
                counted,
            ).fetchall()
        ) if counted else {}  # fmt: skip
        origins = _ChunkOrigins(store.db.conn, chunk)
        for row in rows:
            order_id = row["order_id"]
            found[order_id] = StoredOrder(
                facts_from_row(row),
                OrderState(row["state"]),
                bool(row["delivery_unknown"]),
                bool(row["has_dispute"]),
                _Origins(origins, order_id),
                lines.get(order_id, 0),
            )
    return found


class _ChunkOrigins:
    """Where the stored facts of a few hundred orders came from, read on first use:
    only a conflict needs them, so most imports never read them at all."""

    def __init__(self, conn: sqlite3.Connection, order_ids: list[str]):
        self.conn, self.order_ids = conn, order_ids
        self.found: dict[str, dict[str, tuple[str, str]]] | None = None

    def of(self, order_id: str) -> dict[str, tuple[str, str]]:
        if self.found is None:
            self.found = {}
            marks = ",".join("?" * len(self.order_ids))
            for found_id, name, origin, source in self.conn.execute(
                "SELECT order_id, field, origin, source FROM fact_sources "
                f"WHERE order_id IN ({marks})",
                self.order_ids,
            ):
                self.found.setdefault(found_id, {})[name] = (origin, source)
        return self.found.get(order_id, {})


class _Origins(Mapping[str, tuple[str, str]]):
    """One stored order's field -> (typed/imported, source), read with its chunk."""

    __slots__ = ("chunk", "order_id")

    def __init__(self, chunk: _ChunkOrigins, order_id: str):
        self.chunk, self.order_id = chunk, order_id

    def __getitem__(self, name: str) -> tuple[str, str]:
        return self.chunk.of(self.order_id)[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.chunk.of(self.order_id))

    def __len__(self) -> int:
        return len(self.chunk.of(self.order_id))


# -- writing -------------------------------------------------------------------


def _add_orders(store: WholeRecords, plans: list[OrderPlan]) -> None:
    now, policy = store._now(), store.policy
    insert_order_rows(
        store.db.conn,
        (  # made as they are written: 100,000 rows are never all held at once
            new_order_row(
                {"order_id": order_plan.order_id, **order_plan.facts},
                delivery_unknown=order_plan.delivery_unknown,
                now=now,
                policy=policy,
            )
            for order_plan in plans
        ),
    )
    for order_plan in plans:
        _store_lines(store, order_plan)
        if order_plan.cancel_before_delivery is not None:
            _cancel(store, order_plan.order_id, order_plan.cancel_before_delivery)


def _update_order(store: WholeRecords, order_plan: OrderPlan) -> None:
    current = store.get_order(order_plan.order_id)
    facts = current.facts.replace(**order_plan.facts)
    order = with_facts(current, facts)
    if order_plan.delivery_unknown:
        order = with_delivery_unknown(order)
    store.save_order(order)
    _store_lines(store, order_plan)
    if order_plan.cancel_before_delivery is not None:
        _cancel(store, order_plan.order_id, order_plan.cancel_before_delivery)


def _record_sources(store: WholeRecords, plans: list[OrderPlan]) -> None:
    """Where each fact an import wrote came from, for every order, in one statement."""
    said: dict[int, tuple[str, str, str]] = {}  # id(source) -> (origin, source, recorded_on)

    def columns(source: Source) -> tuple[str, str, str]:
        if id(source) not in said:
            origin = TYPED if source.users_own else IMPORTED
            said[id(source)] = (origin, source.describe(), source.imported_on.isoformat())
        return said[id(source)]

    def rows() -> Iterator[tuple[str, ...]]:  # made as they are written, never all at once
        for order_plan in plans:
            order_id, facts = order_plan.order_id, order_plan.facts
            for name, source in order_plan.sources.items():
                if name in facts:
                    yield (order_id, name, *columns(source))
            if order_plan.delivery_unknown and order_plan.status_source is not None:
                yield (order_id, "delivery_unknown", *columns(order_plan.status_source))

    store.db.conn.executemany(
        "INSERT INTO fact_sources (order_id, field, origin, source, recorded_on) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_id, field) DO UPDATE SET "
        "origin = excluded.origin, source = excluded.source, recorded_on = excluded.recorded_on",
        rows(),
    )


def _store_lines(store: WholeRecords, order_plan: OrderPlan) -> None:
    if order_plan.lines:
        store.insert_lines(
            order_plan.order_id,
            (OrderLine(**vars(line), disputed=False) for line in order_plan.lines),
        )


def _cancel(store: WholeRecords, order_id: str, source: Source) -> None:
    order = store.get_order(order_id)
    request = EventInput(
        kind=EventKind.ORDER_CANCELLED,
        on=source.imported_on,
        reason=None,
        outcome=None,
        tracking="",
        carrier="",
        amount=None,
        note="",
    )
    events = store.events(order_id)
    last = events[-1] if events else None
    transition = apply_event(
        order, request, today=source.imported_on, last_event=last, policy=None
    )  # history as it happened: no timing rule
    store.save_order(transition.order)
    store.insert_events(order_id, [transition.event.replace(source=source.describe())])


def _apply_record(store: WholeRecords, record_plan: RecordPlan) -> None:
    record = record_plan.incoming
    order_id = record.order.order_id
    if record_plan.previous is None or record_plan.replace:
        if record_plan.previous is not None:
            store.db.execute("DELETE FROM orders WHERE order_id = ?", [order_id])
        store.insert_record(record)
        return
    current = store.get_order(order_id)
    if record_plan.state_from_file is not None:
        file_order = record_plan.state_from_file
        current = current.replace(
            state=file_order.state,
            clock_since=file_order.clock_since,
            dispute=file_order.dispute,
            delivery_unknown=file_order.delivery_unknown,
            delivered_on=file_order.delivered_on,
        )
    if record_plan.facts:
        current = with_facts(current, current.facts.replace(**record_plan.facts))
    if record_plan.state_from_file is not None or record_plan.facts:
        # Only a changed order gets a new version: messages and evidence alone do not
        # (as when they are added here), so the same file again is "unchanged".
        store.save_order(current)
    store.insert_events(order_id, record_plan.new_events)
    store.insert_messages(order_id, record_plan.new_messages)
    _add_evidence(store, order_id, record_plan)


def _add_evidence(store: WholeRecords, order_id: str, record_plan: RecordPlan) -> None:
    start = store.db.execute(
        "SELECT coalesce(max(position) + 1, 0) FROM evidence WHERE order_id = ?", [order_id]
    ).fetchone()[0]
    store.insert_evidence(
        order_id,
        (
            item.replace(position=start + offset)
            for offset, item in enumerate(record_plan.new_evidence)
        ),
    )
    for item_id in record_plan.ticked:
        store.db.execute("UPDATE evidence SET done = 1 WHERE id = ?", [item_id])
    for item_id, attachment in record_plan.new_attachments:
        store.insert_attachments(item_id, [attachment])
