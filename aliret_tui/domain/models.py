"""The records aliret-tui keeps, as frozen dataclasses.

Building a record checks nothing: the store builds them from rows it checked on the
way in. What a person types, or a file holds, goes through ``parse``, which runs
the check each record names for every field (``CHECKS``; see ``domain.checks``):
text is cleaned of control characters (``aliret_tui.sanitize``), and every refused
value raises ``FieldErrors`` naming the field. Pure Python, so the commands that
read and write one order start quickly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from aliret_tui.domain import fields
from aliret_tui.domain.checks import (
    MAX_INTEGER,
    Check,
    Context,
    Record,
    check_fields,
    enum_member,
    field_names,
    flag,
    nested,
    nested_many,
    number,
    parse,
    stored_text,
    whole_number,
)
from aliret_tui.domain.clocks import Clock, running_clock
from aliret_tui.domain.fields import FieldError, FieldErrors
from aliret_tui.domain.policy import Policy
from aliret_tui.domain.states import DELIVERY_UNKNOWN_LABEL, EXPIRED_WINDOW_LABEL, OrderState
from aliret_tui.domain.vocabulary import EventKind, EvidenceKind, Outcome, Reason, Sender
from aliret_tui.sanitize import clean_line

__all__ = ["MAX_INTEGER", "MINUTE_FORMAT", "Record", "parse"]

MINUTE_FORMAT = "%Y-%m-%d %H:%M"  # chat times: to the minute, local time
SHA256_DIGITS = frozenset("0123456789abcdef")
RECORD = dict(frozen=True, slots=True, kw_only=True)


# -- the checks records share ------------------------------------------------------


def _line(field: str, *, required: bool = False, max_length: int = fields.MAX_LINE_TEXT) -> Check:
    return lambda value, context: fields.line_text(
        field, value, required=required, max_length=max_length, notes=context.notes
    )


def _long(field: str, *, required: bool = False) -> Check:
    return lambda value, context: fields.long_text(
        field, value, required=required, notes=context.notes
    )


def _short(field: str) -> Check:
    """A tracking number or a carrier: one cleaned line, short."""
    return _line(field, max_length=fields.MAX_SHORT_TEXT)


def _date(field: str) -> Check:
    """A date; ``today``, ``yesterday`` and ``-3`` too when a person typed it."""
    return lambda value, context: fields.date(value, field, context.today)


def _typed_flag(field: str) -> Check:
    return lambda value, context: fields.boolean(value, field)


def _row_id(field: str = "id") -> Check:
    return whole_number(field, 1, MAX_INTEGER, optional=True)


# -- orders ------------------------------------------------------------------------


@dataclass(**RECORD)
class OrderFacts(Record):
    """What the user states about an order (the `add` command, the form, a CSV row)."""

    order_id: str
    title: str
    price: Decimal
    currency: str
    store: str = ""
    ordered_on: dt.date | None = None
    delivered_on: dt.date | None = None
    window_days: int | None = None
    protection_ends: dt.date | None = None
    country: str | None = None
    free_return: bool = False
    local_return: bool = False
    note: str = ""

    CHECKS: ClassVar[Mapping[str, Check]] = {
        "order_id": lambda value, context: fields.order_id(value, context.notes),
        "title": _line("title", required=True),
        # The order's own currency (checked first, see checked_values) sets the decimals.
        "price": lambda value, context: fields.amount(value, context.currency, "price"),
        "currency": lambda value, context: fields.currency(value),
        "store": _line("store"),
        "ordered_on": _date("ordered_on"),
        "delivered_on": _date("delivered_on"),
        "window_days": lambda value, context: fields.window_days(value),
        "protection_ends": _date("protection_ends"),
        "country": lambda value, context: fields.country(value),
        "free_return": _typed_flag("free_return"),
        "local_return": _typed_flag("local_return"),
        "note": _long("note"),
    }

    @classmethod
    def checked_values(cls, data: Mapping[str, Any], context: Context) -> dict[str, Any]:
        try:
            currency: str | None = fields.currency(data.get("currency"))
        except FieldError:
            currency = None  # refused below, naming the currency rather than the price
        values = check_fields(cls, data, Context(context.notes, context.today, currency))
        errors = date_order_errors(values, context.today)
        if errors:
            raise FieldErrors(errors)
        return values


def date_order_errors(values: Mapping[str, Any], today: dt.date | None) -> list[FieldError]:
    """Delivered before ordered, protection ending before the order, or (given
    ``today``) an order or a delivery in the future."""
    errors = []
    ordered, delivered = values.get("ordered_on"), values.get("delivered_on")
    protection = values.get("protection_ends")
    if isinstance(ordered, dt.date) and isinstance(delivered, dt.date) and delivered < ordered:
        errors.append(FieldError("delivered_on", "is before the order date"))
    if isinstance(ordered, dt.date) and isinstance(protection, dt.date) and protection < ordered:
        errors.append(FieldError("protection_ends", "is before the order date"))
    if today is not None:
        for name in ("ordered_on", "delivered_on"):
            try:
                day = values.get(name)
                fields.not_after_today(day if isinstance(day, dt.date) else None, name, today)
            except FieldError as error:
                errors.append(error)
    return errors


@dataclass(**RECORD)
class ReturnShipment(Record):
    approved_on: dt.date
    carrier: str = ""
    tracking: str = ""
    shipped_on: dt.date | None = None
    delivered_on: dt.date | None = None

    CHECKS: ClassVar[Mapping[str, Check]] = {
        "approved_on": _date("approved_on"),
        "carrier": _short("carrier"),
        "tracking": _short("tracking"),
        "shipped_on": _date("shipped_on"),
        "delivered_on": _date("delivered_on"),
    }


@dataclass(**RECORD)
class Refund(Record):
    due_since: dt.date | None = None  # the day the refund clock started
    expected_amount: Decimal | None = None  # a partial amount the seller agreed to
    amount: Decimal | None = None
    refunded_on: dt.date | None = None

    CHECKS: ClassVar[Mapping[str, Check]] = {
        "due_since": _date("due_since"),
        "expected_amount": number("expected_amount"),
        "amount": number("amount"),
        "refunded_on": _date("refunded_on"),
    }


@dataclass(**RECORD)
class Dispute(Record):
    reason: Reason
    outcome: Outcome
    opened_on: dt.date
    escalated_on: dt.date | None = None
    return_shipment: ReturnShipment | None = None
    refund: Refund | None = None

    CHECKS: ClassVar[Mapping[str, Check]] = {
        "reason": enum_member(Reason, "reason"),
        "outcome": enum_member(Outcome, "outcome"),
        "opened_on": _date("opened_on"),
        "escalated_on": _date("escalated_on"),
        "return_shipment": nested(ReturnShipment, "return_shipment"),
        "refund": nested(Refund, "refund"),
    }

    @property
    def return_applies(self) -> bool:
        """A return is approved, or wanted and not yet settled by a refund without one."""
        if self.return_shipment is not None:
            return True
        return self.outcome is Outcome.RETURN_AND_REFUND and self.refund is None


@dataclass(**RECORD)
class Order(OrderFacts):
    """An order as stored: the user's facts plus where it stands now."""

    state: OrderState = OrderState.IN_TRANSIT
    clock_since: dt.date | None = None
    archived: bool = False
    delivery_unknown: bool = False  # delivered, but no source said on which day
    version: int = 1
    created_at: str = ""
    updated_at: str = ""
    dispute: Dispute | None = None

    CHECKS: ClassVar[Mapping[str, Check]] = {
        **OrderFacts.CHECKS,
        "state": enum_member(OrderState, "state"),
        "clock_since": _date("clock_since"),
        "archived": flag("archived"),
        "delivery_unknown": flag("delivery_unknown"),
        "version": whole_number("version", 1, MAX_INTEGER),
        "created_at": stored_text("created_at"),
        "updated_at": stored_text("updated_at"),
        "dispute": nested(Dispute, "dispute"),
    }

    @property
    def facts(self) -> OrderFacts:
        return OrderFacts(**{name: getattr(self, name) for name in field_names(OrderFacts)})

    def clock(self, policy: Policy) -> Clock | None:
        return running_clock(
            self.state,
            delivered_on=self.delivered_on,
            protection_ends=self.protection_ends,
            window_days=self.window_days,
            local_return=self.local_return,
            ordered_on=self.ordered_on,
            dispute_opened_on=self.dispute.opened_on if self.dispute else None,
            clock_since=self.clock_since,
            policy=policy,
        )

    def state_label(self, policy: Policy, today: dt.date) -> str:
        if self.state is OrderState.WINDOW_OPEN and self.delivered_on is None:
            return DELIVERY_UNKNOWN_LABEL
        clock = self.clock(policy)
        if clock is not None and clock.is_expired(today):
            return EXPIRED_WINDOW_LABEL
        return self.state.label

    @property
    def refunded_amount(self) -> Decimal | None:
        refund = self.dispute.refund if self.dispute else None
        return refund.amount if refund else None

    @property
    def is_partial_refund(self) -> bool:
        refunded = self.refunded_amount
        return refunded is not None and refunded < self.price


