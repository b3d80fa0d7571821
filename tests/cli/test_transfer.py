"""``aliret-tui import`` and ``aliret-tui export``."""

from __future__ import annotations

import csv
import io
import json
import os
import stat

import pytest

COLUMNS = (
    "order_id,title,price,currency,store,ordered_on,delivered_on,window_days,"
    "protection_ends,country,free_return,local_return,note"
)
ROWS = (
    "8100000000000001,Phone case,4.99,USD,Case Co,2026-02-01,2026-03-01,,,US,true,false,",
    '8100000000000002,"Shoes, ""red""",29.99,EUR,,2026-02-02,2026-03-02,,,ES,false,true,'
    '"two\nlines"',
    "8100000000000003,Cable,3.50,USD,,,,20,2026-04-01,,,,",
)

HISTORY = (
    ("add", "1", "--title", "Shoes", "--price", "29.99", "--currency", "EUR",
     "--delivered", "2026-03-01", "--country", "ES", "--note", "size 42"),
    ("event", "1", "open_dispute", "--on", "2026-03-02", "--reason", "wrong_size"),
    ("event", "1", "seller_refused", "--on", "2026-03-03"),
    ("event", "1", "escalated", "--on", "2026-03-06"),
    ("event", "1", "mediation_won", "--on", "2026-03-06", "--outcome", "return_and_refund"),
    ("event", "1", "return_shipped", "--on", "2026-03-07", "--tracking", "LP1", "--carrier", "X"),
    ("add", "2", "--title", "USB cable [/2 pack]", "--price", "3", "--currency", "USD"),
    ("add", "3", "--title", "Kept", "--price", "500", "--currency", "JPY",
     "--delivered", "2026-03-01"),
    ("event", "3", "keep", "--on", "2026-03-02"),
)  # fmt: skip


def _write(path, *rows, header=COLUMNS):
    path.write_text("\n".join((header, *rows)) + "\n", encoding="utf-8")
    return path


def _imported(result, added, updated, unchanged):
    """The import's report (issue 11: the plan, applied) counts each kind of change."""
    assert result.code == 0, result.err
    counts = f"{added} added · {updated} updated · {unchanged} unchanged · 0 conflicts kept"
    assert any(line.startswith(counts) for line in result.out.splitlines()), result.out


def test_csv_import_twice_changes_nothing(cli, db, tmp_path, dump):
    source = _write(tmp_path / "orders.csv", *ROWS)
    first = cli("import", str(source))
    _imported(first, 3, 0, 0)
    assert first.out.startswith(f"{source.name}: aliret-tui CSV\n")
    before = dump(db)
    _imported(cli("import", str(source)), 0, 0, 3)
    assert dump(db) == before
    orders = {o["order_id"]: o for o in json.loads(cli("list", "--json").out)}
    assert orders["8100000000000002"]["title"] == 'Shoes, "red"'
    assert orders["8100000000000002"]["deadline"] == "2026-05-31"  # Local Return: 90 days
    assert orders["8100000000000003"]["deadline"] == "2026-04-01"  # protection date wins


def test_csv_import_counts_an_update(cli, tmp_path):
    _imported(cli("import", str(_write(tmp_path / "a.csv", *ROWS))), 3, 0, 0)
    changed = ROWS[0].replace("4.99", "5.49")
    _imported(cli("import", str(_write(tmp_path / "b.csv", changed, *ROWS[1:]))), 0, 1, 2)
    orders = {o["order_id"]: o for o in json.loads(cli("list", "--json").out)}
    assert orders["8100000000000001"]["price"] == "5.49"


def test_csv_with_the_required_columns_only(cli, tmp_path):
    source = _write(
        tmp_path / "min.csv", "A1,Thing,1.00,GBP", header="order_id,title,price,currency"
    )
    _imported(cli("import", str(source)), 1, 0, 0)


def test_csv_from_stdin(cli):
    """The format is recognised by content (issue 11: --format is gone)."""
    result = cli("import", "-", stdin="\n".join((COLUMNS, ROWS[2])) + "\n")
    _imported(result, 1, 0, 0)
    assert result.out.startswith("standard input: aliret-tui CSV\n")


