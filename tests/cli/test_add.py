"""``aliret-tui add``: success, and every refusal as one line naming the option."""

from __future__ import annotations

import json

import pytest

ONE_DELIVERED = (
    "add",
    "1",
    "--title",
    "Thing",
    "--price",
    "9.99",
    "--currency",
    "USD",
    "--delivered",
    "2026-03-01",
)


def _orders(cli):
    result = cli("list", "--all", "--json")
    assert result.code == 0, result.err
    return {o["order_id"]: o for o in json.loads(result.out)}


def test_add_prints_the_order_and_its_deadline(cli, db):
    result = cli.add("8100000000000001", "--delivered", "2026-03-01", title="Phone case")
    assert result.err == ""
    assert result.out_lines[0] == "Added order 8100000000000001: Phone case"
    assert "inspection deadline 2026-03-16" in result.out_lines[1]
    assert "6 days left" in result.out_lines[1]
    assert db.exists()


def test_add_with_every_option_stores_every_value(cli):
    cli.add(
        " 42 ",
        "--store", "Case Co",
        "--ordered", "2026-02-01",
        "--delivered", "2026-03-01",
        "--window-days", "20",
        "--country", "fr",
        "--free-return",
        "--note", "scratched",
        title="Case",
        price="12.5",
        currency="eur",
    )  # fmt: skip
    order = _orders(cli)["42"]
    assert order["price"] == "12.50"
    assert order["currency"] == "EUR"
    assert order["store"] == "Case Co"
    assert order["deadline"] == "2026-03-21"  # delivered + 20 days
    assert order["state"] == "window_open"


def test_add_without_delivery_has_no_deadline(cli):
    result = cli.add("1")
    assert "No deadline running." in result.out
    assert _orders(cli)["1"]["state"] == "in_transit"


REFUSALS = [
    (["--delivered", "2026-13-01"], "--delivered"),
    (["--delivered", "2026-03-11"], "--delivered"),  # in the future
    (["--ordered", "2026-02-30"], "--ordered"),
    (["--ordered", "2026-03-11"], "--ordered"),  # in the future
    (["--protection-ends", "soon"], "--protection-ends"),
    (["--price", "-1"], "--price"),
    (["--price", "1,234"], "--price"),  # thousands or decimals?
    (["--price", "1.234"], "--price"),  # USD has 2 decimals
    (["--currency", "XXY"], "--currency"),
    (["--country", "ZZ"], "--country"),
    (["--window-days", "0"], "--window-days"),
    (["--window-days", "ten"], "--window-days"),
    (["--title", "   "], "--title"),
    (["--ordered", "2026-03-05", "--delivered", "2026-03-01"], "--delivered"),
]


def _add_args(extra: list[str]) -> list[str]:
    values = {"--title": "Thing", "--price": "9.99", "--currency": "USD"}
    rest = []
    for option, value in zip(extra[::2], extra[1::2], strict=True):
        if option in values:
            values[option] = value
        else:
            rest += [option, value]
    return ["add", "77", *[x for pair in values.items() for x in pair], *rest]


@pytest.mark.parametrize(("extra", "option"), REFUSALS, ids=[" ".join(r[0]) for r in REFUSALS])
def test_a_refused_add_names_the_option_and_creates_no_database(
    cli, db, one_error_line, extra, option
):
    result = cli(*_add_args(extra))
    one_error_line(result, f"error: {option}:")
    assert not db.exists()
    assert list(db.parent.iterdir()) == []


@pytest.mark.parametrize(
    ("extra", "option"),
    [(["--price", "-1"], "--price"), (["--currency", "XXY"], "--currency"),
     (["--delivered", "2026-03-11"], "--delivered"), (["--country", "ZZ"], "--country"),
     (["--window-days", "0"], "--window-days"), (["--delivered", "2026-13-01"], "--delivered")],
)  # fmt: skip
def test_a_refused_add_leaves_an_existing_database_byte_for_byte(
    cli, seed, db, one_error_line, extra, option
):
    seed(ONE_DELIVERED)
    before = db.read_bytes()
    one_error_line(cli(*_add_args(extra)), option)
    assert db.read_bytes() == before


def test_a_duplicate_order_id_is_refused_and_nothing_is_stored(cli, db, dump, one_error_line):
    cli.add("42", title="first")
    before = dump(db)
    result = cli("add", "42", "--title", "second", "--price", "1", "--currency", "USD")
    one_error_line(result, "ORDER_ID", "42", "already exists")
    assert dump(db) == before
    assert _orders(cli)["42"]["title"] == "first"


def test_a_duplicate_order_id_leaves_the_file_byte_for_byte(cli, db, one_error_line):
    cli.add("42")
    before = db.read_bytes()
    one_error_line(cli("add", "42", "--title", "again", "--price", "1", "--currency", "USD"))
    assert db.read_bytes() == before


def test_local_return_gets_a_90_day_window(cli):
    cli.add("1", "--delivered", "2026-03-01", "--local-return")
    cli.add("2", "--delivered", "2026-03-01")
    orders = _orders(cli)
    assert orders["1"]["deadline"] == "2026-05-30"  # 2026-03-01 + 90 days
    assert orders["2"]["deadline"] == "2026-03-16"  # + 15 days


def test_local_return_with_window_days_keeps_the_given_window(cli):
    cli.add("1", "--delivered", "2026-03-01", "--local-return", "--window-days", "30")
    assert _orders(cli)["1"]["deadline"] == "2026-03-31"


def test_protection_ends_overrides_the_computed_window(cli):
    cli.add("1", "--delivered", "2026-03-01", "--local-return", "--protection-ends", "2026-03-20")
    cli.add("2", "--delivered", "2026-03-01", "--window-days", "60", "--protection-ends",
            "2026-03-12")  # fmt: skip
    cli.add("3", "--protection-ends", "2026-04-01")  # not delivered yet
    orders = _orders(cli)
    assert orders["1"]["deadline"] == "2026-03-20"
    assert orders["2"]["deadline"] == "2026-03-12"
    assert orders["3"]["deadline"] == "2026-04-01"
    assert "not received" in orders["3"]["action"]