# -- the timeline ------------------------------------------------------------------


@dataclass(**RECORD)
class Event(Record):
    """One entry of the append-only timeline."""

    seq: int
    kind: EventKind
    on: dt.date
    note: str = ""
    reason: Reason | None = None
    outcome: Outcome | None = None
    tracking: str = ""
    carrier: str = ""
    amount: Decimal | None = None
    lines: tuple[int, ...] = ()  # open_dispute: the order lines it is about
    recorded_at: str = ""
    source: str = ""  # where an imported event came from; empty when recorded here

    CHECKS: ClassVar[Mapping[str, Check]] = {
        "seq": whole_number("seq", 1, MAX_INTEGER),
        "kind": enum_member(EventKind, "kind"),
        "on": _date("on"),
        "note": _long("note"),
        "reason": enum_member(Reason, "reason", optional=True),
        "outcome": enum_member(Outcome, "outcome", optional=True),
        "tracking": _short("tracking"),
        "carrier": _short("carrier"),
        "amount": number("amount"),
        "lines": lambda value, context: fields.line_positions(value),
        "recorded_at": _line("recorded_at", max_length=500),
        "source": _line("source", max_length=500),
    }


def _typed_choice(kind: type[StrEnum], field: str, *, optional: bool = False) -> Check:
    """A choice as typed: any case, spaces around; nothing for an optional one."""
    allowed = [member.value for member in kind]

    def check(value: Any, context: Context) -> Any:
        if optional and value in (None, ""):
            return None
        return kind(fields.choice(value, field, allowed))

    return check


