"""What the order screen's panels say, built from the loaded order: the clock strip,
the facts, the next step, mediation readiness, the hints and the timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.content import Content

from aliret_tui.domain.clocks import ClockKind
from aliret_tui.domain.corrections import RecordedCorrection
from aliret_tui.domain.deadline_rule import deadline_rule, origin_of
from aliret_tui.domain.evidence import Readiness
from aliret_tui.domain.hints import Hint
from aliret_tui.domain.models import OrderRecord
from aliret_tui.domain.timeline import correction_lines, timeline_lines
from aliret_tui.domain.vocabulary import EventKind
from aliret_tui.tui.screens.detail.forms import EVENT_KEYS
from aliret_tui.tui.view import format_countdown, time_left
from aliret_tui.tui.widgets.text_view import folded

if TYPE_CHECKING:
    from aliret_tui.domain.models import Order
    from aliret_tui.domain.policy import Policy

Origins = dict[str, tuple[str, str]]  # field -> (typed or imported, where from)


def clock_strip_content(order: Order, policy: Policy, now: dt.datetime) -> Content:
    """The strip under the title: the state, and the running clock with what to do."""
    today = now.date()
    clock = order.clock(policy)
    label = order.state_label(policy, today)
    if clock is None or clock.is_expired(today):
        text = Content.from_markup("[b]$state[/b] · no deadline running", state=label)
    else:
        urgent = clock.days_left(today) <= 2
        text = Content.from_markup(
            "[b]$state[/b] · due [b]$deadline[/b] · [b $colour]$left[/]\n→ $action",
            state=label,
            deadline=f"{clock.deadline:%a} {clock.deadline.isoformat()}",
            left=format_countdown(time_left(clock.deadline, now)),
            colour="$text-error" if urgent else "$text-warning",
            action=clock.action(today),
        )
    return text


def facts_content(record: OrderRecord, origins: Origins, policy: Policy) -> Content:
    """The Overview's box of facts: the order, its window, the dispute and refund."""
    order = record.order
    rows: list[tuple[str, str]] = [
        ("Price", f"{order.price} {order.currency}"),
        ("Store", order.store or "—"),
        ("Ordered", day_text(order.ordered_on)),
        ("Delivered", delivered_text(order, origins)),
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
    for line in record.lines:
        rows.append(("Item" if len(record.lines) == 1 else f"Item {line.position}",
                     line.describe(order.currency)))  # fmt: skip
    flags = ((order.free_return, "Free Return"), (order.local_return, "Local Return"))
    programmes = [name for flag, name in flags if flag]
    rows.append(("Ship to", " · ".join([order.country or "—", *programmes])))
    dispute = order.dispute
    if dispute:
        rows.append(("Dispute", f"{dispute.reason.label} · wants {dispute.outcome.label}"))
        rows.append(("Opened", dispute.opened_on.isoformat()))
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
    if order.note:
        rows.append(("Note", "\n".join(folded(order.note))))
    width = max(len(label) for label, _ in rows)
    new_line = "\n" + " " * (width + 2)  # a value's further lines (the note's) line up
    lines = [Content.from_markup("[b]Order[/b]")]
    lines += [
        Content.from_markup(
            "[dim]$label[/]  $value",
            label=label.ljust(width),
            value=value.replace("\n", new_line),
        )
        for label, value in rows
    ]
    return Content("\n").join(lines)


def delivered_text(order: Order, origins: Origins) -> str:
    if order.delivered_on is None:
        if order.delivery_unknown:
            return "yes, date unknown: record 'delivered' with its date (r, d)"
        return "—"
    origin = origin_of(origins, "delivered_on")
    return order.delivered_on.isoformat() + ("" if origin == "typed" else f" ({origin})")


def next_step_content(allowed: list[EventKind]) -> Content:
    """What may be recorded next, with the keys that record it."""
    if not allowed:
        return Content.from_markup(
            "[b]Next step[/b]\nThis order is closed: nothing more to record."
        )
    names = " · ".join(f"{kind.label} ({EVENT_KEYS[kind]})" for kind in allowed)
    return Content.from_markup(
        "[b]Next step[/b] — press [b]r[/b], then the event's key:\n$names", names=names
    )


def timeline_content(
    record: OrderRecord, origins: Origins, corrections: Sequence[RecordedCorrection] = ()
) -> Content:
    """The Timeline tab: each event with its day and number, oldest first; then the
    corrections made to it, kept for the record."""
    lines = [
        Content.from_markup(
            "[b]Timeline[/b] · oldest first · [b]c[/b] copies it as plain text · "
            "[b]u[/b] takes back the last event · [b]e[/b] corrects one"
        ),
        Content(""),
    ]
    for day, what, note in timeline_lines(record.order, record.events, origins, numbered=True):
        lines.append(Content.from_markup("[b]$day[/b]  $what", day=day, what=what))
        lines.extend(
            Content.from_markup("[dim]            $line[/]", line=line) for line in folded(note)
        )
    if len(lines) == 2:
        lines.append(Content("Nothing recorded yet. Press r to record what happened."))
    if corrections:
        lines += [Content(""), Content.from_markup("[b]Corrected later[/b] (kept for the record)")]
        lines += [Content.from_markup("[dim]$line[/]", line=line)
                  for line in correction_lines(corrections)]  # fmt: skip
    return Content("\n").join(lines)


def day_text(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


def readiness_content(ready: Readiness) -> Content:
    def mark(ok: bool | None, name: str) -> Content:
        if ok is None:
            return Content.from_markup("[dim]–  $name (no return)[/]", name=name)
        if ok:
            return Content.from_markup("[$text-success]✓[/]  $name", name=name)
        return Content.from_markup("[$text-error]✗[/]  $name", name=name)

    return Content("\n").join(
        [
            Content.from_markup("[b]Mediation readiness[/b]"),
            mark(ready.photos, "photos"),
            mark(ready.messages, "messages (from you and the seller)"),
            mark(ready.tracking, "tracking"),
        ]
    )


def hints_content(hints: list[Hint]) -> Content:
    if not hints:
        return Content.from_markup("[b]Hints[/b]\n[dim]None for this order now.[/]")
    lines = [Content.from_markup("[b]Hints[/b]")]
    for hint in hints:
        lines.append(Content.from_markup("[b $text-accent]$title[/]", title=hint.title))
        lines.append(Content(hint.detail))
    return Content("\n").join(lines)
