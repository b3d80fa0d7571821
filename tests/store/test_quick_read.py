"""The dashboard's first rows, read before the store opens: the same rows as the
store's, or None whenever only the store can be trusted with the file."""

from __future__ import annotations

import sqlite3

import pytest

from aliret_tui.domain.policy import DEFAULT_POLICY
from aliret_tui.store.quick_read import live_dashboard_rows
from aliret_tui.store.store import Store
from aliret_tui.store.version import SCHEMA_VERSION


@pytest.fixture
def filled(db_path, clock, make_facts, event):
    with Store(db_path, time=clock) as store:
        store.add_order(make_facts("1", delivered_on="2026-03-05"))  # window open: live
        store.add_order(make_facts("2", delivered_on="2025-01-05"))  # window expired
        store.add_order(make_facts("3"))  # in transit: live
        store.add_order(make_facts("4", delivered_on="2026-03-01"))
        store.record_event("4", event("open_dispute", on="2026-03-02", reason="wrong_size"))
        store.add_order(make_facts("5", delivered_on="2026-03-09"))
        store.set_archived("5", True)
    return db_path


def test_gives_the_live_rows_the_store_gives(filled, clock, today):
    quick = live_dashboard_rows(filled, DEFAULT_POLICY, today)
    with Store(filled, time=clock) as store:
        assert sorted(quick) == sorted(store.dashboard_rows(today, live=True))
    assert sorted(row[0] for row in quick) == ["1", "3", "4"]


def test_every_kind_of_live_order_is_read_once_and_no_other(filled, clock, today):
    """The quick read takes the live orders in three parts (one index range each):
    together exactly the store's live orders, none twice, whatever the deadline
    and delivery of an open window, archived or not."""
    with sqlite3.connect(filled) as conn:
        for order_id, delivered, deadline, archived in (
            ("u-none", None, None, 0),  # delivered, date unknown: no deadline
            ("u-past", None, "2026-01-01", 0),  # not delivered, protection passed
            ("u-future", None, "2026-12-01", 0),
            ("d-today", "2026-03-01", today.isoformat(), 0),  # the window's last day
            ("d-past", "2026-01-01", "2026-01-16", 0),
            ("a-future", None, "2026-12-01", 1),
            ("a-today", "2026-03-01", today.isoformat(), 1),
        ):
            conn.execute(
                "INSERT INTO orders (order_id, title, price, currency, state, delivered_on, "
                "deadline, clock, archived, created_at, updated_at) VALUES (?, 'T', '1.00', "
                "'USD', 'window_open', ?, ?, 'inspection', ?, '2026-01-01', '2026-01-01')",
                [order_id, delivered, deadline, archived],
            )
    quick = live_dashboard_rows(filled, DEFAULT_POLICY, today)
    with Store(filled, time=clock) as store:
        expected = list(store.dashboard_rows(today, live=True))
        others = list(store.dashboard_rows(today, live=False))
    assert sorted(quick) == sorted(expected)
    assert len({row[0] for row in quick}) == len(quick)  # none twice
    assert sorted(row[0] for row in quick) == ["1", "3", "4", "d-today", "u-future", "u-none",
                                               "u-past"]  # fmt: skip
    assert not {row[0] for row in quick} & {row[0] for row in others}


def test_writes_nothing(filled, today):
    before = filled.read_bytes()
    live_dashboard_rows(filled, DEFAULT_POLICY, today)
    assert filled.read_bytes() == before


def test_none_when_there_is_no_database_yet(tmp_path, today):
    assert live_dashboard_rows(tmp_path / "missing.db", DEFAULT_POLICY, today) is None
    assert not (tmp_path / "missing.db").exists()


def test_none_for_a_file_the_store_must_explain(tmp_path, today):
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("my notes")
    other_program = tmp_path / "other.db"
    with sqlite3.connect(other_program) as conn:
        conn.execute("CREATE TABLE things (id INTEGER)")
    for path in (not_sqlite, other_program, tmp_path):
        assert live_dashboard_rows(path, DEFAULT_POLICY, today) is None
    assert not_sqlite.read_text() == "my notes"


def test_none_for_another_schema_version(filled, today):
    with sqlite3.connect(filled) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    assert live_dashboard_rows(filled, DEFAULT_POLICY, today) is None


def test_none_when_the_deadlines_were_stored_under_another_policy(filled, today):
    """Stored deadlines pick the live windows; under other rules only the store,
    which recomputes them on opening, can say which windows are open."""
    other_policy = DEFAULT_POLICY.with_overrides(inspection_window_days=30)
    assert live_dashboard_rows(filled, other_policy, today) is None
