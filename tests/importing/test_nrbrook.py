"""nrbrook/AliExpress-Order-Export's orders CSV and order-lines CSV. Fixtures are
made up; their columns are the exporter's."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from aliret_tui.importing.formats import ParseContext
from aliret_tui.importing.formats.nrbrook import (
    FORMATS,
    parse_lines,
    parse_orders,
    recognise_lines,
    recognise_orders,
)
from aliret_tui.importing.incoming import ImportRefused, Parsed, Status
from aliret_tui.importing.reading import RawInput

FIXTURES = Path(__file__).parent / "fixtures" / "nrbrook"
ORDERS_HEADER = (
    "order_id,order_date,status,total_price_text,currency,store_name,order_title,order_titles,"
    "item_image_url,order_line_count,payment_method,shipping_contact_name,shipping_country_code,"
    "shipping_post_code,shipping_region_address,shipping_detail_address,shipping_phone,"
    "order_detail_url,invoice_page_url,invoice_pdf_paths,list_json,detail_json,invoice_info_json"
).split(",")
LINES_HEADER = (
    "order_id,order_date,store_name,status,line_index,order_line_id,product_id,sku_id,item_title,"
    "item_image_url,item_price_text,currency,quantity,item_detail_url,snapshot_url,"
    "sku_attrs_json,item_tags_json,line_json"
).split(",")
# What the fixture's shipping_* and payment_method columns (and its detail_json) hold.
PERSONAL = (
    "Imaginary Card ending 0000",
    "Zelda Madeup-Person",
    "99999",
    "Villaficticia",
    "Provincia Falsa",
    "Calle Inventada 99",
    "Piso Ficticio",
    "+34 600 000 111",
)


def fixture(name: str) -> RawInput:
    return RawInput(name, (FIXTURES / name).read_bytes())


def orders_of(raw: RawInput) -> Parsed:
    assert recognise_orders(raw) and not recognise_lines(raw)
    return parse_orders(raw, ParseContext())


def lines_of(raw: RawInput) -> Parsed:
    assert recognise_lines(raw) and not recognise_orders(raw)
    return parse_lines(raw, ParseContext())


def csv_file(header: list[str], *rows: dict[str, str]) -> RawInput:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return RawInput.from_text("export.csv", buffer.getvalue())


def order_row(**cells: str) -> dict[str, str]:
    row = {name: "" for name in ORDERS_HEADER}
    row.update(
        order_id="3000000000000001",
        order_date="2026-03-01",
        status="Completed",
        total_price_text="€5.00",
        currency="EUR",
        store_name="Made-up Store",
        order_title="Thing",
        list_json="{}",
        detail_json="{}",
    )
    row.update(cells)
    return row


def line_row(**cells: str) -> dict[str, str]:
    row = {name: "" for name in LINES_HEADER}
    row.update(
        order_id="3000000000000001",
        order_date="2026-03-01",
        status="Completed",
        line_index="0",
        item_title="Thing",
        item_price_text="€5.00",
        currency="EUR",
        quantity="1",
        sku_attrs_json="[]",
        item_tags_json="[]",
    )
    row.update(cells)
    return row


def refusal(parse, raw: RawInput) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        parse(raw, ParseContext())
    return caught.value


def test_both_files_are_offered():
    assert [f.name for f in FORMATS] == ["nrbrook-orders-csv", "nrbrook-lines-csv"]


# --------------------------------------------------------------------------- orders CSV


def test_an_order_row_with_api_json_reads_the_json():
    order = orders_of(fixture("orders.csv")).orders[0]

    assert order.order_id == "8088990011223344"
    assert order.where == "row 2"
    assert order.title is None  # built from its lines by the validation step
    assert (order.price, order.currency) == (Decimal("19.95"), "USD")
    assert order.store == "Kitchen Corner"
    assert order.ordered_on == dt.date(2026, 6, 26)
    assert order.status is Status.DELIVERED
    assert order.delivered_on == dt.date(2026, 7, 20)  # Order completed on
    assert order.protection_ends == dt.date(2026, 8, 10)  # Refund if no delivery before …
    assert order.country == "ES"
    assert order.free_return is True
    spatula, mitt = order.lines
    assert (spatula.title, spatula.quantity, spatula.unit_price) == (
        "Silicone spatula",
        3,
        Decimal("4.10"),
    )
    assert spatula.attributes == "Color: Red"
    assert spatula.free_return is True
    assert (mitt.unit_price, mitt.free_return) == (Decimal("7.65"), False)


@pytest.mark.parametrize(
    ("position", "price", "currency", "status"),
    [
        (1, Decimal("120.95"), "USD", Status.DELIVERED),  # US $120.95, Completed
        (2, Decimal("129.46"), "PLN", Status.CANCELLED),  # 129,46zł, "Canceled "
        (3, None, None, Status.NEVER_PAID),  # an old order with no total, Expired
    ],
)
def test_rows_without_json_read_the_plain_columns(position, price, currency, status):
    order = orders_of(fixture("orders.csv")).orders[position]

    assert order.where == f"row {position + 2}"
    assert (order.price, order.currency, order.status) == (price, currency, status)
    assert order.lines == []


def test_a_row_without_lines_is_named_by_the_exporters_title():
    order = orders_of(fixture("orders.csv")).orders[1]

    assert order.title == "USB desk fan"
    assert order.store == "Quiet Fan Factory"
    assert order.ordered_on == dt.date(2026, 2, 20)
    assert order.country == "US"  # shipping_country_code: a country, not a person


def test_never_paid_orders_are_returned_for_the_merge_step_to_skip():
    orders = orders_of(fixture("orders.csv")).orders

    assert len(orders) == 4
    assert orders[3].order_id == "100203040506070"
    assert orders[3].status is Status.NEVER_PAID


def test_shipping_and_payment_columns_never_reach_the_orders():
    raw = fixture("orders.csv")
    text = raw.text or ""
    assert all(personal in text for personal in PERSONAL)  # the file does hold them

    parsed = repr(orders_of(raw))

    for personal in PERSONAL:
        assert personal not in parsed


def test_a_row_with_only_detail_json_is_read():
    detail = {
        "detail_order_status_block": {"orderId": 3000000000000001, "title": "Completed"},
        "detail_simple_order_info_component": {
            "tradeOrderId": 3000000000000001,
            "orderCreatTime": "Feb 27, 2026",
            "orderCreatTimeTile": "Order placed on",
        },
    }

    (order,) = orders_of(csv_file(ORDERS_HEADER, order_row(detail_json=json.dumps(detail)))).orders

    assert order.ordered_on == dt.date(2026, 2, 27)  # the JSON's date wins over the column's
    assert order.price == Decimal("5.00")  # the column fills what the JSON lacks
    assert order.title == "Thing"


def test_a_json_cell_larger_than_the_csv_default_limit_is_read():
    fields = {
        "orderId": "3000000000000001",
        "statusText": "Completed",
        "orderLines": [{"itemTitle": "Thing", "itemPriceText": "€5.00", "quantity": 1}],
        "padding": "x" * 300_000,
    }

    (order,) = orders_of(csv_file(ORDERS_HEADER, order_row(list_json=json.dumps(fields)))).orders

    assert order.lines[0].title == "Thing"


def test_an_unreadable_total_is_refused_naming_row_and_column():
    raw = csv_file(ORDERS_HEADER, order_row(), order_row(total_price_text="five euros"))

    error = refusal(parse_orders, raw)

    assert (error.where, error.field) == ("row 3", "total_price_text")


def test_an_unreadable_date_and_an_unknown_status_are_refused():
    error = refusal(parse_orders, csv_file(ORDERS_HEADER, order_row(order_date="soon")))
    assert (error.where, error.field) == ("row 2", "order_date")

    error = refusal(parse_orders, csv_file(ORDERS_HEADER, order_row(status="Teleported")))
    assert (error.where, error.field) == ("row 2", "status")


def test_broken_list_json_is_refused_naming_the_cell():
    error = refusal(parse_orders, csv_file(ORDERS_HEADER, order_row(list_json='{"orderId": ')))

    assert error.where == "row 2, list_json"


def test_list_json_of_another_order_is_refused():
    other = {"orderId": "3999999999999999", "statusText": "Completed"}

    error = refusal(parse_orders, csv_file(ORDERS_HEADER, order_row(list_json=json.dumps(other))))

    assert (error.where, error.field) == ("row 2", "list_json")


def test_an_empty_order_id_is_refused():
    error = refusal(parse_orders, csv_file(ORDERS_HEADER, order_row(order_id=" ")))

    assert (error.where, error.field) == ("row 2", "order_id")


def test_a_row_with_more_cells_than_the_header_is_refused():
    text = ",".join(ORDERS_HEADER) + "\n" + ",".join(["x"] * (len(ORDERS_HEADER) + 1)) + "\n"

    error = refusal(parse_orders, RawInput.from_text("export.csv", text))

    assert error.where == "row 2"


def test_a_bom_before_the_header_is_ignored():
    buffer = (FIXTURES / "orders.csv").read_bytes()
    raw = RawInput("orders.csv", b"\xef\xbb\xbf" + buffer)

    assert len(orders_of(raw).orders) == 4


# --------------------------------------------------------------------------- lines CSV


def test_line_rows_are_grouped_into_one_order_per_order_id():
    orders = lines_of(fixture("order_lines.csv")).orders

    assert [(o.order_id, o.where, len(o.lines)) for o in orders] == [
        ("3012312312312300", "row 2", 2),
        ("8045645645645600", "row 4", 1),
    ]
    bikes, headphones = orders
    assert (bikes.price, bikes.title, bikes.currency) == (None, None, None)  # from the lines
    assert bikes.store == "Cycle Parts Depot"
    assert bikes.ordered_on == dt.date(2026, 5, 18)
    assert bikes.status is Status.DELIVERED
    assert headphones.status is Status.IN_TRANSIT


def test_each_line_keeps_its_price_quantity_attributes_and_tags():
    bikes, headphones = lines_of(fixture("order_lines.csv")).orders
    bell, light = bikes.lines

    assert (bell.title, bell.unit_price, bell.currency) == ("Bike bell", Decimal("4.20"), "EUR")
    assert bell.attributes == "Color: Black, Ships From: GERMANY"
    assert bell.line_id == "3012312312312399"
    assert bell.product_url == "https://www.aliexpress.com/item/1005000000000091.html"
    assert bell.free_return is True
    assert bikes.free_return is True
    # read from the plain columns (no line_json): a decimal comma with thousands
    assert (light.unit_price, light.quantity, light.free_return) == (Decimal("1234.56"), 2, False)
    (phones,) = headphones.lines
    assert (phones.unit_price, phones.currency, phones.quantity) == (Decimal("132.74"), "BRL", 3)


def test_line_json_is_preferred_for_its_split_price():
    line_json = {"itemTitle": "Thing", "formatPriceInfo": "US $3.25|3|25", "quantity": 2}
    raw = csv_file(LINES_HEADER, line_row(item_price_text="??", line_json=json.dumps(line_json)))

    (line,) = lines_of(raw).orders[0].lines

    assert (line.unit_price, line.quantity) == (Decimal("3.25"), 2)


def test_a_bad_quantity_or_price_in_a_line_row_is_refused():
    error = refusal(parse_lines, csv_file(LINES_HEADER, line_row(), line_row(quantity="a few")))
    assert (error.where, error.field) == ("row 3", "quantity")

    error = refusal(parse_lines, csv_file(LINES_HEADER, line_row(item_price_text="€")))
    assert (error.where, error.field) == ("row 2", "price")


def test_broken_sku_attrs_json_is_refused_naming_the_cell():
    error = refusal(parse_lines, csv_file(LINES_HEADER, line_row(sku_attrs_json="[{")))

    assert error.where == "row 2, sku_attrs_json"


# --------------------------------------------------------------------------- recognise


@pytest.mark.parametrize(
    "text",
    [
        # Shopper Inventory CSV, AliExpress Order Exporter CSV, aliret-tui's own CSV
        "Order Date,Order ID,Title,Qty,Price,Store,Product ID,SKU ID,Attributes,Price Info,"
        "Currency,Status,Product Url,Product Image Url,Store Url,Tags\n",
        "Order ID,Order Date,Status,Product Title,Product Link,Currency,Price,Store Name,"
        "Store Link\n",
        "order_id,title,price,currency,store,ordered_on,delivered_on,window_days,"
        "protection_ends,country,free_return,local_return,note\n",
        # the API JSON and Shopper Inventory JSON
        '{"api": "mtop.aliexpress.trade.buyer.order.list", "data": {"data": {}}}',
        '[{"orderId": "3000000000000009", "title": "x", "order_id": "y"}]',
        # a notification mail and a pasted order page
        "From: transaction@notice.aliexpress.com\nSubject: Order 3000000000000009: Delivered\n",
        "Order date: Feb 21, 2026\nOrder ID: 3000000000000009Copy\nCompleted\n",
        # garbage and near misses
        "",
        "hello",
        '"unclosed,quote\n',
        "order_id,order_date,status\n",
        "order_id\x00,line_json",
    ],
)
def test_other_formats_and_garbage_are_not_claimed(text):
    raw = RawInput.from_text("input.csv", text)

    assert recognise_orders(raw) is False
    assert recognise_lines(raw) is False


def test_binary_data_is_not_claimed():
    raw = RawInput("book.xlsx", b"PK\x03\x04\x00\x00\x00" + bytes(200))

    assert recognise_orders(raw) is False
    assert recognise_lines(raw) is False


def test_the_files_are_recognised_by_header_whatever_their_name():
    orders = RawInput("a.txt", (FIXTURES / "orders.csv").read_bytes())
    lines = RawInput("b.json", (FIXTURES / "order_lines.csv").read_bytes())

    assert recognise_orders(orders) and not recognise_lines(orders)
    assert recognise_lines(lines) and not recognise_orders(lines)
