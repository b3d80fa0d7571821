"""The event workflow of domain.md: what is allowed when, and what each event changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from support.domain import (
    ANSWERED,
    CANCELLED_ON,
    DELIVERED,
    ESCALATED,
    EXPECTED_ALLOWED,
    OPENED,
    PATHS,
    POLICY,
    RULED,
    SHIPPED,
    TODAY,
    Case,
    day,
    fresh,
    make_order,
)

from aliret_tui.domain.clocks import ClockKind
from aliret_tui.domain.fields import FieldError, FieldErrors
from aliret_tui.domain.models import Dispute, EventInput, Refund, ReturnShipment, parse
from aliret_tui.domain.policy import DEFAULT_POLICY
from aliret_tui.domain.states import CLOSED_STATES, DELIVERY_UNKNOWN_LABEL, OrderState
from aliret_tui.domain.vocabulary import EventKind, Outcome, Reason
from aliret_tui.domain.workflow import (
    EventRefused,
    allowed_events,
    apply_event,
    check_consistent,
    with_facts,
)
from aliret_tui.errors import UserError

E = EventKind
S = OrderState
K = ClockKind
D = dt.timedelta

RETURN_LABELS = ["Return tracking number", "Proof of postage (receipt photo)"]


def kinds(events) -> list[str]:
    return [str(e) for e in events]


# --- which events are allowed ---------------------------------------------------------


@pytest.mark.parametrize("name", list(PATHS))
def test_allowed_events_for_every_state(name):
    case = PATHS[name]()
    assert kinds(case.allowed()) == kinds(EXPECTED_ALLOWED[name])


def test_every_state_is_covered_by_the_paths():
    reached = {PATHS[name]().order.state for name in PATHS}
    assert reached == set(OrderState)


def test_allowed_events_follow_the_order_of_the_domain_table():
    assert [k.value for k in EventKind] == [
        "delivered",
        "keep",
        "open_dispute",
        "seller_agreed",
        "return_approved",
        "seller_refused",
        "escalated",
        "mediation_won",
        "mediation_lost",
        "return_shipped",
        "return_delivered",
        "refunded",
        "cancelled",
        "order_cancelled",
    ]
    for name in PATHS:
        allowed = PATHS[name]().allowed()
        assert allowed == sorted(allowed, key=list(EventKind).index)


@pytest.mark.parametrize("name", ["kept", "refunded", "mediation_lost", "cancelled"])
def test_closed_delivered_orders_allow_nothing(name):
    case = PATHS[name]()
    assert case.order.state in CLOSED_STATES
    assert case.allowed() == []


def test_a_closed_order_never_delivered_can_still_record_the_delivery_only():
    case = PATHS["not_received_cancelled"]()
    assert case.allowed() == [E.DELIVERED]
    after = case.then(E.DELIVERED, on=day(11, 20))
    assert after.order.state is S.CANCELLED
    assert after.order.delivered_on == day(11, 20)
    assert after.order.clock(POLICY) is None
    assert after.allowed() == []


def test_a_dispute_closed_before_delivery_allows_only_the_delivery():
    case = PATHS["not_received_cancelled"]()
    assert case.order.state in CLOSED_STATES
    assert case.order.delivered_on is None
    assert case.allowed() == [E.DELIVERED]


def test_an_order_cancelled_before_delivery_allows_nothing():
    case = PATHS["order_cancelled"]()
    assert case.order.state in CLOSED_STATES
    assert case.allowed() == []


def test_return_approved_after_mediation_depends_on_the_last_event():
    case = PATHS["return_approved_by_mediation"]()
    assert E.RETURN_APPROVED in allowed_events(case.order, E.MEDIATION_WON)
    assert E.RETURN_APPROVED not in allowed_events(case.order, None)
    assert E.RETURN_APPROVED not in allowed_events(case.order, E.RETURN_APPROVED)


def test_escalating_twice_is_refused():
    case = PATHS["refund_pending_mediation"]()
    assert case.order.dispute.escalated_on == ESCALATED
    with pytest.raises(EventRefused):
        case.transition(E.ESCALATED)


# --- refusals -------------------------------------------------------------------------

REFUSALS = [
    (name, kind) for name in PATHS for kind in EventKind if kind not in EXPECTED_ALLOWED[name]
]


@pytest.mark.parametrize(("name", "kind"), REFUSALS)
def test_refused_event_names_the_allowed_events_and_changes_nothing(name, kind):
    case = PATHS[name]()
    before = case.order.values()
    values = {"reason": "not_received"} if kind is E.OPEN_DISPUTE else {}
    with pytest.raises(EventRefused) as refused:
        case.transition(kind, **values)
    error = refused.value
    allowed = EXPECTED_ALLOWED[name]
    assert error.kind is kind
    assert kinds(error.allowed) == kinds(allowed)
    message = str(error)
    assert message.startswith(f"event: {kind} is not allowed now")
    assert case.order.order_id in message
    assert f"'{case.order.state.label}'" in message
    if allowed:
        assert message.endswith("Allowed now: " + ", ".join(allowed))
    else:
        assert message.endswith("Allowed now: none (the order is closed)")
    assert case.order.values() == before


def test_refused_event_is_a_user_error():
    with pytest.raises(UserError):
        PATHS["kept"]().transition(E.REFUNDED)
    with pytest.raises(ValueError):
        PATHS["kept"]().transition(E.REFUNDED)


def test_refusal_comes_before_value_checks():
    """A refused event is refused for its timing, even with bad values."""
    case = PATHS["window_open"]()
    with pytest.raises(EventRefused):
        case.transition(E.RETURN_SHIPPED)  # no tracking, and not allowed anyway


# --- each event's effect --------------------------------------------------------------


def test_delivered_sets_the_date_and_starts_inspection():
    case = fresh().then(E.DELIVERED, on=DELIVERED)
    order = case.order
    assert order.delivered_on == DELIVERED
    assert order.state is S.WINDOW_OPEN
    assert order.dispute is None
    clock = order.clock(POLICY)
    assert clock is not None and clock.kind is K.INSPECTION
    assert clock.deadline == DELIVERED + D(days=15)
    assert case.events[-1].kind is E.DELIVERED and case.events[-1].on == DELIVERED


def test_delivered_defaults_to_today():
    case = fresh().then(E.DELIVERED)
    assert case.order.delivered_on == TODAY
    assert case.events[-1].on == TODAY
    assert case.order.clock(POLICY).deadline == TODAY + D(days=15)


def test_delivered_on_a_local_return_order_gets_90_days():
    case = fresh(local_return=True).then(E.DELIVERED, on=DELIVERED)
    assert case.order.clock(POLICY).deadline == DELIVERED + D(days=90)


def test_delivered_with_explicit_window_days_on_local_return():
    case = fresh(local_return=True, window_days=30).then(E.DELIVERED, on=DELIVERED)
    assert case.order.clock(POLICY).deadline == DELIVERED + D(days=30)


def test_delivered_shortens_a_later_protection_date_to_the_window():
    """Before delivery the protection date is the deadline; once delivered, the
    window ends first (11-10 + 15 = 11-25, before 12-05) and wins."""
    case = fresh(protection_ends="2026-12-05")
    before = case.order.clock(POLICY)
    assert before.kind is K.INSPECTION and before.awaiting_delivery
    assert before.deadline == day(12, 5)
    after = case.then(E.DELIVERED, on=DELIVERED).order.clock(POLICY)
    assert after.kind is K.INSPECTION
    assert after.deadline == DELIVERED + D(days=15) == day(11, 25)
    assert after.awaiting_delivery is False


def test_delivered_keeps_an_earlier_protection_date_as_deadline():
    case = fresh(protection_ends="2026-11-20")
    assert case.order.clock(POLICY).deadline == day(11, 20)
    after = case.then(E.DELIVERED, on=DELIVERED).order.clock(POLICY)
    assert after.deadline == day(11, 20)  # before 11-25, the end of the window
    assert after.awaiting_delivery is False


def test_delivered_during_a_not_received_dispute_keeps_the_dispute():
    case = PATHS["not_received_awaiting"]().then(E.DELIVERED, on=day(11, 15))
    assert case.order.state is S.AWAITING_SELLER
    assert case.order.delivered_on == day(11, 15)
    assert case.order.clock(POLICY).kind is K.SELLER_RESPONSE
    assert E.DELIVERED not in case.allowed()


def test_keep_closes_the_order_with_no_clock():
    case = PATHS["window_open"]().then(E.KEEP, on=OPENED)
    assert case.order.state is S.KEPT
    assert case.order.state.is_closed
    assert case.order.clock(POLICY) is None
    assert case.order.clock_since is None
    assert case.order.dispute is None


@pytest.mark.parametrize("reason", [r for r in Reason if r is not Reason.NOT_RECEIVED])
def test_open_dispute_starts_seller_response_and_defaults_to_return(reason):
    case = PATHS["window_open"]().then(E.OPEN_DISPUTE, on=OPENED, reason=reason)
    order = case.order
    assert order.state is S.AWAITING_SELLER
    assert order.dispute == Dispute(
        reason=reason, outcome=Outcome.RETURN_AND_REFUND, opened_on=OPENED
    )
    assert order.clock_since == OPENED
    clock = order.clock(POLICY)
    assert clock.kind is K.SELLER_RESPONSE
    assert clock.deadline == OPENED + D(days=5)
    event = case.events[-1]
    assert (event.reason, event.outcome) == (reason, Outcome.RETURN_AND_REFUND)
    assert case.evidence  # the checklist is made


def test_open_dispute_keeps_the_wanted_outcome():
    case = PATHS["window_open"]().then(
        E.OPEN_DISPUTE, on=OPENED, reason="not_as_described", outcome="refund_only"
    )
    assert case.order.dispute.outcome is Outcome.REFUND_ONLY
    assert case.events[-1].outcome is Outcome.REFUND_ONLY


def test_not_received_dispute_before_delivery_defaults_to_refund_only():
    case = PATHS["not_received_awaiting"]()
    assert case.order.delivered_on is None
    assert case.order.dispute.reason is Reason.NOT_RECEIVED
    assert case.order.dispute.outcome is Outcome.REFUND_ONLY
    assert case.order.clock(POLICY).deadline == OPENED + D(days=5)


def test_not_received_dispute_allowed_in_transit_without_a_protection_date():
    case = fresh().then(E.OPEN_DISPUTE, on=OPENED, reason="not_received")
    assert case.order.state is S.AWAITING_SELLER


@pytest.mark.parametrize("reason", ["wrong_size", "item_defective", "other"])
def test_only_not_received_is_possible_before_delivery(reason):
    case = fresh(protection_ends="2026-12-20")
    with pytest.raises(FieldError) as refused:
        case.transition(E.OPEN_DISPUTE, on=OPENED, reason=reason)
    assert refused.value.field == "reason"
    assert "not_received" in str(refused.value)


def test_open_dispute_needs_a_reason():
    with pytest.raises(FieldError) as refused:
        PATHS["window_open"]().transition(E.OPEN_DISPUTE, on=OPENED)
    assert refused.value.field == "reason"
    for reason in Reason:
        assert reason.value in refused.value.message


def test_open_dispute_checklist_positions_follow_existing_items():
    case = PATHS["window_open"]()
    step = apply_event(
        case.order,
        EventInput(kind=E.OPEN_DISPUTE, on=OPENED, reason=Reason.WRONG_SIZE),
        today=TODAY,
        last_event=case.last,
        evidence_count=4,
        policy=DEFAULT_POLICY,
    )
    assert [item.position for item in step.new_evidence] == list(
        range(4, 4 + len(step.new_evidence))
    )


def test_open_dispute_on_an_expired_window_is_still_allowed():
    case = PATHS["window_open"]()
    deadline = case.order.clock(POLICY).deadline
    later = case.then(E.OPEN_DISPUTE, on=deadline + D(days=3), reason="wrong_size")
    assert later.order.state is S.AWAITING_SELLER


def test_seller_agreed_starts_the_refund_clock():
    case = PATHS["awaiting_seller"]().then(E.SELLER_AGREED, on=ANSWERED)
    order = case.order
    assert order.state is S.REFUND_PENDING
    assert order.clock_since == ANSWERED
    clock = order.clock(POLICY)
    assert clock.kind is K.REFUND and clock.deadline == ANSWERED + D(days=7)
    assert order.dispute.refund == Refund(due_since=ANSWERED, expected_amount=None)
    assert order.dispute.return_shipment is None
    assert case.evidence == PATHS["awaiting_seller"]().evidence  # nothing added


def test_seller_agreed_to_a_partial_refund():
    case = PATHS["awaiting_seller"]().then(E.SELLER_AGREED, on=ANSWERED, amount="5")
    assert case.order.dispute.refund.expected_amount == Decimal("5.00")
    assert case.events[-1].amount == Decimal("5.00")


@pytest.mark.parametrize("kind", [E.SELLER_AGREED, E.REFUNDED])
def test_refund_amount_above_the_price_is_refused(kind):
    name = "awaiting_seller" if kind is E.SELLER_AGREED else "refund_pending_seller_agreed"
    with pytest.raises(FieldError) as refused:
        PATHS[name]().transition(kind, on=day(11, 28), amount="12.51")
    assert refused.value.field == "amount"
    assert "12.50 USD" in str(refused.value)


def test_refund_amount_with_too_many_decimals_for_the_currency_is_refused():
    with pytest.raises(FieldError) as refused:
        PATHS["awaiting_seller"]().transition(E.SELLER_AGREED, on=ANSWERED, amount="1.005")
    assert refused.value.field == "amount"


@pytest.mark.parametrize("start", ["awaiting_seller", "seller_refused"])
def test_return_approved_starts_ship_back_and_adds_return_items(start):
    before = PATHS[start]()
    case = before.then(E.RETURN_APPROVED, on=day(11, 15))
    order = case.order
    assert order.state is S.RETURN_APPROVED
    assert order.clock_since == day(11, 15)
    clock = order.clock(POLICY)
    assert clock.kind is K.SHIP_BACK and clock.deadline == day(11, 25)
    assert order.dispute.return_shipment == ReturnShipment(approved_on=day(11, 15))
    added = case.evidence[len(before.evidence) :]
    assert [item.label for item in added] == RETURN_LABELS
    assert [item.position for item in added] == [len(before.evidence), len(before.evidence) + 1]


def test_seller_refused_starts_the_escalate_clock():
    case = PATHS["awaiting_seller"]().then(E.SELLER_REFUSED, on=ANSWERED)
    assert case.order.state is S.SELLER_REFUSED
    clock = case.order.clock(POLICY)
    assert clock.kind is K.ESCALATE
    assert clock.deadline == OPENED + D(days=15)


@pytest.mark.parametrize(
    "start",
    [
        "awaiting_seller",
        "seller_refused",
        "return_approved_by_seller",
        "return_shipped",
        "refund_pending_after_return",
        "refund_pending_seller_agreed",
    ],
)
def test_escalated_puts_the_dispute_in_mediation_with_no_buyer_clock(start):
    before = PATHS[start]()
    case = before.then(E.ESCALATED, on=day(11, 28))
    assert case.order.state is S.IN_MEDIATION
    assert case.order.dispute.escalated_on == day(11, 28)
    assert case.order.clock(POLICY) is None
    assert case.order.clock_since is None
    # The rest of the dispute is kept.
    assert case.order.dispute.reason == before.order.dispute.reason
    assert case.order.dispute.return_shipment == before.order.dispute.return_shipment


def test_mediation_won_refund_only_starts_the_refund_clock():
    case = PATHS["in_mediation"]().then(E.MEDIATION_WON, on=RULED, outcome="refund_only")
    assert case.order.state is S.REFUND_PENDING
    clock = case.order.clock(POLICY)
    assert clock.kind is K.REFUND and clock.deadline == RULED + D(days=7)
    assert case.order.dispute.refund == Refund(due_since=RULED)
    assert case.order.dispute.escalated_on == ESCALATED


def test_mediation_won_refund_only_with_a_partial_amount():
    case = PATHS["in_mediation"]().then(
        E.MEDIATION_WON, on=RULED, outcome="refund_only", amount="3.50"
    )
    assert case.order.dispute.refund.expected_amount == Decimal("3.50")
    refunded = case.then(E.REFUNDED, on=day(11, 27))
    assert refunded.order.refunded_amount == Decimal("3.50")
    assert refunded.order.is_partial_refund


def test_mediation_won_return_and_refund_starts_ship_back_and_adds_return_items():
    before = PATHS["in_mediation"]()
    case = before.then(E.MEDIATION_WON, on=RULED, outcome="return_and_refund")
    assert case.order.state is S.RETURN_APPROVED
    clock = case.order.clock(POLICY)
    assert clock.kind is K.SHIP_BACK and clock.deadline == RULED + D(days=10)
    assert case.order.dispute.return_shipment == ReturnShipment(approved_on=RULED)
    added = case.evidence[len(before.evidence) :]
    assert [item.label for item in added] == RETURN_LABELS


def test_return_items_are_not_added_twice():
    case = PATHS["return_approved_by_mediation"]()
    again = case.then(E.RETURN_APPROVED, on=day(11, 22))
    assert again.evidence == case.evidence
    assert again.order.clock(POLICY).deadline == day(12, 2)


def test_mediation_won_needs_an_outcome():
    with pytest.raises(FieldError) as refused:
        PATHS["in_mediation"]().transition(E.MEDIATION_WON, on=RULED)
    assert refused.value.field == "outcome"


def test_mediation_won_with_return_takes_no_amount():
    with pytest.raises(FieldError) as refused:
        PATHS["in_mediation"]().transition(
            E.MEDIATION_WON, on=RULED, outcome="return_and_refund", amount="5"
        )
    assert refused.value.field == "amount"


def test_mediation_lost_closes_the_order():
    case = PATHS["in_mediation"]().then(E.MEDIATION_LOST, on=RULED)
    assert case.order.state is S.MEDIATION_LOST
    assert case.order.state.is_closed
    assert case.order.clock(POLICY) is None
    assert case.allowed() == []


def test_return_shipped_records_tracking_and_stops_the_clock():
    case = PATHS["return_approved_by_seller"]().then(
        E.RETURN_SHIPPED, on=SHIPPED, tracking="RR123456789CN", carrier="China Post"
    )
    assert case.order.state is S.RETURN_SHIPPED
    assert case.order.clock(POLICY) is None
    assert case.order.clock_since is None
    assert case.order.dispute.return_shipment == ReturnShipment(
        approved_on=ANSWERED, carrier="China Post", tracking="RR123456789CN", shipped_on=SHIPPED
    )
    event = case.events[-1]
    assert (event.tracking, event.carrier) == ("RR123456789CN", "China Post")


def test_return_shipped_needs_a_tracking_number():
    with pytest.raises(FieldError) as refused:
        PATHS["return_approved_by_seller"]().transition(E.RETURN_SHIPPED, carrier="DHL")
    assert refused.value.field == "tracking"


def test_return_delivered_starts_the_refund_clock():
    case = PATHS["return_shipped"]().then(E.RETURN_DELIVERED, on=day(11, 24))
    assert case.order.state is S.REFUND_PENDING
    clock = case.order.clock(POLICY)
    assert clock.kind is K.REFUND and clock.deadline == day(12, 1)
    shipment = case.order.dispute.return_shipment
    assert shipment.delivered_on == day(11, 24)
    assert shipment.tracking == "RR123456789CN"
    assert case.order.dispute.refund == Refund(due_since=day(11, 24))


def test_refunded_defaults_to_the_full_price():
    case = PATHS["refund_pending_after_return"]().then(E.REFUNDED, on=day(11, 28))
    order = case.order
    assert order.state is S.REFUNDED
    assert order.clock(POLICY) is None
    assert order.dispute.refund.amount == Decimal("12.50")
    assert order.dispute.refund.refunded_on == day(11, 28)
    assert order.dispute.refund.due_since == day(11, 24)
    assert not order.is_partial_refund
    assert case.events[-1].amount == Decimal("12.50")


def test_refunded_defaults_to_the_agreed_partial_amount():
    case = (
        PATHS["awaiting_seller"]()
        .then(E.SELLER_AGREED, on=ANSWERED, amount="4.00")
        .then(E.REFUNDED, on=day(11, 20))
    )
    assert case.order.refunded_amount == Decimal("4.00")
    assert case.order.is_partial_refund


def test_refunded_with_an_explicit_partial_amount():
    case = PATHS["refund_pending_seller_agreed"]().then(E.REFUNDED, on=day(11, 20), amount="7")
    assert case.order.refunded_amount == Decimal("7.00")
    assert case.order.is_partial_refund
    assert case.events[-1].amount == Decimal("7.00")


@pytest.mark.parametrize(
    "start",
    [
        "awaiting_seller",
        "seller_refused",
        "in_mediation",
        "return_approved_by_seller",
        "return_shipped",
        "refund_pending_after_return",
    ],
)
def test_cancelled_withdraws_any_open_dispute(start):
    before = PATHS[start]()
    case = before.then(E.CANCELLED, on=day(11, 28))
    assert case.order.state is S.CANCELLED
    assert case.order.state.is_closed
    assert case.order.clock(POLICY) is None
    assert case.order.clock_since is None
    assert case.order.dispute == before.order.dispute  # the history stays
    assert case.allowed() == []


def test_order_cancelled_closes_an_order_in_transit_with_no_clock():
    before = fresh(protection_ends="2026-12-20")
    assert before.order.clock(POLICY).awaiting_delivery  # protection was running
    case = before.then(E.ORDER_CANCELLED, on=CANCELLED_ON, note="seller out of stock")
    order = case.order
    assert order.state is S.ORDER_CANCELLED
    assert order.state.is_closed
    assert order.state.label == "order cancelled"
    assert order.state_label(POLICY, TODAY) == "order cancelled"
    assert order.clock(POLICY) is None
    assert order.clock_since is None
    assert order.dispute is None
    assert order.delivered_on is None
    assert order.facts == before.order.facts
    assert case.evidence == ()  # no checklist: there is no dispute
    event = case.events[-1]
    assert (event.kind, event.on, event.note) == (
        E.ORDER_CANCELLED,
        CANCELLED_ON,
        "seller out of stock",
    )
    assert E.ORDER_CANCELLED.label == "Order cancelled before delivery"


def test_order_cancelled_is_refused_once_delivered():
    case = PATHS["window_open"]()
    with pytest.raises(EventRefused) as refused:
        case.transition(E.ORDER_CANCELLED, on=day(11, 11))
    assert refused.value.allowed == [E.KEEP, E.OPEN_DISPUTE]
    # Even an order still marked in transit is refused once it has a delivery date.
    odd = Case(make_order(state="in_transit", delivered_on="2026-11-10"))
    assert E.ORDER_CANCELLED not in odd.allowed()
    with pytest.raises(EventRefused):
        odd.transition(E.ORDER_CANCELLED, on=day(11, 11))


def test_order_cancelled_is_refused_with_a_dispute():
    case = PATHS["not_received_awaiting"]()
    assert case.order.delivered_on is None
    with pytest.raises(EventRefused):
        case.transition(E.ORDER_CANCELLED, on=ANSWERED)
    # The dispute alone refuses it, whatever the state says.
    odd = Case(fresh().order.replace(dispute=case.order.dispute))
    assert odd.order.state is S.IN_TRANSIT
    assert E.ORDER_CANCELLED not in odd.allowed()
    with pytest.raises(EventRefused):
        odd.transition(E.ORDER_CANCELLED, on=ANSWERED)


@pytest.mark.parametrize("name", ["kept", "cancelled", "not_received_cancelled", "order_cancelled"])
def test_order_cancelled_is_refused_on_a_closed_order(name):
    with pytest.raises(EventRefused):
        PATHS[name]().transition(E.ORDER_CANCELLED, on=TODAY)


def test_order_cancelled_before_the_order_date_is_refused():
    with pytest.raises(FieldError) as refused:
        fresh().transition(E.ORDER_CANCELLED, on=day(10, 31))
    assert refused.value.field == "on"
    assert "order date" in str(refused.value)


# --- delivered on a day nobody knows ------------------------------------------------------


def delivery_unknown(**overrides) -> Case:
    """Window open, delivered, but no source said on which day (an import)."""
    return fresh(state="window_open", delivery_unknown=True, **overrides)


def test_delivery_unknown_has_no_clock_and_says_so():
    case = delivery_unknown(protection_ends="2026-12-20")
    order = case.order
    assert order.delivered_on is None
    assert order.clock(POLICY) is None  # never a guessed deadline, not even protection
    assert order.state_label(POLICY, TODAY) == DELIVERY_UNKNOWN_LABEL
    assert order.state_label(POLICY, day(12, 31) + D(days=400)) == DELIVERY_UNKNOWN_LABEL
    assert DELIVERY_UNKNOWN_LABEL == "delivered · date unknown"
    assert case.allowed() == [E.DELIVERED, E.KEEP, E.OPEN_DISPUTE]


def test_keep_is_allowed_when_the_delivery_date_is_unknown():
    case = delivery_unknown().then(E.KEEP, on=OPENED)
    assert case.order.state is S.KEPT
    assert case.order.clock(POLICY) is None
    assert case.order.clock_since is None
    assert case.allowed() == [E.DELIVERED]


@pytest.mark.parametrize("reason", list(Reason))
def test_any_dispute_reason_is_allowed_when_the_delivery_date_is_unknown(reason):
    case = delivery_unknown().then(E.OPEN_DISPUTE, on=OPENED, reason=reason)
    order = case.order
    assert order.state is S.AWAITING_SELLER
    assert order.dispute.reason is reason
    expected = Outcome.REFUND_ONLY if reason is Reason.NOT_RECEIVED else Outcome.RETURN_AND_REFUND
    assert order.dispute.outcome is expected
    clock = order.clock(POLICY)
    assert clock.kind is K.SELLER_RESPONSE and clock.deadline == OPENED + D(days=5)
    assert case.evidence


def test_a_known_delivery_date_starts_the_inspection_clock():
    case = delivery_unknown().then(E.DELIVERED, on=DELIVERED)
    assert case.order.state is S.WINDOW_OPEN
    assert case.order.delivered_on == DELIVERED
    assert case.order.clock(POLICY).deadline == DELIVERED + D(days=15)
    assert case.order.state_label(POLICY, DELIVERED) == "window open"


# --- values that do not belong, and dates -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "values", "field"),
    [
        ("in_transit", E.DELIVERED, {"reason": "other"}, "reason"),
        ("window_open", E.KEEP, {"tracking": "X1"}, "tracking"),
        ("window_open", E.OPEN_DISPUTE, {"reason": "other", "amount": "1"}, "amount"),
        ("awaiting_seller", E.SELLER_AGREED, {"outcome": "refund_only"}, "outcome"),
        ("awaiting_seller", E.RETURN_APPROVED, {"carrier": "DHL"}, "carrier"),
        ("awaiting_seller", E.CANCELLED, {"amount": "1"}, "amount"),
        ("in_mediation", E.MEDIATION_LOST, {"outcome": "refund_only"}, "outcome"),
        ("return_shipped", E.RETURN_DELIVERED, {"tracking": "X"}, "tracking"),
        ("in_transit", E.ORDER_CANCELLED, {"amount": "1"}, "amount"),
        ("in_transit", E.ORDER_CANCELLED, {"reason": "not_received"}, "reason"),
    ],
)
def test_values_an_event_does_not_use_are_refused(name, kind, values, field):
    case = PATHS[name]()
    before = case.order.values()
    with pytest.raises(FieldError) as refused:
        case.transition(kind, **values)
    assert refused.value.field == field
    assert f'"{kind.label}"' in str(refused.value)  # the name people read, not the id
    assert f"{kind} event" not in str(refused.value)
    assert case.order.values() == before


def test_an_event_dated_before_the_last_event_is_refused():
    case = PATHS["awaiting_seller"]()
    with pytest.raises(FieldError) as refused:
        case.transition(E.SELLER_REFUSED, on=OPENED - D(days=1))
    assert refused.value.field == "on"
    assert '"Opened a dispute"' in str(refused.value)
    assert "open_dispute" not in str(refused.value)
    # The same day as the last event is fine.
    assert case.then(E.SELLER_REFUSED, on=OPENED).order.state is S.SELLER_REFUSED


def test_delivery_before_the_order_date_is_refused():
    with pytest.raises(FieldError) as refused:
        fresh().transition(E.DELIVERED, on=day(10, 31))
    assert refused.value.field == "on"
    assert "order date" in str(refused.value)


def test_keep_or_item_dispute_before_delivery_date_is_refused():
    order = make_order(delivered_on="2026-11-10", state="window_open")
    case = Case(order)
    for kind, values in [(E.KEEP, {}), (E.OPEN_DISPUTE, {"reason": "wrong_size"})]:
        with pytest.raises(FieldError) as refused:
            case.transition(kind, on=day(11, 9), **values)
        assert refused.value.field == "on"
        assert "delivery date" in str(refused.value)


def test_event_numbers_count_up_from_one():
    case = PATHS["refund_pending_after_return"]()
    assert [event.seq for event in case.events] == list(range(1, len(case.events) + 1))
    assert [event.kind for event in case.events] == [
        E.DELIVERED,
        E.OPEN_DISPUTE,
        E.RETURN_APPROVED,
        E.RETURN_SHIPPED,
        E.RETURN_DELIVERED,
    ]


def test_apply_event_does_not_change_the_order_it_was_given():
    case = PATHS["awaiting_seller"]()
    before = case.order.values()
    step = case.transition(E.SELLER_REFUSED, on=ANSWERED)
    assert step.order.state is S.SELLER_REFUSED
    assert case.order.state is S.AWAITING_SELLER
    assert case.order.values() == before


def test_note_is_recorded_on_the_event():
    case = PATHS["window_open"]().then(E.KEEP, on=OPENED, note="works fine")
    assert case.events[-1].note == "works fine"


# --- what the user types for an event ---------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "shipped"}, "event"),
        ({"kind": "open_dispute", "reason": "broken"}, "reason"),
        ({"kind": "mediation_won", "outcome": "everything"}, "outcome"),
        ({"kind": "delivered", "on": "2026-13-01"}, "on"),
        ({"kind": "refunded", "amount": "-3"}, "amount"),
        ({"kind": "refunded", "amount": "abc"}, "amount"),
    ],
)
def test_bad_event_input_names_the_field(data, field):
    with pytest.raises(FieldErrors) as refused:
        parse(EventInput, data)
    assert refused.value.first.field == field


def test_event_names_are_accepted_in_any_case():
    assert parse(EventInput, {"kind": " Open_Dispute ", "reason": "WRONG_SIZE"}).reason is (
        Reason.WRONG_SIZE
    )


def test_event_in_the_future_is_refused_when_today_is_known():
    with pytest.raises(FieldErrors) as refused:
        parse(EventInput, {"kind": "delivered", "on": "2026-11-30"}, today=TODAY)
    assert refused.value.first.field == "on"
    assert parse(EventInput, {"kind": "delivered", "on": "2026-11-29"}, today=TODAY).on == TODAY


# --- facts edited after the fact ----------------------------------------------------------


def test_with_facts_moves_between_in_transit_and_window_open():
    order = make_order()
    delivered = with_facts(order, make_order(delivered_on="2026-11-10").facts)
    assert delivered.state is S.WINDOW_OPEN
    back = with_facts(delivered, make_order().facts)
    assert back.state is S.IN_TRANSIT
    assert back.delivered_on is None


def test_with_facts_does_not_touch_a_dispute_state():
    case = PATHS["not_received_awaiting"]()
    updated = with_facts(case.order, make_order(delivered_on="2026-11-15").facts)
    assert updated.state is S.AWAITING_SELLER
    assert updated.dispute == case.order.dispute


def test_with_facts_clears_delivery_unknown_once_a_delivery_date_is_given():
    order = delivery_unknown().order
    updated = with_facts(order, make_order(delivered_on="2026-11-10").facts)
    assert updated.delivered_on == day(11, 10)
    assert updated.delivery_unknown is False
    assert updated.state is S.WINDOW_OPEN
    assert updated.clock(POLICY).deadline == day(11, 25)
    assert updated.state_label(POLICY, TODAY) == "window expired"


def test_with_facts_keeps_a_delivery_of_unknown_date_delivered():
    """Editing other facts of an order delivered on an unknown day does not send it
    back to 'in transit'."""
    order = delivery_unknown().order
    updated = with_facts(order, make_order(title="USB-C cable, 2 m").facts)
    assert updated.title == "USB-C cable, 2 m"
    assert updated.state is S.WINDOW_OPEN
    assert updated.delivery_unknown is True
    assert updated.delivered_on is None
    assert updated.clock(POLICY) is None


def test_with_facts_leaves_a_cancelled_order_closed():
    case = PATHS["order_cancelled"]()
    updated = with_facts(case.order, make_order(note="refund came by itself").facts)
    assert updated.state is S.ORDER_CANCELLED
    assert updated.clock(POLICY) is None


# --- orders that come from an import ------------------------------------------------------


@pytest.mark.parametrize("name", list(PATHS))
def test_every_order_the_paths_reach_is_consistent(name):
    check_consistent(PATHS[name]().order)


def test_check_consistent_accepts_a_window_open_with_an_unknown_delivery_date():
    check_consistent(delivery_unknown().order)
    check_consistent(delivery_unknown(protection_ends="2026-12-20").order)


def test_check_consistent_refuses_a_window_open_with_no_delivery_at_all():
    with pytest.raises(FieldError) as refused:
        check_consistent(fresh(state="window_open").order)
    assert refused.value.field == "delivered_on"


def test_check_consistent_refuses_an_order_cancelled_with_a_delivery_date():
    check_consistent(fresh(state="order_cancelled").order)
    with pytest.raises(FieldError) as refused:
        check_consistent(fresh(state="order_cancelled", delivered_on="2026-11-10").order)
    assert refused.value.field == "delivered_on"
    assert "cancelled before delivery" in refused.value.message


def test_check_consistent_refuses_an_order_cancelled_with_a_dispute():
    dispute = PATHS["not_received_awaiting"]().order.dispute
    order = fresh(state="order_cancelled").order.replace(dispute=dispute)
    with pytest.raises(FieldError) as refused:
        check_consistent(order)
    assert refused.value.field == "dispute"


def test_an_order_cancelled_before_delivery_takes_no_delivery():
    """Whatever the workflow produces, an export of it must import again: a cancelled
    order never gets a delivery date that ``check_consistent`` would refuse."""
    case = PATHS["order_cancelled"]()
    assert E.DELIVERED not in case.allowed()
    check_consistent(case.order)


def test_mediation_ruling_keeps_the_tracking_of_a_return_already_shipped():
    """Data is never lost: a ruling for a return that is already on its way keeps its
    tracking number, and sets no second shipping deadline."""
    case = (
        PATHS["return_shipped"]()
        .then(E.ESCALATED, on=day(11, 22))
        .then(E.MEDIATION_WON, on=day(11, 25), outcome="return_and_refund")
    )
    shipment = case.order.dispute.return_shipment
    assert shipment.tracking == "RR123456789CN"
    assert shipment.shipped_on == SHIPPED
    assert shipment.approved_on == day(11, 25)
    assert case.order.state is S.RETURN_SHIPPED
    assert case.order.clock(POLICY) is None
    assert E.RETURN_DELIVERED in case.allowed()
