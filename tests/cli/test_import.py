"""``aliret-tui import`` and ``aliret-tui paste`` as a user runs them (issue 11):
the plan, ``--dry-run``, several files, and hostile files that must be refused in
one clean line with the database file left byte for byte as it was."""

from __future__ import annotations

import copy
import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from support.cli import EXE, TODAY, run_cli

ORDER = "8175000000000101"
FULL_ORDER = (
    "add", ORDER, "--title", "Phone charger", "--price", "9.99", "--currency", "USD",
    "--store", "Charge Co", "--ordered", "2026-02-01", "--delivered", "2026-03-01",
    "--window-days", "20", "--protection-ends", "2026-04-15", "--country", "US",
    "--free-return", "--local-return", "--note", "keep the box",
)  # fmt: skip
PLAIN_ORDER = (
    "add",
    "8175000000000102",
    "--title",
    "Cable",
    "--price",
    "3.50",
    "--currency",
    "USD",
)
DISPUTE_HISTORY = (
    ("add", "1", "--title", "Shoes", "--price", "29.99", "--currency", "EUR",
     "--delivered", "2026-03-01"),
    ("event", "1", "open_dispute", "--on", "2026-03-02", "--reason", "wrong_size"),
    ("event", "1", "return_approved", "--on", "2026-03-03"),
    ("event", "1", "return_shipped", "--on", "2026-03-04", "--tracking", "LP1", "--carrier", "X"),
    ("event", "1", "return_delivered", "--on", "2026-03-05"),
    ("event", "1", "refunded", "--on", "2026-03-06", "--amount", "29.99"),
)  # fmt: skip
KNOWN_FORMATS = ("aliret-tui CSV", "aliret-tui JSON export", "AliExpress Order Exporter CSV")
REPRO_CSV = "order_id,title,price,currency\n8175000000000101,Phone charger,9.99,USD\n"
UNSAFE = [chr(code) for code in (*range(0x00, 0x0A), *range(0x0B, 0x20), *range(0x7F, 0xA0))]


def file_bytes(db: Path) -> dict[str, bytes | None]:
    wal = db.with_name(db.name + "-wal")
    return {"db": db.read_bytes(), "wal": wal.read_bytes() if wal.exists() else None}


def orders_listed(cli, *extra: str) -> dict[str, dict]:
    result = cli("list", "--json", *extra)
    assert result.code == 0, result.err
    return {order["order_id"]: order for order in json.loads(result.out)}


def exported_order(cli, order_id: str) -> dict:
    result = cli("export")
    assert result.code == 0, result.err
    found = [e for e in json.loads(result.out)["orders"] if e["order"]["order_id"] == order_id]
    return found[0]["order"]


def assert_no_terminal_controls(text: str) -> None:
    found = [f"U+{ord(char):04X}" for char in text if char in UNSAFE]
    assert not found, found


@pytest.fixture
def full_db(seed):
    return seed(FULL_ORDER, PLAIN_ORDER)


@pytest.fixture(scope="module")
def dispute_export(tmp_path_factory) -> dict:
    """Our own JSON export of an order with a whole dispute, made by the real CLI."""
    folder = tmp_path_factory.mktemp("dispute")
    db = folder / "dispute.db"
    for command in DISPUTE_HISTORY:
        result = run_cli(db, *command)
        assert result.code == 0, result.err
    result = run_cli(db, "export")
    assert result.code == 0, result.err
    return json.loads(result.out)


# -- the repro from the issue ---------------------------------------------------------


def test_a_csv_with_four_columns_empties_nothing(cli, full_db, tmp_path, dump):
    before = exported_order(cli, ORDER)
    assert orders_listed(cli)[ORDER]["deadline"] == "2026-03-21"  # 2026-03-01 + 20 days
    source = tmp_path / "e.csv"
    source.write_text(REPRO_CSV, encoding="utf-8")
    result = cli("import", str(source))
    assert result.code == 0, result.err
    assert "e.csv: aliret-tui CSV" in result.out
    assert "0 added · 0 updated · 1 unchanged" in result.out
    after = exported_order(cli, ORDER)
    for name in (
        "store", "ordered_on", "delivered_on", "window_days", "protection_ends", "country",
        "free_return", "local_return", "note", "state", "version",
    ):  # fmt: skip
        assert after[name] == before[name], name
    listed = orders_listed(cli)[ORDER]
    assert listed["state"] == "window_open"
    assert listed["deadline"] == "2026-03-21"
    due = cli("check", "--days", "14", "--json")
    assert due.code == 1, due.err  # something is due: the order's deadline
    assert [entry["order_id"] for entry in json.loads(due.out)] == [ORDER]


