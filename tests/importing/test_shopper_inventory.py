"""The Shopper Inventory CSV and JSON: one row per order line, grouped into orders."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from aliret_tui.importing.formats import ParseContext
from aliret_tui.importing.formats.shopper_inventory import (
    FORMATS,
    parse_csv,
    parse_json,
    recognise_csv,
    recognise_json,
)
from aliret_tui.importing.incoming import ImportRefused, Status
from aliret_tui.importing.reading import RawInput

FIXTURES = Path(__file__).parent / "fixtures" / "shopper_inventory"
HEADER = (
    "Order Date,Order ID,Title,Qty,Price,Store,Product ID,SKU ID,Attributes,Price Info,"
    "Currency,Status,Product Url,Product Image Url,Store Url,Tags"
)
CONTEXT = ParseContext()


def fixture(name: str) -> RawInput:
    return RawInput(name, (FIXTURES / name).read_bytes())


def one_row_csv(**cells: str) -> RawInput:
    """A CSV of the header and one row; unnamed cells take plain made-up values."""
    row = {
        "Order Date": "2026-02-20",
        "Order ID": "3000000000000909",
        "Title": "Made-up Thing",
        "Qty": "1",
        "Price": "US $5.00",
        "Price Info": "US $5.00|5|00",
        "Currency": "USD",
        "Status": "Completed",
    } | cells
    values = [row.get(name, "") for name in HEADER.split(",")]
    line = ",".join(f'"{value}"' for value in values)
    return RawInput.from_text("one.csv", f"{HEADER}\n{line}\n")


def json_items(*items: dict) -> RawInput:
    return RawInput.from_text("items.json", json.dumps(list(items)))


def base_item(**fields: object) -> dict:
    return {
        "orderId": "3000000000000909",
        "orderLineId": "3000000000000910",
        "title": "Made-up Thing",
        "price": "US $5.00",
        "priceInfo": "US $5.00|5|00",
        "currency": "USD",
        "quantity": 1,
        "orderDate": "Feb 21, 2026",
        "orderDateIso": "2026-02-20",
        "status": "Completed",
        "tags": [],
    } | fields


# ── CSV ─────────────────────────────────────────────────────────────────────


def test_csv_groups_lines_into_orders_in_first_seen_order():
    parsed = parse_csv(fixture("orders.csv"), CONTEXT)

    assert [order.order_id for order in parsed.orders] == [
        "8100000000000101",
        "3000000000000202",
        "3000000000000303",
        "3000000000000404",
        "3000000000000505",
    ]
    assert parsed.skipped == []


def test_csv_multi_item_order_keeps_each_line_with_its_unit_price():
    order = parse_csv(fixture("orders.csv"), CONTEXT).orders[0]

    assert order.where == "row 2"
    assert order.price is None  # no order total in this format
    assert order.store == "Made Up Tools Store"
    assert order.ordered_on == dt.date(2026, 2, 20)
    assert order.status is Status.DELIVERED
    lines = [(line.title, line.quantity, line.unit_price, line.currency) for line in order.lines]
    assert lines == [
        ("Made-up Ultrasonic Cleaner 6L", 1, Decimal("120.95"), "USD"),
        ("Made-up Filament Dryer Box", 2, Decimal("2.04"), "USD"),
        ("Made-up Cable Ties, 100 pcs", 1, Decimal("0.99"), "USD"),
    ]
    first = order.lines[0]
    assert first.attributes == "Color: 6L, Ships From: GERMANY"
    assert first.product_url == "https://www.aliexpress.com/item/1005000000000011.html"


def test_csv_local_free_return_tag_marks_the_line_and_the_order():
    orders = parse_csv(fixture("orders.csv"), CONTEXT).orders

    assert [line.free_return for line in orders[0].lines] == [True, False, False]
    assert orders[0].free_return is True
    assert orders[1].free_return is None  # not said


def test_csv_reads_every_money_form():
    orders = parse_csv(fixture("orders.csv"), CONTEXT).orders

    prices = [(order.lines[0].unit_price, order.lines[0].currency) for order in orders[1:]]
    assert prices == [
        (Decimal("48.88"), "EUR"),
        (Decimal("1.99"), "EUR"),
        (Decimal("129.46"), "PLN"),
        (Decimal("132.74"), "BRL"),
    ]


def test_csv_statuses_include_a_trailing_space_and_never_paid():
    orders = parse_csv(fixture("orders.csv"), CONTEXT).orders

    assert [order.status for order in orders] == [
        Status.DELIVERED,
        Status.IN_TRANSIT,
        Status.CANCELLED,  # "Canceled "
        Status.NEVER_PAID,
        Status.DELIVERED,
    ]


def test_csv_iso_and_english_dates_in_one_file():
    orders = parse_csv(fixture("orders.csv"), CONTEXT).orders

    assert orders[0].ordered_on == dt.date(2026, 2, 20)
    assert orders[1].ordered_on == dt.date(2026, 2, 21)  # "Feb 21, 2026"
    assert orders[3].ordered_on == dt.date(2025, 12, 3)  # "Dec 3, 2025"


def test_csv_tags_are_matched_as_a_whole_word():
    parsed = parse_csv(one_row_csv(Tags="gift; LOCAL_FREE_RETURN"), CONTEXT)
    assert parsed.orders[0].lines[0].free_return is True

    parsed = parse_csv(one_row_csv(Tags="NOT_LOCAL_FREE_RETURN_X"), CONTEXT)
    assert parsed.orders[0].lines[0].free_return is False


def test_csv_unknown_status_placeholder_means_not_said():
    assert parse_csv(one_row_csv(Status="Unknown"), CONTEXT).orders[0].status is None
    assert parse_csv(one_row_csv(Status=""), CONTEXT).orders[0].status is None


def test_csv_same_item_twice_is_skipped_not_counted_twice():
    row = "2026-02-20,3000000000000909,Made-up Thing,1,US $5.00,S,1005,1200,,,USD,Completed,,,,"
    raw = RawInput.from_text("twice.csv", f"{HEADER}\n{row}\n{row}\n")

    parsed = parse_csv(raw, CONTEXT)

    assert len(parsed.orders[0].lines) == 1
    assert [(s.where, s.order_id, s.why) for s in parsed.skipped] == [
        ("row 3", "3000000000000909", "the same item as row 2")
    ]


def test_csv_price_only_and_price_info_only_are_both_read():
    euro_price = {"Price Info": "", "Price": "€48.88", "Currency": ""}
    only_price = parse_csv(one_row_csv(**euro_price), CONTEXT)
    assert only_price.orders[0].lines[0].unit_price == Decimal("48.88")
    assert only_price.orders[0].lines[0].currency == "EUR"

    only_info = parse_csv(one_row_csv(Price="", **{"Price Info": "US $120.95|120|95"}), CONTEXT)
    assert only_info.orders[0].lines[0].unit_price == Decimal("120.95")

    neither = parse_csv(one_row_csv(Price="", **{"Price Info": ""}), CONTEXT)
    assert neither.orders[0].lines[0].unit_price is None


@pytest.mark.parametrize(
    ("cells", "field"),
    [
        ({"Order ID": ""}, "Order ID"),
        ({"Qty": "two"}, "Qty"),
        ({"Qty": "0"}, "Qty"),
        ({"Order Date": "sometime"}, "Order Date"),
        ({"Status": "Teleported"}, "Status"),
        ({"Price": "lots", "Price Info": ""}, "Price"),
        ({"Price": "US $5.10"}, "Price"),  # disagrees with Price Info 5.00
        ({"Currency": "EUR"}, "Currency"),  # the price says US $
    ],
)
def test_csv_refuses_a_value_it_cannot_read_naming_row_and_field(cells, field):
    with pytest.raises(ImportRefused) as refused:
        parse_csv(one_row_csv(**cells), CONTEXT)

    assert refused.value.where == "row 2"
    assert refused.value.field == field


def test_csv_refuses_a_row_with_a_missing_cell():
    raw = RawInput.from_text("short.csv", f"{HEADER}\n2026-02-20,3000000000000909,Thing\n")

    with pytest.raises(ImportRefused, match="row 2: has 3 cells where the header has 16"):
        parse_csv(raw, CONTEXT)


# ── JSON ────────────────────────────────────────────────────────────────────


def test_json_groups_lines_and_prefers_the_date_aliexpress_showed():
    orders = parse_json(fixture("orders.json"), CONTEXT).orders

    assert [order.order_id for order in orders] == ["8100000000000601", "3000000000000701"]
    lantern_order = orders[0]
    assert lantern_order.where == "item 1"
    # orderDateIso is the extension's UTC conversion, a day early east of Greenwich
    assert lantern_order.ordered_on == dt.date(2026, 2, 21)
    assert lantern_order.store == "Made Up Outdoor Store"
    assert lantern_order.status is Status.DELIVERED
    assert lantern_order.free_return is True
    assert lantern_order.price is None
    lines = [
        (line.line_id, line.title, line.quantity, line.unit_price, line.free_return)
        for line in lantern_order.lines
    ]
    assert lines == [
        ("8100000000000602", "Made-up Camping Lantern", 1, Decimal("15.50"), True),
        ("8100000000000603", "Made-up Tent Pegs", 4, Decimal("1.25"), False),
    ]
    assert lantern_order.lines[0].attributes == "Color: Green, Ships From: SPAIN"


def test_json_never_paid_order_and_iso_date_when_no_text_date():
    order = parse_json(fixture("orders.json"), CONTEXT).orders[1]

    assert order.status is Status.NEVER_PAID  # "Expired"
    assert order.ordered_on == dt.date(2026, 1, 9)
    assert order.lines[0].unit_price == Decimal("1.99")
    assert order.lines[0].currency == "EUR"


def test_json_same_order_line_twice_is_skipped():
    item = base_item()
    parsed = parse_json(json_items(item, item), CONTEXT)

    assert len(parsed.orders[0].lines) == 1
    assert [(s.where, s.why) for s in parsed.skipped] == [("item 2", "the same item as item 1")]


def test_json_numbers_for_ids_are_read_as_digits_and_tag_objects_are_understood():
    item = base_item(orderId=3000000000000909, tags=[{"type": "LOCAL_FREE_RETURN"}])

    order = parse_json(json_items(item), CONTEXT).orders[0]

    assert order.order_id == "3000000000000909"
    assert order.lines[0].free_return is True


@pytest.mark.parametrize(
    ("fields", "where", "field"),
    [
        ({"orderId": ""}, "item 1", "orderId"),
        ({"quantity": 1.5}, "item 1", "quantity"),
        ({"quantity": True}, "item 1", "quantity"),
        ({"price": ["US $5"]}, "item 1", "price"),
        ({"orderDate": "31/31/2026"}, "item 1", "orderDate"),
        ({"status": "Teleported"}, "item 1", "status"),
        ({"tags": "LOCAL_FREE_RETURN"}, "item 1", "tags"),
    ],
)
def test_json_refuses_a_value_it_cannot_read(fields, where, field):
    with pytest.raises(ImportRefused) as refused:
        parse_json(json_items(base_item(**fields)), CONTEXT)

    assert (refused.value.where, refused.value.field) == (where, field)


def test_json_refuses_an_item_that_is_not_an_object():
    raw = RawInput.from_text("odd.json", json.dumps([base_item(), "stray"]))

    with pytest.raises(ImportRefused, match="item 2"):
        parse_json(raw, CONTEXT)


# ── recognising ─────────────────────────────────────────────────────────────

OTHER_INPUTS = [
    "Order ID,Order Date,Status,Product Title,Product Link,Currency,Price,Store Name,Store Link\n",
    "order_id,order_date,status,total_price_text,currency,store_name,order_title\n",
    HEADER.replace("Tags", "Labels") + "\n",
    HEADER + ",Extra\n",
    "just some words, and a comma\n",
    "",
    '{"orderId": "3000000000000909", "orderLineId": "1"}',
    "[]",
    '[{"url": "https://example.invalid", "status": 200, "body": "{}"}]',
    '[{"orderLineId": "1", "orderId": ',
]


def test_recognise_the_csv_and_the_json_by_content_only():
    assert recognise_csv(RawInput("no-extension", (FIXTURES / "orders.csv").read_bytes()))
    assert recognise_json(RawInput("orders.csv", (FIXTURES / "orders.json").read_bytes()))
    assert recognise_csv(RawInput.from_text("quoted", '"' + HEADER.replace(",", '","') + '"\n'))
    assert recognise_csv(RawInput("bom.csv", b"\xef\xbb\xbf" + HEADER.encode() + b"\r\n"))


@pytest.mark.parametrize("text", OTHER_INPUTS)
def test_recognise_is_false_for_other_formats_and_garbage(text):
    raw = RawInput.from_text("other", text)

    assert not recognise_csv(raw)
    assert not recognise_json(raw)


def test_recognise_is_false_for_binary_data():
    raw = RawInput("data.bin", b"PK\x03\x04\x00\x00\xff\xfe" * 100)

    assert not recognise_csv(raw)
    assert not recognise_json(raw)


def test_formats_carry_the_labels_people_see():
    assert [(f.name, f.label) for f in FORMATS] == [
        ("shopper-inventory-csv", "Shopper Inventory CSV"),
        ("shopper-inventory-json", "Shopper Inventory JSON"),
    ]


def test_an_unpadded_split_form_is_read_from_its_display_part():
    """The extension writes 2.04 as ``US $2.04|2|4``: the display part decides."""
    parsed = parse_csv(one_row_csv(Price="", **{"Price Info": "US $2.04|2|4"}), CONTEXT)
    assert parsed.orders[0].lines[0].unit_price == Decimal("2.04")
