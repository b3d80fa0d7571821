"""Rows and models: each table's row made into its model (texts cleaned for the
screen), and back. No queries here beyond the one prepared insert."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from aliret_tui.domain.checks import field_defaults
from aliret_tui.domain.clocks import running_clock
from aliret_tui.domain.models import (
    Attachment,
    ChatMessage,
    Dispute,
    Event,
    EvidenceItem,
    Order,
    OrderFacts,
    OrderLine,
    Refund,
    ReturnShipment,
)
from aliret_tui.domain.policy import Policy
from aliret_tui.domain.states import OrderState
from aliret_tui.domain.vocabulary import EventKind, EvidenceKind, Outcome, Reason, Sender
from aliret_tui.sanitize import shown


def to_column(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.date | Decimal):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def date_or_none(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def decimal_or_none(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def facts_from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """An order's facts (``OrderFacts``' fields) from its row in ``orders``."""
    return {
        "order_id": row["order_id"],
        "title": shown(row["title"]),
        "price": Decimal(row["price"]),
        "currency": row["currency"],
        "store": shown(row["store"]),
        "ordered_on": date_or_none(row["ordered_on"]),
        "delivered_on": date_or_none(row["delivered_on"]),
        "window_days": row["window_days"],
        "protection_ends": date_or_none(row["protection_ends"]),
        "country": row["country"],
        "free_return": bool(row["free_return"]),
        "local_return": bool(row["local_return"]),
        "note": shown(row["note"], multiline=True),
    }


def order_from_row(row: dict[str, Any], dispute: dict[str, Any] | None) -> Order:
    return Order(
        **facts_from_row(row),
        state=OrderState(row["state"]),
        clock_since=date_or_none(row["clock_since"]),
        archived=bool(row["archived"]),
        delivery_unknown=bool(row["delivery_unknown"]),
        version=row["version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        dispute=dispute_from_row(dispute) if dispute else None,
    )


# The columns of ``orders``, in the order ``new_order_row`` gives them.
ORDER_COLUMNS = (
    "order_id", "title", "price", "currency", "store", "ordered_on", "delivered_on",
    "window_days", "protection_ends", "country", "free_return", "local_return", "note",
    "state", "clock_since", "archived", "delivery_unknown", "version", "created_at",
    "updated_at", "clock", "deadline",
)  # fmt: skip
_FACT_DEFAULTS = field_defaults(OrderFacts)


def new_order_row(
    facts: Mapping[str, Any], *, delivery_unknown: bool, now: str, policy: Policy
) -> tuple[Any, ...]:
    """The ``orders`` row (``ORDER_COLUMNS``) of a new order with these facts: what
    ``row_of`` gives for ``new_order(facts)`` (``with_delivery_unknown`` applied when
    ``delivery_unknown``), without building the models (an import adds 100,000)."""
    values = {**_FACT_DEFAULTS, **facts}
    delivered_on = values["delivered_on"]
    unknown = delivery_unknown and delivered_on is None
    delivered = delivered_on is not None or unknown
    state = OrderState.WINDOW_OPEN if delivered else OrderState.IN_TRANSIT
    clock = running_clock(
        state,
        delivered_on=delivered_on,
        protection_ends=values["protection_ends"],
        window_days=values["window_days"],
        local_return=values["local_return"],
        ordered_on=values["ordered_on"],
        dispute_opened_on=None,
        clock_since=None,
        policy=policy,
    )
    return (
        values["order_id"], values["title"], str(values["price"]), values["currency"],
        values["store"], _iso(values["ordered_on"]), _iso(delivered_on),
        values["window_days"], _iso(values["protection_ends"]), values["country"],
        int(values["free_return"]), int(values["local_return"]), values["note"],
        state.value, None, 0, int(unknown), 1, now, now,
        clock.kind.value if clock else None, clock.deadline.isoformat() if clock else None,
    )  # fmt: skip


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def insert_order_rows(conn: sqlite3.Connection, rows: Iterable[tuple[Any, ...]]) -> None:
    """New orders' rows (``new_order_row``), with one prepared statement."""
    conn.executemany(
        f"INSERT INTO orders ({', '.join(ORDER_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(ORDER_COLUMNS))})",
        rows,
    )


def insert_rows(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """Rows with the same keys, in one prepared statement."""
    if not rows:
        return
    columns = list(rows[0])
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [[row[name] for name in columns] for row in rows],
    )


def line_from_row(row: dict[str, Any]) -> OrderLine:
    return OrderLine(
        position=row["position"],
        title=shown(row["title"]),
        quantity=row["quantity"],
        unit_price=decimal_or_none(row["unit_price"]),
        attributes=shown(row["attributes"]),
        product_url=shown(row["product_url"]),
        line_id=shown(row["line_id"]),
        free_return=bool(row["free_return"]),
        disputed=bool(row["disputed"]),
    )