def test_a_changed_cell_updates_only_that_field(cli, full_db, tmp_path):
    source = tmp_path / "e.csv"
    source.write_text(REPRO_CSV.replace("Phone charger", '"Charger, 65 W"'), encoding="utf-8")
    result = cli("import", str(source))
    assert result.code == 0, result.err
    assert "0 added · 1 updated · 0 unchanged" in result.out
    assert f"{ORDER}  title" in result.out
    after = exported_order(cli, ORDER)
    assert after["title"] == "Charger, 65 W"
    assert (after["store"], after["delivered_on"], after["note"]) == (
        "Charge Co",
        "2026-03-01",
        "keep the box",
    )


# -- the plan and --dry-run -------------------------------------------------------------


def test_dry_run_prints_the_plan_and_writes_nothing(cli, full_db, db, tmp_path, dump):
    source = tmp_path / "new.csv"
    source.write_text(
        "order_id,title,price,currency,note\n"
        "8175000000000201,Desk lamp,25.00,EUR,\n"
        "8175000000000102,,,,bought twice\n",
        encoding="utf-8",
    )
    before, bytes_before = dump(db), file_bytes(db)
    result = cli("import", "--dry-run", str(source))
    assert result.code == 0, result.err
    assert result.out.splitlines()[:2] == [
        "new.csv: aliret-tui CSV",
        "1 to add · 1 to update · 0 unchanged · 0 conflicts kept · 0 skipped",
    ]
    assert "To add:\n  8175000000000201  Desk lamp  (25.00 EUR)" in result.out
    assert "To update:\n  8175000000000102  note" in result.out
    assert result.out.rstrip().endswith("Nothing was written yet.")
    assert dump(db) == before
    assert file_bytes(db) == bytes_before
    applied = cli("import", str(source))
    assert applied.code == 0, applied.err
    assert "1 added · 1 updated · 0 unchanged" in applied.out
    assert "Added:" in applied.out and "Nothing was written yet." not in applied.out
    assert orders_listed(cli)["8175000000000102"]["title"] == "Cable"


def test_the_plan_lists_every_section(cli, full_db, db, tmp_path, dump):
    mine = tmp_path / "a.csv"
    mine.write_text(
        "order_id,title,price,currency,note\n"
        "8175000000000301,Desk lamp,25.00,EUR,\n"  # new: to add
        "8175000000000102,,,,first note\n"  # to update: note
        f"{ORDER},Phone charger,,,\n"  # the same as stored: unchanged
        "8175000000000302,,,,\n",  # new, but nothing to add it with: skipped
        encoding="utf-8",
    )
    again = tmp_path / "b.csv"
    again.write_text(
        "order_id,title,price,currency,note\n8175000000000102,,,,second note\n", encoding="utf-8"
    )
    exporter = tmp_path / "c.csv"
    exporter.write_text(
        "Order ID,Order Date,Status,Product Title,Product Link,Currency,Price,Store Name,"
        "Store Link\n"
        f'{ORDER},"Feb 1, 2026",Shipped,Phone charger,,US,9.99,Their shop,\n'
        '8175000000000303,"Mar 1, 2026",Awaiting payment,Never paid,,US,1.00,Shop,\n',
        encoding="utf-8",
    )
    before = dump(db)
    result = cli("import", "--dry-run", str(mine), str(again), str(exporter))
    assert result.code == 0, result.err
    out = result.out
    assert out.splitlines()[:4] == [
        "a.csv: aliret-tui CSV",
        "b.csv: aliret-tui CSV",
        "c.csv: AliExpress Order Exporter CSV",
        "1 to add · 1 to update · 1 unchanged · 2 conflicts kept · 2 skipped",
    ]
    assert "To add:\n  8175000000000301  Desk lamp  (25.00 EUR)" in out
    assert "To update:\n  8175000000000102  note" in out
    assert "kept yours: store Charge Co; c.csv says Their shop" in out
    assert "note first note; b.csv (row 2) says second note" in out
    assert "8175000000000302  not in your orders" in out
    assert "8175000000000303  never paid" in out
    assert dump(db) == before


