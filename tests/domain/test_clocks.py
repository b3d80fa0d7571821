"""The five return clocks of domain.md: when each starts, its deadline, and its boundaries.

Boundaries checked for every clock: the day it starts, day 0 (the deadline is
today: ``days_left == 0``, still actionable), and the day after (inspection
expires; every other clock turns overdue and stays actionable).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.domain import POLICY, TODAY, day

from aliret_tui.domain.clocks import (
    Clock,
    ClockKind,
    describe_days_left,
    inspection_deadline,
    running_clock,
)
from aliret_tui.domain.models import Dispute, Order, parse
from aliret_tui.domain.policy import DEFAULT_POLICY, Policy
from aliret_tui.domain.states import DELIVERY_UNKNOWN_LABEL, EXPIRED_WINDOW_LABEL, OrderState
from aliret_tui.domain.vocabulary import Outcome, Reason

S = OrderState
K = ClockKind
D = dt.timedelta

NOT_RECEIVED_ACTION = (
    "Not delivered yet: open a 'not received' dispute before buyer protection ends"
)
OVERDUE_ACTIONS = {
    K.SELLER_RESPONSE: (
        "The seller's time to answer is up: check the refund went through, or escalate"
    ),
    K.ESCALATE: (
        "Escalation deadline passed: check the dispute was escalated and send your evidence"
    ),
    K.SHIP_BACK: "Ship-back deadline passed: ship it now and record the tracking number",
    K.REFUND: "Refund overdue: contact the seller or support, or escalate",
}

dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))
offsets = st.integers(min_value=-400, max_value=400)


def clock_for(
    state: OrderState | str,
    *,
    delivered_on: dt.date | None = None,
    protection_ends: dt.date | None = None,
    window_days: int | None = None,
    local_return: bool = False,
    ordered_on: dt.date | None = None,
    dispute_opened_on: dt.date | None = None,
    clock_since: dt.date | None = None,
    policy: Policy = POLICY,
) -> Clock | None:
    return running_clock(
        state,
        delivered_on=delivered_on,
        protection_ends=protection_ends,
        window_days=window_days,
        local_return=local_return,
        ordered_on=ordered_on,
        dispute_opened_on=dispute_opened_on,
        clock_since=clock_since,
        policy=policy,
    )


# --- the inspection clock ------------------------------------------------------------


def test_inspection_deadline_is_delivery_plus_15_days_by_default():
    clock = clock_for(S.WINDOW_OPEN, delivered_on=day(11, 1))
    assert clock == Clock(K.INSPECTION, day(11, 16), day(11, 1), awaiting_delivery=False)


def test_local_return_gets_the_90_day_window_when_no_window_days_given():
    clock = clock_for(S.WINDOW_OPEN, delivered_on=day(1, 1), local_return=True)
    assert clock is not None
    assert clock.deadline == day(1, 1) + D(days=90) == day(4, 1)


def test_explicit_window_days_wins_over_the_local_return_window():
    clock = clock_for(S.WINDOW_OPEN, delivered_on=day(1, 1), local_return=True, window_days=30)
    assert clock is not None
    assert clock.deadline == day(1, 31)


def test_explicit_window_days_wins_over_the_default_window():
    clock = clock_for(S.WINDOW_OPEN, delivered_on=day(1, 1), window_days=60)
    assert clock is not None
    assert clock.deadline == day(3, 2)


@pytest.mark.parametrize("local_return", [False, True])
@pytest.mark.parametrize("window_days", [None, 7, 200])
@pytest.mark.parametrize("protection_ends", [day(11, 5), day(11, 30), day(12, 31)])
def test_once_delivered_the_earlier_of_protection_and_window_is_the_deadline(
    protection_ends, window_days, local_return
):
    """A tracker must never make the buyer late: the earlier date wins."""
    clock = clock_for(
        S.WINDOW_OPEN,
        delivered_on=day(11, 1),
        protection_ends=protection_ends,
        window_days=window_days,
        local_return=local_return,
    )
    assert clock is not None
    assert clock.kind is K.INSPECTION
    days = window_days or (90 if local_return else 15)
    assert clock.deadline == min(protection_ends, day(11, 1) + dt.timedelta(days=days))
    assert clock.awaiting_delivery is False
    assert clock.action(day(11, 2)) == "Inspect the item, then open a dispute or mark it kept"


@pytest.mark.parametrize("window_days", [None, 10])
def test_once_delivered_a_later_protection_date_gives_way_to_the_window(window_days):
    """delivered 11-01: the window ends 11-16 (or 11-11), before protection on 12-20."""
    clock = clock_for(
        S.WINDOW_OPEN,
        delivered_on=day(11, 1),
        protection_ends=day(12, 20),
        window_days=window_days,
    )
    assert clock is not None and clock.kind is K.INSPECTION
    assert clock.deadline == (day(11, 16) if window_days is None else day(11, 11))
    assert clock.started_on == day(11, 1)


def test_once_delivered_an_earlier_protection_date_stays_the_deadline():
    clock = clock_for(S.WINDOW_OPEN, delivered_on=day(11, 1), protection_ends=day(11, 9))
    assert clock is not None and clock.kind is K.INSPECTION
    assert clock.deadline == day(11, 9)  # before 11-16, the end of the window
    local = clock_for(
        S.WINDOW_OPEN, delivered_on=day(11, 1), protection_ends=day(12, 20), local_return=True
    )
    assert local is not None and local.deadline == day(12, 20)  # before 11-01 + 90 = 01-30


def test_protection_date_and_window_ending_the_same_day():
    clock = clock_for(S.WINDOW_OPEN, delivered_on=day(11, 1), protection_ends=day(11, 16))
    assert clock is not None and clock.deadline == day(11, 16)


def test_protection_end_date_starts_the_inspection_clock_before_delivery():
    clock = clock_for(S.IN_TRANSIT, protection_ends=day(12, 20), ordered_on=day(11, 1))
    assert clock is not None
    assert clock.kind is K.INSPECTION
    assert clock.deadline == day(12, 20)
    assert clock.awaiting_delivery is True
    assert clock.action(TODAY) == NOT_RECEIVED_ACTION
    assert clock.days_left(TODAY) == 21


def test_protection_clock_before_delivery_counts_from_the_order_date_or_nothing():
    with_order = clock_for(S.IN_TRANSIT, protection_ends=day(12, 20), ordered_on=day(11, 1))
    without = clock_for(S.IN_TRANSIT, protection_ends=day(12, 20))
    assert with_order is not None and with_order.started_on == day(11, 1)
    assert without is not None and without.started_on is None


def test_protection_clock_before_delivery_expires_the_day_after_protection_ends():
    clock = clock_for(S.IN_TRANSIT, protection_ends=day(11, 28))
    assert clock is not None
    assert clock.is_expired(day(11, 28)) is False
    assert clock.is_expired(day(11, 29)) is True
    assert clock.is_overdue(day(11, 29)) is False


def test_no_clock_runs_in_transit_without_a_protection_date():
    assert clock_for(S.IN_TRANSIT) is None
    assert clock_for(S.IN_TRANSIT, ordered_on=day(11, 1), window_days=30) is None


def test_inspection_deadline_function_directly():
    kwargs = {"window_days": None, "local_return": False, "policy": POLICY}
    assert inspection_deadline(delivered_on=None, protection_ends=None, **kwargs) is None
    assert inspection_deadline(delivered_on=day(3, 1), protection_ends=None, **kwargs) == day(3, 16)
    # Before delivery: the protection date, however far away.
    assert inspection_deadline(delivered_on=None, protection_ends=day(5, 5), **kwargs) == day(5, 5)
    # Once delivered: the earlier of the two, either way round.
    assert inspection_deadline(delivered_on=day(3, 1), protection_ends=day(5, 5), **kwargs) == (
        day(3, 16)
    )
    assert inspection_deadline(delivered_on=day(3, 1), protection_ends=day(3, 10), **kwargs) == (
        day(3, 10)
    )


@pytest.mark.parametrize("protection_ends", [None, day(11, 20), day(12, 31)])
def test_no_clock_runs_when_delivered_on_a_day_nobody_knows(protection_ends):
    """'window open' with no delivery date: never guess a deadline, not even protection's."""
    assert clock_for(S.WINDOW_OPEN, protection_ends=protection_ends, window_days=30) is None
    order = parse(
        Order,
        {
            "order_id": "1",
            "title": "Lamp",
            "price": "5",
            "currency": "USD",
            "ordered_on": "2026-11-01",
            "protection_ends": protection_ends,
            "state": "window_open",
            "delivery_unknown": True,
        },
    )
    assert order.clock(POLICY) is None
    for today in (day(11, 2), TODAY, day(12, 31) + D(days=365)):
        assert order.state_label(POLICY, today) == DELIVERY_UNKNOWN_LABEL
    assert DELIVERY_UNKNOWN_LABEL == "delivered · date unknown"


