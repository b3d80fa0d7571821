"""An order's facts as (label, value) rows: the order screen's Overview and
``aliret-tui show`` both lay out these. Pure Python, no I/O."""

from __future__ import annotations

import datetime as dt

from aliret_tui.domain.clocks import ClockKind
from aliret_tui.domain.deadline_rule import Origins, deadline_rule, origin_of
from aliret_tui.domain.models import Order, OrderRecord
from aliret_tui.domain.policy import Policy


def fact_rows(
    record: OrderRecord,
    origins: Origins,
    policy: Policy,
    *,
    record_delivery: str,
    with_lines: bool = True,
) -> list[tuple[str, str]]:
    """The order, its window, its lines (``with_lines``), the dispute and refund.
    ``record_delivery`` says how to record a delivery whose date nobody knows."""
    order = record.order
    rows: list[tuple[str, str]] = [
        ("Price", f"{order.price} {order.currency}"),
        ("Store", order.store or "—"),
        ("Ordered", day_text(order.ordered_on)),
        ("Delivered", delivered_text(order, origins, record_delivery)),
    ]
    if order.protection_ends:
        origin = origin_of(origins, "protection_ends")
        rows.append(("Protection ends", f"{order.protection_ends} ({origin})"))
    window = order.window_days or policy.window_days_for(local_return=order.local_return)
    source = "set for this order" if order.window_days else "default"
    rows.append(("Window", f"{window} days ({source})"))
    clock = order.clock(policy)
    if clock is not None and clock.kind is ClockKind.INSPECTION:
        rows.append(("Deadline from", deadline_rule(order, clock, policy, origins)))
    if with_lines:
        for line in record.lines:
            rows.append(("Item" if len(record.lines) == 1 else f"Item {line.position}",
                         line.describe(order.currency)))  # fmt: skip
    flags = ((order.free_return, "Free Return"), (order.local_return, "Local Return"))
    programmes = [name for flag, name in flags if flag]
    rows.append(("Ship to", " · ".join([order.country or "—", *programmes])))
    rows += _dispute_rows(order, policy)
    if order.note:
        rows.append(("Note", order.note))
    return rows


def _dispute_rows(order: Order, policy: Policy) -> list[tuple[str, str]]:
    dispute = order.dispute
    if dispute is None:
        return []
    rows = [
        ("Dispute", f"{dispute.reason.label} · wants {dispute.outcome.label}"),
        ("Opened", dispute.opened_on.isoformat()),
    ]
    if dispute.escalated_on:
        rows.append(("Escalated", dispute.escalated_on.isoformat()))
    shipment = dispute.return_shipment
    if shipment:
        rows.append(("Return approved", shipment.approved_on.isoformat()))
        if shipment.tracking:
            carrier = shipment.carrier or "carrier not recorded"
            rows.append(("Return tracking", f"{shipment.tracking} ({carrier})"))
            rows.append(("Shipped", day_text(shipment.shipped_on)))
        if shipment.delivered_on:
            rows.append(("Seller received", shipment.delivered_on.isoformat()))
    refund = dispute.refund
    if refund and refund.expected_amount is not None:
        rows.append(("Agreed refund", f"{refund.expected_amount} {order.currency} (partial)"))
    if refund and refund.amount is not None:
        shortfall = order.price - refund.amount
        kind = f"partial: {shortfall} short" if order.is_partial_refund else "full"
        rows.append(("Refunded", f"{refund.amount} {order.currency} on {refund.refunded_on}"))
        rows.append(("Refund kind", kind))
        rows.append(
            (
                "Card statement",
                f"may take {policy.card_refund_business_days_min}–"
                f"{policy.card_refund_business_days_max} business days to show",
            )
        )
    return rows


def delivered_text(order: Order, origins: Origins, record_delivery: str) -> str:
    if order.delivered_on is None:
        if order.delivery_unknown:
            return f"yes, date unknown: {record_delivery}"
        return "—"
    origin = origin_of(origins, "delivered_on")
    return order.delivered_on.isoformat() + ("" if origin == "typed" else f" ({origin})")


def day_text(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"
