"""Restore: a backup is checked in full (its schema column by column, every row through
the models) before it replaces anything, and a live database that cannot be opened is
replaced all the same, its bytes saved first."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from durability.helpers import assert_one_error_line, checkpoint, files_in, order_ids
from sqlite_utils import Database
from support.cli import run_cli
from support.sqlite_files import connect

from aliret_tui.domain.models import (
    Attachment,
    ChatMessage,
    EventInput,
    OrderFacts,
    OrderLine,
    parse,
)
from aliret_tui.store.schema import migrations
from aliret_tui.store.store import Store
from aliret_tui.timesource import TimeSource

MOMENT = dt.datetime(2026, 3, 10, 9, 0, 0)


def _facts(order_id: str, **values: str) -> OrderFacts:
    return parse(OrderFacts, {"order_id": order_id, "title": f"Order {order_id}", "price": "4.00",
                              "currency": "EUR", "ordered_on": "2026-02-01", **values})  # fmt: skip


@pytest.fixture
def full_backup(tmp_path) -> Path:
    """A backup with rows in every table the models read."""
    db = tmp_path / "full" / "aliret.db"
    with Store(db, time=TimeSource(frozen_at=MOMENT)) as store:
        store.add_order(_facts("F1", delivered_on="2026-03-05"))
        store.add_order(_facts("F2"))
        with store.transaction():
            line = OrderLine(position=1, title="Left shoe", quantity=2, unit_price=Decimal("2"))
            store.insert_lines("F1", [line])
        opened = {"kind": "open_dispute", "on": "2026-03-06", "reason": "wrong_size"}
        store.record_event("F1", parse(EventInput, opened))
        said = {"sender": "me", "sent_at": "2026-03-06 10:00", "text": "Wrong size"}
        store.add_messages("F1", [parse(ChatMessage, said)])
        photo = Attachment(path="/home/me/photo.jpg", size=3, sha256="ab" * 32,
                           attached_at="2026-03-06T10:00:00")  # fmt: skip
        store.attach_file("F1", store.evidence("F1")[0].id, photo)
    path = tmp_path / "full-backup.db"
    assert run_cli(db, "backup", str(path)).code == 0
    conn = connect(path, readonly=True)
    for table in ("meta", "orders", "disputes", "order_lines", "events", "messages", "evidence",
                  "attachments"):  # fmt: skip
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table
    conn.close()
    return path


@pytest.fixture
def live(tmp_path) -> Path:
    db = tmp_path / "live" / "aliret.db"
    with Store(db, time=TimeSource(frozen_at=MOMENT)) as store:
        for number in range(3):
            store.add_order(_facts(f"L{number}"))
    checkpoint(db)
    return db


def _export_of_a_copy(backup: Path) -> dict:
    """What the backup holds, exported from a copy (the backup itself stays untouched)."""
    copy = backup.with_name(f"copy-of-{backup.name}")
    shutil.copy(backup, copy)
    return _export(copy)


def _export(db: Path) -> dict:
    result = run_cli(db, "export")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_a_backup_with_a_row_in_every_table_is_restored(live, full_backup):
    expected = _export_of_a_copy(full_backup)
    result = run_cli(live, "restore", str(full_backup))
    assert result.code == 0, result.err
    assert _export(live) == expected


FIRST_EVIDENCE = "WHERE id = (SELECT min(id) FROM evidence)"
BROKEN = {
    "missing-meta": ("DROP TABLE meta", "table meta is missing"),
    "column-dropped": (
        "ALTER TABLE orders DROP COLUMN note",
        "table orders: column note is missing",
    ),
    "column-renamed": (
        "ALTER TABLE disputes RENAME COLUMN outcome TO result",
        "table disputes: column outcome is missing",
    ),
    "column-added": (
        "ALTER TABLE events ADD COLUMN mood TEXT",
        "table events: column mood is not an aliret-tui column",
    ),
    "table-added": ("CREATE TABLE notes (text TEXT)", "table notes is not an aliret-tui table"),
    "invalid-state": (
        "UPDATE orders SET state = 'flying' WHERE order_id = 'F2'",
        "table orders, order 'F2', column state:",
    ),
    "meta-counter": (
        "UPDATE meta SET value = 'lots' WHERE key = 'changes'",
        "table meta, key 'changes', column value:",
    ),
    "order-price": (
        "UPDATE orders SET price = 'free' WHERE order_id = 'F2'",
        "table orders, order 'F2', column price:",
    ),
    "order-date": (
        "UPDATE orders SET delivered_on = '2026-02-30' WHERE order_id = 'F1'",
        "table orders, order 'F1', column delivered_on:",
    ),
    "order-clock": (
        "UPDATE orders SET clock = 'sundial' WHERE order_id = 'F1'",
        "table orders, order 'F1', column clock:",
    ),
    "dispute": (
        "UPDATE disputes SET reason = 'bored'",
        "table disputes, the dispute of order 'F1', column reason:",
    ),
    "dispute-date": (
        "UPDATE disputes SET opened_on = 'last week'",
        "table disputes, the dispute of order 'F1', column opened_on:",
    ),
    "order-line": (
        "UPDATE order_lines SET quantity = 0",
        "table order_lines, row 1 (order 'F1'), column quantity:",
    ),
    "event": (
        "UPDATE events SET kind = 'teleported'",
        "table events, row 1 (order 'F1'), column kind:",
    ),
    "event-date": (
        "UPDATE events SET on_date = '06/03/2026'",
        "table events, row 1 (order 'F1'), column on_date:",
    ),
    "event-lines": (
        "UPDATE events SET lines = '1,x'",
        "table events, row 1 (order 'F1'), column lines:",
    ),
    "message": (
        "UPDATE messages SET sender = 'martian'",
        "table messages, row 1 (order 'F1'), column sender:",
    ),
    "message-time": (
        "UPDATE messages SET sent_at = 'noon'",
        "table messages, row 1 (order 'F1'), column sent_at:",
    ),
    "evidence": (
        f"UPDATE evidence SET kind = 'rumour' {FIRST_EVIDENCE}",
        "table evidence, row 1 (order 'F1'), column kind:",
    ),
    "attachment": (
        "UPDATE attachments SET sha256 = 'not-a-hash'",
        "table attachments, row 1 (evidence row 1), column sha256:",
    ),
    "orphan": (
        "INSERT INTO messages (order_id, sender, sent_at, text) "
        "VALUES ('GHOST', 'me', '2026-03-01 10:00', 'Hello?')",
        "table messages, row 2: belongs to a row of orders that is not there",
    ),
}


@pytest.mark.parametrize(("sql", "fragment"), list(BROKEN.values()), ids=list(BROKEN))
def test_restore_refuses_a_broken_backup_naming_what_is_wrong_and_changes_nothing(
    live, full_backup, tmp_path, sql, fragment
):
    broken = tmp_path / "broken.db"
    shutil.copy(full_backup, broken)
    conn = sqlite3.connect(broken)
    conn.execute(sql)
    conn.commit()
    conn.close()
    before = files_in(live.parent)  # the database and the backups folder, byte for byte

    refused = run_cli(live, "restore", str(broken))

    assert_one_error_line(refused, str(broken), fragment, "not restored")
    assert files_in(live.parent) == before
    assert run_cli(live, "list", "--all").code == 0


def test_a_backup_of_an_older_schema_is_checked_as_that_schema_then_upgraded(live, tmp_path):
    older = tmp_path / "schema-2.db"
    db = Database(older)
    migrations.apply(db, stop_before="m003_imports")
    db.execute("PRAGMA user_version = 2")
    made = "2025-01-01T00:00:00"
    db["orders"].insert({"order_id": "OLD-1", "title": "From schema 2", "price": "5.00",
                         "currency": "USD", "state": "in_transit",
                         "created_at": made, "updated_at": made})  # fmt: skip
    db["meta"].insert({"key": "changes", "value": "7"})
    db.conn.commit()
    db.close()

    result = run_cli(live, "restore", str(older))
    assert result.code == 0, result.err
    assert order_ids(live) == ["OLD-1"]
    listed = json.loads(run_cli(live, "list", "--all", "--json").out)
    assert [order["order_id"] for order in listed] == ["OLD-1"]

    # The same file with a schema-3 column added is not what schema 2 was.
    db = Database(older)
    db.execute("ALTER TABLE orders ADD COLUMN delivery_unknown INTEGER NOT NULL DEFAULT 0")
    db.conn.commit()
    db.close()
    assert_one_error_line(
        run_cli(live, "restore", str(older)),
        "table orders: column delivery_unknown is not an aliret-tui column",
    )


# -- a live database that cannot be opened ---------------------------------------------------


def _garbage(live: Path) -> str:
    live.write_bytes(bytes(range(256)) * 64)
    return "could not be read as a database; its bytes are copied as they were to"


def _damaged(live: Path) -> str:
    conn = connect(live, readonly=True)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'orders'").fetchone()[0]
    conn.close()
    with live.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\x0d\xff\xff\xff" + b"\xa5" * (page_size - 4))
    return "could not be read as a database; its bytes are copied as they were to"


def _no_meta(live: Path) -> str:
    """What an unchecked restore of a bad backup used to leave: every command fails."""
    conn = connect(live)
    conn.execute("DROP TABLE meta")
    conn.commit()
    conn.close()
    return "The database as it was before is saved in"


@pytest.mark.parametrize(
    "breaks", [_garbage, _damaged, _no_meta], ids=["garbage", "damaged", "no-meta"]
)
def test_restore_replaces_a_live_database_that_cannot_be_opened(live, full_backup, breaks):
    said = breaks(live)
    adding = ("add", "X", "--title", "X", "--price", "1", "--currency", "EUR")
    assert run_cli(live, *adding).code != 0, "the database is broken: changes fail"
    broken_bytes = live.read_bytes()
    expected = _export_of_a_copy(full_backup)

    result = run_cli(live, "restore", str(full_backup))

    assert result.code == 0, result.err
    [saved] = (live.parent / "backups").glob("pre-restore-*-aliret.db")
    assert f"{said} {saved}" in result.out
    if breaks is _no_meta:
        assert (
            "orders"
            in connect(saved, readonly=True)
            .execute("SELECT group_concat(name) FROM sqlite_master")
            .fetchone()[0]
        )
    else:
        assert saved.read_bytes() == broken_bytes, "the broken file is kept as it was"
    assert _export(live) == expected
    assert run_cli(live, "list", "--all").code == 0
    assert run_cli(live, "event", "F2", "delivered", "--on", "2026-03-09").code == 0


def test_restore_into_a_database_that_does_not_exist_yet(tmp_path, full_backup):
    live = tmp_path / "new" / "aliret.db"
    result = run_cli(live, "restore", str(full_backup))
    assert result.code == 0, result.err
    assert f"There was no database at {live} before." in result.out
    assert _export(live) == _export_of_a_copy(full_backup)


def test_restored_data_counts_as_newer_than_every_daily_backup(live, full_backup):
    """Its change counter is set above every backup's, so the daily backups that follow
    are never taken for data already backed up."""
    for day in range(11, 17):  # more changes than the backup to restore has seen
        today = f"2026-03-{day}"
        for order in ("N1", "N2"):
            assert run_cli(live, "add", f"{order}-{day}", "--title", "New", "--price", "1",
                           "--currency", "EUR", today=today).code == 0  # fmt: skip
    backups = live.parent / "backups"
    counters = [re.search(r"-c(\d+)[-.]", path.name)[1] for path in backups.glob("daily-*")]
    highest = max(int(counter) for counter in counters)
    assert run_cli(live, "restore", str(full_backup), today="2026-03-16").code == 0
    conn = connect(live, readonly=True)
    changes = int(conn.execute("SELECT value FROM meta WHERE key = 'changes'").fetchone()[0])
    conn.close()
    assert changes > highest
    assert run_cli(live, "add", "AFTER", "--title", "After", "--price", "1", "--currency", "EUR",
                   today="2026-03-17").code == 0  # fmt: skip
    [newest] = backups.glob("daily-2026-03-17-*")
    assert order_ids(newest) == ["F1", "F2"], "the restored data, backed up before the change"
