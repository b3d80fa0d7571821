"""The "Shopper Inventory" export (a Chrome extension; my-purchases/extensions writes
the same files): a CSV and a JSON array with one entry per order LINE. This module
owns recognising both and grouping their lines, in first-seen order, into orders.

The format has no order total: each line carries a unit price, and the order's
price is left to the validation step (lines × quantities)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aliret_tui.importing.dates import read_date
from aliret_tui.importing.formats import Format, ParseContext
from aliret_tui.importing.incoming import (
    ImportRefused,
    IncomingLine,
    IncomingOrder,
    Parsed,
    Skipped,
    Status,
)
from aliret_tui.importing.money import read_money
from aliret_tui.importing.reading import RawInput
from aliret_tui.importing.statuses import parse_status

CSV_HEADER = (
    "Order Date", "Order ID", "Title", "Qty", "Price", "Store", "Product ID", "SKU ID",
    "Attributes", "Price Info", "Currency", "Status", "Product Url", "Product Image Url",
    "Store Url", "Tags",
)  # fmt: skip
JSON_KEYS = frozenset({"orderId", "orderLineId", "title", "priceInfo", "orderDateIso"})
FREE_RETURN_TAG = re.compile(r"\bLOCAL_FREE_RETURN\b")
# The extension writes "Unknown" when the page showed no status: that says nothing.
NO_STATUS = "unknown"


@dataclass
class LineRow:
    """One CSV row or JSON item, read but not yet grouped into its order."""

    where: str
    order_id: str
    ordered_on: dt.date | None
    status: Status | None
    store: str | None
    line: IncomingLine
    same_item_key: tuple[str, ...]  # two rows with one key are the same item twice


# ── recognising ────────────────────────────────────────────────────────────


def recognise_csv(raw: RawInput) -> bool:
    return csv_header_is(raw, CSV_HEADER)


def recognise_json(raw: RawInput) -> bool:
    try:
        if not raw.looks_like_json or '"orderLineId"' not in (raw.text or ""):
            return False
        document = raw.json()
    except Exception:
        return False
    return (
        isinstance(document, list)
        and bool(document)
        and isinstance(document[0], dict)
        and document[0].keys() >= JSON_KEYS
    )


def csv_header_is(raw: RawInput, header: tuple[str, ...]) -> bool:
    """True when the first line of ``raw`` is exactly ``header`` (quoted or not)."""
    try:
        first_line = raw.first_line()
        cells = next(csv.reader([first_line]), [])
    except Exception:
        return False
    return tuple(cell.strip() for cell in cells) == header


# ── parsing ────────────────────────────────────────────────────────────────


def parse_csv(raw: RawInput, context: ParseContext) -> Parsed:
    return group_into_orders(_line_from_csv(where, row) for where, row in csv_rows(raw, CSV_HEADER))


def parse_json(raw: RawInput, context: ParseContext) -> Parsed:
    document = raw.json()
    if not isinstance(document, list):
        raise ImportRefused(raw.name, "", "is not a Shopper Inventory list of order lines")
    return group_into_orders(
        _line_from_json(f"item {number}", item) for number, item in enumerate(document, start=1)
    )


def csv_rows(raw: RawInput, header: tuple[str, ...]) -> Iterator[tuple[str, dict[str, str]]]:
    """Each data row as ``("row N", {column: stripped text})``; the header is row 1,
    as a spreadsheet numbers it. Blank rows are passed over."""
    reader = csv.reader(io.StringIO(raw.text or "", newline=""))
    try:
        next(reader, None)
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            where = f"row {number}"
            if len(cells) != len(header):
                raise ImportRefused(
                    where, "", f"has {len(cells)} cells where the header has {len(header)}"
                )
            yield where, {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
    except csv.Error as error:
        raise ImportRefused(raw.name, "", f"cannot be read as CSV ({error})") from None


def _line_from_csv(where: str, row: dict[str, str]) -> LineRow:
    order_id = _required(where, "Order ID", row["Order ID"])
    unit_price, currency = read_unit_price(
        where, price=row["Price"], price_info=row["Price Info"], currency_code=row["Currency"]
    )
    free_return = bool(FREE_RETURN_TAG.search(row["Tags"]))
    line = IncomingLine(
        title=row["Title"],
        quantity=read_quantity(where, "Qty", row["Qty"]),
        unit_price=unit_price,
        currency=currency,
        attributes=row["Attributes"],
        product_url=row["Product Url"],
        free_return=free_return,
    )
    return LineRow(
        where=where,
        order_id=order_id,
        ordered_on=read_date(where, "Order Date", row["Order Date"]),
        status=read_status(where, "Status", row["Status"]),
        store=row["Store"] or None,
        line=line,
        same_item_key=_product_key(where, row["Product ID"], row["SKU ID"]),
    )


def _line_from_json(where: str, item: Any) -> LineRow:
    if not isinstance(item, dict):
        raise ImportRefused(where, "", "is not an object with order-line fields")

    def text(key: str) -> str:
        return _json_text(where, key, item.get(key))

    order_id = _required(where, "orderId", text("orderId"))
    unit_price, currency = read_unit_price(
        where, price=text("price"), price_info=text("priceInfo"), currency_code=text("currency")
    )
    line_id = text("orderLineId")
    line = IncomingLine(
        title=text("title"),
        quantity=read_quantity(where, "quantity", item.get("quantity")),
        unit_price=unit_price,
        currency=currency,
        attributes=text("attributes"),
        product_url=text("productUrl"),
        line_id=line_id,
        free_return=_json_tags_free_return(where, item.get("tags")),
    )
    # orderDate is the day AliExpress showed; orderDateIso is the extension's own
    # conversion through UTC, one day early for shoppers east of Greenwich.
    date_field = "orderDate" if text("orderDate") else "orderDateIso"
    return LineRow(
        where=where,
        order_id=order_id,
        ordered_on=read_date(where, date_field, text(date_field)),
        status=read_status(where, "status", text("status")),
        store=text("storeName") or None,
        line=line,
        same_item_key=(
            ("line", line_id) if line_id else _product_key(where, text("productId"), text("skuId"))
        ),
    )


def group_into_orders(rows: Iterable[LineRow]) -> Parsed:
    """One order per order id, in the order first seen; an item seen twice in one
    order (two exports pasted together) is skipped rather than counted twice."""
    orders: dict[str, IncomingOrder] = {}
    first_seen_item: dict[tuple[str, tuple[str, ...]], str] = {}
    skipped: list[Skipped] = []
    for row in rows:
        order = orders.get(row.order_id)
        if order is None:
            order = orders[row.order_id] = IncomingOrder(order_id=row.order_id, where=row.where)
        order.ordered_on = order.ordered_on or row.ordered_on
        order.status = order.status or row.status
        order.store = order.store or row.store
        item_key = (row.order_id, row.same_item_key)
        if item_key in first_seen_item:
            why = f"the same item as {first_seen_item[item_key]}"
            skipped.append(Skipped(row.where, row.order_id, why))
            continue
        first_seen_item[item_key] = row.where
        order.lines.append(row.line)
        if row.line.free_return:
            order.free_return = True
    return Parsed(orders=list(orders.values()), skipped=skipped)


# ── reading one value ──────────────────────────────────────────────────────


def read_unit_price(
    where: str, *, price: str, price_info: str, currency_code: str
) -> tuple[Decimal | None, str | None]:
    """The unit price and its currency. The split form in ``price_info`` is preferred;
    the display ``price`` must agree with it, and so must the ``currency_code``."""
    code = currency_code.strip().upper() or None
    readings = [
        (field, read_money(where, field, text, code))
        for field, text in (("Price Info", price_info), ("Price", price))
        if text
    ]
    if not readings:
        return None, code
    preferred_field, preferred = readings[0]
    for field, money in readings[1:]:
        if money.amount != preferred.amount:
            raise ImportRefused(
                where,
                field,
                f"{_shown(price)} disagrees with {preferred_field} {_shown(price_info)}",
            )
    currencies = {money.currency for _, money in readings if money.currency}
    if code:
        currencies.add(code)
    if len(currencies) > 1:
        named = ", ".join(sorted(currencies))
        raise ImportRefused(where, "Currency", f"the price and the currency disagree ({named})")
    return preferred.amount, next(iter(currencies), None)


def read_quantity(where: str, field: str, value: object) -> int:
    """A whole number of pieces, at least 1; empty means 1 (as the extension writes it)."""
    if value is None or value == "":
        return 1
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ImportRefused(where, field, f"{_shown(str(value))} is not a number of pieces")
    text = str(value).strip()
    if not text.isdecimal() or int(text) < 1:
        raise ImportRefused(where, field, f"{_shown(text)} is not a number of pieces")
    return int(text)


def read_status(where: str, field: str, text: str) -> Status | None:
    if not text.strip() or text.strip().casefold() == NO_STATUS:
        return None
    status = parse_status(text)
    if status is None:
        raise ImportRefused(where, field, f"{_shown(text)} is not an order status aliret-tui knows")
    return status


def _required(where: str, field: str, text: str) -> str:
    if not text:
        raise ImportRefused(where, field, "is empty")
    return text


def _product_key(where: str, product_id: str, sku_id: str) -> tuple[str, ...]:
    if product_id and sku_id:
        return ("product", product_id, sku_id)
    return ("row", where)


def _json_text(where: str, key: str, value: object) -> str:
    """A JSON value as stripped text: strings as they are, whole numbers as digits."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ImportRefused(where, key, f"is {type(value).__name__}, not text")


def _json_tags_free_return(where: str, tags: object) -> bool:
    """Tags are a list of strings (or of ``{"type": ...}`` objects, as the API has them)."""
    if tags is None:
        return False
    if not isinstance(tags, list):
        raise ImportRefused(where, "tags", "is not a list")
    names = [tag.get("type") if isinstance(tag, dict) else tag for tag in tags]
    return any(isinstance(name, str) and FREE_RETURN_TAG.search(name) for name in names)


def _shown(text: str) -> str:
    return repr(text.strip()[:40])


FORMATS = [
    Format(
        name="shopper-inventory-csv",
        origin="a Shopper Inventory export",
        label="Shopper Inventory CSV",
        recognise=recognise_csv,
        parse=parse_csv,
    ),
    Format(
        name="shopper-inventory-json",
        origin="a Shopper Inventory export",
        label="Shopper Inventory JSON",
        recognise=recognise_json,
        parse=parse_json,
    ),
]
