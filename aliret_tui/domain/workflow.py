"""The event workflow: which events are allowed now, and what each one changes.

``apply_event`` is pure: it takes the order as stored and returns the new
order, the timeline entry and any checklist items to add. The store writes
all of that in one transaction, or nothing when the event is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from aliret_tui.domain import evidence, fields
from aliret_tui.domain.clocks import ClockKind
from aliret_tui.domain.fields import FieldError
from aliret_tui.domain.models import (
    Dispute,
    Event,
    EventInput,
    EvidenceItem,
    Order,
    OrderFacts,
    Refund,
    ReturnShipment,
)
from aliret_tui.domain.policy import Policy
from aliret_tui.domain.states import DISPUTE_OPEN_STATES, OrderState
from aliret_tui.domain.vocabulary import EventKind, Outcome, Reason
from aliret_tui.errors import UserError

S = OrderState
E = EventKind

# The optional values each event takes; any other value given is refused.
EVENT_FIELDS: dict[EventKind, frozenset[str]] = {
    E.OPEN_DISPUTE: frozenset({"reason", "outcome", "lines"}),
    E.SELLER_AGREED: frozenset({"amount"}),
    E.MEDIATION_WON: frozenset({"outcome", "amount"}),
    E.RETURN_SHIPPED: frozenset({"tracking", "carrier"}),
    E.REFUNDED: frozenset({"amount"}),
}
_OPTIONAL_VALUES = ("reason", "outcome", "tracking", "carrier", "amount", "lines")

NO_CLOCK_STATES = frozenset(
    {
        S.IN_MEDIATION,
        S.RETURN_SHIPPED,
        S.KEPT,
        S.REFUNDED,
        S.MEDIATION_LOST,
        S.CANCELLED,
        S.ORDER_CANCELLED,
    }
)


class EventRefused(UserError, ValueError):
    """The event is not allowed in the order's current state."""

    def __init__(self, kind: EventKind, order: Order, allowed: Sequence[EventKind]):
        self.kind = kind
        self.allowed = list(allowed)
        allowed_text = ", ".join(allowed) if allowed else "none (the order is closed)"
        super().__init__(
            f"event: {kind} is not allowed now: order {order.order_id} is "
            f"'{order.state.label}'. Allowed now: {allowed_text}"
        )


@dataclass(frozen=True)
class Transition:
    order: Order
    event: Event
    new_evidence: list[EvidenceItem] = field(default_factory=list)


def allowed_events(order: Order, last_event: EventKind | None = None) -> list[EventKind]:
    """Every event the user may record now, in the order of the domain's table."""
    return [kind for kind in EventKind if _is_allowed(kind, order, last_event)]


def _is_allowed(kind: EventKind, order: Order, last_event: EventKind | None) -> bool:
    state = order.state
    dispute = order.dispute
    if kind is E.DELIVERED:
        return order.delivered_on is None and state is not S.ORDER_CANCELLED
    if kind is E.KEEP:
        return state is S.WINDOW_OPEN
    if kind is E.OPEN_DISPUTE:
        return state in (S.IN_TRANSIT, S.WINDOW_OPEN)
    if kind in (E.SELLER_AGREED, E.SELLER_REFUSED):
        return state is S.AWAITING_SELLER
    if kind is E.RETURN_APPROVED:
        mediation_ruled_return = state is S.RETURN_APPROVED and last_event is E.MEDIATION_WON
        return state in (S.AWAITING_SELLER, S.SELLER_REFUSED) or mediation_ruled_return
    if kind is E.ESCALATED:
        never_escalated = dispute is not None and dispute.escalated_on is None
        return state in DISPUTE_OPEN_STATES and state is not S.IN_MEDIATION and never_escalated
    if kind in (E.MEDIATION_WON, E.MEDIATION_LOST):
        return state is S.IN_MEDIATION
    if kind is E.RETURN_SHIPPED:
        return state is S.RETURN_APPROVED
    if kind is E.RETURN_DELIVERED:
        return state is S.RETURN_SHIPPED
    if kind is E.REFUNDED:
        return state is S.REFUND_PENDING
    if kind is E.CANCELLED:
        return state in DISPUTE_OPEN_STATES
    if kind is E.ORDER_CANCELLED:
        return state is S.IN_TRANSIT and order.delivered_on is None and dispute is None
    raise AssertionError(f"unhandled event {kind}")


