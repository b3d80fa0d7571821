"""The timeline is the source of truth: replaying any recorded log gives the stored
order, taking back the last event gives the order as it was before it, and a
correction the workflow could not have produced is refused, naming the event."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.domain import POLICY, TODAY, Case, fresh

from aliret_tui.domain.corrections import (
    CorrectionRefused,
    correct_event,
    describe_correction,
    remove_last_event,
)
from aliret_tui.domain.fields import FieldError
from aliret_tui.domain.replay import replay
from aliret_tui.domain.vocabulary import EventKind, Outcome, Reason

E = EventKind
D = dt.timedelta
DERIVED = ("state", "clock_since", "dispute", "delivered_on")


def derived(order) -> tuple:
    return tuple(getattr(order, name) for name in DERIVED)


def values_for(data: st.DataObject, case: Case, kind: EventKind) -> dict:
    if kind is E.OPEN_DISPUTE:
        arrived = case.order.delivered_on is not None or case.order.delivery_unknown
        reasons = list(Reason) if arrived else [Reason.NOT_RECEIVED]
        return {"reason": data.draw(st.sampled_from(reasons))}
    if kind is E.MEDIATION_WON:
        return {"outcome": data.draw(st.sampled_from(list(Outcome)))}
    if kind is E.RETURN_SHIPPED:
        return {"tracking": "RR123456789CN", "carrier": data.draw(st.sampled_from(["", "DHL"]))}
    if kind in (E.SELLER_AGREED, E.REFUNDED):
        return {"amount": data.draw(st.sampled_from([None, "5.00"]))}
    return {}


def random_history(data: st.DataObject) -> list[Case]:
    """Each step of one random, valid history, from a fresh order."""
    delivered = data.draw(st.booleans(), label="delivered at the start")
    case = fresh(delivered_on="2026-11-05", state="window_open") if delivered else fresh()
    current = dt.date(2026, 11, 5)
    steps = [case]
    for _ in range(data.draw(st.integers(min_value=1, max_value=10), label="steps")):
        # Escalating opens on day 4 of the dispute: only once that day has come.
        opens = (
            POLICY.escalation_opens_on(case.order.dispute.opened_on) if case.order.dispute else None
        )
        allowed = [k for k in case.allowed() if k is not E.ESCALATED or opens <= TODAY]
        if not allowed:
            break
        kind = data.draw(st.sampled_from(allowed), label="kind")
        current = min(current + D(days=data.draw(st.integers(0, 4), label="gap")), TODAY)
        if kind is E.ESCALATED:
            current = max(current, opens)
        case = case.then(kind, on=current, **values_for(data, case, kind))
        steps.append(case)
    return steps


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_replaying_any_recorded_log_gives_the_recorded_order(data):
    steps = random_history(data)
    final = steps[-1]
    delivered_by_event = any(event.kind is E.DELIVERED for event in final.events)
    facts = final.order.facts
    if delivered_by_event:
        facts = facts.replace(delivered_on=None)
    replayed = replay(facts, final.events, today=TODAY)
    assert derived(replayed) == derived(final.order)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_taking_back_the_last_event_gives_the_order_before_it(data):
    steps = random_history(data)
    if len(steps) < 2:
        return
    before, after = steps[-2], steps[-1]
    correction = remove_last_event(after.order, after.events, today=TODAY)
    assert derived(correction.order) == derived(before.order)
    assert correction.events == before.events
    assert correction.before == after.events[-1] and correction.after is None


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_correction_is_applied_or_refused_with_the_event_named(data):
    steps = random_history(data)
    final = steps[-1]
    if not final.events:
        return
    seq = data.draw(st.integers(1, len(final.events)), label="seq")
    moved = final.events[seq - 1].on + D(days=data.draw(st.integers(-6, 6), label="shift"))
    try:
        correction = correct_event(final.order, final.events, seq, {"on": moved}, today=TODAY)
    except CorrectionRefused as refused:
        assert "event " in str(refused) or "nothing to correct" in str(refused)
        return
    except FieldError as error:
        assert error.field == "on"
        return
    assert correction.after.on == moved
    assert [event.seq for event in correction.events] == list(range(1, len(final.events) + 1))
    # What is stored after a correction replays to itself.
    facts = correction.order.facts
    if any(event.kind is E.DELIVERED for event in correction.events):
        facts = facts.replace(delivered_on=None)
    assert derived(replay(facts, correction.events, today=TODAY)) == derived(correction.order)


def kept_after_dispute() -> Case:
    return (
        fresh(delivered_on="2026-11-05", state="window_open")
        .then(E.OPEN_DISPUTE, on=dt.date(2026, 11, 8), reason=Reason.WRONG_SIZE)
        .then(E.SELLER_REFUSED, on=dt.date(2026, 11, 10))
    )


def test_a_correction_that_breaks_the_timeline_names_the_event():
    case = kept_after_dispute()
    with pytest.raises(CorrectionRefused, match=r"event 2 \(Seller refused\).*before the last"):
        correct_event(case.order, case.events, 1, {"on": "2026-11-12"}, today=TODAY)


def test_typed_values_are_read_as_the_event_form_reads_them():
    case = kept_after_dispute()
    correction = correct_event(case.order, case.events, 2, {"on": "-18"}, today=TODAY)
    assert correction.after.on == TODAY - D(days=18)
    assert describe_correction(correction.before, correction.after) == (
        'Corrected "Seller refused" (2026-11-10): date 2026-11-10 → 2026-11-11'
    )


def test_an_unchanged_correction_and_an_unknown_event_are_refused():
    case = kept_after_dispute()
    with pytest.raises(CorrectionRefused, match="nothing to correct"):
        correct_event(case.order, case.events, 1, {"reason": "wrong_size"}, today=TODAY)
    with pytest.raises(FieldError, match=r"no event 7 .its events are 1 to 2"):
        correct_event(case.order, case.events, 7, {"on": "today"}, today=TODAY)
    with pytest.raises(FieldError, match="kind"):
        correct_event(case.order, case.events, 1, {"kind": "keep"}, today=TODAY)


def test_nothing_to_take_back_says_where_the_delivery_date_is_changed():
    with pytest.raises(CorrectionRefused, match=r"no recorded event.*edit it"):
        remove_last_event(fresh(delivered_on="2026-11-05").order, (), today=TODAY)
