"""The command line reads values as people type them (issue 13): ``--price 12,50``,
``ORDER_ID`` as AliExpress's copy button leaves it, ``--on -3``. A value that could
mean two things is refused naming the option, with exit 2 and nothing written."""

from __future__ import annotations

import json
import sqlite3
import zipfile

import pytest
from support.cli import TODAY

ID = "8175123456789012"
SPACED = "8175 1234 5678 9012"
COPIED = "8175-1234-5678-9012Copy"


def _orders(cli) -> dict[str, dict]:
    return {o["order_id"]: o for o in json.loads(cli("list", "--all", "--json").out)}


def _events(db, order_id: str = ID) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT kind, on_date, amount FROM events WHERE order_id = ? ORDER BY seq",
            [order_id],
        ).fetchall()
    finally:
        conn.close()


# -- amounts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "currency", "stored"),
    [
        ("12,50", "EUR", "12.50"),
        ("1.234,56", "EUR", "1234.56"),
        ("1,234.56", "USD", "1234.56"),
        ("1 234,56", "EUR", "1234.56"),
        ("12.5", "EUR", "12.50"),
        ("1,234", "JPY", "1234"),
    ],
)
def test_add_takes_a_price_as_typed(cli, typed, currency, stored):
    result = cli.add(ID, price=typed, currency=currency)
    assert result.err == ""
    assert _orders(cli)[ID]["price"] == stored


@pytest.mark.parametrize(
    ("typed", "currency", "message"),
    [
        ("1,234", "EUR", "--price: '1,234' is ambiguous (thousands or decimals?): "
         "type 1234 for thousands (EUR amounts have at most 2 decimals)"),
        ("1.234", "USD", "--price: '1.234' is ambiguous (thousands or decimals?): "
         "type 1234 for thousands (USD amounts have at most 2 decimals)"),
        ("1,500", "GBP", "--price: '1,500' is ambiguous (thousands or decimals?): "
         "type 1500 for thousands, or 1.50 for decimals"),
        ("12 50", "EUR", "--price: must be a number such as 12.50 or 12,50 (got '12 50')"),
    ],
)  # fmt: skip
def test_an_ambiguous_price_is_refused_and_creates_nothing(
    cli, db, one_error_line, typed, currency, message
):
    result = cli("add", ID, "--title", "Lamp", "--price", typed, "--currency", currency)
    assert one_error_line(result) == f"aliret-tui: error: {message}"
    assert not db.exists()
    assert list(db.parent.iterdir()) == []


@pytest.fixture
def disputed(seed):
    """Order ID (EUR 20.00), delivered and in a dispute the seller may answer."""
    return seed(
        ("add", ID, "--title", "Lamp", "--price", "20", "--currency", "EUR",
         "--delivered", "2026-03-01"),
        ("event", ID, "open_dispute", "--on", "2026-03-02", "--reason", "item_defective"),
    )  # fmt: skip


def test_event_takes_an_amount_with_a_decimal_comma(cli, disputed, db):
    result = cli("event", ID, "seller_agreed", "--amount", "10,5")
    assert result.code == 0, result.err
    assert _events(db)[-1] == ("seller_agreed", TODAY, "10.50")


def test_an_ambiguous_event_amount_is_refused_and_writes_nothing(
    cli, disputed, db, dump, one_error_line
):
    before = dump(db)
    result = cli("event", ID, "seller_agreed", "--amount", "1.234")
    assert one_error_line(result) == (
        "aliret-tui: error: --amount: '1.234' is ambiguous (thousands or decimals?): "
        "type 1234 for thousands (EUR amounts have at most 2 decimals)"
    )
    assert dump(db) == before


def test_an_event_amount_is_read_in_the_orders_currency(cli, seed, db):
    seed(
        ("add", ID, "--title", "Camera", "--price", "30000", "--currency", "JPY",
         "--delivered", "2026-03-01"),
        ("event", ID, "open_dispute", "--on", "2026-03-02", "--reason", "item_defective"),
    )  # fmt: skip
    result = cli("event", SPACED, "seller_agreed", "--amount", "1,234")
    assert result.code == 0, result.err
    assert _events(db)[-1][2] == "1234"


# -- order numbers -------------------------------------------------------------------


@pytest.mark.parametrize("typed", [SPACED, COPIED, "8175 1234-5678 9012Copy"])
def test_add_stores_the_number_without_spaces_dashes_or_copy(cli, typed):
    result = cli.add(typed)
    assert result.out.startswith(f"Added order {ID}: ")
    assert result.err == ""  # 16 digits: no note
    assert list(_orders(cli)) == [ID]


@pytest.mark.parametrize("again", [ID, SPACED, COPIED])
def test_the_same_number_copied_differently_is_the_same_order(cli, db, dump, one_error_line, again):
    cli.add(SPACED)
    before = dump(db)
    result = cli("add", again, "--title", "Twice", "--price", "1", "--currency", "USD")
    one_error_line(result, "ORDER_ID", ID, "already exists")
    assert dump(db) == before


