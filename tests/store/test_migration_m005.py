"""m005: the indexes of the live orders and of ``check``, on a real schema-4 file.

The schema-4 database is made the way schema 4 made it: the first four migrations on
an empty file, then orders the store wrote (m005 adds no column, so the rows are the
same at both schemas)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from aliret_tui.domain.policy import DEFAULT_POLICY
from aliret_tui.store.due import _FAST_QUERY, _FULL_QUERY, due_items
from aliret_tui.store.errors import UpgradeNeeded
from aliret_tui.store.schema import KNOWN_MIGRATIONS, migrations
from aliret_tui.store.store import Store
from aliret_tui.store.version import SCHEMA_VERSION

TODAY = dt.date(2026, 3, 10)
ORDER_COLUMNS_INDEXED = {
    "orders_state": ["state"],
    "orders_state_deadline": ["state", "deadline"],
    "orders_undelivered": ["state"],
    "orders_clock_deadline": [
        "clock", "deadline", "archived", "order_id", "title", "store", "delivered_on",
    ],
}  # fmt: skip
# The dashboard's live orders in the shape that uses these indexes: each branch of the
# OR is a range of one index (see m005's docstring).
LIVE_ORDERS_BY_INDEX = """
    SELECT o.order_id FROM orders o LEFT JOIN disputes d ON d.order_id = o.order_id
    WHERE o.archived = 0 AND (
        o.state IN ('awaiting_seller', 'in_mediation', 'in_transit', 'refund_pending',
                    'return_approved', 'return_shipped', 'seller_refused')
        OR (o.state = 'window_open' AND o.deadline >= :today)
        OR (o.state = 'window_open' AND o.delivered_on IS NULL))