def test_inspection_window_boundaries_delivery_day_last_day_and_day_after():
    delivered = day(11, 10)
    clock = clock_for(S.WINDOW_OPEN, delivered_on=delivered)
    assert clock is not None
    last_day = delivered + D(days=15)
    # On delivery day the whole window is ahead.
    assert clock.days_left(delivered) == 15
    # Day 0: the deadline is today: still open, not expired.
    assert clock.days_left(last_day) == 0
    assert not clock.is_expired(last_day)
    assert not clock.is_overdue(last_day)
    assert describe_days_left(clock.days_left(last_day)) == "last day"
    # The day after ("day 16"): expired, never overdue.
    after = last_day + D(days=1)
    assert clock.days_left(after) == -1
    assert clock.is_expired(after)
    assert not clock.is_overdue(after)


def test_expired_inspection_is_shown_as_window_expired():
    order = parse(
        Order,
        {
            "order_id": "1",
            "title": "Lamp",
            "price": "5",
            "currency": "USD",
            "delivered_on": "2026-11-10",
            "state": "window_open",
        },
    )
    assert order.state_label(POLICY, day(11, 25)) == "window open"
    assert order.state_label(POLICY, day(11, 26)) == EXPIRED_WINDOW_LABEL == "window expired"


def test_state_label_of_an_overdue_clock_is_not_window_expired():
    order = parse(
        Order,
        {
            "order_id": "1",
            "title": "Lamp",
            "price": "5",
            "currency": "USD",
            "delivered_on": "2026-11-10",
            "state": "refund_pending",
            "clock_since": "2026-11-12",
            "dispute": Dispute(
                reason=Reason.WRONG_SIZE, outcome=Outcome.REFUND_ONLY, opened_on=day(11, 11)
            ),
        },
    )
    assert order.state_label(POLICY, day(12, 31)) == "refund pending"