@pytest.mark.parametrize(
    ("typed", "stored", "note"),
    [
        ("8175 1234 5678 9", "8175123456789",
         "8175123456789 has 13 digits, but AliExpress order numbers have 15 or 16; "
         "it was kept as it is: check it against the order page"),
        ("PO-77", "PO-77",
         "'PO-77' is not an AliExpress order number (15 or 16 digits); it was kept as typed"),
    ],
)  # fmt: skip
def test_an_unusual_number_is_added_with_a_note(cli, typed, stored, note):
    result = cli.add(typed)
    assert result.out.startswith(f"Added order {stored}: ")
    assert result.err_lines == [f"aliret-tui: note: ORDER_ID: {note}"]
    assert list(_orders(cli)) == [stored]


@pytest.mark.parametrize("typed", [SPACED, COPIED])
def test_event_finds_the_order_by_the_number_as_copied(cli, db, typed):
    cli.add(ID, "--delivered", "2026-03-01")
    result = cli("event", typed, "keep")
    assert result.code == 0, result.err
    assert f"Recorded keep for order {ID}" in result.out
    assert [kind for kind, *_ in _events(db)] == ["keep"]


def test_pack_finds_the_order_by_the_number_as_copied(cli, tmp_path):
    cli.add(ID, "--delivered", "2026-03-01")
    zipped = tmp_path / "pack.zip"
    result = cli("pack", COPIED, "-o", str(zipped))
    assert result.code == 0, result.err
    with zipfile.ZipFile(zipped) as archive:
        assert ID in archive.read("summary.md").decode()


def test_an_order_stored_as_typed_by_an_older_version_is_still_found(cli, db):
    cli.add(ID, "--delivered", "2026-03-01")
    conn = sqlite3.connect(db)  # as ids were kept before they were normalised
    with conn:
        for table in ("orders", "events", "evidence", "fact_sources"):
            conn.execute(f"UPDATE {table} SET order_id = ? WHERE order_id = ?", [SPACED, ID])
    conn.close()
    result = cli("event", SPACED, "keep")
    assert result.code == 0, result.err
    assert [kind for kind, *_ in _events(db, SPACED)] == ["keep"]


def test_an_unknown_number_names_it_as_stored(cli, one_error_line):
    cli.add(ID)
    one_error_line(cli("event", "8175 0000 0000 0000", "keep"), "'8175000000000000' not found")


# -- dates ---------------------------------------------------------------------------


def test_add_takes_dates_relative_to_the_given_today(cli):
    cli.add(
        ID, "--ordered", "-9", "--delivered", "yesterday", "--protection-ends", "today",
        today="2026-03-10",
    )  # fmt: skip
    conn = sqlite3.connect(cli.db)
    row = conn.execute(
        "SELECT ordered_on, delivered_on, protection_ends FROM orders WHERE order_id = ?", [ID]
    ).fetchone()
    conn.close()
    assert row == ("2026-03-01", "2026-03-09", "2026-03-10")


@pytest.mark.parametrize(
    ("typed", "day"),
    [("today", "2026-07-04"), ("yesterday", "2026-07-03"), ("-3", "2026-07-01"),
     ("2026-06-30", "2026-06-30")],
)  # fmt: skip
def test_event_on_takes_relative_dates(cli, db, typed, day):
    cli.add(ID, today="2026-06-01")
    result = cli("event", ID, "delivered", "--on", typed, today="2026-07-04")
    assert result.code == 0, result.err
    assert f"on {day}" in result.out
    assert _events(db)[-1][:2] == ("delivered", day)


def test_a_date_that_is_none_names_what_is_allowed(cli, seed, db, dump, one_error_line):
    cli.add(ID)
    before = dump(db)
    result = cli("event", ID, "delivered", "--on", "last tuesday")
    assert one_error_line(result) == (
        "aliret-tui: error: --on: must be a date: YYYY-MM-DD, today, yesterday or -N for "
        "N days ago (got 'last tuesday')"
    )
    assert dump(db) == before


def test_a_relative_date_in_the_future_is_still_refused(cli, one_error_line):
    one_error_line(
        cli("add", ID, "--title", "T", "--price", "1", "--currency", "USD", "--ordered", "-0",
            "--delivered", "-1"),
        "--delivered: is before the order date",
    )  # fmt: skip


def test_today_stays_a_strict_iso_date(cli):
    result = cli("list", "--today", "yesterday", today=None)
    assert result.code == 2
    assert "must be a date as YYYY-MM-DD" in result.err


def test_the_help_says_what_can_be_typed(cli):
    add_help = cli("add", "-h").out
    assert "12,50" in add_help and "yesterday" in add_help and "-N (N days ago)" in add_help
    event_help = cli("event", "-h").out
    assert "12,50" in event_help and "yesterday" in event_help