"""


def _orders(store: Store, make_facts, event) -> None:
    """One order of each kind the indexes sort: windows open and expired, not yet
    delivered, disputes at each clock, closed and archived."""
    add, record = store.add_order, store.record_event
    add(make_facts("window-open", delivered_on="2026-03-01", title="Lamp"))  # until 03-16
    add(make_facts("window-expired", delivered_on="2026-01-02"))
    add(make_facts("in-transit", protection_ends="2026-03-14"))  # not delivered yet
    add(make_facts("no-dates"))
    add(make_facts("seller", delivered_on="2026-03-01"))
    record("seller", event("open_dispute", on="2026-03-08", reason="wrong_item"))
    add(make_facts("refund", delivered_on="2026-02-01"))
    record("refund", event("open_dispute", on="2026-02-02", reason="other"))
    record("refund", event("seller_agreed", on="2026-02-03"))  # overdue since 02-10
    add(make_facts("kept", delivered_on="2026-03-05"))
    record("kept", event("keep", on="2026-03-06"))
    add(make_facts("archived", delivered_on="2026-03-05"))
    store.set_archived("archived", True)


@pytest.fixture
def schema_4(tmp_path, clock, make_facts, event) -> Path:
    """A schema-4 database file holding ``_orders``."""
    written = tmp_path / "written" / "aliret.db"
    with Store(written, time=clock) as store:
        _orders(store, make_facts, event)
    path = tmp_path / "data" / "aliret.db"
    path.parent.mkdir(mode=0o700)
    conn = sqlite3.connect(path)
    try:
        migrations.apply(Database(conn), stop_before="m005_index_live_orders")
        conn.execute("PRAGMA user_version = 4")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("ATTACH DATABASE ? AS written", [str(written)])
        tables = [
            row[0]
            for row in conn.execute("SELECT name FROM written.sqlite_master WHERE type = 'table'")
            if row[0] != migrations.migrations_table
            and not row[0].startswith("sqlite_")
            and row[0] != "event_corrections"  # m006's, after schema 4
        ]
        with conn:
            for table in tables:
                conn.execute(f'INSERT INTO main."{table}" SELECT * FROM written."{table}"')
        conn.execute("DETACH DATABASE written")
    finally:
        conn.close()
    return path


def _indexes(path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    try:
        names = [row[1] for row in conn.execute("PRAGMA index_list('orders')")]
        return {
            name: [row[2] for row in conn.execute(f"PRAGMA index_info('{name}')")]
            for name in names
            if not name.startswith("sqlite_autoindex")
        }
    finally:
        conn.close()


def _rows(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("orders", "disputes", "events", "meta")
        }
    finally:
        conn.close()


def _plan(path: Path, query: str, parameters: object = ()) -> str:
    conn = sqlite3.connect(path)
    try:
        return " | ".join(
            row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + query, parameters)
        )
    finally:
        conn.close()


def _version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def test_the_fixture_really_is_schema_4(schema_4):
    assert _version(schema_4) == 4
    assert _indexes(schema_4) == {
        "orders_state": ["state"],
        "orders_clock_deadline": ["clock", "deadline"],
    }
    assert len(_rows(schema_4)["orders"]) == 8


def test_opening_a_schema_4_database_adds_the_indexes_and_keeps_every_row(schema_4, clock):
    before = _rows(schema_4)
    Store(schema_4, time=clock).close()
    assert _version(schema_4) == SCHEMA_VERSION
    assert _indexes(schema_4) == ORDER_COLUMNS_INDEXED
    conn = sqlite3.connect(schema_4)
    try:
        applied = [row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations")]
    finally:
        conn.close()
    assert applied == list(KNOWN_MIGRATIONS) and "m005_index_live_orders" in applied
    assert _rows(schema_4) == before


def test_the_migration_is_preceded_by_a_backup_of_the_schema_4_file(schema_4, clock):
    before = _rows(schema_4)
    Store(schema_4, time=clock).close()
    [backup] = (schema_4.parent / "backups").glob(f"pre-migration-s4-to-s{SCHEMA_VERSION}-*.db")
    assert _version(backup) == 4
    assert "orders_state_deadline" not in _indexes(backup)
    assert _rows(backup) == before


def test_the_read_only_store_asks_for_the_upgrade_and_writes_nothing(schema_4, clock):
    before = schema_4.read_bytes()
    with pytest.raises(UpgradeNeeded, match=rf"schema 4.*schema {SCHEMA_VERSION}"):
        Store(schema_4, time=clock, readonly=True)
    assert schema_4.read_bytes() == before


def test_check_reads_schema_4_and_finds_the_same_after_the_migration(schema_4, clock):
    before = due_items(schema_4, DEFAULT_POLICY, TODAY, 7)
    assert [(i.order_id, i.days_left) for i in before] == [
        ("refund", -28),
        ("seller", 3),
        ("in-transit", 4),
        ("window-open", 6),
    ]
    Store(schema_4, time=clock).close()
    assert due_items(schema_4, DEFAULT_POLICY, TODAY, 7) == before


def test_check_reads_its_rows_from_the_index_alone(schema_4, clock):
    Store(schema_4, time=clock).close()
    plan = _plan(schema_4, _FAST_QUERY, {"today": "2026-03-10", "horizon": "2026-03-17"})
    assert plan.count("COVERING INDEX orders_clock_deadline") == 2, plan
    assert "SCAN" not in plan


def test_a_query_by_state_alone_keeps_the_state_index(schema_4, clock):
    """The state index reads the table in row order; (state, deadline) would not."""
    Store(schema_4, time=clock).close()
    plan = _plan(schema_4, _FULL_QUERY)  # check with another policy: the open orders
    assert "USING INDEX orders_state (state=?)" in plan and "SCAN o" not in plan, plan
    by_state = "SELECT order_id FROM orders WHERE state = 'window_open' AND archived = 0"
    assert "USING INDEX orders_state (state=?)" in _plan(schema_4, by_state)


def test_the_live_orders_are_found_by_range_not_by_every_window(schema_4, clock):
    Store(schema_4, time=clock).close()
    plan = _plan(schema_4, LIVE_ORDERS_BY_INDEX, {"today": "2026-03-10"})
    assert "orders_state_deadline (state=? AND deadline>?)" in plan, plan
    assert "orders_undelivered" in plan and "SCAN o" not in plan, plan
    conn = sqlite3.connect(schema_4)
    try:
        live = {row[0] for row in conn.execute(LIVE_ORDERS_BY_INDEX, {"today": "2026-03-10"})}
    finally:
        conn.close()
    assert live == {"window-open", "in-transit", "no-dates", "seller", "refund"}


def test_a_schema_4_backup_is_restored_and_upgraded(schema_4, tmp_path, clock):
    backup = tmp_path / "schema-4-backup.db"
    conn = sqlite3.connect(schema_4)
    try:
        conn.execute("VACUUM INTO ?", [str(backup)])
    finally:
        conn.close()
    live = tmp_path / "live" / "aliret.db"
    with Store(live, time=clock) as store:
        store.restore_from(backup)
        restored = {order.order_id for order in store.list_orders(include_archived=True)}
    assert len(restored) == 8
    assert _version(live) == SCHEMA_VERSION
    assert _indexes(live) == ORDER_COLUMNS_INDEXED
    assert _version(backup) == 4  # the file restored from is left as it was