# --- the clocks that follow a dispute -------------------------------------------------

OPENED = day(11, 12)
SINCE = day(11, 14)

# state -> (kind, deadline, start) for a dispute opened on OPENED whose clock_since is SINCE.
DISPUTE_CLOCKS = {
    S.AWAITING_SELLER: (K.SELLER_RESPONSE, OPENED + D(days=5), OPENED),
    S.SELLER_REFUSED: (K.ESCALATE, OPENED + D(days=15), OPENED),
    S.RETURN_APPROVED: (K.SHIP_BACK, SINCE + D(days=10), SINCE),
    S.REFUND_PENDING: (K.REFUND, SINCE + D(days=7), SINCE),
}


@pytest.mark.parametrize("state", list(DISPUTE_CLOCKS))
def test_dispute_clock_kind_and_default_deadline(state):
    kind, deadline, start = DISPUTE_CLOCKS[state]
    clock = clock_for(state, delivered_on=day(11, 10), dispute_opened_on=OPENED, clock_since=SINCE)
    assert clock == Clock(kind, deadline, start)


def test_default_deadlines_are_the_domain_numbers():
    assert DISPUTE_CLOCKS[S.AWAITING_SELLER][1] == day(11, 17)
    assert DISPUTE_CLOCKS[S.SELLER_REFUSED][1] == day(11, 27)  # auto-escalates on day 16
    assert DISPUTE_CLOCKS[S.RETURN_APPROVED][1] == day(11, 24)
    assert DISPUTE_CLOCKS[S.REFUND_PENDING][1] == day(11, 21)


def test_escalate_deadline_counts_from_opening_not_from_the_refusal():
    early = clock_for(S.SELLER_REFUSED, dispute_opened_on=OPENED, clock_since=day(11, 13))
    late = clock_for(S.SELLER_REFUSED, dispute_opened_on=OPENED, clock_since=day(11, 25))
    assert early is not None and late is not None
    assert early.deadline == late.deadline == OPENED + D(days=15)


def test_seller_response_counts_from_opening():
    clock = clock_for(S.AWAITING_SELLER, dispute_opened_on=OPENED, clock_since=day(11, 20))
    assert clock is not None and clock.deadline == day(11, 17)


@pytest.mark.parametrize("state", list(DISPUTE_CLOCKS))
def test_dispute_clock_boundaries_last_day_and_day_after(state):
    kind, deadline, _ = DISPUTE_CLOCKS[state]
    clock = clock_for(state, dispute_opened_on=OPENED, clock_since=SINCE)
    assert clock is not None
    day_before = deadline - D(days=1)
    assert clock.days_left(day_before) == 1
    assert not clock.is_overdue(day_before)
    # Day 0: the deadline is today. Still the normal action, not overdue.
    assert clock.days_left(deadline) == 0
    assert not clock.is_overdue(deadline)
    assert not clock.is_expired(deadline)
    assert clock.action(deadline) != OVERDUE_ACTIONS[kind]
    # The day after: overdue and still actionable (never "expired").
    after = deadline + D(days=1)
    assert clock.days_left(after) == -1
    assert clock.is_overdue(after)
    assert not clock.is_expired(after)
    assert clock.action(after) == OVERDUE_ACTIONS[kind]
    # ...and it stays overdue until something happens.
    much_later = deadline + D(days=365)
    assert clock.is_overdue(much_later)
    assert clock.action(much_later) == OVERDUE_ACTIONS[kind]


