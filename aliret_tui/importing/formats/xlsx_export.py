"""AliExpress's own data export (a privacy request): ``aliexpress_user_data_backup_*.xlsx``,
sheet ``Order Information``, one row per order LINE. This module owns recognising the
workbook and reading that sheet into orders.

- ``order_id`` is the line id and ``parent_orderid`` the order id (the rows are grouped
  by it; a row without one is an order of its own, as my-purchases/web reads it).
- ``unit_price`` and ``payable_amt`` are integer CENTS with no currency: the currency
  comes from ``ParseContext.default_currency`` or the file is refused. The order's
  price is the sum of its lines' ``payable_amt`` (what was paid, after discounts).
  There is no quantity column, so each line says quantity 1.
- ``order_status`` holds the codes of AliExpress's trade API. ``FINISH`` ends every
  order, delivered or not: ``end_reason`` tells which, and ``buyer_accept_goods`` dates
  the confirmed receipt (``gmt_trade_end_time``), the only source of that day.
- ``is_success_pay`` false makes the order never paid, whatever its status.

python-calamine is imported only when a ZIP file is looked at.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from aliret_tui.importing.dates import read_date
from aliret_tui.importing.formats import Format, ParseContext
from aliret_tui.importing.incoming import (
    ImportRefused,
    IncomingLine,
    IncomingOrder,
    Parsed,
    Status,
)
from aliret_tui.importing.reading import RawInput
from aliret_tui.importing.statuses import parse_status

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook

ZIP_MAGIC = b"PK\x03\x04"
ORDER_SHEET = "Order Information"
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024  # what the ZIP says it unpacks to
REQUIRED_COLUMNS = ("order_id", "parent_orderid", "order_status")
NO_CURRENCY_MESSAGE = (
    "amounts in this file have no currency; pass --currency CODE "
    "(or set [import] currency in config.toml)"
)
LARGEST_EXACT_FLOAT = 2**53  # ids stored as numbers are exact below this

# AliExpress trade API order statuses (aliexpress.trade order documentation).
# None: the order is in a dispute or frozen, which says nothing of its delivery.
ORDER_STATUSES: dict[str, Status | None] = {
    "PLACE_ORDER_SUCCESS": Status.NEVER_PAID,  # placed, awaiting payment
    "RISK_CONTROL": Status.IN_TRANSIT,  # paid; the 24-hour risk check
    "WAIT_SELLER_EXAMINE_MONEY": Status.IN_TRANSIT,  # paid; the seller checks the payment
    "WAIT_SELLER_SEND_GOODS": Status.IN_TRANSIT,
    "SELLER_PART_SEND_GOODS": Status.IN_TRANSIT,
    "WAIT_BUYER_ACCEPT_GOODS": Status.IN_TRANSIT,
    "IN_CANCEL": Status.IN_TRANSIT,  # the buyer asked to cancel; not cancelled yet
    "FUND_PROCESSING": Status.DELIVERED,  # receipt confirmed; the seller's payout pending
    "IN_ISSUE": None,
    "IN_FROZEN": None,
}
FINISHED = "FINISH"
RECEIPT_CONFIRMED = "buyer_accept_goods"
# Why a FINISH order ended. None: closed through a dispute, delivered or not.
END_REASONS: dict[str, Status | None] = {
    "": Status.DELIVERED,
    RECEIPT_CONFIRMED: Status.DELIVERED,
    "buyer_accept_goods_timeout": Status.DELIVERED,  # confirmed automatically
    "buyer_cancel_notpay_order": Status.NEVER_PAID,
    "buyer_pay_timeout": Status.NEVER_PAID,
    "cancel_order_close_trade": Status.CANCELLED,
    "seller_send_goods_timeout": Status.CANCELLED,
    "risk_reject_closed": Status.CANCELLED,
    "buyer_cancel_order_in_risk": Status.CANCELLED,
    "seller_accept_issue_no_goods_return": None,
    "seller_response_issue_timeout": None,
}
YES = frozenset({"true", "t", "y", "yes", "1"})
NO = frozenset({"false", "f", "n", "no", "0"})
# Which status wins when the lines of one order differ: any delivered line makes
# the order delivered, then any line on its way, then a cancelled one.
STATUS_PRECEDENCE = (Status.DELIVERED, Status.IN_TRANSIT, Status.CANCELLED, Status.NEVER_PAID)


@dataclass
class SheetLine:
    """One row of the sheet, read but not yet grouped into its order."""

    where: str
    order_id: str
    ordered_on: dt.date | None
    status: Status | None
    receipt_confirmed_on: dt.date | None
    paid_cents: Decimal | None
    line: IncomingLine


def recognise(raw: RawInput) -> bool:
    if not raw.data.startswith(ZIP_MAGIC):
        return False
    try:
        workbook = _open_workbook(raw.data)
        try:
            return ORDER_SHEET in workbook.sheet_names
        finally:
            workbook.close()
    except Exception:
        return False


def parse(raw: RawInput, context: ParseContext) -> Parsed:
    rows = _read_order_sheet(raw)
    if not rows:
        return Parsed()
    columns = _column_numbers(raw.name, rows[0])
    sheet_lines = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(_cell_text(cell) for cell in cells):
            continue
        row = {name: cells[index] if index < len(cells) else "" for name, index in columns.items()}
        sheet_lines.append(_read_line(f"row {number}", row, raw.name, context.default_currency))
    return Parsed(orders=_group_into_orders(sheet_lines, context.default_currency))


# ── the workbook ───────────────────────────────────────────────────────────


def _open_workbook(data: bytes) -> CalamineWorkbook:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_filelike(io.BytesIO(data))


def _read_order_sheet(raw: RawInput) -> list[list[Any]]:
    _refuse_zip_bomb(raw)
    try:
        workbook = _open_workbook(raw.data)
        try:
            return workbook.get_sheet_by_name(ORDER_SHEET).to_python()
        finally:
            workbook.close()
    except Exception as error:
        reason = str(error).splitlines()[0][:120] if str(error) else type(error).__name__
        raise ImportRefused(raw.name, "", f"cannot be read as a workbook ({reason})") from None


def _refuse_zip_bomb(raw: RawInput) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(raw.data)) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # calamine gives the reason
    if unzipped > MAX_UNZIPPED_BYTES:
        raise ImportRefused(
            raw.name, "", f"unpacks to {unzipped:,} bytes; at most {MAX_UNZIPPED_BYTES:,}"
        )


def _column_numbers(name: str, header: list[Any]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        columns.setdefault(_cell_text(cell).lower(), index)
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise ImportRefused(
            name, ORDER_SHEET, f"has no column {', '.join(missing)} (row 1 names the columns)"
        )
    return columns


# ── one row ────────────────────────────────────────────────────────────────


def _read_line(where: str, row: dict[str, Any], file_name: str, currency: str | None) -> SheetLine:
    line_id = _id_text(where, "order_id", row["order_id"])
    order_id = _id_text(where, "parent_orderid", row["parent_orderid"]) or line_id
    if not order_id:
        raise ImportRefused(where, "parent_orderid", "is empty, and so is order_id")
    unit_cents = _cents(where, "unit_price", row.get("unit_price"), file_name, currency)
    end_reason = _cell_text(row.get("end_reason")).lower()
    return SheetLine(
        where=where,
        order_id=order_id,
        ordered_on=_date(where, "gmt_create_order_time", row.get("gmt_create_order_time")),
        status=_status(where, row, end_reason),
        receipt_confirmed_on=(
            _date(where, "gmt_trade_end_time", row.get("gmt_trade_end_time"))
            if end_reason == RECEIPT_CONFIRMED
            else None
        ),
        paid_cents=_cents(where, "payable_amt", row.get("payable_amt"), file_name, currency),
        line=IncomingLine(
            title=_cell_text(row.get("item_name")),
            unit_price=_from_cents(unit_cents),
            currency=currency.upper() if unit_cents is not None and currency else None,
            line_id=line_id,
        ),
    )


def _status(where: str, row: dict[str, Any], end_reason: str) -> Status | None:
    if _yes_no(where, "is_success_pay", row.get("is_success_pay")) is False:
        return Status.NEVER_PAID
    code = _cell_text(row["order_status"]).upper()
    if not code:
        return None
    if code == FINISHED:
        if end_reason not in END_REASONS:
            raise ImportRefused(
                where, "end_reason", f"{end_reason[:40]!r} is not an ending aliret-tui knows"
            )
        return END_REASONS[end_reason]
    if code in ORDER_STATUSES:
        return ORDER_STATUSES[code]
    status = parse_status(code)
    if status is None:
        raise ImportRefused(
            where, "order_status", f"{code[:40]!r} is not a status aliret-tui knows"
        )
    return status


def _group_into_orders(sheet_lines: list[SheetLine], currency: str | None) -> list[IncomingOrder]:
    by_order: dict[str, list[SheetLine]] = {}
    for sheet_line in sheet_lines:
        by_order.setdefault(sheet_line.order_id, []).append(sheet_line)
    orders = []
    for order_id, lines in by_order.items():
        paid = [line.paid_cents for line in lines]
        price = _from_cents(sum(paid, Decimal(0))) if None not in paid else None
        confirmed = [line.receipt_confirmed_on for line in lines if line.receipt_confirmed_on]
        orders.append(
            IncomingOrder(
                order_id=order_id,
                where=lines[0].where,
                price=price,
                currency=currency.upper() if price is not None and currency else None,
                ordered_on=next((line.ordered_on for line in lines if line.ordered_on), None),
                delivered_on=min(confirmed, default=None),
                status=_order_status([line.status for line in lines]),
                lines=[line.line for line in lines],
            )
        )
    return orders


def _order_status(statuses: list[Status | None]) -> Status | None:
    return next((status for status in STATUS_PRECEDENCE if status in statuses), None)


# ── one cell ───────────────────────────────────────────────────────────────


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _id_text(where: str, field: str, value: Any) -> str:
    """An id as its digits; a number cell is refused once a float cannot hold it exactly."""
    if isinstance(value, float) and (not value.is_integer() or value >= LARGEST_EXACT_FLOAT):
        raise ImportRefused(
            where, field, f"{value!r} is a number too large to be exact; keep ids as text"
        )
    return _cell_text(value)


def _cents(
    where: str, field: str, value: Any, file_name: str, currency: str | None
) -> Decimal | None:
    text = _cell_text(value)
    if not text:
        return None
    if currency is None:
        raise ImportRefused(file_name, "currency", NO_CURRENCY_MESSAGE)
    try:
        cents = Decimal(text)
    except InvalidOperation:
        cents = None
    if cents is None or not cents.is_finite() or cents != cents.to_integral_value() or cents < 0:
        raise ImportRefused(where, field, f"{text[:40]!r} is not a whole number of cents")
    return cents


def _from_cents(cents: Decimal | None) -> Decimal | None:
    return None if cents is None else cents.scaleb(-2)


def _date(where: str, field: str, value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _cell_text(value)
    if not text:
        return None
    if not isinstance(value, str):
        raise ImportRefused(where, field, f"{text[:40]!r} is not a date")
    return read_date(where, field, text)


def _yes_no(where: str, field: str, value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _cell_text(value).lower()
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise ImportRefused(where, field, f"{text[:40]!r} is neither true nor false")


FORMATS = [
    Format(
        name="aliexpress-xlsx-export",
        origin="AliExpress's data export",
        label="AliExpress data export (XLSX)",
        recognise=recognise,
        parse=parse,
    )
]