def apply_event(
    order: Order,
    request: EventInput,
    *,
    today: dt.date,
    last_event: Event | None,
    evidence_count: int = 0,
    existing_evidence: Sequence[EvidenceItem] = (),
    line_count: int | None = None,
    policy: Policy | None,
) -> Transition:
    """Check ``request`` against the order and return what recording it changes.

    Raises ``EventRefused`` when the event is not allowed now, and
    ``FieldError`` when one of its values is wrong. Nothing is changed then.
    ``policy`` sets when an event may be recorded (escalating opens on day 4 of the
    dispute); None for history being replayed or imported, which happened whatever
    the rules said.
    """
    kind = request.kind
    last_kind = last_event.kind if last_event else None
    if not _is_allowed(kind, order, last_kind):
        raise EventRefused(kind, order, allowed_events(order, last_kind))
    _refuse_unused_values(request)
    on = request.on or today
    _check_date(order, kind, on, last_event, request.reason)
    if policy is not None:
        _check_timing(order, kind, on, today, policy)

    updates: dict[str, object] = {}
    new_evidence: list[EvidenceItem] = []
    dispute = order.dispute
    recorded = request.values()
    recorded.update(on=on)

    if kind is E.DELIVERED:
        updates.update(delivered_on=on, delivery_unknown=False)
        if order.state is S.IN_TRANSIT:
            updates["state"] = S.WINDOW_OPEN
    elif kind is E.KEEP:
        updates["state"] = S.KEPT
    elif kind is E.OPEN_DISPUTE:
        _check_lines(request.lines, line_count)
        reason = _dispute_reason(order, request.reason)
        outcome = request.outcome or _default_outcome(reason)
        recorded.update(reason=reason, outcome=outcome)
        updates.update(
            state=S.AWAITING_SELLER,
            clock_since=on,
            dispute=Dispute(reason=reason, outcome=outcome, opened_on=on),
        )
        new_evidence = evidence.checklist_for(reason, evidence_count)
    elif kind is E.SELLER_AGREED:
        expected = _refund_amount(order, request.amount, default=None)
        recorded["amount"] = expected
        updates.update(state=S.REFUND_PENDING, clock_since=on)
        updates["dispute"] = _with(dispute, refund=Refund(due_since=on, expected_amount=expected))
    elif kind is E.RETURN_APPROVED:
        updates.update(state=S.RETURN_APPROVED, clock_since=on)
        updates["dispute"] = _with(dispute, return_shipment=_approved(dispute, on))
        new_evidence = evidence.return_checklist(existing_evidence, evidence_count)
    elif kind is E.SELLER_REFUSED:
        updates.update(state=S.SELLER_REFUSED, clock_since=on)
    elif kind is E.ESCALATED:
        updates["state"] = S.IN_MEDIATION
        updates["dispute"] = _with(dispute, escalated_on=on)
    elif kind is E.MEDIATION_WON:
        if request.outcome is None:
            raise FieldError("outcome", "is required: refund_only or return_and_refund")
        updates["clock_since"] = on
        if request.outcome is Outcome.REFUND_ONLY:
            expected = _refund_amount(order, request.amount, default=None)
            recorded["amount"] = expected
            updates["state"] = S.REFUND_PENDING
            updates["dispute"] = _with(
                dispute, refund=Refund(due_since=on, expected_amount=expected)
            )
        else:
            if request.amount is not None:
                raise FieldError("amount", "is only used when mediation rules refund_only")
            shipment = _approved(dispute, on)
            # A return already on its way needs no second shipping deadline.
            already_shipped = shipment.shipped_on is not None
            updates["state"] = S.RETURN_SHIPPED if already_shipped else S.RETURN_APPROVED
            updates["dispute"] = _with(dispute, return_shipment=shipment)
            new_evidence = evidence.return_checklist(existing_evidence, evidence_count)
    elif kind is E.MEDIATION_LOST:
        updates["state"] = S.MEDIATION_LOST
    elif kind is E.RETURN_SHIPPED:
        if not request.tracking:
            raise FieldError("tracking", "is required: the return's tracking number")
        shipment = _shipment(dispute).replace(
            tracking=request.tracking, carrier=request.carrier, shipped_on=on
        )
        updates["state"] = S.RETURN_SHIPPED
        updates["dispute"] = _with(dispute, return_shipment=shipment)
    elif kind is E.RETURN_DELIVERED:
        shipment = _shipment(dispute).replace(delivered_on=on)
        updates.update(state=S.REFUND_PENDING, clock_since=on)
        updates["dispute"] = _with(dispute, return_shipment=shipment, refund=Refund(due_since=on))
    elif kind is E.REFUNDED:
        pending = dispute.refund if dispute and dispute.refund else Refund()
        amount = _refund_amount(
            order, request.amount, default=pending.expected_amount or order.price
        )
        recorded["amount"] = amount
        refund = pending.replace(amount=amount, refunded_on=on)
        updates["state"] = S.REFUNDED
        updates["dispute"] = _with(dispute, refund=refund)
    elif kind is E.CANCELLED:
        updates["state"] = S.CANCELLED
    elif kind is E.ORDER_CANCELLED:
        updates["state"] = S.ORDER_CANCELLED

    new_state = updates.get("state", order.state)
    if new_state in NO_CLOCK_STATES:
        updates["clock_since"] = None
    event = Event(seq=(last_event.seq + 1) if last_event else 1, **recorded)
    return Transition(order.replace(**updates), event, new_evidence)


