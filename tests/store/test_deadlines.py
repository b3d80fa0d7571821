"""The stored deadline cache and ``due_items``, the fast path ``check`` uses."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3

import pytest

from aliret_tui.domain.clocks import ClockKind
from aliret_tui.domain.policy import DEFAULT_POLICY
from aliret_tui.store import due
from aliret_tui.store.due import DatabaseUnreadable, due_items
from aliret_tui.store.store import Store

D = dt.date.fromisoformat


@pytest.fixture
def scenario(store, make_facts, event):
    """Orders with every kind of clock, around today (2026-03-10), N = 7.

    Expected (deadline, order id, clock) within 7 days, in order:
    """
    add, record = store.add_order, store.record_event
    # Inspection windows (15 days by default).
    add(make_facts("insp-last-day", delivered_on="2026-02-23"))  # 03-10, days_left 0
    add(make_facts("insp-day-n", delivered_on="2026-03-02"))  # 03-17, days_left 7
    add(make_facts("insp-day-n1", delivered_on="2026-03-03"))  # 03-18, days_left 8: out
    add(make_facts("insp-expired", delivered_on="2026-02-20"))  # 03-07: expired, out
    add(make_facts("insp-protection", protection_ends="2026-03-11"))  # not delivered: 03-11
    add(make_facts("local-90", delivered_on="2025-12-15", local_return="true"))  # 03-15
    add(make_facts("no-clock"))  # in transit, no dates: no clock
    # Refund overdue: seller agreed on 02-03, refund due 02-10 (days_left -28).
    add(make_facts("refund-overdue", delivered_on="2026-02-01"))
    record("refund-overdue", event("open_dispute", on="2026-02-02", reason="other"))
    record("refund-overdue", event("seller_agreed", on="2026-02-03"))
    # Seller response: opened 03-08, seller has until 03-13.
    add(make_facts("seller", delivered_on="2026-03-01"))
    record("seller", event("open_dispute", on="2026-03-08", reason="wrong_item"))
    # Escalate: opened 02-25 + 15 = 03-12; ship back approved 03-02 + 10 = 03-12 (same day).
    add(make_facts("zz-escalate", delivered_on="2026-02-24"))
    record("zz-escalate", event("open_dispute", on="2026-02-25", reason="counterfeit"))
    record("zz-escalate", event("seller_refused", on="2026-02-26"))
    add(make_facts("aa-ship", delivered_on="2026-02-28"))
    record("aa-ship", event("open_dispute", on="2026-03-01", reason="wrong_size"))
    record("aa-ship", event("return_approved", on="2026-03-02"))
    # In mediation: no buyer clock. Kept: closed.
    add(make_facts("mediation", delivered_on="2026-03-01"))
    record("mediation", event("open_dispute", on="2026-03-02", reason="missing_parts"))
    record("mediation", event("escalated", on="2026-03-06"))
    add(make_facts("kept", delivered_on="2026-03-05"))
    record("kept", event("keep", on="2026-03-06"))
    # Archived orders are not checked.
    add(make_facts("archived", delivered_on="2026-03-01"))
    store.set_archived("archived", True)
    return store


EXPECTED_WITHIN_7 = [
    ("2026-02-10", "refund-overdue", ClockKind.REFUND, -28),
    ("2026-03-10", "insp-last-day", ClockKind.INSPECTION, 0),
    ("2026-03-11", "insp-protection", ClockKind.INSPECTION, 1),
    ("2026-03-12", "aa-ship", ClockKind.SHIP_BACK, 2),
    ("2026-03-12", "zz-escalate", ClockKind.ESCALATE, 2),
    ("2026-03-13", "seller", ClockKind.SELLER_RESPONSE, 3),
    ("2026-03-15", "local-90", ClockKind.INSPECTION, 5),
    ("2026-03-17", "insp-day-n", ClockKind.INSPECTION, 7),
]


def _summary(items):
    return [(i.deadline.isoformat(), i.order_id, i.clock, i.days_left) for i in items]


def _stored(path):
    conn = sqlite3.connect(path)
    try:
        return {
            row[0]: (row[1], row[2])
            for row in conn.execute("SELECT order_id, clock, deadline FROM orders")
        }
    finally:
        conn.close()


def _expected_columns(store, policy):
    result = {}
    for order in store.list_orders(include_archived=True):
        clock = order.clock(policy)
        result[order.order_id] = (
            (clock.kind.value, clock.deadline.isoformat()) if clock else (None, None)
        )
    return result


def _force_recompute(path):
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = 'stale' WHERE key = 'policy'")
    conn.commit()
    conn.close()


def test_stored_deadline_columns_match_the_domain_clocks(scenario, db_path):
    stored = _stored(db_path)
    assert stored == _expected_columns(scenario, DEFAULT_POLICY)
    assert stored["refund-overdue"] == ("refund", "2026-02-10")
    assert stored["mediation"] == (None, None)
    assert stored["kept"] == (None, None)
    assert stored["insp-protection"] == ("inspection", "2026-03-11")


def test_reopening_with_another_policy_recomputes_the_stored_deadlines(scenario, db_path, clock):
    scenario.close()
    policy = DEFAULT_POLICY.with_overrides(inspection_window_days=30, refund_days=3)
    with Store(db_path, policy=policy, time=clock) as reopened:
        stored = _stored(db_path)
        assert stored == _expected_columns(reopened, policy)
    assert stored["insp-last-day"] == ("inspection", "2026-03-25")
    assert stored["refund-overdue"] == ("refund", "2026-02-06")
    assert stored["insp-protection"] == ("inspection", "2026-03-11")  # protection date wins
    assert stored["local-90"] == ("inspection", "2026-03-15")  # local return window unchanged
    # And back again with the default policy.
    with Store(db_path, time=clock) as reopened:
        assert _stored(db_path) == _expected_columns(reopened, DEFAULT_POLICY)
    assert _stored(db_path)["insp-last-day"] == ("inspection", "2026-03-10")


def test_due_items_from_stored_deadlines(scenario, db_path, today, monkeypatch):
    def not_this_path(*args):
        raise AssertionError("the stored deadlines should have been used")

    monkeypatch.setattr(due, "_computed_now", not_this_path)
    assert _summary(due_items(db_path, DEFAULT_POLICY, today, 7)) == EXPECTED_WITHIN_7


def test_due_items_recomputed_when_the_policy_changed(scenario, db_path, today, monkeypatch):
    scenario.close()
    _force_recompute(db_path)

    def not_this_path(*args):
        raise AssertionError("the deadlines should have been computed")

    monkeypatch.setattr(due, "_from_stored_deadlines", not_this_path)
    assert _summary(due_items(db_path, DEFAULT_POLICY, today, 7)) == EXPECTED_WITHIN_7


@pytest.mark.parametrize("days", [0, 1, 2, 5, 7, 8, 30, 100])
def test_both_paths_agree(scenario, db_path, today, tmp_path, days):
    scenario.close()
    copy = tmp_path / "copy.db"
    shutil.copy(db_path, copy)
    _force_recompute(copy)
    fast = due_items(db_path, DEFAULT_POLICY, today, days)
    slow = due_items(copy, DEFAULT_POLICY, today, days)
    assert fast == slow
    assert [(i.deadline, i.order_id) for i in fast] == sorted(
        (i.deadline, i.order_id) for i in fast
    )


@pytest.mark.parametrize("days", [0, 7, 100])
def test_both_paths_agree_for_a_different_policy(scenario, db_path, today, clock, days):
    policy = DEFAULT_POLICY.with_overrides(inspection_window_days=30)
    scenario.close()
    recomputed = due_items(db_path, policy, today, days)  # fingerprint mismatch
    Store(db_path, policy=policy, time=clock).close()  # rewrites the cache
    stored = due_items(db_path, policy, today, days)
    assert recomputed == stored


def test_boundaries(scenario, db_path, today):
    items = {i.order_id: i for i in due_items(db_path, DEFAULT_POLICY, today, 7)}
    assert items["insp-last-day"].days_left == 0  # the last day is included
    assert items["insp-day-n"].days_left == 7  # day N is included
    assert "insp-day-n1" not in items  # day N + 1 is not
    assert "insp-expired" not in items  # an expired window is not due
    assert items["refund-overdue"].overdue and items["refund-overdue"].days_left == -28
    assert "Refund overdue" in items["refund-overdue"].action
    assert "not received" in items["insp-protection"].action
    assert not {"mediation", "kept", "archived", "no-clock"} & set(items)
    wider = {i.order_id for i in due_items(db_path, DEFAULT_POLICY, today, 8)}
    assert "insp-day-n1" in wider and "insp-expired" not in wider


def test_an_inspection_window_expires_the_day_after_its_deadline(scenario, db_path, today):
    tomorrow = today + dt.timedelta(days=1)
    ids = {i.order_id for i in due_items(db_path, DEFAULT_POLICY, tomorrow, 7)}
    assert "insp-last-day" not in ids
    assert "refund-overdue" in ids  # actionable clocks stay listed while overdue


def test_as_json_has_the_documented_keys(scenario, db_path, today):
    item = due_items(db_path, DEFAULT_POLICY, today, 7)[0]
    data = item.as_json()
    assert data["order_id"] == "refund-overdue"
    assert data["clock"] == "refund"
    assert data["deadline"] == "2026-02-10"
    assert data["days_left"] == -28
    assert isinstance(data["title"], str) and isinstance(data["action"], str)


def test_missing_database_has_nothing_due(tmp_path, today):
    path = tmp_path / "none.db"
    assert due_items(path, DEFAULT_POLICY, today, 7) == []
    assert not path.exists()


def test_due_items_refuses_a_file_that_is_not_sqlite(tmp_path, today):
    path = tmp_path / "junk.db"
    path.write_bytes(b"definitely not sqlite" * 10)
    before = path.read_bytes()
    with pytest.raises(DatabaseUnreadable):
        due_items(path, DEFAULT_POLICY, today, 7)
    assert path.read_bytes() == before


def test_due_items_refuses_a_newer_schema(scenario, db_path, today):
    scenario.close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(DatabaseUnreadable, match="newer"):
        due_items(db_path, DEFAULT_POLICY, today, 7)


def test_due_items_does_not_write(scenario, db_path, today, tmp_path):
    scenario.close()
    _force_recompute(db_path)
    before = db_path.read_bytes()
    due_items(db_path, DEFAULT_POLICY, today, 7)
    assert db_path.read_bytes() == before


def test_stored_deadlines_follow_the_earlier_of_protection_and_window(
    store, make_facts, event, db_path, today, tmp_path
):
    """Once delivered, the earlier of the protection date and the window is stored."""
    store.add_order(
        make_facts("later-protection", delivered_on="2026-03-01", protection_ends="2026-04-30")
    )
    store.add_order(
        make_facts("earlier-protection", delivered_on="2026-03-01", protection_ends="2026-03-12")
    )
    store.add_order(make_facts("not-delivered", protection_ends="2026-04-30"))
    store.add_order(make_facts("cancelled", protection_ends="2026-03-11"))
    store.record_event("cancelled", event("order_cancelled", on="2026-03-05"))
    stored = _stored(db_path)
    assert stored == _expected_columns(store, DEFAULT_POLICY)
    assert stored["later-protection"] == ("inspection", "2026-03-16")
    assert stored["earlier-protection"] == ("inspection", "2026-03-12")
    assert stored["not-delivered"] == ("inspection", "2026-04-30")
    assert stored["cancelled"] == (None, None)
    store.close()
    fast = due_items(db_path, DEFAULT_POLICY, today, 7)
    copy = tmp_path / "copy.db"
    shutil.copy(db_path, copy)
    _force_recompute(copy)
    assert due_items(copy, DEFAULT_POLICY, today, 7) == fast
    assert [(i.order_id, i.deadline.isoformat()) for i in fast] == [
        ("earlier-protection", "2026-03-12"),
        ("later-protection", "2026-03-16"),
    ]


def test_an_order_delivered_on_an_unknown_day_stores_no_deadline(store, make_facts, db_path, today):
    store.add_order(make_facts("unknown-day", protection_ends="2026-03-12"))
    assert _stored(db_path)["unknown-day"] == ("inspection", "2026-03-12")
    conn = sqlite3.connect(db_path)
    conn.execute(
        "UPDATE orders SET state = 'window_open', delivery_unknown = 1 WHERE order_id = ?",
        ["unknown-day"],
    )
    conn.commit()
    conn.close()
    order = store.get_order("unknown-day")
    assert order.delivery_unknown is True
    assert order.clock(DEFAULT_POLICY) is None
    # Saving it again (any edit) keeps the flag and stores no clock.
    store.set_archived("unknown-day", False)
    assert _stored(db_path)["unknown-day"] == (None, None)
    assert store.get_order("unknown-day").delivery_unknown is True
    assert "unknown-day" not in {i.order_id for i in due_items(db_path, DEFAULT_POLICY, today, 7)}