def _typed_day(value: Any, context: Context) -> dt.date | None:
    day = fields.date(value, "on", context.today)
    if context.today is not None:
        fields.not_after_today(day, "on", context.today)
    return day


@dataclass(**RECORD)
class EventInput(Record):
    """An event as the user asks for it, before the workflow checks it."""

    kind: EventKind
    on: dt.date | None = None
    reason: Reason | None = None
    outcome: Outcome | None = None
    tracking: str = ""
    carrier: str = ""
    amount: Decimal | None = None
    note: str = ""
    lines: tuple[int, ...] = ()  # open_dispute: the order lines it is about (positions)

    CHECKS: ClassVar[Mapping[str, Check]] = {
        "kind": _typed_choice(EventKind, "event"),
        "on": _typed_day,
        "reason": _typed_choice(Reason, "reason", optional=True),
        "outcome": _typed_choice(Outcome, "outcome", optional=True),
        "tracking": _short("tracking"),
        "carrier": _short("carrier"),
        # The order's currency (Context.currency) sets the decimals.
        "amount": lambda value, context: (
            None if value in (None, "") else fields.amount(value, context.currency, "amount")
        ),
        "note": _long("note"),
        "lines": lambda value, context: fields.line_positions(value),
    }


# -- chat and evidence -------------------------------------------------------------


def _sent_at(value: Any, context: Context) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value.replace(second=0, microsecond=0, tzinfo=None)
    else:
        try:
            moment = dt.datetime.strptime(str(value).strip(), MINUTE_FORMAT)
        except ValueError:
            shown = clean_line(str(value)).text[:30]
            raise FieldError(
                "sent_at", f"must be a time as YYYY-MM-DD HH:MM (got {shown!r})"
            ) from None
    fields.date(moment.date(), "sent_at")  # years 2000-2999, as every date
    return moment