def test_an_aliexpress_file_only_moves_orders_forward(cli, full_db, db, tmp_path):
    exporter = tmp_path / "aliexpress.csv"
    exporter.write_text(
        "Order ID,Order Date,Status,Product Title,Product Link,Currency,Price,Store Name,"
        "Store Link\n"
        f'{ORDER},"Feb 1, 2026",Canceled ,Phone charger,,US,9.99,Charge Co,\n'
        '8175000000000102,"Feb 2, 2026",Completed,Cable,,US,3.50,,\n'
        '8175000000000401,"Feb 3, 2026",Completed,Lamp,,US,5.00,Lamp Shop,\n'
        '8175000000000402,"Feb 4, 2026",Cancelled,Fan,,US,7.00,Fan Shop,\n',
        encoding="utf-8",
    )
    result = cli("import", str(exporter))
    assert result.code == 0, result.err
    assert "2 added · 1 updated · 1 unchanged · 1 conflict kept · 0 skipped" in result.out
    assert "8175000000000102  ordered, delivered (date unknown)" in result.out
    assert "not closed: it was delivered" in result.out
    listed = orders_listed(cli, "--all")
    assert listed[ORDER]["state"] == "window_open"
    assert listed[ORDER]["deadline"] == "2026-03-21"
    for order_id in ("8175000000000102", "8175000000000401"):
        assert listed[order_id]["state_label"] == "delivered · date unknown"
        assert listed[order_id]["deadline"] is None  # never an invented deadline
    assert listed["8175000000000402"]["state"] == "order_cancelled"
    assert listed["8175000000000402"]["deadline"] is None
    table = cli("list").out
    assert "delivered · date unknown" in table
    assert "8175000000000402" not in table  # closed: only in list --all


def test_several_files_in_one_command(cli, db, seed, tmp_path, dispute_export):
    seed(PLAIN_ORDER)
    orders = tmp_path / "orders.csv"
    orders.write_text(REPRO_CSV, encoding="utf-8")
    export = tmp_path / "export.json"
    export.write_text(json.dumps(dispute_export), encoding="utf-8")
    result = cli("import", str(orders), str(export))
    assert result.code == 0, result.err
    assert result.out.splitlines()[:3] == [
        "orders.csv: aliret-tui CSV",
        "export.json: aliret-tui JSON export",
        "2 added · 0 updated · 0 unchanged · 0 conflicts kept · 0 skipped",
    ]
    listed = orders_listed(cli, "--all")
    assert set(listed) == {"1", ORDER, "8175000000000102"}
    assert listed["1"]["state"] == "refunded"
    again = cli("import", str(orders), str(export))
    assert "0 added · 0 updated · 2 unchanged" in again.out
    assert "Nothing to change" in again.out


def test_the_format_is_recognised_by_content_not_by_name(cli, tmp_path, dispute_export):
    disguised = tmp_path / "orders.txt"
    disguised.write_text(json.dumps(dispute_export), encoding="utf-8")
    spreadsheet = tmp_path / "export.json"
    spreadsheet.write_text(REPRO_CSV, encoding="utf-8")
    result = cli("import", str(disguised), str(spreadsheet))
    assert result.code == 0, result.err
    assert "orders.txt: aliret-tui JSON export" in result.out
    assert "export.json: aliret-tui CSV" in result.out


