"""The dashboard's other orders read a chunk at a time, each chunk a query of its own."""

from __future__ import annotations

from aliret_tui.store.store import Store


def test_chunks_add_up_to_the_other_orders_once_each(db_path, clock, make_facts, today):
    with Store(db_path, time=clock) as store:
        for number in range(23):
            store.add_order(make_facts(f"old{number:02d}", delivered_on="2025-01-05"))
        store.add_order(make_facts("live", delivered_on="2026-03-05"))
        store.add_order(make_facts("transit"))
        read, after, calls = [], 0, 0
        while True:
            chunk, after = store.dashboard_rows_after(today, after, 5)
            calls += 1
            if not chunk:
                break
            assert len(chunk) <= 5
            read += chunk
        assert calls == 6  # 23 orders: five chunks, then an empty answer
        assert sorted(read) == sorted(store.dashboard_rows(today, live=False))
        assert len({row[0] for row in read}) == 23


def test_an_order_added_between_chunks_is_read_once_or_not_at_all(
    db_path, clock, make_facts, today
):
    """A write between two chunks (the store is free then) never makes a row appear
    twice; the poll sees the change and reads everything again."""
    with Store(db_path, time=clock) as store:
        for number in range(6):
            store.add_order(make_facts(f"old{number}", delivered_on="2025-01-05"))
        first, after = store.dashboard_rows_after(today, 0, 3)
        store.add_order(make_facts("new", delivered_on="2025-01-06"))
        store.delete_order("old0")
        rest = []
        while chunk := store.dashboard_rows_after(today, after, 3)[0]:
            rest += chunk
            after = store.dashboard_rows_after(today, after, 3)[1]
        ids = [row[0] for row in first + rest]
        assert len(ids) == len(set(ids))
        assert "new" in ids