def test_overdue_refund_tells_the_buyer_to_chase_it():
    clock = clock_for(S.REFUND_PENDING, clock_since=day(11, 14))
    assert clock is not None
    assert clock.deadline == day(11, 21)
    assert clock.action(day(11, 21)) == "Wait for the refund; chase it if it is late"
    assert clock.days_left(TODAY) == -8
    assert clock.is_overdue(TODAY)
    action = clock.action(TODAY)
    assert action == OVERDUE_ACTIONS[K.REFUND]
    assert "contact the seller or support" in action and "escalate" in action


def test_actions_before_the_deadline():
    expected = {
        S.AWAITING_SELLER: "Wait for the seller's answer; escalate if they refuse",
        S.SELLER_REFUSED: ("Escalate to AliExpress mediation with photos, messages and tracking"),
        S.RETURN_APPROVED: "Pack and ship the item back, then record the tracking number",
        S.REFUND_PENDING: "Wait for the refund; chase it if it is late",
    }
    day_4 = OPENED + dt.timedelta(days=4)  # escalating is possible from then on
    for state, action in expected.items():
        clock = clock_for(state, dispute_opened_on=OPENED, clock_since=SINCE)
        assert clock is not None
        assert clock.action(day_4) == action


def test_before_escalating_is_possible_the_action_says_when():
    clock = clock_for(S.SELLER_REFUSED, dispute_opened_on=OPENED, clock_since=SINCE)
    assert clock is not None
    assert clock.action(OPENED + dt.timedelta(days=2)) == (
        "Gather photos, messages and tracking: escalating to AliExpress mediation is "
        "possible in 2 days"
    )
    assert clock.action(OPENED + dt.timedelta(days=3)).endswith("is possible tomorrow")


@pytest.mark.parametrize(
    "state",
    [
        S.IN_MEDIATION,
        S.RETURN_SHIPPED,
        S.KEPT,
        S.REFUNDED,
        S.MEDIATION_LOST,
        S.CANCELLED,
        S.ORDER_CANCELLED,
    ],
)
def test_no_buyer_clock_in_mediation_in_transit_back_or_closed(state):
    clock = clock_for(
        state,
        delivered_on=day(11, 10),
        protection_ends=day(12, 1),
        dispute_opened_on=OPENED,
        clock_since=SINCE,
    )
    assert clock is None


def test_no_clock_once_the_order_is_cancelled_before_delivery():
    """The protection date that ran in transit stops with the cancellation."""
    assert clock_for(S.IN_TRANSIT, protection_ends=day(12, 1)) is not None
    assert clock_for(S.ORDER_CANCELLED, protection_ends=day(12, 1)) is None
    assert clock_for("order_cancelled", protection_ends=day(12, 1), ordered_on=day(11, 1)) is None


def test_running_clock_accepts_state_names_as_text():
    assert clock_for("awaiting_seller", dispute_opened_on=OPENED) == clock_for(
        S.AWAITING_SELLER, dispute_opened_on=OPENED
    )


def test_clock_kind_names_and_labels():
    assert [k.value for k in ClockKind] == [
        "inspection",
        "seller_response",
        "escalate",
        "ship_back",
        "refund",
    ]
    assert K.SELLER_RESPONSE.label == "seller response"
    assert K.SHIP_BACK.label == "ship back"


@pytest.mark.parametrize(
    ("days_left", "text"),
    [
        (0, "last day"),
        (1, "1 day left"),
        (2, "2 days left"),
        (90, "90 days left"),
        (-1, "1 day overdue"),
        (-2, "2 days overdue"),
    ],
)
def test_describe_days_left(days_left, text):
    assert describe_days_left(days_left) == text


# --- policy numbers drive every deadline ----------------------------------------------


