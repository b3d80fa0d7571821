"""Taking back and correcting events on a real SQLite file: the order follows the
corrected timeline, the audit trail keeps what was there, and a refused correction
writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from support.sqlite_files import dump_database

from aliret_tui.domain.corrections import CorrectionRefused
from aliret_tui.domain.states import OrderState
from aliret_tui.store.errors import EditConflict


@pytest.fixture
def disputed(store, make_facts, event):
    store.add_order(make_facts("1", delivered_on="2026-03-01", price="20.00"))
    store.record_event("1", event("open_dispute", on="2026-03-02", reason="wrong_size"))
    store.record_event("1", event("seller_refused", on="2026-03-03"))
    return store


def test_taking_back_the_last_event_restores_the_state_and_keeps_an_audit_entry(disputed):
    store = disputed
    correction = store.take_back_last_event("1")
    order = store.get_order("1")
    assert order.state is OrderState.AWAITING_SELLER
    assert order.clock_since == dt.date(2026, 3, 2)
    assert [event.kind.value for event in store.events("1")] == ["open_dispute"]
    assert correction.summary == 'Took back "Seller refused" (2026-03-03)'
    [entry] = store.event_corrections("1")
    assert entry.seq == 2 and entry.after is None
    assert entry.before.kind.value == "seller_refused"
    assert entry.corrected_at == "2026-03-10T09:30:00"


def test_taking_back_the_dispute_removes_it_and_its_untouched_checklist(disputed):
    store = disputed
    items = store.evidence("1")
    assert items
    store.set_evidence_done("1", items[0].id, True)
    store.take_back_last_event("1")
    store.take_back_last_event("1")
    order = store.get_order("1")
    assert order.state is OrderState.WINDOW_OPEN and order.dispute is None
    assert store.db.execute("SELECT count(*) FROM disputes").fetchone()[0] == 0
    # The item the user ticked stays; the rest of the checklist goes.
    assert [item.label for item in store.evidence("1")] == [items[0].label]
    assert len(store.event_corrections("1")) == 2


def test_a_correction_changes_the_event_and_the_clock(disputed):
    store = disputed
    correction = store.correct_event("1", 1, {"on": "2026-03-01", "note": "opened at noon"})
    assert correction.summary == (
        'Corrected "Opened a dispute" (2026-03-02): date 2026-03-02 → 2026-03-01; '
        "note (none) → opened at noon"
    )
    events = store.events("1")
    assert events[0].on == dt.date(2026, 3, 1) and events[0].note == "opened at noon"
    assert store.get_order("1").dispute.opened_on == dt.date(2026, 3, 1)
    [entry] = store.event_corrections("1")
    assert entry.before.on == dt.date(2026, 3, 2) and entry.after.on == dt.date(2026, 3, 1)


def test_a_refused_correction_writes_nothing(disputed, db_path):
    store = disputed
    before = dump_database(db_path)
    with pytest.raises(CorrectionRefused, match=r"event 2 .Seller refused."):
        store.correct_event("1", 1, {"on": "2026-03-05"})
    with pytest.raises(CorrectionRefused, match="nothing to correct"):
        store.correct_event("1", 2, {"on": "2026-03-03"})
    assert dump_database(db_path) == before


def test_a_correction_on_an_order_changed_elsewhere_is_refused(disputed):
    store = disputed
    version = store.get_order("1").version
    store.set_archived("1", True)
    with pytest.raises(EditConflict):
        store.take_back_last_event("1", expected_version=version)
    assert len(store.events("1")) == 2


def test_a_corrected_order_keeps_being_archived(disputed):
    store = disputed
    store.set_archived("1", True)
    store.take_back_last_event("1")
    assert store.get_order("1").archived
