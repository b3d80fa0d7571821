"""An order's state is what replaying its timeline gives: the facts the user
stated, then each event through the workflow, exactly as it was recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from aliret_tui.domain.fields import FieldError, FieldErrors
from aliret_tui.domain.models import Event, EventInput, Order, OrderFacts, parse
from aliret_tui.domain.vocabulary import EventKind
from aliret_tui.domain.workflow import apply_event, with_delivery_unknown, with_facts
from aliret_tui.errors import UserError


class ReplayRefused(UserError, ValueError):
    """The timeline cannot have happened; the message names the event that breaks."""


def replay(
    facts: OrderFacts,
    events: Sequence[Event],
    *,
    today: dt.date,
    delivery_unknown: bool = False,
    created_at: str = "",
) -> Order:
    """The order that ``facts`` and ``events`` give, or ``ReplayRefused``."""
    order, _ = replay_log(
        facts, events, today=today, delivery_unknown=delivery_unknown, created_at=created_at
    )
    return order


def replay_log(
    facts: OrderFacts,
    events: Sequence[Event],
    *,
    today: dt.date,
    delivery_unknown: bool = False,
    created_at: str = "",
    currency: str | None = None,
) -> tuple[Order, list[Event]]:
    """The order, and the events as the workflow records them (defaults filled in,
    when each was recorded and where it came from kept), or ``ReplayRefused``."""
    delivered_by_event = any(event.kind is EventKind.DELIVERED for event in events)
    start = facts.replace(delivered_on=None) if delivered_by_event else facts
    order = Order(**start.values(), created_at=created_at, updated_at=created_at)
    order = with_facts(order, start)
    if delivery_unknown and not delivered_by_event:
        order = with_delivery_unknown(order)
    last: Event | None = None
    recorded: list[Event] = []
    for position, event in enumerate(events, start=1):
        if event.seq != position:
            raise ReplayRefused(f"event {position}: seq is {event.seq}; events count 1, 2, 3…")
        try:
            request = parse(EventInput, _request_values(event), today=today, currency=currency)
            # History happened: the policy's timing rules (when escalating opens) are
            # not applied to it; a correction checks what it changes (corrections.py).
            transition = apply_event(order, request, today=today, last_event=last, policy=None)
        except (FieldError, FieldErrors, UserError) as error:
            raise ReplayRefused(f"event {position} ({event.kind.label}): {error}") from None
        order, last = transition.order, transition.event
        recorded.append(last.replace(recorded_at=event.recorded_at, source=event.source))
    return order, recorded


def _request_values(event: Event) -> dict[str, object]:
    values: dict[str, object] = {"kind": event.kind.value, "on": event.on, "note": event.note}
    for name in ("reason", "outcome", "amount"):
        value = getattr(event, name)
        if value is not None:
            values[name] = value.value if hasattr(value, "value") else str(value)
    if event.lines:
        values["lines"] = list(event.lines)
    if event.tracking:
        values["tracking"] = event.tracking
    if event.carrier:
        values["carrier"] = event.carrier
    return values