def check_consistent(order: Order) -> None:
    """Refuse an order the workflow could not have produced (from an import)."""
    state = order.state
    before_dispute = state in (S.IN_TRANSIT, S.WINDOW_OPEN, S.KEPT, S.ORDER_CANCELLED)
    if order.dispute is None and not before_dispute:
        raise FieldError("dispute", f"an order that is {state.label!r} needs its dispute")
    if order.dispute is not None and before_dispute:
        raise FieldError("dispute", f"an order that is {state.label!r} has no dispute")
    if state is S.WINDOW_OPEN and order.delivered_on is None and not order.delivery_unknown:
        raise FieldError("delivered_on", "an order whose window is open was delivered")
    if state is S.ORDER_CANCELLED and order.delivered_on is not None:
        raise FieldError("delivered_on", "an order cancelled before delivery has no delivery")


def with_facts(order: Order, facts: OrderFacts) -> Order:
    """The order with new facts. Setting or clearing the delivery date before any
    dispute moves it between 'in transit' and 'window open'."""
    updated = order.replace(**facts.values())
    if updated.delivered_on is not None and updated.delivery_unknown:
        updated = updated.replace(delivery_unknown=False)
    if updated.state is S.IN_TRANSIT and updated.delivered_on is not None:
        return updated.replace(state=S.WINDOW_OPEN)
    if updated.state is S.WINDOW_OPEN and updated.delivered_on is None:
        if updated.delivery_unknown:
            return updated
        return updated.replace(state=S.IN_TRANSIT)
    return updated


def with_delivery_unknown(order: Order) -> Order:
    """The order delivered on a day no source gave: its window is open, but it has no
    clock until the date is recorded. An order with a delivery date is left as it is."""
    if order.delivered_on is not None:
        return order
    state = S.WINDOW_OPEN if order.state is S.IN_TRANSIT else order.state
    return order.replace(delivery_unknown=True, state=state)


def _refuse_unused_values(request: EventInput) -> None:
    accepted = EVENT_FIELDS.get(request.kind, frozenset())
    for name in _OPTIONAL_VALUES:
        if getattr(request, name) not in (None, "", ()) and name not in accepted:
            raise FieldError(name, f'is not used by "{request.kind.label}"')


def _check_date(
    order: Order, kind: EventKind, on: dt.date, last_event: Event | None, reason: Reason | None
) -> None:
    earliest, why = order.ordered_on, "the order date"
    if kind is not E.DELIVERED and last_event and (earliest is None or last_event.on > earliest):
        earliest, why = last_event.on, f'the last event ("{last_event.kind.label}")'
    needs_item = kind is E.KEEP or (kind is E.OPEN_DISPUTE and reason is not Reason.NOT_RECEIVED)
    if needs_item and order.delivered_on and (earliest is None or order.delivered_on > earliest):
        earliest, why = order.delivered_on, "the delivery date"
    if earliest is not None and on < earliest:
        raise FieldError("on", f"{on.isoformat()} is before {why}, {earliest.isoformat()}")


def opens_on(order: Order, kind: EventKind, policy: Policy) -> dt.date | None:
    """The first day ``kind`` may be recorded on, when a policy rule sets one: an
    escalation from day 4 after the dispute was opened. None when no rule does."""
    if kind is E.ESCALATED and order.dispute is not None:
        return policy.escalation_opens_on(order.dispute.opened_on)
    return None


