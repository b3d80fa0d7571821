"""What `aliret-tui import` says about a broken CSV of our own (issue 12, item 17):
the real problem, its row and line, and its column; the database untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

HEADER = "order_id,title,price,currency,note\n"
TEN_MB = 10 * 1024 * 1024


@pytest.fixture
def stocked(cli, db: Path) -> Path:
    cli.add("KEEP", title="Already here")
    return db


def refused(cli, db: Path, tmp_path: Path, text: str, one_error_line, *fragments: str) -> str:
    """Import ``text`` as orders.csv: one error line naming each fragment, and the
    database file byte for byte as it was."""
    source = tmp_path / "orders.csv"
    source.write_text(text, encoding="utf-8", newline="")
    before = db.read_bytes()
    line = one_error_line(cli("import", str(source)), *fragments, "nothing was imported")
    assert db.read_bytes() == before
    return line


def test_an_unterminated_quote_names_its_row_line_and_column(
    cli, stocked, tmp_path, one_error_line
):
    text = HEADER + '1,Lamp,9.99,"USD,\n2,Cable,1.00,USD,\n3,Mug,2.00,USD,\n'
    line = refused(
        cli,
        stocked,
        tmp_path,
        text,
        one_error_line,
        "orders.csv, row 2 (line 2): currency: a quote opens this cell and is never closed",
    )
    assert "missing" not in line


def test_an_unterminated_quote_after_a_multi_line_note_names_the_line(
    cli, stocked, tmp_path, one_error_line
):
    text = HEADER + '1,Lamp,9.99,USD,"two\nlines"\n2,"Cable,1.00,USD,\n3,Mug,2.00,USD,\n'
    refused(
        cli,
        stocked,
        tmp_path,
        text,
        one_error_line,
        "orders.csv, row 3 (line 4): title: a quote opens this cell and is never closed",
    )


def test_a_quote_closed_too_early_names_where_the_cell_starts(
    cli, stocked, tmp_path, one_error_line
):
    text = HEADER + '1,"Lamp,9.99,USD,\n2,"Cable",1.00,USD,\n'
    refused(
        cli,
        stocked,
        tmp_path,
        text,
        one_error_line,
        "orders.csv, row 2 (line 2): title: the quoted cell is closed on line 3 and then goes "
        "on with 'C'",
        'two quotes ("")',
    )


def test_an_unterminated_quote_in_the_header_names_its_column(
    cli, stocked, tmp_path, one_error_line
):
    text = 'order_id,title,price,"currency\n1,Lamp,9.99,USD\n'
    refused(
        cli,
        stocked,
        tmp_path,
        text,
        one_error_line,
        "orders.csv, header (line 1): column 4: a quote opens this cell and is never closed",
    )


def test_a_ten_megabyte_cell_names_its_row_line_and_column(cli, stocked, tmp_path, one_error_line):
    # A note on two lines first, so row and line differ; the long cell is quoted
    # and spans lines, so the line it starts on is not where a reader gives up.
    huge = ("x" * 999 + "\n") * (TEN_MB // 1000)
    text = HEADER + '1,Lamp,9.99,USD,"two\nlines"\n' + f'2,Cable,1.00,USD,"{huge}"\n3,Mug,2,USD,\n'
    refused(
        cli,
        stocked,
        tmp_path,
        text,
        one_error_line,
        f"orders.csv, row 3 (line 4): note: the cell is {len(huge):,} characters long "
        "(at most 800,000)",
    )


def test_a_ten_megabyte_cell_in_an_unquoted_column(cli, stocked, tmp_path, one_error_line):
    text = HEADER + f"1,{'t' * TEN_MB},9.99,USD,\n"
    refused(
        cli,
        stocked,
        tmp_path,
        text,
        one_error_line,
        f"orders.csv, row 2 (line 2): title: the cell is {TEN_MB:,} characters long",
    )


@pytest.mark.parametrize(
    ("header", "named"),
    [
        (
            "order_id,title,price,currency,title",
            "'title' appears twice (columns 2 and 5 of line 1)",
        ),
        (
            "order_id,title,price,currency, price ",
            "'price' appears twice (columns 3 and 5 of line 1)",
        ),
    ],
)
def test_a_duplicate_header_column_is_refused_naming_it(
    cli, stocked, tmp_path, one_error_line, header, named
):
    text = f"{header}\n1,Lamp,9.99,USD,Other\n"
    refused(cli, stocked, tmp_path, text, one_error_line, f"orders.csv: header: column {named}")


def test_a_lone_carriage_return_names_its_cell(cli, stocked, tmp_path, one_error_line):
    text = HEADER + "1,Lamp,9.99,USD,\n2,Ca\rble,1.00,USD,\n"
    refused(
        cli,
        stocked,
        tmp_path,
        text,
        one_error_line,
        "orders.csv, row 3 (line 3): title: a carriage return (\\r) without a line feed",
    )
