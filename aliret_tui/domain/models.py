"""The records aliret-tui keeps, as validated pydantic models.

Every text field is cleaned of control characters on the way in (see
``aliret_tui.sanitize``); every refused value raises ``FieldErrors`` naming
the field. Use ``parse()`` rather than ``model_validate`` to get those errors.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)

from aliret_tui.domain import fields
from aliret_tui.domain.clocks import Clock, running_clock
from aliret_tui.domain.fields import FieldError, FieldErrors, TextNotes
from aliret_tui.domain.policy import Policy
from aliret_tui.domain.states import DELIVERY_UNKNOWN_LABEL, EXPIRED_WINDOW_LABEL, OrderState
from aliret_tui.domain.vocabulary import EventKind, EvidenceKind, Outcome, Reason, Sender
from aliret_tui.sanitize import clean_line

Model = TypeVar("Model", bound=BaseModel)
MINUTE_FORMAT = "%Y-%m-%d %H:%M"  # chat times: to the minute, local time
MAX_INTEGER = 2**62  # counters and sizes; SQLite integers stop at 2**63 - 1


def parse(
    model: type[Model],
    data: dict[str, Any],
    *,
    notes: TextNotes | None = None,
    today: dt.date | None = None,
    currency: str | None = None,
) -> Model:
    """Validate ``data`` into ``model``, turning any failure into ``FieldErrors``.

    ``today`` is given for what a person typed: dates may then also be written
    ``today``, ``yesterday`` or ``-3``, relative to it. ``currency``: the order's,
    for an event's amount (``1,234`` is one thousand and more in yen)."""
    context = {"notes": notes, "today": today, "currency": currency}
    try:
        return model.model_validate(data, context=context)
    except ValidationError as error:
        raise _field_errors(error) from None


def _field_errors(error: ValidationError) -> FieldErrors:
    found: list[FieldError] = []
    for detail in error.errors():
        original = (detail.get("ctx") or {}).get("error")
        if isinstance(original, FieldErrors):
            found.extend(original.errors)
        elif isinstance(original, FieldError):
            found.append(original)
        else:
            where = ".".join(str(part) for part in detail["loc"]) or "value"
            found.append(FieldError(where, detail["msg"]))
    return FieldErrors(found)


def _notes(info: ValidationInfo) -> TextNotes | None:
    return (info.context or {}).get("notes")


def _today(info: ValidationInfo) -> dt.date | None:
    return (info.context or {}).get("today")


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


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

    @model_validator(mode="before")
    @classmethod
    def _check_each_field(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict):
            raise FieldError("order", "must be a set of named fields")
        notes = _notes(info)
        today = _today(info)
        checks = {
            "order_id": lambda v: fields.order_id(v, notes),
            "title": lambda v: fields.line_text("title", v, required=True, notes=notes),
            "currency": fields.currency,
            "store": lambda v: fields.line_text("store", v, notes=notes),
            "ordered_on": lambda v: fields.date(v, "ordered_on", today),
            "delivered_on": lambda v: fields.date(v, "delivered_on", today),
            "window_days": fields.window_days,
            "protection_ends": lambda v: fields.date(v, "protection_ends", today),
            "country": fields.country,
            "free_return": lambda v: fields.boolean(v, "free_return"),
            "local_return": lambda v: fields.boolean(v, "local_return"),
            "note": lambda v: fields.long_text("note", v, notes=notes),
        }
        cleaned = dict(data)
        errors: list[FieldError] = []
        for name, check in checks.items():
            if name in data or name in ("order_id", "title", "currency"):
                try:
                    cleaned[name] = check(data.get(name))
                except FieldError as error:
                    errors.append(error)
        currency = cleaned.get("currency") if "currency" not in {e.field for e in errors} else None
        try:
            cleaned["price"] = fields.amount(data.get("price"), currency, "price")
        except FieldError as error:
            errors.append(error)
        errors.extend(_date_order_errors(cleaned, today))
        if errors:
            raise FieldErrors(errors)
        return cleaned


