"""Escalation timing (issue 13): the buyer may escalate from day 4 after opening the
dispute (``escalation_opens_day``) to day 15 (``escalation_deadline_days``). The
rule that refuses an early escalation, the escalate hint and the escalate clock all
take their dates from the same two policy functions, so they cannot disagree.
History (replayed or imported) is never refused; a correction that makes an
escalation early is, naming the event."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.domain import POLICY, TODAY, Case, fresh

from aliret_tui.domain.clocks import ClockKind, clock_action, escalation_opens_in
from aliret_tui.domain.corrections import CorrectionRefused, correct_event
from aliret_tui.domain.evidence import Readiness
from aliret_tui.domain.fields import FieldError
from aliret_tui.domain.hints import HintKind, hints_for
from aliret_tui.domain.models import EventInput
from aliret_tui.domain.replay import replay
from aliret_tui.domain.states import OrderState
from aliret_tui.domain.vocabulary import EventKind
from aliret_tui.domain.workflow import apply_event, opens_on

E = EventKind
D = dt.timedelta
OPENED = dt.date(2026, 11, 10)


def refused_on(opened: dt.date = OPENED, refused_after: int = 0) -> Case:
    """Delivered, dispute opened on ``opened``, refused ``refused_after`` days later."""
    return (
        fresh(delivered_on=(opened - D(days=2)).isoformat(), state="window_open")
        .then(E.OPEN_DISPUTE, on=opened, reason="wrong_size")
        .then(E.SELLER_REFUSED, on=opened + D(days=refused_after))
    )


def escalate(case: Case, on: dt.date, *, today: dt.date = TODAY, policy=POLICY):
    return apply_event(
        case.order,
        EventInput(kind=E.ESCALATED, on=on),
        today=today,
        last_event=case.last,
        policy=policy,
    )


def escalate_hint(case: Case, policy=POLICY, today: dt.date | None = None):
    ready = Readiness(True, True, True)
    (hint,) = [
        h for h in hints_for(case.order, ready, policy, today) if h.kind is HintKind.ESCALATE
    ]
    return hint


# -- the rule ---------------------------------------------------------------------------


def test_escalating_on_day_3_is_refused_naming_the_event_the_day_and_why():
    case = refused_on()
    before = case.order.values()
    with pytest.raises(FieldError) as refused:
        escalate(case, OPENED + D(days=3))
    assert refused.value.field == "on"
    assert refused.value.message == (
        '"Escalated to mediation" is possible from 2026-11-14 '
        "(day 4 after the dispute was opened on 2026-11-10)"
    )
    assert "escalated" not in refused.value.message.replace("Escalated", "")  # no internal id
    assert case.order.values() == before


def test_escalating_on_day_4_and_later_is_accepted():
    for day in (4, 5, 15, 19):
        transition = escalate(refused_on(), OPENED + D(days=day))
        assert transition.order.state is OrderState.IN_MEDIATION
        assert transition.order.dispute.escalated_on == OPENED + D(days=day)


def test_escalating_today_before_the_day_says_how_long_to_wait():
    today = OPENED + D(days=2)
    with pytest.raises(FieldError, match=r"possible from 2026-11-14, in 2 days \(day 4"):
        escalate(refused_on(), today, today=today)
    today = OPENED + D(days=3)
    with pytest.raises(FieldError, match=r"possible from 2026-11-14, tomorrow \(day 4"):
        escalate(refused_on(), today, today=today)


def test_the_rule_holds_in_every_state_escalation_is_allowed_in():
    """Waiting for the seller, or after they agreed to a return: still day 4."""
    awaiting = fresh(delivered_on="2026-11-08", state="window_open").then(
        E.OPEN_DISPUTE, on=OPENED, reason="item_defective"
    )
    approved = awaiting.then(E.RETURN_APPROVED, on=OPENED + D(days=1))
    for case in (awaiting, approved):
        assert E.ESCALATED in case.allowed()
        with pytest.raises(FieldError, match="possible from 2026-11-14"):
            escalate(case, OPENED + D(days=3))
        assert escalate(case, OPENED + D(days=4)).order.state is OrderState.IN_MEDIATION


def test_the_first_day_comes_from_the_policy():
    early = POLICY.with_overrides(escalation_opens_day=2)
    assert escalate(refused_on(), OPENED + D(days=2), policy=early).order.dispute.escalated_on
    with pytest.raises(FieldError, match=r"possible from 2026-11-12 \(day 2 after"):
        escalate(refused_on(), OPENED + D(days=1), policy=early)
    same_day = POLICY.with_overrides(escalation_opens_day=0)
    assert escalate(refused_on(), OPENED, policy=same_day).order.state is OrderState.IN_MEDIATION


def test_without_a_policy_history_is_applied_as_it_happened():
    transition = escalate(refused_on(), OPENED + D(days=1), policy=None)
    assert transition.order.dispute.escalated_on == OPENED + D(days=1)


def test_opens_on_is_set_only_for_escalation():
    case = refused_on()
    assert opens_on(case.order, E.ESCALATED, POLICY) == dt.date(2026, 11, 14)
    assert opens_on(case.order, E.CANCELLED, POLICY) is None
    assert opens_on(fresh().order, E.ESCALATED, POLICY) is None  # no dispute yet


# -- the hint and the clock agree with the rule ------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    opens_day=st.integers(0, 10),
    deadline_days=st.integers(10, 30),
    offset=st.integers(0, 12),
)
def test_the_hint_the_clock_and_the_rule_give_the_same_days(opens_day, deadline_days, offset):
    policy = POLICY.with_overrides(
        escalation_opens_day=opens_day, escalation_deadline_days=deadline_days
    )
    case = refused_on()
    first = policy.escalation_opens_on(OPENED)
    last = policy.escalation_deadline(OPENED)
    hint = escalate_hint(case, policy)
    assert f"possible from {first}, at the latest {last}" in hint.detail
    assert case.order.clock(policy).deadline == last
    assert case.order.clock(policy).kind is ClockKind.ESCALATE
    on = OPENED + D(days=offset)
    # What the clock says to do follows the same day, from the order or from the
    # deadline alone (check's quick path).
    clock = case.order.clock(policy)
    action = clock.action(on)
    assert ("escalating to AliExpress mediation is possible" in action) is (on < first), action
    days_left = clock.days_left(on)
    opens_in = escalation_opens_in(days_left, policy)
    assert clock_action(ClockKind.ESCALATE, days_left, False, opens_in) == action
    try:
        escalate(case, on, policy=policy)
        accepted = True
    except FieldError as refused:
        accepted = False
        assert f"possible from {first.isoformat()}" in refused.message
    assert accepted is (on >= first)


def test_the_hint_before_the_day_says_when_instead_of_now():
    case = refused_on()
    early = escalate_hint(case, today=OPENED + D(days=1))
    assert early.title == "Seller refused: escalate from 2026-11-14"
    assert "possible from 2026-11-14, in 3 days (day 4 after the dispute" in early.detail
    assert "at the latest 2026-11-25" in early.detail
    assert "photos, messages and tracking" in early.detail
    for today in (OPENED + D(days=4), OPENED + D(days=20), None):
        assert escalate_hint(case, today=today).title == "Seller refused: escalate now"


# -- history and corrections ------------------------------------------------------------


def early_history() -> Case:
    """A timeline imported as it happened: escalated on day 2."""
    case = refused_on()
    step = escalate(case, OPENED + D(days=2), policy=None)
    return Case(step.order, (*case.events, step.event), case.evidence)


def test_replaying_history_never_refuses_an_early_escalation():
    case = early_history()
    facts = case.order.facts
    replayed = replay(facts, case.events, today=TODAY)
    assert replayed.dispute.escalated_on == OPENED + D(days=2)
    assert replayed.state is OrderState.IN_MEDIATION


def in_mediation() -> Case:
    return refused_on(refused_after=2).then(E.ESCALATED, on=OPENED + D(days=5))


def test_correcting_the_escalation_to_before_its_day_is_refused_naming_it():
    case = in_mediation()
    with pytest.raises(CorrectionRefused) as refused:
        correct_event(case.order, case.events, 3, {"on": "2026-11-13"}, today=TODAY)
    assert str(refused.value) == (
        "the timeline would not hold: event 3 (Escalated to mediation): on: 2026-11-13 is "
        "before 2026-11-14, the first day to escalate (day 4 after the dispute was opened "
        "on 2026-11-10)"
    )
    moved = correct_event(case.order, case.events, 3, {"on": "2026-11-14"}, today=TODAY)
    assert moved.order.dispute.escalated_on == dt.date(2026, 11, 14)


def test_moving_the_dispute_later_so_the_escalation_is_early_is_refused_naming_it():
    case = in_mediation()  # opened 11-10, escalated 11-15
    with pytest.raises(CorrectionRefused, match=r"event 3 \(Escalated to mediation\).*11-16"):
        correct_event(case.order, case.events, 1, {"on": "2026-11-12"}, today=TODAY)
    moved = correct_event(case.order, case.events, 1, {"on": "2026-11-11"}, today=TODAY)
    assert moved.order.dispute.opened_on == dt.date(2026, 11, 11)


def test_the_policy_of_the_correction_is_used():
    case = in_mediation()
    early = POLICY.with_overrides(escalation_opens_day=2)
    fixed = correct_event(
        case.order, case.events, 3, {"on": "2026-11-12"}, today=TODAY, policy=early
    )
    assert fixed.order.dispute.escalated_on == dt.date(2026, 11, 12)


def test_history_with_an_early_escalation_can_still_be_corrected_elsewhere():
    case = early_history()
    noted = correct_event(case.order, case.events, 2, {"note": "refused by chat"}, today=TODAY)
    assert noted.order.dispute.escalated_on == OPENED + D(days=2)
    # ... but moving that early escalation is held to the rule.
    with pytest.raises(CorrectionRefused, match=r"event 3 \(Escalated to mediation\)"):
        correct_event(case.order, case.events, 3, {"on": "2026-11-13"}, today=TODAY)
