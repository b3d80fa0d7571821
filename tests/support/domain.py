"""Helpers shared by the domain tests: a fixed "today", orders, and event paths.

Nothing here reads the real date: every calculation gets ``TODAY`` or an
explicit date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from aliret_tui.domain.models import Event, EventInput, EvidenceItem, Order, parse
from aliret_tui.domain.policy import DEFAULT_POLICY
from aliret_tui.domain.vocabulary import EventKind
from aliret_tui.domain.workflow import Transition, allowed_events, apply_event

TODAY = dt.date(2026, 11, 29)
POLICY = DEFAULT_POLICY
E = EventKind


def day(month: int, dom: int) -> dt.date:
    return dt.date(2026, month, dom)


def make_order(**overrides: Any) -> Order:
    data: dict[str, Any] = {
        "order_id": "8100000000000001",
        "title": "USB-C cable",
        "price": "12.50",
        "currency": "USD",
        "ordered_on": "2026-11-01",
    }
    data.update(overrides)
    return parse(Order, data)


@dataclass(frozen=True)
class Case:
    """An order with its timeline and checklist, advanced one event at a time."""

    order: Order
    events: tuple[Event, ...] = ()
    evidence: tuple[EvidenceItem, ...] = field(default=())

    @property
    def last(self) -> Event | None:
        return self.events[-1] if self.events else None

    @property
    def last_kind(self) -> EventKind | None:
        return self.last.kind if self.last else None

    def allowed(self) -> list[EventKind]:
        return allowed_events(self.order, self.last_kind)

    def transition(self, kind: EventKind | str, **values: Any) -> Transition:
        return apply_event(
            self.order,
            parse(EventInput, {"kind": kind, **values}),
            today=TODAY,
            last_event=self.last,
            evidence_count=len(self.evidence),
            existing_evidence=self.evidence,
            policy=DEFAULT_POLICY,
        )

    def then(self, kind: EventKind | str, **values: Any) -> Case:
        step = self.transition(kind, **values)
        return Case(step.order, (*self.events, step.event), (*self.evidence, *step.new_evidence))


def fresh(**overrides: Any) -> Case:
    return Case(make_order(**overrides))


# Dates used along the paths below (all in November 2026, before TODAY).
CANCELLED_ON = day(11, 5)
DELIVERED = day(11, 10)
OPENED = day(11, 12)
ANSWERED = day(11, 14)
ESCALATED = day(11, 16)
RULED = day(11, 20)
SHIPPED = day(11, 21)
ARRIVED = day(11, 24)
REFUNDED_ON = day(11, 27)


def _delivered() -> Case:
    return fresh().then(E.DELIVERED, on=DELIVERED)


def _awaiting() -> Case:
    return _delivered().then(
        E.OPEN_DISPUTE, on=OPENED, reason="wrong_size", outcome="return_and_refund"
    )


def _in_mediation() -> Case:
    return _awaiting().then(E.SELLER_REFUSED, on=ANSWERED).then(E.ESCALATED, on=ESCALATED)


def _seller_return() -> Case:
    return _awaiting().then(E.RETURN_APPROVED, on=ANSWERED)


def _shipped() -> Case:
    return _seller_return().then(E.RETURN_SHIPPED, on=SHIPPED, tracking="RR123456789CN")


def _not_received() -> Case:
    return fresh(protection_ends="2026-12-20").then(
        E.OPEN_DISPUTE, on=OPENED, reason="not_received"
    )


# Every state, reached through real events. name -> builder.
PATHS = {
    "in_transit": fresh,
    "window_open": _delivered,
    "kept": lambda: _delivered().then(E.KEEP, on=OPENED),
    "awaiting_seller": _awaiting,
    "seller_refused": lambda: _awaiting().then(E.SELLER_REFUSED, on=ANSWERED),
    "in_mediation": _in_mediation,
    "return_approved_by_seller": _seller_return,
    "return_approved_by_mediation": lambda: _in_mediation().then(
        E.MEDIATION_WON, on=RULED, outcome="return_and_refund"
    ),
    "return_shipped": _shipped,
    "refund_pending_after_return": lambda: _shipped().then(E.RETURN_DELIVERED, on=ARRIVED),
    "refund_pending_seller_agreed": lambda: _awaiting().then(E.SELLER_AGREED, on=ANSWERED),
    "refund_pending_mediation": lambda: _in_mediation().then(
        E.MEDIATION_WON, on=RULED, outcome="refund_only"
    ),
    "refunded": lambda: (
        _awaiting().then(E.SELLER_AGREED, on=ANSWERED).then(E.REFUNDED, on=REFUNDED_ON)
    ),
    "mediation_lost": lambda: _in_mediation().then(E.MEDIATION_LOST, on=RULED),
    "cancelled": lambda: _awaiting().then(E.CANCELLED, on=ANSWERED),
    "not_received_awaiting": _not_received,
    "not_received_cancelled": lambda: _not_received().then(E.CANCELLED, on=ANSWERED),
    "order_cancelled": lambda: fresh().then(E.ORDER_CANCELLED, on=CANCELLED_ON),
}

# The events allowed in each of those situations, read off domain.md's table
# (in the table's order).
EXPECTED_ALLOWED: dict[str, list[EventKind]] = {
    "in_transit": [E.DELIVERED, E.OPEN_DISPUTE, E.ORDER_CANCELLED],
    "window_open": [E.KEEP, E.OPEN_DISPUTE],
    "kept": [],
    "awaiting_seller": [
        E.SELLER_AGREED,
        E.RETURN_APPROVED,
        E.SELLER_REFUSED,
        E.ESCALATED,
        E.CANCELLED,
    ],
    "seller_refused": [E.RETURN_APPROVED, E.ESCALATED, E.CANCELLED],
    "in_mediation": [E.MEDIATION_WON, E.MEDIATION_LOST, E.CANCELLED],
    "return_approved_by_seller": [E.ESCALATED, E.RETURN_SHIPPED, E.CANCELLED],
    "return_approved_by_mediation": [E.RETURN_APPROVED, E.RETURN_SHIPPED, E.CANCELLED],
    "return_shipped": [E.ESCALATED, E.RETURN_DELIVERED, E.CANCELLED],
    "refund_pending_after_return": [E.ESCALATED, E.REFUNDED, E.CANCELLED],
    "refund_pending_seller_agreed": [E.ESCALATED, E.REFUNDED, E.CANCELLED],
    "refund_pending_mediation": [E.REFUNDED, E.CANCELLED],
    "refunded": [],
    "mediation_lost": [],
    "cancelled": [],
    "not_received_awaiting": [
        E.DELIVERED,
        E.SELLER_AGREED,
        E.RETURN_APPROVED,
        E.SELLER_REFUSED,
        E.ESCALATED,
        E.CANCELLED,
    ],
    "not_received_cancelled": [E.DELIVERED],
    # Closed before delivery; like any closed order never delivered, only the
    # delivery can still be recorded ('delivered': "not yet delivered").
    "order_cancelled": [],
}
