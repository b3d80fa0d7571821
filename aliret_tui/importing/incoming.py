"""What a source says about an order, before it is checked: the shape every
format parser produces, whatever the file looked like."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from aliret_tui.errors import UserError


class Status(StrEnum):
    """Where AliExpress says the order is; None on an order means "not said"."""

    NEVER_PAID = "never_paid"  # Awaiting payment, To pay, Expired: skipped
    IN_TRANSIT = "in_transit"  # paid, not yet delivered
    DELIVERED = "delivered"  # Completed, Finished, a delivery mail
    CANCELLED = "cancelled"  # Canceled, Cancelled, Closed (before delivery)


@dataclass
class IncomingLine:
    """One item of a multi-item order. ``unit_price`` is per piece."""

    title: str
    quantity: int = 1
    unit_price: Decimal | None = None
    currency: str | None = None
    attributes: str = ""  # "Color: Black, Ships From: GERMANY"
    product_url: str = ""
    line_id: str = ""
    free_return: bool = False  # the item carries LOCAL_FREE_RETURN


@dataclass
class IncomingOrder:
    """One order as a source gives it. ``None`` means the source does not carry
    the value, and then the stored value is never changed.

    ``where`` names the place in the source for messages: "row 4", "order 2",
    "mail 'Order 3069…: Delivered'"."""

    order_id: str
    where: str
    title: str | None = None
    price: Decimal | str | None = None  # the order total; str for our own CSV
    currency: str | None = None
    store: str | None = None
    ordered_on: dt.date | str | None = None  # str only from our own CSV
    delivered_on: dt.date | str | None = None
    protection_ends: dt.date | str | None = None
    window_days: int | str | None = None
    country: str | None = None
    free_return: bool | str | None = None
    local_return: bool | str | None = None
    note: str | None = None
    status: Status | None = None
    lines: list[IncomingLine] = field(default_factory=list)


@dataclass
class Skipped:
    """A row or order the source holds that the import leaves out, and why."""

    where: str
    order_id: str
    why: str  # "never paid", "older than what you have", ...


@dataclass
class Parsed:
    """What one parser read from one input."""

    orders: list[IncomingOrder] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # what could not be read (paste)
    records: list[Any] = field(default_factory=list)  # whole OrderRecords (our own JSON)


class ImportRefused(UserError, ValueError):
    """A source that cannot be imported. The message names the place and field."""

    def __init__(self, where: str, field_name: str, message: str):
        where_text = f"{where}: " if where else ""
        field_text = f"{field_name}: " if field_name else ""
        super().__init__(_escaped(f"{where_text}{field_text}{message}"))
        self.where = where
        self.field = field_name
        self.message = message


def _escaped(text: str) -> str:
    """One line that is safe on a terminal: a control character, line break or bidi
    override from the input (a JSON key name, a cell) is shown as an escape."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
