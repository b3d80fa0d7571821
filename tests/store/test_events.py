"""Recording lifecycle events: one transaction each, nothing written when refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from aliret_tui.domain.clocks import ClockKind
from aliret_tui.domain.fields import FieldError
from aliret_tui.domain.states import OrderState
from aliret_tui.domain.workflow import EventRefused
from aliret_tui.store.store import OrderNotFound, Store


@pytest.fixture
def delivered(store, make_facts):
    store.add_order(make_facts("1", delivered_on="2026-03-01", price="20.00"))
    return store


def test_the_happy_path_is_stored_step_by_step(delivered, event):
    store = delivered
    steps = [
        ("open_dispute", {"on": "2026-03-02", "reason": "wrong_size"}, OrderState.AWAITING_SELLER),
        ("seller_refused", {"on": "2026-03-03"}, OrderState.SELLER_REFUSED),
        ("escalated", {"on": "2026-03-06"}, OrderState.IN_MEDIATION),
        (
            "mediation_won",
            {"on": "2026-03-06", "outcome": "return_and_refund"},
            OrderState.RETURN_APPROVED,
        ),
        (
            "return_shipped",
            {"on": "2026-03-07", "tracking": "LP00123", "carrier": "Cainiao"},
            OrderState.RETURN_SHIPPED,
        ),
        ("return_delivered", {"on": "2026-03-08"}, OrderState.REFUND_PENDING),
        ("refunded", {"on": "2026-03-09"}, OrderState.REFUNDED),
    ]
    for kind, values, state in steps:
        transition = store.record_event("1", event(kind, **values))
        assert transition.order.state is state
        assert store.get_order("1").state is state

    events = store.events("1")
    assert [e.kind.value for e in events] == [step[0] for step in steps]
    assert [e.seq for e in events] == list(range(1, len(steps) + 1))
    assert events[0].reason.value == "wrong_size"
    assert events[4].tracking == "LP00123"
    assert events[-1].amount == Decimal("20.00")

    order = store.get_order("1")
    assert order.dispute.opened_on == dt.date(2026, 3, 2)
    assert order.dispute.escalated_on == dt.date(2026, 3, 6)
    assert order.dispute.return_shipment.tracking == "LP00123"
    assert order.dispute.return_shipment.delivered_on == dt.date(2026, 3, 8)
    assert order.dispute.refund.amount == Decimal("20.00")
    assert order.clock(store.policy) is None

    labels = [item.label for item in store.evidence("1")]
    assert "Photo of the size label" in labels
    assert "Return tracking number" in labels
    assert len(labels) == len(set(labels))


def test_each_event_bumps_the_order_version(delivered, event):
    before = delivered.get_order("1").version
    transition = delivered.record_event("1", event("keep", on="2026-03-02"))
    assert transition.order.version == before + 1
    assert delivered.get_order("1").version == before + 1


@pytest.mark.parametrize(
    ("kind", "values", "error"),
    [
        ("refunded", {}, EventRefused),  # nothing pending
        ("delivered", {}, EventRefused),  # already delivered
        ("escalated", {}, EventRefused),  # no dispute
        ("open_dispute", {}, FieldError),  # reason missing
        ("open_dispute", {"reason": "wrong_size", "on": "2026-02-20"}, FieldError),  # early
        ("keep", {"tracking": "X1"}, FieldError),  # value the event does not take
    ],
)
def test_a_refused_event_writes_nothing(delivered, db_path, event, dump, kind, values, error):
    before = dump(db_path)
    with pytest.raises(error):
        delivered.record_event("1", event(kind, **values))
    assert dump(db_path) == before


def test_a_refused_event_names_the_events_allowed_now(delivered, event):
    with pytest.raises(EventRefused) as caught:
        delivered.record_event("1", event("refunded"))
    message = str(caught.value)
    assert "keep" in message and "open_dispute" in message
    assert {kind.value for kind in caught.value.allowed} == {"keep", "open_dispute"}


def test_a_refused_event_mid_dispute_writes_nothing(delivered, db_path, event, dump):
    delivered.record_event("1", event("open_dispute", on="2026-03-02", reason="item_defective"))
    delivered.record_event("1", event("seller_refused", on="2026-03-03"))
    delivered.record_event("1", event("escalated", on="2026-03-06"))
    before = dump(db_path)
    with pytest.raises(FieldError) as caught:
        delivered.record_event("1", event("mediation_won", on="2026-03-07"))  # no outcome
    assert caught.value.field == "outcome"
    with pytest.raises(FieldError):
        delivered.record_event(
            "1",
            event("mediation_won", outcome="refund_only", amount="25.00"),  # > price
        )
    assert dump(db_path) == before


def test_a_failure_half_way_through_rolls_everything_back(
    delivered, db_path, event, dump, monkeypatch
):
    before = dump(db_path)

    def broken(*args, **kwargs):
        raise RuntimeError("disk went away")

    # The order row and the event are written before the checklist; all must vanish.
    monkeypatch.setattr(Store, "insert_evidence", broken)
    with pytest.raises(RuntimeError):
        delivered.record_event("1", event("open_dispute", on="2026-03-02", reason="wrong_size"))
    assert dump(db_path) == before
    assert delivered.get_order("1").state is OrderState.WINDOW_OPEN


def test_event_for_unknown_order(store, event, db_path, dump):
    before = dump(db_path)
    with pytest.raises(OrderNotFound):
        store.record_event("nope", event("delivered"))
    assert dump(db_path) == before


def test_event_date_defaults_to_the_store_today(store, make_facts, event, today):
    store.add_order(make_facts("1"))
    transition = store.record_event("1", event("delivered"))
    assert transition.event.on == today
    assert store.get_order("1").delivered_on == today
    clock = store.get_order("1").clock(store.policy)
    assert clock.kind is ClockKind.INSPECTION
    assert clock.deadline == today + dt.timedelta(days=15)