def test_a_file_in_no_known_format_gets_one_line(cli, full_db, db, tmp_path, one_error_line):
    before = file_bytes(db)
    for name, content in [
        ("notes.txt", b"Remember to buy milk\nand bread\n"),
        ("other.json", b'{"orders": [{"id": 1}]}'),
        ("picture.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
        ("other.csv", b"name,amount\nmilk,1.00\n"),
    ]:
        path = tmp_path / name
        path.write_bytes(content)
        line = one_error_line(cli("import", str(path)), name, "not in a format aliret-tui knows")
        for known in KNOWN_FORMATS:
            assert known in line, (known, line)
    assert file_bytes(db) == before


def test_json_older_than_what_you_have_is_skipped_then_replaced_after_a_backup(
    cli, db, seed, tmp_path
):
    seed(*DISPUTE_HISTORY[:2])
    older = tmp_path / "older.json"
    older.write_text(cli("export").out, encoding="utf-8")
    assert cli("event", "1", "seller_agreed", "--on", "2026-03-03").code == 0
    result = cli("import", str(older))
    assert result.code == 0, result.err
    assert "0 added · 0 updated · 0 unchanged · 0 conflicts kept · 1 skipped" in result.out
    assert "older than what you have" in result.out
    assert orders_listed(cli)["1"]["state"] == "refund_pending"
    replaced = cli("import", "--replace", str(older))
    assert replaced.code == 0, replaced.err
    assert "0 added · 1 updated" in replaced.out
    assert orders_listed(cli)["1"]["state"] == "awaiting_seller"
    backups = list((db.parent / "backups").glob("pre-import-*.db"))
    assert len(backups) == 1


def test_the_format_option_is_gone(cli, tmp_path):
    source = tmp_path / "e.csv"
    source.write_text(REPRO_CSV, encoding="utf-8")
    result = cli("import", str(source), "--format", "csv")
    assert result.code == 2
    assert "--format" in result.err


# -- paste ------------------------------------------------------------------------------


def test_paste_dry_run_reads_standard_input_and_writes_nothing(cli, full_db, db, dump):
    before = dump(db)
    pasted = "order_id,title,price,currency\n8175000000000901,Lamp,5.00,EUR\n"
    result = cli("paste", "--dry-run", stdin=pasted)
    assert result.code == 0, result.err
    assert result.out.splitlines()[:2] == [
        "pasted text: aliret-tui CSV",
        "1 to add · 0 to update · 0 unchanged · 0 conflicts kept · 0 skipped",
    ]
    assert "8175000000000901  Lamp  (5.00 EUR)" in result.out
    assert "Nothing was written yet." in result.out
    assert dump(db) == before
    applied = cli("paste", stdin=pasted)
    assert applied.code == 0, applied.err
    assert "8175000000000901" in orders_listed(cli)


def test_import_reads_standard_input_too(cli):
    result = cli("import", "-", stdin=REPRO_CSV)
    assert result.code == 0, result.err
    assert "standard input: aliret-tui CSV" in result.out
    assert "1 added" in result.out


# -- hostile files ------------------------------------------------------------------------


def mutated(document: dict, change) -> str:
    changed = copy.deepcopy(document)
    change(changed["orders"][0])
    return json.dumps(changed, ensure_ascii=False)


def _duplicate_seq(entry):
    entry["events"][1]["seq"] = 1


def _negative_refund(entry):
    entry["events"][4]["amount"] = "-29.99"
    entry["order"]["dispute"]["refund"]["amount"] = "-29.99"


def _dispute_in_9999(entry):
    entry["events"][0]["on"] = "9999-03-02"
    entry["order"]["dispute"]["opened_on"] = "9999-03-02"


def _ordered_in_0001(entry):
    entry["order"]["ordered_on"] = "0001-01-01"


def _escape_in_an_order_key(entry):
    entry["order"]["\x1b]0;PWNED\x07"] = "x"


HOSTILE_JSON = {
    "duplicate event seq": (_duplicate_seq, ("order 1", "events", "seq")),
    "negative refund": (_negative_refund, ("order 1", "amount", "-29.99")),
    "dispute opened in 9999": (_dispute_in_9999, ("order 1", "9999")),
    "ordered in 0001": (_ordered_in_0001, ("order 1", "ordered_on", "0001")),
    "escape in a key": (_escape_in_an_order_key, ("order 1", "PWNED")),
}


def refused(cli, db: Path, path: Path, *fragments: str, one_error_line) -> str:
    before = file_bytes(db)
    result = cli("import", str(path))
    line = one_error_line(result, path.name, *fragments, "nothing was imported")
    assert "Traceback" not in result.err
    assert_no_terminal_controls(result.err)
    assert file_bytes(db) == before
    return line


@pytest.mark.parametrize("case", list(HOSTILE_JSON))
def test_hostile_json_in_our_format_is_refused(
    cli, full_db, db, tmp_path, dispute_export, one_error_line, case
):
    change, fragments = HOSTILE_JSON[case]
    path = tmp_path / "hostile.json"
    path.write_text(mutated(dispute_export, change), encoding="utf-8")
    refused(cli, db, path, *fragments, one_error_line=one_error_line)


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        ("[" * 100_000 + "]" * 100_000, ("nested too deeply",)),
        (
            '{"format": "aliret-tui", "version": 1, "orders": '
            + "[" * 100_000
            + "]" * 100_000
            + "}",
            ("nested too deeply",),
        ),
        (
            '{"format": "aliret-tui", "version": 1, "orders": [{"order": {"order_id": "1", '
            '"title": "x", "price": "1", "currency": "USD", "window_days": ' + "9" * 5000 + "}}]}",
            ("5000 digits",),
        ),
        ('{"format": "aliret-tui", "version": 1, "version": 1, "orders": []}', ("'version'",)),
        ('{"format": "aliret-tui", "version": 1, "orders": [], "extra": 1}', ("'extra'",)),
        ('{"format": "aliret-tui", "version": true, "orders": []}', ("version",)),
        ('{"format": "aliret-tui", "version": 2, "orders": []}', ("version", "2")),
        (
            '{"format": "aliret-tui", "version": 1, "orders": [], '
            '"\\u001b]0;PWNED\\u0007\\u001b[2J": 1}',
            ("PWNED", "unknown key"),
        ),
        ('{"\\u001b[2J": 1, "\\u001b[2J": 2}', ("appears twice",)),
    ],
    ids=[
        "nesting bomb",
        "nesting bomb in our format",
        "5000-digit integer",
        "duplicate keys",
        "unknown top-level key",
        "version true",
        "version 2",
        "escape sequence as a key",
        "duplicate escape keys",
    ],
)
def test_hostile_json_is_refused_in_one_line(
    cli, full_db, db, tmp_path, one_error_line, content, fragments
):
    path = tmp_path / "hostile.json"
    path.write_text(content, encoding="utf-8")
    line = refused(cli, db, path, *fragments, one_error_line=one_error_line)
    assert "\x1b" not in line and "\x07" not in line


