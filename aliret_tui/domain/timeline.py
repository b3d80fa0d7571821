"""The order's history as plain text, ready to paste into a mediation request."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aliret_tui.domain.corrections import RecordedCorrection
from aliret_tui.domain.deadline_rule import Origins, origin_of
from aliret_tui.domain.models import Event, Order
from aliret_tui.domain.vocabulary import EventKind


def event_details(event: Event, currency: str) -> str:
    """The values an event carried: 'reason: wrong size; wants: return and refund'."""
    parts = []
    if event.reason is not None:
        parts.append(f"reason: {event.reason.label}")
    if event.outcome is not None:
        wanted = "ruling" if event.kind is EventKind.MEDIATION_WON else "wants"
        parts.append(f"{wanted}: {event.outcome.label}")
    if event.tracking:
        carrier = f" ({event.carrier})" if event.carrier else ""
        parts.append(f"tracking: {event.tracking}{carrier}")
    if event.amount is not None:
        parts.append(f"amount: {event.amount} {currency}")
    if event.lines:
        parts.append("lines: " + ", ".join(str(number) for number in event.lines))
    return "; ".join(parts)


def timeline_lines(
    order: Order, events: Iterable[Event], origins: Origins | None = None, *, numbered: bool = False
) -> list[tuple[str, str, str]]:
    """(date, what happened, note) from the order date onwards, oldest first;
    what an import brought says where it came from. ``numbered`` puts each event's
    number first ("[2] Opened a dispute"), as undo and event-edit name them."""
    lines: list[tuple[str, str, str]] = []
    if order.ordered_on:
        lines.append((order.ordered_on.isoformat(), "Ordered", _imported(origins, "ordered_on")))
    delivered_by_event = any(event.kind is EventKind.DELIVERED for event in events)
    if order.delivered_on and not delivered_by_event:
        delivered = order.delivered_on.isoformat()
        lines.append((delivered, "Delivered", _imported(origins, "delivered_on")))
    for event in events:
        details = event_details(event, order.currency)
        what = event.kind.label + (f" — {details}" if details else "")
        if numbered:
            what = f"[{event.seq}] {what}"
        note = "\n".join(filter(None, (f"from {event.source}" if event.source else "", event.note)))
        lines.append((event.on.isoformat(), what, note))
    lines.sort(key=lambda line: line[0])  # stable: same-day entries keep their order
    return lines


def _imported(origins: Origins | None, field: str) -> str:
    origin = origin_of(origins, field)
    return "" if origin == "typed" else origin


def timeline_text(
    order: Order,
    events: Iterable[Event],
    origins: Origins | None = None,
    corrections: Sequence[RecordedCorrection] = (),
    *,
    numbered: bool = False,
) -> str:
    """The timeline to paste into a mediation request; corrections made to it are
    listed after it, so what was taken back or changed stays on the record."""
    events = list(events)
    header = [
        f"Order {order.order_id}: {order.title}",
        f"Store: {order.store or '(not recorded)'} · Price: {order.price} {order.currency}",
        "",
    ]
    body = []
    for day, what, note in timeline_lines(order, events, origins, numbered=numbered):
        body.append(f"{day}  {what}")
        body.extend(f"            {line}" for line in note.splitlines())
    if corrections:
        body += ["", "Corrected later (kept for the record):", *correction_lines(corrections)]
    return "\n".join(header + body) + "\n"


def correction_lines(corrections: Sequence[RecordedCorrection]) -> list[str]:
    """'2026-12-01 14:05  Took back "Kept the item" (2026-11-20)', oldest first."""
    return [
        f"{entry.corrected_at.replace('T', ' ')[:16]}  {entry.summary}" for entry in corrections
    ]