@dataclass(**RECORD)
class ChatMessage(Record):
    id: int | None = None
    sender: Sender
    sent_at: dt.datetime
    text: str
    edited_at: str = ""

    CHECKS: ClassVar[Mapping[str, Check]] = {
        "id": _row_id(),
        "sender": _typed_choice(Sender, "sender"),
        "sent_at": _sent_at,
        "text": _long("text", required=True),
        "edited_at": stored_text("edited_at"),
    }


def _sha256(value: Any, context: Context) -> str:
    if not (isinstance(value, str) and len(value) == 64 and set(value) <= SHA256_DIGITS):
        raise FieldError("sha256", "must be 64 lowercase hexadecimal digits")
    return value


@dataclass(**RECORD)
class Attachment(Record):
    id: int | None = None
    path: str
    size: int
    sha256: str
    attached_at: str

    CHECKS: ClassVar[Mapping[str, Check]] = {
        "id": _row_id(),
        "path": _line("path", required=True, max_length=4096),
        "size": whole_number("size", 0, MAX_INTEGER),
        "sha256": _sha256,
        "attached_at": _line("attached_at", max_length=40),
    }


@dataclass(**RECORD)
class EvidenceItem(Record):
    id: int | None = None
    label: str
    kind: EvidenceKind = EvidenceKind.OTHER
    done: bool = False
    note: str = ""
    custom: bool = False
    position: int = 0
    attachments: tuple[Attachment, ...] = ()

    CHECKS: ClassVar[Mapping[str, Check]] = {
        "id": _row_id(),
        "label": _line("label", required=True, max_length=500),
        "kind": enum_member(EvidenceKind, "kind"),
        "done": _typed_flag("done"),
        "note": _long("note"),
        "custom": _typed_flag("custom"),
        "position": whole_number("position", 0, MAX_INTEGER),
        "attachments": nested_many(Attachment, "attachments"),
    }

    @property
    def has_proof(self) -> bool:
        return self.done or bool(self.attachments)


# -- whole orders ------------------------------------------------------------------


def _optional_price(value: Any, context: Context) -> Decimal | None:
    if value is None:
        return None
    price = number("unit_price")(value, context)
    if price is not None and not 0 < price < fields.MAX_AMOUNT:
        raise FieldError("unit_price", f"must be more than 0 and less than {fields.MAX_AMOUNT}")
    return price


@dataclass(**RECORD)
class OrderLine(Record):
    """One item of a multi-item order; ``unit_price`` is per piece."""

    position: int
    title: str
    quantity: int = 1
    unit_price: Decimal | None = None
    attributes: str = ""
    product_url: str = ""
    line_id: str = ""
    free_return: bool = False
    disputed: bool = False

    CHECKS: ClassVar[Mapping[str, Check]] = {
        "position": whole_number("position", 1, 10_000),
        "title": _line("title", required=True, max_length=2000),
        "quantity": whole_number("quantity", 1, 100_000),
        "unit_price": _optional_price,
        "attributes": _line("attributes", max_length=2000),
        "product_url": _line("product_url", max_length=2000),
        "line_id": _line("line_id", max_length=2000),
        "free_return": flag("free_return"),
        "disputed": flag("disputed"),
    }

    def describe(self, currency: str) -> str:
        """'2 × Phone case (Color: Black) · 4.99 USD each'; a disputed line says so."""
        text = f"{self.quantity} × {self.title}"
        if self.attributes:
            text += f" ({self.attributes})"
        if self.unit_price is not None:
            text += f" · {self.unit_price} {currency} each"
        return text + (" · disputed" if self.disputed else "")


@dataclass(**RECORD)
class OrderRecord(Record):
    """Everything kept about one order: what the detail screen and the JSON export hold."""

    order: Order
    lines: tuple[OrderLine, ...] = ()
    events: tuple[Event, ...] = ()
    messages: tuple[ChatMessage, ...] = ()
    evidence: tuple[EvidenceItem, ...] = ()

    CHECKS: ClassVar[Mapping[str, Check]] = {
        "order": nested(Order, "order"),
        "lines": nested_many(OrderLine, "lines"),
        "events": nested_many(Event, "events"),
        "messages": nested_many(ChatMessage, "messages"),
        "evidence": nested_many(EvidenceItem, "evidence"),
    }
