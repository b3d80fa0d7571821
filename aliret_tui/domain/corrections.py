"""Correcting the timeline: taking back the last event, or changing an event's date
and values. The timeline is the source of truth: the order is what replaying the
corrected timeline gives, and a correction the workflow could not have produced is
refused, naming the event that breaks. Pure Python, no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aliret_tui.domain.fields import FieldError, FieldErrors
from aliret_tui.domain.models import Event, EventInput, Order, parse
from aliret_tui.domain.policy import DEFAULT_POLICY, Policy
from aliret_tui.domain.replay import ReplayRefused, replay_log
from aliret_tui.domain.vocabulary import EventKind
from aliret_tui.errors import UserError

# What a correction may change; the kind stays (take the event back instead).
CORRECTABLE_FIELDS = ("on", "reason", "outcome", "tracking", "carrier", "amount", "lines", "note")


class CorrectionRefused(UserError, ValueError):
    """The correction cannot be made; nothing changes."""


@dataclass(frozen=True)
class Correction:
    order: Order  # what the corrected timeline gives
    events: tuple[Event, ...]  # the corrected timeline
    before: Event  # the event as it was
    after: Event | None  # as corrected; None when it was taken back

    @property
    def summary(self) -> str:
        return describe_correction(self.before, self.after)


@dataclass(frozen=True)
class RecordedCorrection:
    """One entry of the audit trail: an event as it was, and as corrected (None:
    taken back), and when."""

    seq: int
    before: Event
    after: Event | None
    corrected_at: str

    @property
    def summary(self) -> str:
        return describe_correction(self.before, self.after)


def remove_last_event(order: Order, events: Sequence[Event], *, today: dt.date) -> Correction:
    """The order without its last event."""
    if not events:
        hint = " (its delivery date is one of its facts: edit it)" if order.delivered_on else ""
        raise CorrectionRefused(f"order {order.order_id} has no recorded event to take back{hint}")
    kept = list(events[:-1])
    replayed, recorded = _replayed(order, events, kept, today=today)
    return Correction(replayed, tuple(recorded), events[-1], None)


def correct_event(
    order: Order,
    events: Sequence[Event],
    seq: int,
    changes: Mapping[str, object],
    *,
    today: dt.date,
    policy: Policy = DEFAULT_POLICY,
) -> Correction:
    """The order with event ``seq``'s values changed (typed text is read as the
    event form reads it: dates as today, yesterday, -3; amounts in the order's
    currency). A correction may not move an escalation before the day ``policy``
    opens it."""
    unknown = sorted(set(changes) - set(CORRECTABLE_FIELDS))
    if unknown:
        raise FieldError(unknown[0], "cannot be corrected; " + _correctable_hint())
    if not changes:
        raise CorrectionRefused("give at least one value to correct: " + _correctable_hint())
    position = next((index for index, event in enumerate(events) if event.seq == seq), None)
    if position is None:
        raise FieldError(
            "seq",
            f"order {order.order_id} has no event {seq}"
            + (f" (its events are 1 to {len(events)})" if events else " (it has no events)"),
        )
    before = events[position]
    values = {**_typed_values(before), **changes}
    values = {name: value for name, value in values.items() if value not in (None, "", ())}
    try:
        request = parse(EventInput, values, today=today, currency=order.currency)
    except FieldErrors as errors:
        raise errors.first from None
    changed = before.replace(
        **{name: getattr(request, name) for name in CORRECTABLE_FIELDS}
        | {"on": request.on or before.on}
    )
    corrected = [*events[:position], changed, *events[position + 1 :]]
    replayed, recorded = _replayed(order, events, corrected, today=today)
    _refuse_early_escalation(order, replayed, recorded, policy)
    after = recorded[position]
    if not changed_values(before, after):
        raise CorrectionRefused(f"event {seq} already has these values; nothing to correct")
    return Correction(replayed, tuple(recorded), before, after)


def describe_correction(before: Event, after: Event | None) -> str:
    """'Took back "Kept the item" (2026-11-20)' or 'Corrected …: date 2026-11-20 → …'."""
    what = f'"{before.kind.label}" ({before.on.isoformat()})'
    if after is None:
        return f"Took back {what}"
    return f"Corrected {what}: " + "; ".join(changed_values(before, after))


def changed_values(before: Event, after: Event) -> list[str]:
    """'date 2026-11-20 → 2026-11-21', one per value that differs."""
    described = []
    for name in CORRECTABLE_FIELDS:
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            label = "date" if name == "on" else name
            described.append(f"{label} {_shown(old)} → {_shown(new)}")
    return described


def _replayed(
    order: Order, old: Sequence[Event], new: Sequence[Event], *, today: dt.date
) -> tuple[Order, list[Event]]:
    # A delivery recorded as an event set the delivery date; without it there is none.
    had_delivery_event = any(event.kind is EventKind.DELIVERED for event in old)
    facts = order.facts
    if had_delivery_event:
        facts = facts.replace(delivered_on=None)
    try:
        replayed, recorded = replay_log(
            facts,
            new,
            today=today,
            delivery_unknown=order.delivery_unknown,
            created_at=order.created_at,
            currency=order.currency,
        )
    except ReplayRefused as refused:
        raise CorrectionRefused(f"the timeline would not hold: {refused}") from None
    kept = {name: getattr(order, name) for name in ("archived", "version", "updated_at")}
    return replayed.replace(**kept), recorded


def _refuse_early_escalation(
    before: Order, after: Order, events: Sequence[Event], policy: Policy
) -> None:
    """Refuse a corrected timeline that escalates before the day escalating opens,
    whether the escalation or the dispute's opening moved. An early escalation the
    timeline already had (history imported as it happened) is left as it was."""
    dispute = after.dispute
    if dispute is None or dispute.escalated_on is None:
        return
    opens = policy.escalation_opens_on(dispute.opened_on)
    if dispute.escalated_on >= opens:
        return
    old = before.dispute
    if old is not None and (old.opened_on, old.escalated_on) == (
        dispute.opened_on,
        dispute.escalated_on,
    ):
        return
    escalation = next(event for event in events if event.kind is EventKind.ESCALATED)
    raise CorrectionRefused(
        f"the timeline would not hold: event {escalation.seq} ({escalation.kind.label}): "
        f"on: {escalation.on.isoformat()} is before {opens.isoformat()}, the first day to "
        f"escalate (day {policy.escalation_opens_day} after the dispute was opened on "
        f"{dispute.opened_on.isoformat()})"
    )


def _typed_values(event: Event) -> dict[str, object]:
    values: dict[str, object] = {"kind": event.kind.value, "on": event.on}
    for name in CORRECTABLE_FIELDS[1:]:
        value = getattr(event, name)
        if value is None or value == "" or value == ():
            continue
        values[name] = value.value if hasattr(value, "value") else value
    if event.amount is not None:
        values["amount"] = str(event.amount)
    if event.lines:
        values["lines"] = list(event.lines)
    return values


def _shown(value: object) -> str:
    if value is None or value == "" or value == ():
        return "(none)"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return ", ".join(str(part) for part in value)
    label = getattr(value, "label", None)
    return str(label if label is not None else value)


def _correctable_hint() -> str:
    return "the date (on), reason, outcome, tracking, carrier, amount, lines or note"
