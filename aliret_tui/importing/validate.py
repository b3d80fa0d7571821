"""Every value from every source checked exactly as ``aliret-tui add`` checks it:
control characters stripped, lengths capped, dates in range and not in the
future, positive amounts, known codes. Plain field checkers, not pydantic, so a
100,000-order import stays quick; the messages are the same."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from aliret_tui.domain import fields
from aliret_tui.domain.fields import FieldError, TextNotes
from aliret_tui.importing.incoming import ImportRefused, IncomingLine, IncomingOrder, Status

MAX_QUANTITY = 100_000
MAX_URL = 2_000
MAX_LINES = 500


@dataclass
class ValidLine:
    position: int
    title: str
    quantity: int
    unit_price: Decimal | None
    attributes: str = ""
    product_url: str = ""
    line_id: str = ""
    free_return: bool = False


@dataclass
class ValidOrder:
    """One checked order. ``facts`` holds only the values the source carries."""

    order_id: str
    where: str
    facts: dict[str, Any]
    status: Status | None = None
    lines: list[ValidLine] = field(default_factory=list)


def validated(
    incoming: IncomingOrder, today: dt.date, notes: TextNotes | None = None
) -> ValidOrder:
    """The order with every value checked; ``ImportRefused`` naming the place and
    field for the first bad one."""
    where = incoming.where
    try:
        order_id = fields.order_id(incoming.order_id, notes)
        lines = [_line(number, line, notes) for number, line in enumerate(incoming.lines, 1)]
        if len(lines) > MAX_LINES:
            raise FieldError("lines", f"too many order lines ({len(lines)}; at most {MAX_LINES})")
        facts = _facts(incoming, lines, today, notes)
    except FieldError as error:
        raise ImportRefused(where, error.field, error.message) from None
    return ValidOrder(order_id, where, facts, incoming.status, lines)


def _facts(
    incoming: IncomingOrder, lines: list[ValidLine], today: dt.date, notes: TextNotes | None
) -> dict[str, Any]:
    raw = _with_order_totals(incoming, lines)
    facts: dict[str, Any] = {}
    if raw["currency"] is not None:
        facts["currency"] = fields.currency(raw["currency"])
    price = raw["price"]
    if price is not None:
        facts["price"] = fields.amount(
            str(price) if isinstance(price, Decimal) else price, facts.get("currency"), "price"
        )
    for name, check in _CHECKS:
        value = raw[name]
        if value is not None and value != "":
            checked = check(value, today, notes)
            if checked is not None and checked != "":
                facts[name] = checked
    check_date_order(facts)
    return facts


# The order's values after currency and price, each with its check (value, today, notes).
_CHECKS: tuple[tuple[str, Callable[[Any, dt.date, TextNotes | None], Any]], ...] = (
    ("title", lambda v, _, notes: fields.line_text("title", v, required=True, notes=notes)),
    ("store", lambda v, _, notes: fields.line_text("store", v, notes=notes)),
    ("ordered_on", lambda v, today, _: _past_date(v, "ordered_on", today)),
    ("delivered_on", lambda v, today, _: _past_date(v, "delivered_on", today)),
    ("protection_ends", lambda v, _, __: fields.date(v, "protection_ends")),
    ("window_days", lambda v, _, __: fields.window_days(v)),
    ("country", lambda v, _, __: fields.country(v)),
    ("free_return", lambda v, _, __: fields.boolean(v, "free_return")),
    ("local_return", lambda v, _, __: fields.boolean(v, "local_return")),
    ("note", lambda v, _, notes: fields.long_text("note", v, notes=notes)),
)


def _with_order_totals(incoming: IncomingOrder, lines: list[ValidLine]) -> dict[str, Any]:
    """The order's own values, with the title, price and currency taken from its
    lines where the source gives none at the order level."""
    if not lines and not incoming.lines:
        return vars(incoming)  # nothing to take from lines (read only below)
    raw = {name: getattr(incoming, name) for name in _FACT_NAMES}
    if raw["title"] is None and lines:
        more = len(lines) - 1
        raw["title"] = lines[0].title + (f" and {more} more" if more else "")
    if raw["currency"] is None:
        currencies = {line.currency for line in incoming.lines if line.currency}
        if len(currencies) == 1:
            raw["currency"] = currencies.pop()
    if raw["price"] is None and lines and all(line.unit_price is not None for line in lines):
        raw["price"] = sum((line.unit_price * line.quantity for line in lines), Decimal(0))
    if raw["free_return"] is None and any(line.free_return for line in lines):
        raw["free_return"] = True
    return raw


_FACT_NAMES = (
    "title", "price", "currency", "store", "ordered_on", "delivered_on", "protection_ends",
    "window_days", "country", "free_return", "local_return", "note",
)  # fmt: skip


def _line(number: int, line: IncomingLine, notes: TextNotes | None) -> ValidLine:
    prefix = f"line {number} "
    title = fields.line_text(prefix + "title", line.title, required=True, notes=notes)
    quantity = line.quantity
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise FieldError(prefix + "quantity", "must be a whole number")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise FieldError(prefix + "quantity", f"must be from 1 to {MAX_QUANTITY} (got {quantity})")
    unit_price = None
    if line.unit_price is not None and line.unit_price != 0:
        unit_price = fields.amount(str(line.unit_price), None, prefix + "price")
    return ValidLine(
        position=number,
        title=title,
        quantity=quantity,
        unit_price=unit_price,
        attributes=fields.line_text(prefix + "attributes", line.attributes, notes=notes),
        product_url=fields.line_text(
            prefix + "link", line.product_url, max_length=MAX_URL, notes=notes
        ),
        line_id=fields.line_text(
            prefix + "id", line.line_id, max_length=fields.MAX_ORDER_ID, notes=notes
        ),
        free_return=bool(line.free_return),
    )


def _past_date(value: Any, name: str, today: dt.date) -> dt.date | None:
    day = fields.date(value, name)
    fields.not_after_today(day, name, today)
    return day


def check_date_order(facts: dict[str, Any]) -> None:
    ordered = facts.get("ordered_on")
    if ordered is None:
        return
    if facts.get("delivered_on") is not None and facts["delivered_on"] < ordered:
        raise FieldError("delivered_on", "is before the order date")
    if facts.get("protection_ends") is not None and facts["protection_ends"] < ordered:
        raise FieldError("protection_ends", "is before the order date")