def _date_order_errors(values: dict[str, Any], today: dt.date | None) -> list[FieldError]:
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


class ReturnShipment(Record):
    approved_on: dt.date
    carrier: str = ""
    tracking: str = ""
    shipped_on: dt.date | None = None
    delivered_on: dt.date | None = None

    @field_validator("tracking", "carrier", mode="before")
    @classmethod
    def _short(cls, value: Any, info: ValidationInfo) -> str:
        return _short_text(value, info)


class Refund(Record):
    due_since: dt.date | None = None  # the day the refund clock started
    expected_amount: Decimal | None = None  # a partial amount the seller agreed to
    amount: Decimal | None = None
    refunded_on: dt.date | None = None


class Dispute(Record):
    reason: Reason
    outcome: Outcome
    opened_on: dt.date
    escalated_on: dt.date | None = None
    return_shipment: ReturnShipment | None = None
    refund: Refund | None = None

    @property
    def return_applies(self) -> bool:
        """A return is approved, or wanted and not yet settled by a refund without one."""
        if self.return_shipment is not None:
            return True
        return self.outcome is Outcome.RETURN_AND_REFUND and self.refund is None


class Order(OrderFacts):
    """An order as stored: the user's facts plus where it stands now."""

    state: OrderState = OrderState.IN_TRANSIT
    clock_since: dt.date | None = None
    archived: bool = False
    delivery_unknown: bool = False  # delivered, but no source said on which day
    version: int = Field(1, ge=1, le=MAX_INTEGER, strict=True)
    created_at: str = ""
    updated_at: str = ""
    dispute: Dispute | None = None

    @property
    def facts(self) -> OrderFacts:
        return OrderFacts.model_construct(
            **{name: getattr(self, name) for name in OrderFacts.model_fields}
        )

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


class Event(Record):
    """One entry of the append-only timeline."""

    seq: int = Field(ge=1, le=MAX_INTEGER)
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

    @field_validator("tracking", "carrier", mode="before")
    @classmethod
    def _short(cls, value: Any, info: ValidationInfo) -> str:
        return _short_text(value, info)

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, value: Any, info: ValidationInfo) -> str:
        return fields.long_text("note", value, notes=_notes(info))

    @field_validator("source", "recorded_at", mode="before")
    @classmethod
    def _line(cls, value: Any, info: ValidationInfo) -> str:
        return fields.line_text(info.field_name or "", value, max_length=500, notes=_notes(info))


def _short_text(value: Any, info: ValidationInfo) -> str:
    """A tracking number or a carrier: one cleaned line, short."""
    return fields.line_text(
        info.field_name or "", value, max_length=fields.MAX_SHORT_TEXT, notes=_notes(info)
    )


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

    @field_validator("lines", mode="before")
    @classmethod
    def _lines(cls, value: Any) -> tuple[int, ...]:
        return fields.line_positions(value)

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> str:
        return fields.choice(value, "event", [k.value for k in EventKind])

    @field_validator("reason", mode="before")
    @classmethod
    def _reason(cls, value: Any) -> str | None:
        return None if value in (None, "") else fields.choice(value, "reason", list(Reason))

    @field_validator("outcome", mode="before")
    @classmethod
    def _outcome(cls, value: Any) -> str | None:
        return None if value in (None, "") else fields.choice(value, "outcome", list(Outcome))

    @field_validator("on", mode="before")
    @classmethod
    def _on(cls, value: Any, info: ValidationInfo) -> dt.date | None:
        today = _today(info)
        day = fields.date(value, "on", today)
        if today is not None:
            fields.not_after_today(day, "on", today)
        return day

    @field_validator("tracking", "carrier", mode="before")
    @classmethod
    def _short(cls, value: Any, info: ValidationInfo) -> str:
        return _short_text(value, info)

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any, info: ValidationInfo) -> Decimal | None:
        currency = (info.context or {}).get("currency")
        return None if value in (None, "") else fields.amount(value, currency, "amount")

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, value: Any, info: ValidationInfo) -> str:
        return fields.long_text("note", value, notes=_notes(info))


