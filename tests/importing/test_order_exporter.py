"""The "AliExpress Order Exporter" CSV: one row per order, a two-letter dollar prefix."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from aliret_tui.importing.formats import ParseContext
from aliret_tui.importing.formats.order_exporter import FORMATS, parse, recognise
from aliret_tui.importing.incoming import ImportRefused, Status
from aliret_tui.importing.reading import RawInput

FIXTURES = Path(__file__).parent / "fixtures" / "order_exporter"
HEADER = (
    "Order ID,Order Date,Status,Product Title,Product Link,Currency,Price,Store Name,Store Link"
)
CONTEXT = ParseContext()


def fixture(name: str) -> RawInput:
    return RawInput(name, (FIXTURES / name).read_bytes())


def one_row(currency: str, price: str, *, status: str = "Completed", date: str = "Feb 1, 2026"):
    row = f'3000000000000909,"{date}",{status},Made-up Thing,,{currency},{price},Store,'
    return RawInput.from_text("one.csv", f"{HEADER}\r\n{row}\r\n")


def test_one_order_per_row_with_its_first_item_as_title():
    parsed = parse(fixture("orders.csv"), CONTEXT)

    lamp = parsed.orders[0]
    assert lamp.order_id == "8100000000000111"
    assert lamp.where == "row 2"
    assert lamp.title == "Made-up Desk Lamp"
    assert lamp.store == "Made Up Lights Store"
    assert lamp.ordered_on == dt.date(2026, 2, 21)
    assert lamp.status is Status.DELIVERED
    assert lamp.lines == []


def test_us_prefix_means_dollars():
    lamp = parse(fixture("orders.csv"), CONTEXT).orders[0]

    assert (lamp.price, lamp.currency) == (Decimal("26.70"), "USD")


def test_no_prefix_and_no_price_is_an_order_without_a_price():
    socks = parse(fixture("orders.csv"), CONTEXT).orders[1]

    assert socks.title == "Made-up Wool Socks, 5 pairs"
    assert (socks.price, socks.currency) == (None, None)


def test_no_prefix_lets_the_symbol_in_price_decide():
    towel = parse(fixture("orders.csv"), CONTEXT).orders[4]

    assert (towel.price, towel.currency) == (Decimal("48.88"), "EUR")


def test_statuses_of_every_class():
    orders = parse(fixture("orders.csv"), CONTEXT).orders

    assert [order.status for order in orders] == [
        Status.DELIVERED,  # Completed
        Status.IN_TRANSIT,  # Awaiting delivery
        Status.CANCELLED,  # Canceled
        Status.NEVER_PAID,  # Expired
        Status.IN_TRANSIT,  # To ship
    ]


def test_a_repeated_order_is_skipped_and_says_which_row_it_repeats():
    parsed = parse(fixture("orders.csv"), CONTEXT)

    assert len(parsed.orders) == 5
    assert [(s.where, s.order_id, s.why) for s in parsed.skipped] == [
        ("row 7", "8100000000000111", "the same order as row 2")
    ]


@pytest.mark.parametrize(
    ("prefix", "code"), [("US", "USD"), ("us", "USD"), ("CA", "CAD"), ("AU", "AUD"), ("MX", "MXN")]
)
def test_known_dollar_prefixes(prefix, code):
    order = parse(one_row(prefix, "12.34"), CONTEXT).orders[0]

    assert (order.price, order.currency) == (Decimal("12.34"), code)


def test_a_bare_number_takes_the_default_currency_or_is_refused():
    order = parse(one_row("", "12.34"), ParseContext(default_currency="gbp")).orders[0]
    assert (order.price, order.currency) == (Decimal("12.34"), "GBP")

    with pytest.raises(ImportRefused, match="--currency") as refused:
        parse(one_row("", "12.34"), CONTEXT)
    assert (refused.value.where, refused.value.field) == ("row 2", "Price")


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (one_row("LP", "12.34"), "Currency"),  # "CLP$" read as "LP" by the extension
        (one_row("US", "lots"), "Price"),
        (one_row("US", '"€1,00"'), "Price"),  # a symbol that contradicts the prefix
        (one_row("US", "1.00", status="Teleported"), "Status"),
        (one_row("US", "1.00", date="soon"), "Order Date"),
        (RawInput.from_text("x.csv", f"{HEADER}\n,,Completed,,,US,1.00,,\n"), "Order ID"),
    ],
)
def test_refuses_a_value_it_cannot_read_naming_row_and_field(raw, field):
    with pytest.raises(ImportRefused) as refused:
        parse(raw, CONTEXT)

    assert (refused.value.where, refused.value.field) == ("row 2", field)


def test_recognise_by_header_only():
    assert recognise(RawInput("anything.txt", (FIXTURES / "orders.csv").read_bytes()))
    assert recognise(RawInput.from_text("h", HEADER))


@pytest.mark.parametrize(
    "text",
    [
        "Order Date,Order ID,Title,Qty,Price,Store,Product ID,SKU ID,Attributes,Price Info,"
        "Currency,Status,Product Url,Product Image Url,Store Url,Tags\n",
        "order_id,order_date,status,total_price_text,currency,store_name\n",
        HEADER + ",Extra\n",
        HEADER.replace("Store Link", "Store URL") + "\n",
        "[]",
        "some pasted text\nOrder ID: 3000000000000909 Copy\n",
        "",
    ],
)
def test_recognise_is_false_for_other_formats_and_garbage(text):
    assert not recognise(RawInput.from_text("other", text))


def test_recognise_is_false_for_binary_data():
    assert not recognise(RawInput("data.bin", b"PK\x03\x04\x00\xff" * 50))


def test_format_label():
    assert [(f.name, f.label) for f in FORMATS] == [
        ("order-exporter-csv", "AliExpress Order Exporter CSV")
    ]
