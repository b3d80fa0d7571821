"""The two CSV files of nrbrook/AliExpress-Order-Export: the orders CSV (one row
per order, with the raw API JSON in ``list_json`` and ``detail_json``) and the
order-lines CSV (one row per item). Recognised by their header.

The ``shipping_*`` and ``payment_method`` columns are personal data and are never
read, with one exception: ``shipping_country_code`` is the ship-to country, a
country code that names no one, and it sets the order's country.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

from aliret_tui.importing.dates import read_date
from aliret_tui.importing.formats import Format, ParseContext
from aliret_tui.importing.formats.api_json import (
    add_missing_facts,
    line_from_api_fields,
    orders_from_api_document,
)
from aliret_tui.importing.incoming import ImportRefused, IncomingOrder, Parsed, Status
from aliret_tui.importing.money import read_money
from aliret_tui.importing.reading import MAX_BYTES, RawInput, parse_json
from aliret_tui.importing.statuses import parse_status

# The columns that tell each file apart (both files have more).
ORDERS_COLUMNS = (
    "order_id", "order_date", "status", "total_price_text", "currency", "store_name",
    "order_title", "order_line_count", "list_json", "detail_json",
)  # fmt: skip
LINES_COLUMNS = (
    "order_id", "order_date", "store_name", "status", "line_index", "order_line_id",
    "item_title", "item_price_text", "currency", "quantity", "sku_attrs_json",
    "item_tags_json", "line_json",
)  # fmt: skip


# --------------------------------------------------------------------------- recognise


def _header(raw: RawInput) -> set[str]:
    """The column names of the first line, or an empty set if it is not CSV."""
    if raw.text is None or raw.looks_like_json:
        return set()
    try:
        first = next(csv.reader([raw.first_line()]), [])
    except csv.Error:
        return set()
    return {name.strip() for name in first}


def recognise_orders(raw: RawInput) -> bool:
    return set(ORDERS_COLUMNS) <= _header(raw)


def recognise_lines(raw: RawInput) -> bool:
    return set(LINES_COLUMNS) <= _header(raw)


def _rows(raw: RawInput) -> Iterator[tuple[str, dict[str, str]]]:
    """Each data row with its place ("row 2" is the first, under the header)."""
    # The JSON columns easily pass Python's default cell limit of 128 KiB.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))
    reader = csv.DictReader(io.StringIO(raw.text or "", newline=""))
    try:
        for number, row in enumerate(reader, start=2):
            where = f"row {number}"
            if None in row:
                raise ImportRefused(where, "", "has more cells than the header")
            yield where, row
    except csv.Error as error:
        raise ImportRefused(raw.name, "", f"not readable as CSV ({error})") from None


def _cell(row: dict[str, str], column: str) -> str | None:
    value = (row.get(column) or "").strip()
    return value or None


# --------------------------------------------------------------------------- orders CSV


def parse_orders(raw: RawInput, context: ParseContext) -> Parsed:
    return Parsed(orders=[_order_from_row(row, where) for where, row in _rows(raw)])


def _order_from_row(row: dict[str, str], where: str) -> IncomingOrder:
    order_id = _cell(row, "order_id")
    if order_id is None:
        raise ImportRefused(where, "order_id", "is empty")
    order = _order_from_columns(row, order_id, where)
    from_json = _order_from_json_columns(row, order_id, where)
    if from_json is not None:
        # The raw API JSON is the richer source; the plain columns fill its gaps.
        add_missing_facts(from_json, order)
        order = from_json
    if not order.lines:
        # No lines to name the order by: the exporter's own title (the first item's).
        order.title = _cell(row, "order_title")
    order.where = where
    return order


def _order_from_columns(row: dict[str, str], order_id: str, where: str) -> IncomingOrder:
    currency = _cell(row, "currency")
    total = _cell(row, "total_price_text")
    price = None
    if total is not None:
        money = read_money(where, "total_price_text", total, currency)
        price, currency = money.amount, currency or money.currency
    return IncomingOrder(
        order_id=order_id,
        where=where,
        price=price,
        currency=currency,
        store=_cell(row, "store_name"),
        ordered_on=_date(row, "order_date", where),
        status=_status(row, where),
        country=_cell(row, "shipping_country_code"),
    )


def _order_from_json_columns(
    row: dict[str, str], order_id: str, where: str
) -> IncomingOrder | None:
    documents = []
    for column in ("list_json", "detail_json"):
        text = _cell(row, column)
        if text is not None:
            documents.append(parse_json(text, f"{where}, {column}"))
    found = orders_from_api_document(documents, where)
    strangers = [order.order_id for order in found if order.order_id != order_id]
    if strangers:
        raise ImportRefused(
            where, "list_json", f"holds order {strangers[0][:30]}, not this row's {order_id[:30]}"
        )
    return found[0] if found else None


# --------------------------------------------------------------------------- lines CSV


def parse_lines(raw: RawInput, context: ParseContext) -> Parsed:
    """One order per order id, with one line per row (in file order)."""
    orders: dict[str, IncomingOrder] = {}
    for where, row in _rows(raw):
        order_id = _cell(row, "order_id")
        if order_id is None:
            raise ImportRefused(where, "order_id", "is empty")
        order = orders.get(order_id)
        if order is None:
            order = IncomingOrder(
                order_id=order_id,
                where=where,
                store=_cell(row, "store_name"),
                ordered_on=_date(row, "order_date", where),
                status=_status(row, where),
            )
            orders[order_id] = order
        line = line_from_api_fields(_line_fields(row, where), _cell(row, "currency"), where)
        order.lines.append(line)
        if line.free_return:
            order.free_return = True
    return Parsed(orders=list(orders.values()))


def _line_fields(row: dict[str, str], where: str) -> dict[str, Any]:
    """The row as the API's line fields: ``line_json`` (which has the split price
    form) where it is given, the plain columns for the rest."""
    fields: dict[str, Any] = {
        "itemTitle": _cell(row, "item_title"),
        "itemPriceText": _cell(row, "item_price_text"),
        "currencyCode": _cell(row, "currency"),
        "quantity": _cell(row, "quantity"),
        "itemDetailUrl": _cell(row, "item_detail_url"),
        "orderLineId": _cell(row, "order_line_id"),
        "skuAttrs": _json_cell(row, "sku_attrs_json", where),
        "itemTags": _json_cell(row, "item_tags_json", where),
    }
    line_json = _json_cell(row, "line_json", where)
    if line_json is not None and not isinstance(line_json, dict):
        raise ImportRefused(where, "line_json", "is not an order line")
    for key, value in (line_json or {}).items():
        if value not in (None, ""):
            fields[key] = value
    return fields


def _json_cell(row: dict[str, str], column: str, where: str) -> Any:
    text = _cell(row, column)
    return None if text is None else parse_json(text, f"{where}, {column}")


# --------------------------------------------------------------------------- values


def _date(row: dict[str, str], column: str, where: str) -> dt.date | None:
    return read_date(where, column, _cell(row, column))


def _status(row: dict[str, str], where: str) -> Status | None:
    text = _cell(row, "status")
    if text is None:
        return None
    status = parse_status(text)
    if status is None:
        raise ImportRefused(where, "status", f"{text[:40]!r} is not a status aliret-tui knows")
    return status


FORMATS = [
    Format(
        name="nrbrook-orders-csv",
        origin="an AliExpress-Order-Export file",
        label="AliExpress Order Export (nrbrook), orders CSV",
        recognise=recognise_orders,
        parse=parse_orders,
    ),
    Format(
        name="nrbrook-lines-csv",
        origin="an AliExpress-Order-Export file",
        label="AliExpress Order Export (nrbrook), order lines CSV",
        recognise=recognise_lines,
        parse=parse_lines,
    ),
]
