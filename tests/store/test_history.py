"""Reading every order's history for the statistics, from real SQLite files."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal

import pytest

from aliret_tui.domain.policy import DEFAULT_POLICY
from aliret_tui.reports.statistics import MoneyCount, compute_statistics
from aliret_tui.store.history import read_histories
from aliret_tui.store.readonly import connect_readonly

D = Decimal


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture
def filled(store, make_facts, event, db_path):
    """Orders in several states, written through the store's public API."""
    store.add_order(
        make_facts(
            "1", store="Lamps", ordered_on="2026-01-20", delivered_on="2026-02-01", price="20.00"
        )
    )
    store.record_event("1", event("open_dispute", on="2026-02-03", reason="wrong_size"))
    store.record_event("1", event("seller_agreed", on="2026-02-05", amount="8.00"))
    store.record_event("1", event("refunded", on="2026-02-09", amount="8.00"))
    store.add_order(make_facts("2", delivered_on="2026-03-01", currency="EUR", price="15.00"))
    store.add_order(make_facts("3", delivered_on="2025-12-01", price="30.00"))  # window expired
    store.set_archived("3", True)
    store.add_order(make_facts("4"))  # in transit
    store.add_order(make_facts("5", store="Cables", delivered_on="2026-02-01"))
    for kind, on, values in (
        ("open_dispute", "2026-02-02", {"reason": "item_defective"}),
        ("return_approved", "2026-02-04", {}),
        ("return_shipped", "2026-02-06", {"tracking": "RR1"}),
        ("return_delivered", "2026-03-01", {}),
    ):
        store.record_event("5", event(kind, on=on, **values))
    store.add_order(make_facts("7"))  # events before any dispute are left out
    store.record_event("7", event("delivered", on="2026-03-02"))
    store.record_event("7", event("keep", on="2026-03-03"))
    return db_path


def by_id(histories) -> dict:
    return {history.order_id: history for history in histories}


def test_reads_every_order_with_its_dispute_and_timeline(filled):
    with sqlite3.connect(filled) as conn:
        histories = by_id(read_histories(conn))
    assert sorted(histories) == ["1", "2", "3", "4", "5", "7"]

    refunded = histories["1"]
    assert (refunded.store, refunded.currency, refunded.price) == ("Lamps", "USD", D("20.00"))
    assert refunded.state == "refunded" and refunded.archived is False
    assert (refunded.ordered_on, refunded.delivered_on) == (day("2026-01-20"), day("2026-02-01"))
    assert refunded.events == (
        ("open_dispute", day("2026-02-03"), None),
        ("seller_agreed", day("2026-02-05"), D("8.00")),
        ("refunded", day("2026-02-09"), D("8.00")),
    )
    assert (refunded.dispute_reason, refunded.wanted_outcome) == (
        "wrong_size",
        "return_and_refund",
    )
    assert refunded.dispute_opened_on == day("2026-02-03")
    assert refunded.refund_due_since == day("2026-02-05")
    assert refunded.refund_expected == D("8.00") and refunded.refund_amount == D("8.00")
    assert refunded.refunded_on == day("2026-02-09") and refunded.deadline is None

    window = histories["2"]
    assert window.state == "window_open" and window.deadline == day("2026-03-16")
    assert window.events == () and window.dispute_opened_on is None
    assert (window.currency, window.price) == ("EUR", D("15.00"))

    expired = histories["3"]
    assert expired.archived is True and expired.deadline == day("2025-12-16")
    assert histories["4"].state == "in_transit" and histories["4"].deadline is None

    kept = histories["7"]
    assert kept.state == "kept" and kept.delivered_on == day("2026-03-02")
    assert kept.events == ()

    returned = histories["5"]
    assert returned.state == "refund_pending"
    assert [kind for kind, _, _ in returned.events] == [
        "open_dispute", "return_approved", "return_shipped", "return_delivered"
    ]  # fmt: skip
    assert returned.return_approved_on == day("2026-02-04")
    assert returned.refund_due_since == day("2026-03-01") and returned.refunded_on is None


def test_the_figures_from_a_real_file(filled, today):
    with sqlite3.connect(filled) as conn:
        stats = compute_statistics(read_histories(conn), today=today, policy=DEFAULT_POLICY)
    assert stats.recovered_total == {"USD": MoneyCount(1, D("8.00"))}
    assert stats.delays == (4,)
    assert stats.open_windows == {"EUR": MoneyCount(1, D("15.00"))}
    assert stats.open_disputes == {"USD": MoneyCount(1, D("12.50"))}  # the return not refunded
    assert stats.missed == {"USD": MoneyCount(1, D("30.00"))}  # archived, still missed
    assert [(s.store, s.orders, s.disputes) for s in stats.stores] == [
        ("Cables", 1, 1), ("Lamps", 1, 1)
    ]  # fmt: skip


def test_the_open_connection_of_the_store_reads_the_same(filled, store):
    with sqlite3.connect(filled) as conn:
        expected = by_id(read_histories(conn))
    assert by_id(read_histories(store.db.conn, store.policy)) == expected
    assert not store.db.conn.in_transaction


def test_reading_writes_nothing(filled):
    before = filled.read_bytes()
    conn = connect_readonly(str(filled), timeout=1)
    try:
        conn.execute("PRAGMA query_only = ON")
        assert len(read_histories(conn, DEFAULT_POLICY)) == 6
        assert not conn.in_transaction
    finally:
        conn.close()
    assert filled.read_bytes() == before


def test_window_ends_follow_a_changed_policy(filled):
    """Deadlines stored under other rules are not trusted: open windows are recomputed."""
    longer = DEFAULT_POLICY.with_overrides(inspection_window_days=30)
    with sqlite3.connect(filled) as conn:
        stored = by_id(read_histories(conn, DEFAULT_POLICY))
        recomputed = by_id(read_histories(conn, longer))
    assert stored["2"].deadline == day("2026-03-16")
    assert recomputed["2"].deadline == day("2026-03-31")
    assert recomputed["3"].deadline == day("2025-12-31")
    assert recomputed["1"].deadline is None  # closed: no window


def test_store_names_are_cleaned_of_terminal_controls(filled):
    with sqlite3.connect(filled) as conn:  # a database edited by hand
        conn.execute("UPDATE orders SET store = ? WHERE order_id = '2'", ["Evil\x1b[2J\x07Shop"])
        histories = by_id(read_histories(conn))
    assert histories["2"].store == "EvilShop"


def test_an_order_without_a_timeline_keeps_its_dispute_columns(filled, today):
    with sqlite3.connect(filled) as conn:  # as an import that gave the state, not the events
        conn.execute("DELETE FROM events WHERE order_id = '1'")
        histories = read_histories(conn)
    refunded = by_id(histories)["1"]
    assert refunded.events == () and refunded.refunded_on == day("2026-02-09")
    stats = compute_statistics(histories, today=today, policy=DEFAULT_POLICY)
    assert stats.recovered_total == {"USD": MoneyCount(1, D("8.00"))}
    assert stats.delays == (4,)


def test_an_empty_store_and_a_blank_file_read_as_no_orders(store, tmp_path):
    assert read_histories(store.db.conn) == []
    blank = tmp_path / "blank.db"
    with sqlite3.connect(blank) as conn:
        assert read_histories(conn, DEFAULT_POLICY) == []
