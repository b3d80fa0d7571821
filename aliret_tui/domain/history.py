"""An order's history as plain values: its facts, its dispute's columns and its
timeline, read in bulk by ``store.history`` for the statistics."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from aliret_tui.domain.vocabulary import EventKind

# One timeline entry: (EventKind value, date, amount or None).
HistoryEvent = tuple[str, dt.date, Decimal | None]
# Events of an order's life outside its dispute, which no figure reads: a history's
# timeline may leave them out.
NOT_DISPUTE_EVENTS = frozenset({EventKind.DELIVERED, EventKind.KEEP, EventKind.ORDER_CANCELLED})


class OrderHistory(NamedTuple):
    """One order as the statistics need it: its facts, its dispute's columns and its
    timeline. ``state`` and event kinds are the stored strings (``OrderState`` and
    ``EventKind`` values compare equal to them).

    The dispute columns (``dispute_opened_on`` to ``refund_amount``) are what the
    workflow keeps beside the timeline. The figures read the timeline first and fall
    back on them, so an order imported with its state but no timeline still counts.
    """

    order_id: str
    store: str
    currency: str
    price: Decimal
    state: str
    archived: bool = False
    ordered_on: dt.date | None = None
    delivered_on: dt.date | None = None
    deadline: dt.date | None = None  # the running clock's; while the window is open, its end
    dispute_reason: str | None = None
    wanted_outcome: str | None = None  # what the buyer asked for: refund_only, return_and_refund
    dispute_opened_on: dt.date | None = None
    escalated_on: dt.date | None = None
    return_approved_on: dt.date | None = None
    refund_due_since: dt.date | None = None  # the refund clock's start
    refund_expected: Decimal | None = None  # a partial amount agreed, when there was one
    refunded_on: dt.date | None = None
    refund_amount: Decimal | None = None
    events: tuple[HistoryEvent, ...] = ()  # in timeline order; see NOT_DISPUTE_EVENTS