class ChatMessage(Record):
    id: int | None = Field(None, ge=1, le=MAX_INTEGER)
    sender: Sender
    sent_at: dt.datetime
    text: str
    edited_at: str = ""

    @field_validator("sender", mode="before")
    @classmethod
    def _sender(cls, value: Any) -> str:
        return fields.choice(value, "sender", list(Sender))

    @field_validator("sent_at", mode="before")
    @classmethod
    def _sent_at(cls, value: Any) -> dt.datetime:
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

    @field_validator("text", mode="before")
    @classmethod
    def _text(cls, value: Any, info: ValidationInfo) -> str:
        return fields.long_text("text", value, required=True, notes=_notes(info))

    @field_serializer("sent_at")
    def _sent_at_text(self, value: dt.datetime) -> str:
        return value.strftime(MINUTE_FORMAT)


class Attachment(Record):
    id: int | None = Field(None, ge=1, le=MAX_INTEGER)
    path: str
    size: int = Field(ge=0, le=MAX_INTEGER, strict=True)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    attached_at: str

    @field_validator("path", mode="before")
    @classmethod
    def _path(cls, value: Any, info: ValidationInfo) -> str:
        return fields.line_text("path", value, required=True, max_length=4096, notes=_notes(info))

    @field_validator("attached_at", mode="before")
    @classmethod
    def _attached_at(cls, value: Any) -> str:
        return fields.line_text("attached_at", value, max_length=40)


class EvidenceItem(Record):
    id: int | None = Field(None, ge=1, le=MAX_INTEGER)
    label: str
    kind: EvidenceKind = EvidenceKind.OTHER
    done: bool = False
    note: str = ""
    custom: bool = False
    position: int = Field(0, ge=0, le=MAX_INTEGER)
    attachments: tuple[Attachment, ...] = ()

    @field_validator("label", mode="before")
    @classmethod
    def _label(cls, value: Any, info: ValidationInfo) -> str:
        return fields.line_text("label", value, required=True, max_length=500, notes=_notes(info))

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, value: Any, info: ValidationInfo) -> str:
        return fields.long_text("note", value, notes=_notes(info))

    @property
    def has_proof(self) -> bool:
        return self.done or bool(self.attachments)


class OrderLine(Record):
    """One item of a multi-item order; ``unit_price`` is per piece."""

    position: int = Field(ge=1, le=10_000, strict=True)
    title: str
    quantity: int = Field(1, ge=1, le=100_000, strict=True)
    unit_price: Decimal | None = Field(None, gt=0, lt=fields.MAX_AMOUNT)
    attributes: str = ""
    product_url: str = ""
    line_id: str = ""
    free_return: bool = False
    disputed: bool = False

    @field_validator("title", "attributes", "product_url", "line_id", mode="before")
    @classmethod
    def _line_text(cls, value: Any, info: ValidationInfo) -> str:
        required = info.field_name == "title"
        return fields.line_text(
            info.field_name or "", value, required=required, max_length=2000, notes=_notes(info)
        )

    def describe(self, currency: str) -> str:
        """'2 × Phone case (Color: Black) · 4.99 USD each'; a disputed line says so."""
        text = f"{self.quantity} × {self.title}"
        if self.attributes:
            text += f" ({self.attributes})"
        if self.unit_price is not None:
            text += f" · {self.unit_price} {currency} each"
        return text + (" · disputed" if self.disputed else "")


class OrderRecord(Record):
    """Everything kept about one order: what the detail screen and the JSON export hold."""

    order: Order
    lines: tuple[OrderLine, ...] = ()
    events: tuple[Event, ...] = ()
    messages: tuple[ChatMessage, ...] = ()
    evidence: tuple[EvidenceItem, ...] = ()
