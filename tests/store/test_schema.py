"""A blank database is migrated to the expected schema, opened with safe pragmas,
and kept private to the user."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from aliret_tui.store.due import _FAST_QUERY
from aliret_tui.store.schema import KNOWN_MIGRATIONS, MIGRATION_SET
from aliret_tui.store.store import Store
from aliret_tui.store.version import SCHEMA_VERSION

EXPECTED_COLUMNS = {
    "_sqlite_migrations": ["id", "migration_set", "name", "applied_at"],
    "orders": [
        "order_id",
        "title",
        "price",
        "currency",
        "store",
        "ordered_on",
        "delivered_on",
        "window_days",
        "protection_ends",
        "country",
        "free_return",
        "local_return",
        "note",
        "state",
        "clock_since",
        "clock",
        "deadline",
        "archived",
        "version",
        "created_at",
        "updated_at",
    ],
    "disputes": [
        "order_id",
        "reason",
        "outcome",
        "opened_on",
        "escalated_on",
        "return_approved_on",
        "return_carrier",
        "return_tracking",
        "return_shipped_on",
        "return_delivered_on",
        "refund_due_since",
        "refund_expected",
        "refund_amount",
        "refunded_on",
    ],
    "events": [
        "id",
        "order_id",
        "seq",
        "kind",
        "on_date",
        "note",
        "reason",
        "outcome",
        "tracking",
        "carrier",
        "amount",
        "recorded_at",
    ],
    "messages": ["id", "order_id", "sender", "sent_at", "text", "edited_at"],
    "evidence": ["id", "order_id", "position", "label", "kind", "done", "note", "custom"],
    "attachments": ["id", "evidence_id", "path", "size", "sha256", "attached_at"],
    "meta": ["key", "value"],
}


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def test_blank_database_gets_exactly_the_expected_tables_and_columns(store, db_path):
    conn = _raw(db_path)
    try:
        tables = {
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not row[0].startswith("sqlite_")
        }
        assert tables == set(EXPECTED_COLUMNS)
        for table, columns in EXPECTED_COLUMNS.items():
            found = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
            assert found == columns, table
    finally:
        conn.close()


def test_money_is_stored_as_text_and_tables_are_strict(store, db_path, make_facts):
    store.add_order(make_facts("1", price="0.10"))
    conn = _raw(db_path)
    try:
        price, kind = conn.execute("SELECT price, typeof(price) FROM orders").fetchone()
        assert (price, kind) == ("0.10", "text")
        with pytest.raises(sqlite3.IntegrityError):
            # STRICT tables refuse a value of the wrong type instead of storing it.
            conn.execute("UPDATE orders SET version = 'x'")
    finally:
        conn.close()


def test_the_migration_is_recorded_and_user_version_matches(store, db_path):
    conn = _raw(db_path)
    try:
        applied = conn.execute(
            "SELECT migration_set, name FROM _sqlite_migrations ORDER BY id"
        ).fetchall()
        assert applied == [(MIGRATION_SET, name) for name in KNOWN_MIGRATIONS]
        assert applied == [
            ("aliret_tui", "m001_create_tables"),
            ("aliret_tui", "m002_index_running_clocks"),
        ]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        conn.close()


def test_reopening_applies_no_migration_twice(db_path, clock):
    Store(db_path, time=clock).close()
    Store(db_path, time=clock).close()
    conn = _raw(db_path)
    try:
        assert conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == len(
            KNOWN_MIGRATIONS
        )
    finally:
        conn.close()


def test_connection_pragmas(store):
    def pragma(name: str):
        return store.db.conn.execute(f"PRAGMA {name}").fetchone()[0]

    assert str(pragma("journal_mode")).lower() == "wal"
    assert pragma("synchronous") == 2  # FULL
    assert pragma("busy_timeout") >= 5000
    assert pragma("foreign_keys") == 1


def test_wal_mode_is_persistent_in_the_file(store, db_path):
    conn = _raw(db_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def test_new_folder_is_0700_and_database_file_0600(tmp_path, clock):
    folder = tmp_path / "fresh"
    path = folder / "aliret.db"
    assert not folder.exists()
    old_umask = os.umask(0o022)
    try:
        with Store(path, time=clock):
            pass
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_files_stay_0600_even_with_a_permissive_umask(tmp_path, clock, make_facts):
    path = tmp_path / "loose" / "aliret.db"
    old_umask = os.umask(0)
    try:
        with Store(path, time=clock) as store:
            store.add_order(make_facts("1"))
            for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                if candidate.exists():
                    assert stat.S_IMODE(os.stat(candidate).st_mode) == 0o600, candidate
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_an_existing_database_file_with_loose_mode_is_tightened(tmp_path, clock):
    path = tmp_path / "aliret.db"
    Store(path, time=clock).close()
    path.chmod(0o644)
    Store(path, time=clock).close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_opening_an_up_to_date_database_writes_nothing(db_path, clock):
    Store(db_path, time=clock).close()
    before = db_path.read_bytes()
    Store(db_path, time=clock).close()
    assert db_path.read_bytes() == before


def test_running_clocks_are_found_through_the_clock_deadline_index(tmp_path, clock):
    with Store(tmp_path / "index.db", time=clock) as store:
        indexes = {
            row[1]: row for row in store.db.conn.execute("PRAGMA index_list('orders')").fetchall()
        }
        assert "orders_clock_deadline" in indexes and "orders_deadline" not in indexes
    conn = sqlite3.connect(tmp_path / "index.db")
    try:
        plan = " ".join(
            str(row[-1])
            for row in conn.execute(
                "EXPLAIN QUERY PLAN " + _FAST_QUERY,
                {"today": "2026-03-10", "horizon": "2026-03-17"},
            )
        )
    finally:
        conn.close()
    assert "orders_clock_deadline" in plan
