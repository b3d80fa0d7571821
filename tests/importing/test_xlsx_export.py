"""AliExpress's own data export (XLSX, sheet "Order Information"): lines grouped by
parent order, amounts in cents, receipt confirmation dated by the trade end.

The workbooks are written at test time by ``xlsx_bytes`` below, a minimal writer on
``zipfile`` (inline strings, numbers, date-styled cells): no extra test dependency."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

import pytest

from aliret_tui.importing.formats import ParseContext
from aliret_tui.importing.formats.xlsx_export import FORMATS, parse, recognise
from aliret_tui.importing.incoming import ImportRefused, Status
from aliret_tui.importing.reading import RawInput

# ── a minimal XLSX writer ───────────────────────────────────────────────────

SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIP_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
DATE_TIME_STYLE = 1  # the second <xf> below: built-in number format 22, "m/d/yy h:mm"

Cell = str | int | float | dt.datetime | None


def xlsx_bytes(sheets: dict[str, list[list[Cell]]]) -> bytes:
    """A workbook with one worksheet per entry of ``sheets``, in order."""
    numbers = range(1, len(sheets) + 1)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in numbers
    )
    sheet_entries = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
        for n, name in zip(numbers, sheets, strict=True)
    )
    sheet_links = "".join(
        f'<Relationship Id="rId{n}" Type="{RELATIONSHIP_NS}/worksheet" '
        f'Target="worksheets/sheet{n}.xml"/>'
        for n in numbers
    )
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{PACKAGE_NS}"><Relationship Id="rId1" '
            f'Type="{RELATIONSHIP_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{SPREADSHEET_NS}" xmlns:r="{RELATIONSHIP_NS}">'
            f"<sheets>{sheet_entries}</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PACKAGE_NS}">{sheet_links}'
            f'<Relationship Id="rIdStyles" Type="{RELATIONSHIP_NS}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{SPREADSHEET_NS}"><cellXfs count="2"><xf numFmtId="0"/>'
            '<xf numFmtId="22" applyNumberFormat="1"/></cellXfs></styleSheet>'
        ),
    }
    for n, rows in zip(numbers, sheets.values(), strict=True):
        parts[f"xl/worksheets/sheet{n}.xml"] = _worksheet(rows)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + xml)
    return buffer.getvalue()


def _worksheet(rows: list[list[Cell]]) -> str:
    xml_rows = []
    for row_number, row in enumerate(rows, start=1):
        cells = "".join(
            _cell(f"{_column_letters(column)}{row_number}", value)
            for column, value in enumerate(row)
        )
        xml_rows.append(f'<row r="{row_number}">{cells}</row>')
    sheet_data = "".join(xml_rows)
    return f'<worksheet xmlns="{SPREADSHEET_NS}"><sheetData>{sheet_data}</sheetData></worksheet>'


def _cell(reference: str, value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        serial = (value - EXCEL_EPOCH).total_seconds() / 86400
        return f'<c r="{reference}" s="{DATE_TIME_STYLE}"><v>{serial}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{reference}"><v>{value}</v></c>'
    text = escape(value)
    return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


# ── made-up export rows ─────────────────────────────────────────────────────

COLUMNS = [
    "order_id", "parent_orderid", "gmt_create_order_time", "order_status", "item_name",
    "unit_price", "payable_amt", "gmt_pay_order_time", "gmt_trade_end_time", "end_reason",
    "is_success_pay", "frozen_status",
]  # fmt: skip


def export_row(**cells: Cell) -> list[Cell]:
    row: dict[str, Cell] = {
        "order_id": "3000000000000910",
        "parent_orderid": "3000000000000909",
        "gmt_create_order_time": "2026-02-21 07:44:46",
        "order_status": "WAIT_BUYER_ACCEPT_GOODS",
        "item_name": "Made-up Thing",
        "unit_price": 500,
        "payable_amt": 450,
        "gmt_pay_order_time": "2026-02-21 07:45:10",
        "gmt_trade_end_time": "",
        "end_reason": "",
        "is_success_pay": "true",
        "frozen_status": "0",
    } | cells
    return [row[name] for name in COLUMNS]


EXPORT_ROWS = [
    # one order of two lines, receipt confirmed line by line
    export_row(
        order_id=3000000000000778,  # a number cell, as spreadsheets like to make ids
        parent_orderid="3000000000000777",
        order_status="FINISH",
        item_name="Made-up Ultrasonic Cleaner 6L",
        unit_price=15115,
        payable_amt=11974,
        gmt_trade_end_time="2026-02-28 09:00:00",
        end_reason="buyer_accept_goods",
    ),
    export_row(
        order_id="3000000000000779",
        parent_orderid="3000000000000777",
        order_status="FINISH",
        item_name="Made-up Cleaning Basket",
        unit_price=250,
        payable_amt=200.0,
        gmt_trade_end_time=dt.datetime(2026, 2, 27, 18, 17, 56),
        end_reason="buyer_accept_goods",
    ),
    # paid, on its way
    export_row(order_id="8100000000000102", parent_orderid="8100000000000101"),
    # never paid
    export_row(
        order_id="8100000000000202",
        parent_orderid="8100000000000201",
        order_status="FINISH",
        end_reason="buyer_pay_timeout",
        is_success_pay="false",
        gmt_pay_order_time="",
        gmt_trade_end_time="2026-02-22 07:44:46",
    ),
    # closed before delivery
    export_row(
        order_id="8100000000000302",
        parent_orderid="8100000000000301",
        order_status="FINISH",
        end_reason="cancel_order_close_trade",
        gmt_trade_end_time="2026-02-23 10:00:00",
    ),
    # a line without a parent order id is an order of its own
    export_row(
        order_id="8100000000000401", parent_orderid="", order_status="SELLER_PART_SEND_GOODS"
    ),
]
EUROS = ParseContext(default_currency="EUR")


def workbook(*rows: list[Cell], header: list[Cell] = COLUMNS) -> RawInput:
    sheets = {
        "Account Information": [["user_name"], ["made-up"]],
        "Order Information": [header, *rows],
    }
    return RawInput("aliexpress_user_data_backup_test.xlsx", xlsx_bytes(sheets))


# ── parsing ─────────────────────────────────────────────────────────────────


def test_lines_are_grouped_by_parent_order_id_in_first_seen_order():
    orders = parse(workbook(*EXPORT_ROWS), EUROS).orders

    assert [(order.order_id, order.where) for order in orders] == [
        ("3000000000000777", "row 2"),
        ("8100000000000101", "row 4"),
        ("8100000000000201", "row 5"),
        ("8100000000000301", "row 6"),
        ("8100000000000401", "row 7"),
    ]


def test_amounts_are_cents_in_the_given_currency_and_the_price_is_what_was_paid():
    order = parse(workbook(*EXPORT_ROWS), EUROS).orders[0]

    assert (order.price, order.currency) == (Decimal("121.74"), "EUR")  # 119.74 + 2.00
    lines = [(line.line_id, line.title, line.unit_price, line.currency) for line in order.lines]
    assert lines == [
        ("3000000000000778", "Made-up Ultrasonic Cleaner 6L", Decimal("151.15"), "EUR"),
        ("3000000000000779", "Made-up Cleaning Basket", Decimal("2.50"), "EUR"),
    ]


def test_buyer_accept_goods_is_delivered_on_the_trade_end_day():
    order = parse(workbook(*EXPORT_ROWS), EUROS).orders[0]

    assert order.status is Status.DELIVERED
    assert order.ordered_on == dt.date(2026, 2, 21)
    assert order.delivered_on == dt.date(2026, 2, 27)  # the earlier line, a date-typed cell


def test_status_of_each_kind_of_order():
    orders = parse(workbook(*EXPORT_ROWS), EUROS).orders

    assert [(order.status, order.delivered_on) for order in orders] == [
        (Status.DELIVERED, dt.date(2026, 2, 27)),
        (Status.IN_TRANSIT, None),
        (Status.NEVER_PAID, None),
        (Status.CANCELLED, None),
        (Status.IN_TRANSIT, None),
    ]


@pytest.mark.parametrize(
    ("cells", "status"),
    [
        ({"order_status": "PLACE_ORDER_SUCCESS"}, Status.NEVER_PAID),
        ({"order_status": "FUND_PROCESSING"}, Status.DELIVERED),
        ({"order_status": "IN_ISSUE"}, None),
        ({"order_status": "FINISH", "end_reason": "buyer_accept_goods_timeout"}, Status.DELIVERED),
        ({"order_status": "FINISH", "end_reason": "seller_send_goods_timeout"}, Status.CANCELLED),
        ({"order_status": "FINISH", "end_reason": "BUYER_ACCEPT_GOODS"}, Status.DELIVERED),
        ({"order_status": "FINISH", "end_reason": ""}, Status.DELIVERED),
        ({"order_status": "WAIT_BUYER_ACCEPT_GOODS", "is_success_pay": "N"}, Status.NEVER_PAID),
        ({"order_status": "WAIT_BUYER_ACCEPT_GOODS", "is_success_pay": 0}, Status.NEVER_PAID),
        ({"order_status": "Completed"}, Status.DELIVERED),
        ({"order_status": ""}, None),
    ],
)
def test_order_status_codes(cells, status):
    assert parse(workbook(export_row(**cells)), EUROS).orders[0].status is status


def test_only_a_confirmed_receipt_gives_a_delivery_day():
    auto_confirmed = export_row(
        order_status="FINISH",
        end_reason="buyer_accept_goods_timeout",
        gmt_trade_end_time="2026-03-30 00:00:00",
    )

    assert parse(workbook(auto_confirmed), EUROS).orders[0].delivered_on is None


def test_lines_in_different_states_make_the_order_as_far_along_as_its_furthest_line():
    cancelled = export_row(order_status="FINISH", end_reason="cancel_order_close_trade")
    on_its_way = export_row(order_id="3000000000000911")

    assert parse(workbook(cancelled, on_its_way), EUROS).orders[0].status is Status.IN_TRANSIT


def test_an_order_missing_a_paid_amount_has_no_price_but_keeps_its_line_prices():
    rows = [export_row(), export_row(order_id="3000000000000911", payable_amt="")]

    order = parse(workbook(*rows), EUROS).orders[0]

    assert (order.price, order.currency) == (None, None)
    assert [line.unit_price for line in order.lines] == [Decimal("5.00"), Decimal("5.00")]


def test_blank_rows_are_passed_over_and_an_empty_sheet_has_no_orders():
    assert len(parse(workbook(export_row(), [None, ""], export_row()), EUROS).orders) == 1
    assert parse(workbook(), EUROS).orders == []


def test_without_a_currency_the_file_is_refused():
    with pytest.raises(ImportRefused) as refused:
        parse(workbook(*EXPORT_ROWS), ParseContext())

    assert refused.value.where == "aliexpress_user_data_backup_test.xlsx"
    assert refused.value.field == "currency"
    assert "pass --currency CODE (or set [import] currency in config.toml)" in str(refused.value)


@pytest.mark.parametrize(
    ("cells", "field"),
    [
        ({"order_status": "BEAMED_UP"}, "order_status"),
        ({"order_status": "FINISH", "end_reason": "mystery"}, "end_reason"),
        ({"unit_price": 12.5}, "unit_price"),
        ({"payable_amt": "-100"}, "payable_amt"),
        ({"payable_amt": "ten"}, "payable_amt"),
        ({"gmt_create_order_time": "yesterday"}, "gmt_create_order_time"),
        ({"gmt_create_order_time": 46074.5}, "gmt_create_order_time"),  # a number, no date style
        ({"order_id": "", "parent_orderid": ""}, "parent_orderid"),
        ({"parent_orderid": 9.3e15}, "parent_orderid"),  # too large for a float to be exact
        ({"is_success_pay": "maybe"}, "is_success_pay"),
    ],
)
def test_refuses_a_value_it_cannot_read_naming_row_and_field(cells, field):
    with pytest.raises(ImportRefused) as refused:
        parse(workbook(export_row(**cells)), EUROS)

    assert (refused.value.where, refused.value.field) == ("row 2", field)


def test_refuses_a_sheet_without_the_order_columns():
    header = [name for name in COLUMNS if name != "parent_orderid"]

    with pytest.raises(ImportRefused, match="has no column parent_orderid"):
        parse(workbook(header=header), EUROS)


def test_refuses_a_damaged_workbook():
    data = xlsx_bytes({"Order Information": [COLUMNS]})
    damaged = RawInput("damaged.xlsx", data[: len(data) // 2])

    with pytest.raises(ImportRefused, match="cannot be read as a workbook"):
        parse(damaged, EUROS)


# ── recognising ─────────────────────────────────────────────────────────────


def test_recognise_by_zip_and_sheet_name_not_file_name():
    assert recognise(RawInput("orders.csv", workbook(*EXPORT_ROWS).data))


@pytest.mark.parametrize(
    "raw",
    [
        RawInput("other.xlsx", xlsx_bytes({"Orders": [["Order ID", "Order Date"]]})),
        RawInput("x.xlsx", b"PK\x03\x04 but not really a zip"),
        RawInput("x.xlsx", b"PK\x05\x06" + b"\x00" * 18),  # an empty zip
        RawInput.from_text("x.csv", "order_id,parent_orderid,order_status\n1,2,FINISH\n"),
        RawInput.from_text(
            "x.csv",
            "Order ID,Order Date,Status,Product Title,Product Link,Currency,Price,Store Name,"
            "Store Link\n",
        ),
        RawInput.from_text("x.json", '[{"orderId": "1", "orderLineId": "2"}]'),
        RawInput("empty", b""),
    ],
)
def test_recognise_is_false_for_other_formats_and_garbage(raw):
    assert not recognise(raw)


def test_calamine_is_not_loaded_to_recognise_or_read_other_formats():
    script = (
        "import sys\n"
        "from aliret_tui.importing.formats import xlsx_export, shopper_inventory\n"
        "from aliret_tui.importing.reading import RawInput\n"
        "raw = RawInput.from_text('x.csv', 'a,b\\n1,2\\n')\n"
        "assert not xlsx_export.recognise(raw)\n"
        "assert not shopper_inventory.recognise_csv(raw)\n"
        "print('python_calamine' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "False"


def test_format_label():
    assert [(f.name, f.label) for f in FORMATS] == [
        ("aliexpress-xlsx-export", "AliExpress data export (XLSX)")
    ]
