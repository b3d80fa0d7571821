"""``store.reminders_sent``: what reached which target, read and written with plain
sqlite3 on a real database made by the store."""

from __future__ import annotations

import sqlite3

import pytest

from aliret_tui.store.reminders_sent import NotRecorded, read_last_run, read_sent, record

ROW = ("A1", "inspection", "2026-03-16", 7, "f" * 64)


@pytest.fixture
def database(store, db_path, make_facts):
    store.add_order(make_facts("A1"))
    return str(db_path)


def test_recorded_reminders_are_read_back_once_each(database):
    assert read_sent(database, ["A1"]) == set()
    record(database, [ROW], "2026-03-10T09:00:00", {"at": "2026-03-10T09:00:00"})
    record(database, [ROW], "2026-03-10T10:00:00", None)  # the same again: kept once
    assert read_sent(database, ["A1", "other"]) == {ROW}
    assert read_sent(database, ["other"]) == set()
    conn = sqlite3.connect(database)
    assert conn.execute("SELECT sent_at FROM reminders_sent").fetchall() == [
        ("2026-03-10T09:00:00",)
    ]
    conn.close()
    assert read_last_run(database) == {"at": "2026-03-10T09:00:00"}


def test_many_orders_are_read_in_chunks(database):
    rows = [(f"O{n}", "refund", "2026-03-01", -1, "t") for n in range(1000)]
    record(database, rows, "2026-03-10T09:00:00", None)
    assert read_sent(database, [f"O{n}" for n in range(1000)]) == set(rows)


def test_no_database_reads_as_nothing_sent_and_is_not_created(tmp_path):
    missing = str(tmp_path / "none.db")
    assert read_sent(missing, ["A1"]) == set()
    assert read_last_run(missing) is None
    with pytest.raises(NotRecorded, match="not an aliret-tui database"):
        record(missing, [ROW], "2026-03-10T09:00:00", None)
    assert not (tmp_path / "none.db").exists()


def test_an_older_database_cannot_record_and_says_how_to_upgrade(database):
    conn = sqlite3.connect(database)
    with conn:
        conn.execute("DROP TABLE reminders_sent")
    conn.close()
    assert read_sent(database, ["A1"]) == set()
    with pytest.raises(NotRecorded, match=r"older aliret-tui.*aliret-tui list"):
        record(database, [ROW], "2026-03-10T09:00:00", None)


def test_a_locked_database_is_not_recorded_and_nothing_is_half_written(database, monkeypatch):
    monkeypatch.setattr("aliret_tui.store.reminders_sent.BUSY_TIMEOUT_S", 0.1)
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer, for longer than the timeout
    try:
        with pytest.raises(NotRecorded, match="cannot record"):
            record(database, [ROW], "2026-03-10T09:00:00", {"at": "x"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert read_sent(database, ["A1"]) == set()
    assert read_last_run(database) is None