def escalation_opening(opened_on: dt.date, policy: Policy, today: dt.date | None = None) -> str:
    """'2026-11-05 (day 4 after the dispute was opened on 2026-11-01)'; with ``today``
    before that day, '2026-11-05, in 2 days (day 4 …)'."""
    opens = policy.escalation_opens_on(opened_on)
    wait = ""
    if today is not None and opens > today:
        days = (opens - today).days
        wait = ", tomorrow" if days == 1 else f", in {days} days"
    return (
        f"{opens.isoformat()}{wait} (day {policy.escalation_opens_day} after the dispute "
        f"was opened on {opened_on.isoformat()})"
    )


def not_yet_possible(
    order: Order, kind: EventKind, on: dt.date, today: dt.date, policy: Policy
) -> str | None:
    """Why ``kind`` cannot be recorded on ``on`` under the policy's timing, or None:
    '"Escalated to mediation" is possible from 2026-11-05, in 2 days (day 4 after …)'."""
    first = opens_on(order, kind, policy)
    if first is None or on >= first or order.dispute is None:
        return None
    opening = escalation_opening(order.dispute.opened_on, policy, today)
    return f'"{kind.label}" is possible from {opening}'


def _check_timing(
    order: Order, kind: EventKind, on: dt.date, today: dt.date, policy: Policy
) -> None:
    refusal = not_yet_possible(order, kind, on, today, policy)
    if refusal is not None:
        raise FieldError("on", refusal)


def _check_lines(lines: Sequence[int], line_count: int | None) -> None:
    """The lines a dispute is about must be lines of the order (None: not known here)."""
    if not lines or line_count is None:
        return
    if line_count == 0:
        raise FieldError("lines", "this order has no separate lines")
    missing = [number for number in lines if number > line_count]
    if missing:
        raise FieldError(
            "lines", f"line {missing[0]} does not exist (the order has lines 1-{line_count})"
        )


def _dispute_reason(order: Order, reason: Reason | None) -> Reason:
    if reason is None:
        raise FieldError("reason", "is required: " + ", ".join(Reason))
    arrived = order.delivered_on is not None or order.delivery_unknown
    if not arrived and reason is not Reason.NOT_RECEIVED:
        raise FieldError(
            "reason",
            "the order is not delivered, so the reason can only be not_received "
            "(record the delivered event first if it has arrived)",
        )
    return reason


def _default_outcome(reason: Reason) -> Outcome:
    return Outcome.REFUND_ONLY if reason is Reason.NOT_RECEIVED else Outcome.RETURN_AND_REFUND


def _refund_amount(order: Order, amount: Decimal | None, default: Decimal | None) -> Decimal | None:
    """A refund amount in the order's currency, never more than the price."""
    if amount is None:
        return default
    checked = fields.amount(str(amount), order.currency, "amount")
    if checked > order.price:
        raise FieldError(
            "amount", f"{checked} is more than the price ({order.price} {order.currency})"
        )
    return checked


def _with(dispute: Dispute | None, **changes: object) -> Dispute:
    assert dispute is not None, "the workflow only reaches here with a dispute"
    return dispute.replace(**changes)


def _approved(dispute: Dispute | None, on: dt.date) -> ReturnShipment:
    """The return shipment approved ``on``, keeping any tracking already recorded."""
    existing = dispute.return_shipment if dispute else None
    if existing is None:
        return ReturnShipment(approved_on=on)
    return existing.replace(approved_on=on)


def _shipment(dispute: Dispute | None) -> ReturnShipment:
    assert dispute is not None and dispute.return_shipment is not None
    return dispute.return_shipment


# Which clock each event starts (mediation_won starts one or the other by its ruling).
_CLOCK_STARTED_BY = {
    E.DELIVERED: ClockKind.INSPECTION,
    E.OPEN_DISPUTE: ClockKind.SELLER_RESPONSE,
    E.SELLER_REFUSED: ClockKind.ESCALATE,
    E.RETURN_APPROVED: ClockKind.SHIP_BACK,
    E.SELLER_AGREED: ClockKind.REFUND,
    E.RETURN_DELIVERED: ClockKind.REFUND,
}


def clocks_seen(order: Order, events: Sequence[Event]) -> set[ClockKind]:
    """Every clock that has run for this order so far, the current one included."""
    seen = set()
    if order.delivered_on or order.protection_ends:
        seen.add(ClockKind.INSPECTION)
    for event in events:
        if event.kind is E.MEDIATION_WON:
            refund_only = event.outcome is Outcome.REFUND_ONLY
            seen.add(ClockKind.REFUND if refund_only else ClockKind.SHIP_BACK)
        elif event.kind in _CLOCK_STARTED_BY:
            seen.add(_CLOCK_STARTED_BY[event.kind])
    return seen