def dispute_from_row(row: dict[str, Any]) -> Dispute:
    shipment = None
    if row["return_approved_on"]:
        shipment = ReturnShipment(
            approved_on=date_or_none(row["return_approved_on"]),
            carrier=shown(row["return_carrier"]),
            tracking=shown(row["return_tracking"]),
            shipped_on=date_or_none(row["return_shipped_on"]),
            delivered_on=date_or_none(row["return_delivered_on"]),
        )
    refund = None
    if row["refund_due_since"] or row["refund_amount"] is not None:
        refund = Refund(
            due_since=date_or_none(row["refund_due_since"]),
            expected_amount=decimal_or_none(row["refund_expected"]),
            amount=decimal_or_none(row["refund_amount"]),
            refunded_on=date_or_none(row["refunded_on"]),
        )
    return Dispute(
        reason=Reason(row["reason"]),
        outcome=Outcome(row["outcome"]),
        opened_on=date_or_none(row["opened_on"]),
        escalated_on=date_or_none(row["escalated_on"]),
        return_shipment=shipment,
        refund=refund,
    )


def dispute_row(order_id: str, dispute: Dispute) -> dict[str, Any]:
    shipment, refund = dispute.return_shipment, dispute.refund
    return {
        "order_id": order_id,
        "reason": dispute.reason.value,
        "outcome": dispute.outcome.value,
        "opened_on": dispute.opened_on.isoformat(),
        "escalated_on": to_column(dispute.escalated_on),
        "return_approved_on": to_column(shipment.approved_on) if shipment else None,
        "return_carrier": shipment.carrier if shipment else "",
        "return_tracking": shipment.tracking if shipment else "",
        "return_shipped_on": to_column(shipment.shipped_on) if shipment else None,
        "return_delivered_on": to_column(shipment.delivered_on) if shipment else None,
        "refund_due_since": to_column(refund.due_since) if refund else None,
        "refund_expected": to_column(refund.expected_amount) if refund else None,
        "refund_amount": to_column(refund.amount) if refund else None,
        "refunded_on": to_column(refund.refunded_on) if refund else None,
    }


def event_row(event: Event) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "kind": event.kind.value,
        "on_date": event.on.isoformat(),
        "note": event.note,
        "reason": to_column(event.reason),
        "outcome": to_column(event.outcome),
        "tracking": event.tracking,
        "carrier": event.carrier,
        "amount": to_column(event.amount),
        "lines": ",".join(str(number) for number in event.lines),
        "source": event.source,
    }


def event_from_row(row: dict[str, Any]) -> Event:
    return Event(
        seq=row["seq"],
        kind=EventKind(row["kind"]),
        on=date_or_none(row["on_date"]),
        note=shown(row["note"], multiline=True),
        reason=Reason(row["reason"]) if row["reason"] else None,
        outcome=Outcome(row["outcome"]) if row["outcome"] else None,
        tracking=shown(row["tracking"]),
        carrier=shown(row["carrier"]),
        amount=decimal_or_none(row["amount"]),
        lines=tuple(int(part) for part in row["lines"].split(",") if part.isdigit()),
        recorded_at=row["recorded_at"],
        source=shown(row["source"]),
    )


def message_row(message: ChatMessage) -> dict[str, Any]:
    return {
        "sender": message.sender.value,
        "sent_at": message.sent_at.strftime("%Y-%m-%d %H:%M"),
        "text": message.text,
        "edited_at": message.edited_at,
    }


def message_from_row(row: dict[str, Any]) -> ChatMessage:
    return ChatMessage(
        id=row["id"],
        sender=Sender(row["sender"]),
        sent_at=dt.datetime.fromisoformat(row["sent_at"]),
        text=shown(row["text"], multiline=True),
        edited_at=row["edited_at"],
    )


def evidence_from_row(row: dict[str, Any], files: tuple[Attachment, ...]) -> EvidenceItem:
    return EvidenceItem(
        id=row["id"],
        label=shown(row["label"]),
        kind=EvidenceKind(row["kind"]),
        done=bool(row["done"]),
        note=shown(row["note"], multiline=True),
        custom=bool(row["custom"]),
        position=row["position"],
        attachments=files,
    )


def given_facts(facts: OrderFacts) -> dict[str, Any]:
    """The values an ``OrderFacts`` carries: the ones that are not its defaults."""
    return {
        name: value
        for name, value in facts.values().items()
        if name != "order_id" and (name not in _FACT_DEFAULTS or value != _FACT_DEFAULTS[name])
    }