def stored_texts(db: Path, query: str) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [row[0] for row in conn.execute(query)]
    finally:
        conn.close()


def all_stored_text(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return "\n".join(
            str(value)
            for table in ("events", "attachments", "messages", "disputes", "orders", "evidence")
            for row in conn.execute(f"SELECT * FROM {table}")
            for value in row
        )
    finally:
        conn.close()


def import_poisoned(cli, tmp_path: Path, document: dict, poison) -> None:
    path = tmp_path / "poisoned.json"
    path.write_text(mutated(document, poison), encoding="utf-8")
    result = cli("import", str(path))
    assert result.code == 0, result.err
    assert "1 added" in result.out
    assert_no_terminal_controls(result.out + result.err)


def test_escape_sequences_in_paths_and_messages_are_cleaned(cli, db, tmp_path, dispute_export):
    def poison(entry):
        entry["evidence"][0]["attachments"] = [
            {
                "path": "/photos/\x1b]52;c;SGVsbG8=\x07label.jpg",
                "size": 1234,
                "sha256": "ab" * 32,
                "attached_at": "2026-03-05T10:00:00",
            }
        ]
        entry["evidence"][0]["note"] = "kept\x1b[8m hidden"
        entry["messages"] = [
            {"sender": "seller", "sent_at": "2026-03-02 10:00", "text": "hi\x1b[31m red\x07"}
        ]

    import_poisoned(cli, tmp_path, dispute_export, poison)
    assert stored_texts(db, "SELECT path FROM attachments") == ["/photos/label.jpg"]
    assert stored_texts(db, "SELECT text FROM messages") == ["hi red"]
    assert "kept hidden" in stored_texts(db, "SELECT note FROM evidence")
    stored = all_stored_text(db)
    for bad in ("\x1b", "\x07", "SGVsbG8"):
        assert bad not in stored, bad


def test_escape_sequences_in_event_notes_are_cleaned(cli, db, tmp_path, dispute_export):
    def poison(entry):
        entry["events"][0]["note"] = "called\x1b[2J the seller\x07"

    import_poisoned(cli, tmp_path, dispute_export, poison)
    assert stored_texts(db, "SELECT note FROM events WHERE seq = 1") == ["called the seller"]
    assert "\x1b" not in all_stored_text(db)


def test_escape_sequences_in_tracking_are_cleaned(cli, db, tmp_path, dispute_export):
    hostile = "LP\x1b]0;PWNED\x07123"

    def poison(entry):
        entry["events"][2]["tracking"], entry["events"][2]["carrier"] = hostile, "Post\x1b[31m"
        shipment = entry["order"]["dispute"]["return_shipment"]
        shipment["tracking"], shipment["carrier"] = hostile, "Post\x1b[31m"

    import_poisoned(cli, tmp_path, dispute_export, poison)
    assert stored_texts(db, "SELECT tracking FROM events WHERE seq = 3") == ["LP123"]
    assert stored_texts(db, "SELECT carrier FROM events WHERE seq = 3") == ["Post"]
    stored = all_stored_text(db)
    for bad in ("\x1b", "\x07", "PWNED"):
        assert bad not in stored, bad


def run_with_timeout(db: Path, *args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    environment = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [EXE, "--db", str(db), "--today", TODAY, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def test_a_fifo_is_refused_without_hanging(full_db, db, tmp_path):
    fifo = tmp_path / "orders.csv"
    os.mkfifo(fifo)
    before = file_bytes(db)
    done = run_with_timeout(db, "import", str(fifo))  # TimeoutExpired if it hangs
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "orders.csv" in done.stderr and "not a regular file" in done.stderr
    assert "Traceback" not in done.stderr
    assert file_bytes(db) == before


@pytest.mark.parametrize(
    ("make", "fragments"),
    [
        (lambda tmp: Path("/dev/zero"), ("/dev/zero", "not a regular file")),
        (lambda tmp: _folder_without_mail(tmp), ("mails", "folder", ".eml")),
        (lambda tmp: _sparse_file(tmp), ("huge.csv", "too large", "209,715,201 bytes")),
        (lambda tmp: tmp / "missing.csv", ("missing.csv", "no such file")),
    ],
    ids=["/dev/zero", "folder without .eml", "sparse file over 200 MB", "missing file"],
)
def test_files_that_cannot_be_imported(full_db, db, tmp_path, make, fragments):
    path = make(tmp_path)
    before = file_bytes(db)
    done = run_with_timeout(db, "import", str(path))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, lines
    for fragment in (*fragments, "nothing was imported"):
        assert fragment in lines[0], (fragment, lines[0])
    assert "Traceback" not in done.stderr
    assert file_bytes(db) == before


def _folder_without_mail(tmp: Path) -> Path:
    folder = tmp / "mails"
    folder.mkdir()
    (folder / "readme.txt").write_text("no mail here", encoding="utf-8")
    return folder


def _sparse_file(tmp: Path) -> Path:
    path = tmp / "huge.csv"
    path.write_bytes(b"order_id,title,price,currency\n")
    os.truncate(path, 200 * 1024 * 1024 + 1)
    return path


def test_a_bad_row_names_the_file_the_row_and_the_field(cli, full_db, db, tmp_path, one_error_line):
    source = tmp_path / "orders.csv"
    source.write_text(
        REPRO_CSV + "8175000000000999,Broken,-1,USD\n8175000000000998,Fine,1.00,USD\n",
        encoding="utf-8",
    )
    refused(cli, db, source, "row 3", "price", one_error_line=one_error_line)
