"""A blank database is migrated to the expected schema, opened with safe pragmas,
and kept private to the user."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlite_utils import Database

from aliret_tui.domain.models import EventInput, parse
from aliret_tui.domain.policy import DEFAULT_POLICY
from aliret_tui.domain.states import OrderState
from aliret_tui.store.due import _FAST_QUERY
from aliret_tui.store.schema import KNOWN_MIGRATIONS, MIGRATION_SET, migrations
from aliret_tui.store.store import Store, StoreError
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
        "delivery_unknown",
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
        "source",
        "lines",
    ],
    "messages": ["id", "order_id", "sender", "sent_at", "text", "edited_at"],
    "evidence": ["id", "order_id", "position", "label", "kind", "done", "note", "custom"],
    "attachments": ["id", "evidence_id", "path", "size", "sha256", "attached_at"],
    "meta": ["key", "value"],
    "order_lines": [
        "id",
        "order_id",
        "position",
        "line_id",
        "title",
        "quantity",
        "unit_price",
        "attributes",
        "product_url",
        "free_return",
        "disputed",
    ],
    "fact_sources": ["order_id", "field", "origin", "source", "recorded_on"],
    "reminders_sent": ["order_id", "clock", "deadline", "threshold", "target", "sent_at"],
    "calendar_published": [
        "uid",
        "order_id",
        "summary",
        "starts_on",
        "sequence",
        "published_at",
        "cancelled_at",
    ],
    "event_corrections": ["id", "order_id", "seq", "before", "after", "corrected_at"],
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
            ("aliret_tui", "m003_imports"),
            ("aliret_tui", "m004_reminders"),
            ("aliret_tui", "m005_index_live_orders"),
            ("aliret_tui", "m006_event_corrections"),
        ]
        assert SCHEMA_VERSION == 6
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


def test_an_up_to_date_database_without_its_version_is_read_and_then_marked(
    db_path, clock, make_facts
):
    """Whether a migration is due is read from PRAGMA user_version (without sqlite-utils);
    every migration applied but no version written is no reason to refuse reading."""
    with Store(db_path, time=clock) as store:
        store.add_order(make_facts("8100000000000001"))
    conn = _raw(db_path)
    conn.execute("PRAGMA user_version = 0")
    conn.close()
    with Store(db_path, time=clock, readonly=True) as reading:
        assert [order.order_id for order in reading.list_orders()] == ["8100000000000001"]
    assert _raw(db_path).execute("PRAGMA user_version").fetchone()[0] == 0  # nothing written
    Store(db_path, time=clock).close()
    assert _raw(db_path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


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


# -- upgrading a database written by an older version ------------------------------------

# What m003_imports adds to a schema-2 database.
M003_COLUMNS = {"orders": ["delivery_unknown"], "events": ["source", "lines"]}
M003_TABLES = {"order_lines", "fact_sources"}


def _schema_2_database(path: Path) -> None:
    """A database as aliret-tui wrote it at schema 2, with an order, its event and the
    policy its deadlines were stored under. Dates are around the store's today, 2026-03-10."""
    path.parent.mkdir(mode=0o700, parents=True)
    conn = sqlite3.connect(path)
    try:
        db = Database(conn)
        migrations.apply(db, stop_before="m003_imports")
        conn.execute("PRAGMA user_version = 2")
        stamp = "2026-03-01T10:00:00"
        common = {"price": "12.50", "currency": "USD", "created_at": stamp, "updated_at": stamp}
        # Delivered 02-01, protection until 04-30: stored under the old rule, 04-30.
        db["orders"].insert(
            {
                **common,
                "order_id": "8100000000000001",
                "title": "Lamp",
                "ordered_on": "2026-01-20",
                "delivered_on": "2026-02-01",
                "protection_ends": "2026-04-30",
                "state": "window_open",
                "clock": "inspection",
                "deadline": "2026-04-30",
            }
        )
        db["orders"].insert(
            {**common, "order_id": "8100000000000002", "title": "Cable", "state": "in_transit"}
        )
        db["events"].insert(
            {
                "order_id": "8100000000000001",
                "seq": 1,
                "kind": "delivered",
                "on_date": "2026-02-01",
                "note": "left at the door",
                "recorded_at": stamp,
            }
        )
        # Schema 2 fingerprinted the policy numbers alone, before the rule version.
        old_fingerprint = DEFAULT_POLICY.deadline_fingerprint().split(":", 1)[1]
        db["meta"].insert({"key": "policy", "value": old_fingerprint})
        conn.commit()
    finally:
        conn.close()


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def test_the_schema_2_fixture_really_is_schema_2(db_path):
    _schema_2_database(db_path)
    conn = _raw(db_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert not tables & M003_TABLES
        for table, added in M003_COLUMNS.items():
            assert not set(added) & set(_columns(conn, table))
    finally:
        conn.close()


def test_m003_upgrades_a_schema_2_database_and_keeps_its_data(db_path, clock):
    _schema_2_database(db_path)
    with Store(db_path, time=clock) as store:
        order = store.get_order("8100000000000001")
        assert order.state is OrderState.WINDOW_OPEN
        assert order.delivery_unknown is False
        assert (order.title, str(order.price), order.delivered_on.isoformat()) == (
            "Lamp",
            "12.50",
            "2026-02-01",
        )
        [event] = store.events("8100000000000001")
        assert (event.kind, event.note, event.source) == ("delivered", "left at the door", "")
        assert store.get_order("8100000000000002").delivery_unknown is False
        # The upgraded database takes the new event.
        store.record_event(
            "8100000000000002", parse(EventInput, {"kind": "order_cancelled", "on": "2026-03-09"})
        )
        assert store.get_order("8100000000000002").state is OrderState.ORDER_CANCELLED
    conn = _raw(db_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
        names = [row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
        assert names == list(KNOWN_MIGRATIONS)
        tables = {
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not row[0].startswith("sqlite_")
        }
        assert tables == set(EXPECTED_COLUMNS)
        for table, columns in EXPECTED_COLUMNS.items():
            assert _columns(conn, table) == columns, table
        assert conn.execute("SELECT delivery_unknown FROM orders ORDER BY 1").fetchall() == [
            (0,),
            (0,),
        ]
        migrated = "SELECT source, lines FROM events WHERE order_id = '8100000000000001'"
        assert conn.execute(migrated).fetchall() == [("", "")]
        for table in M003_TABLES:
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    finally:
        conn.close()


def test_m003_upgrade_is_preceded_by_a_backup_of_the_schema_2_data(db_path, clock):
    _schema_2_database(db_path)
    Store(db_path, time=clock).close()
    [backup] = (db_path.parent / "backups").glob(f"pre-migration-s2-to-s{SCHEMA_VERSION}-*.db")
    conn = _raw(backup)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        assert "delivery_unknown" not in _columns(conn, "orders")
        assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 2
    finally:
        conn.close()


def test_m003_tables_belong_to_their_order(db_path, clock):
    _schema_2_database(db_path)
    with Store(db_path, time=clock) as store:
        with store.transaction() as db:
            db.insert(
                "order_lines",
                {"order_id": "8100000000000001", "position": 0, "title": "Lamp, warm white"},
            )
            db.insert(
                "fact_sources",
                {
                    "order_id": "8100000000000001",
                    "field": "delivered_on",
                    "origin": "imported",
                    "source": "orders.xlsx",
                    "recorded_on": "2026-03-10",
                },
            )
        refused = pytest.raises(StoreError, match="constraint failed")
        with refused, store.transaction() as db:  # no such order
            db.insert("order_lines", {"order_id": "nope", "position": 0, "title": "x"})
        refused = pytest.raises(StoreError, match="constraint failed")
        with refused, store.transaction() as db:  # one per position
            db.insert(
                "order_lines", {"order_id": "8100000000000001", "position": 0, "title": "again"}
            )
        store.delete_order("8100000000000001")
        for table in M003_TABLES:
            assert store.db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


def test_m003_upgrade_stores_deadlines_under_the_earlier_of_rule(db_path, clock):
    _schema_2_database(db_path)
    with Store(db_path, time=clock) as store:
        expected = store.get_order("8100000000000001").clock(store.policy).deadline
    assert expected.isoformat() == "2026-02-16"  # 02-01 + 15, before protection on 04-30
    conn = _raw(db_path)
    try:
        stored = conn.execute(
            "SELECT deadline FROM orders WHERE order_id = '8100000000000001'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert stored == "2026-02-16"