@pytest.mark.parametrize(
    ("bad_row", "field"),
    [
        ("9,Bad,-5,USD,,,,,,,,,", "price"),
        ("9,Bad,5,DOLLARS,,,,,,,,,", "currency"),
        ("9,Bad,5,USD,,2026-02-31,,,,,,,", "ordered_on"),
        ("9,Bad,5,USD,,,,,,,yes please,,", "free_return"),
        ("8100000000000001,Again,5,USD,,,,,,,,,", "order_id"),
    ],
)
def test_a_bad_row_imports_nothing(cli, db, tmp_path, one_error_line, bad_row, field):
    source = _write(tmp_path / "bad.csv", *ROWS, bad_row)
    one_error_line(cli("import", str(source)), "bad.csv", field, "nothing was imported")
    assert not db.exists()


def test_a_bad_row_is_named_by_its_row(cli, db, tmp_path, one_error_line):
    source = _write(tmp_path / "bad.csv", *ROWS, "9,Bad,-5,USD,,,,,,,,,")
    one_error_line(cli("import", str(source)), "row 5", "price", "nothing was imported")
    assert not db.exists()


def test_a_bad_row_leaves_an_existing_database_untouched(cli, db, tmp_path, one_error_line):
    cli.add("1")
    before = db.read_bytes()
    source = _write(tmp_path / "bad.csv", ROWS[0], "9,Bad,5,USD,,,,0,,,,,", ROWS[1])
    one_error_line(cli("import", str(source)), "row 3", "window_days")
    assert db.read_bytes() == before


def test_a_csv_with_an_unknown_column_is_refused(cli, db, tmp_path, one_error_line):
    source = _write(
        tmp_path / "x.csv", "1,T,1,USD,oops", header="order_id,title,price,currency,colour"
    )
    one_error_line(cli("import", str(source)), "colour")
    assert not db.exists()


def test_json_round_trip(cli, seed, tmp_path):
    seed(*HISTORY)
    first = cli("export")
    assert first.code == 0, first.err
    document = json.loads(first.out)
    assert [r["order"]["order_id"] for r in document["orders"]] == ["1", "2", "3"]
    shoes = document["orders"][0]
    assert [e["kind"] for e in shoes["events"]] == [
        "open_dispute",
        "seller_refused",
        "escalated",
        "mediation_won",
        "return_shipped",
    ]
    assert shoes["evidence"] and shoes["order"]["dispute"]["return_shipment"]["tracking"] == "LP1"
    exported = tmp_path / "export.json"
    exported.write_text(first.out, encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    _imported(cli("import", str(exported), db=fresh), 3, 0, 0)
    again = cli("export", db=fresh)
    assert again.out == first.out
    _imported(cli("import", str(exported), db=fresh), 0, 0, 3)


def test_export_to_a_file_is_private(cli, seed, tmp_path):
    seed(*HISTORY)
    target = tmp_path / "backup.json"
    result = cli("export", "-o", str(target))
    assert result.code == 0, result.err
    assert result.out == ""
    assert str(target) in result.err
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert json.loads(target.read_text())["format"] == "aliret-tui"
    csv_target = tmp_path / "orders.csv"
    assert cli("export", "--format", "csv", "-o", str(csv_target)).code == 0
    assert stat.S_IMODE(os.stat(csv_target).st_mode) == 0o600


def test_csv_export_has_the_documented_columns_and_imports_back(cli, seed, tmp_path):
    seed(*HISTORY)
    result = cli("export", "--format", "csv")
    assert result.code == 0, result.err
    reader = csv.DictReader(io.StringIO(result.out))
    assert tuple(reader.fieldnames[:13]) == tuple(COLUMNS.split(","))
    rows = list(reader)
    assert [row["order_id"] for row in rows] == ["1", "2", "3"]
    assert rows[0]["delivered_on"] == "2026-03-01" and rows[0]["free_return"] == "false"
    source = tmp_path / "back.csv"
    source.write_text(result.out, encoding="utf-8")
    _imported(cli("import", str(source)), 0, 0, 3)


def test_ten_thousand_rows(cli, db, tmp_path, dump):
    lines = [
        f"81{i:014d},Item {i},{i % 500 + 1}.99,USD,Shop {i % 37},2026-01-01,"
        f"{'2026-03-01' if i % 2 else ''},,,US,false,{'true' if i % 5 == 0 else 'false'},"
        for i in range(10_000)
    ]
    source = _write(tmp_path / "big.csv", *lines)
    _imported(cli("import", str(source)), 10_000, 0, 0)
    assert len(dump(db)["orders"]) == 10_000
    _imported(cli("import", str(source)), 0, 0, 10_000)
    due = cli("check", "--days", "7", "--json")
    assert due.code == 1
    # Delivered (odd rows) without Local Return (every fifth row): due on 2026-03-16.
    assert len(json.loads(due.out)) == 4_000