def test_policy_overrides_move_every_deadline():
    policy = DEFAULT_POLICY.with_overrides(
        inspection_window_days=20,
        local_return_window_days=60,
        seller_response_days=3,
        escalation_deadline_days=12,
        ship_back_days=7,
        refund_days=5,
    )
    delivered = day(11, 1)
    assert clock_for(S.WINDOW_OPEN, delivered_on=delivered, policy=policy).deadline == day(11, 21)
    local = clock_for(S.WINDOW_OPEN, delivered_on=delivered, local_return=True, policy=policy)
    assert local.deadline == day(12, 31)
    kw = {"dispute_opened_on": OPENED, "clock_since": SINCE, "policy": policy}
    assert clock_for(S.AWAITING_SELLER, **kw).deadline == OPENED + D(days=3)
    assert clock_for(S.SELLER_REFUSED, **kw).deadline == OPENED + D(days=12)
    assert clock_for(S.RETURN_APPROVED, **kw).deadline == SINCE + D(days=7)
    assert clock_for(S.REFUND_PENDING, **kw).deadline == SINCE + D(days=5)


# --- properties ------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(deadline=dates, today=dates)
def test_days_left_is_deadline_minus_today(deadline, today):
    for kind in ClockKind:
        clock = Clock(kind, deadline, None)
        assert clock.days_left(today) == (deadline - today).days


@settings(max_examples=200, deadline=None)
@given(deadline=dates, offset=offsets, kind=st.sampled_from(list(ClockKind)))
def test_past_deadline_is_expired_for_inspection_and_overdue_for_the_rest(deadline, offset, kind):
    today = deadline + D(days=offset)
    clock = Clock(kind, deadline, None)
    past = offset > 0
    assert clock.is_expired(today) is (past and kind is K.INSPECTION)
    assert clock.is_overdue(today) is (past and kind is not K.INSPECTION)
    # Never both.
    assert not (clock.is_expired(today) and clock.is_overdue(today))
    if past and kind is not K.INSPECTION:
        assert clock.action(today) == OVERDUE_ACTIONS[kind]


@settings(max_examples=150, deadline=None)
@given(
    delivered=dates,
    window_days=st.none() | st.integers(min_value=1, max_value=3650),
    local_return=st.booleans(),
    protection_ends=st.none() | dates,
    inspection=st.integers(min_value=0, max_value=3650),
    local=st.integers(min_value=0, max_value=3650),
)
def test_inspection_deadline_rule(
    delivered, window_days, local_return, protection_ends, inspection, local
):
    policy = DEFAULT_POLICY.with_overrides(
        inspection_window_days=inspection, local_return_window_days=local
    )
    clock = clock_for(
        S.WINDOW_OPEN,
        delivered_on=delivered,
        window_days=window_days,
        local_return=local_return,
        protection_ends=protection_ends,
        policy=policy,
    )
    assert clock is not None and clock.kind is K.INSPECTION
    if window_days is not None:
        by_window = delivered + D(days=window_days)
    else:
        by_window = delivered + D(days=local if local_return else inspection)
    expected = by_window if protection_ends is None else min(protection_ends, by_window)
    assert clock.deadline == expected
    assert clock.started_on == delivered
    assert clock.awaiting_delivery is False


@settings(max_examples=150, deadline=None)
@given(
    opened=dates,
    since=dates,
    seller=st.integers(min_value=0, max_value=3650),
    escalate=st.integers(min_value=0, max_value=3650),
    ship=st.integers(min_value=0, max_value=3650),
    refund=st.integers(min_value=0, max_value=3650),
)
def test_dispute_deadlines_follow_the_policy(opened, since, seller, escalate, ship, refund):
    policy = DEFAULT_POLICY.with_overrides(
        seller_response_days=seller,
        escalation_deadline_days=escalate,
        ship_back_days=ship,
        refund_days=refund,
    )
    kw = {"dispute_opened_on": opened, "clock_since": since, "policy": policy}
    assert clock_for(S.AWAITING_SELLER, **kw) == Clock(
        K.SELLER_RESPONSE, opened + D(days=seller), opened
    )
    assert clock_for(S.SELLER_REFUSED, **kw) == Clock(K.ESCALATE, opened + D(days=escalate), opened)
    assert clock_for(S.RETURN_APPROVED, **kw) == Clock(K.SHIP_BACK, since + D(days=ship), since)
    assert clock_for(S.REFUND_PENDING, **kw) == Clock(K.REFUND, since + D(days=refund), since)


@settings(max_examples=100, deadline=None)
@given(days_left=st.integers(min_value=-10_000, max_value=10_000))
def test_describe_days_left_always_names_the_number(days_left):
    text = describe_days_left(days_left)
    if days_left == 0:
        assert text == "last day"
    elif days_left > 0:
        assert text.startswith(f"{days_left} day") and text.endswith("left")
    else:
        assert text.startswith(f"{-days_left} day") and text.endswith("overdue")
