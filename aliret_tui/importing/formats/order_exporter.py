"""The CSV of the "AliExpress Order Exporter" Chrome extension
(andrew-melnyk/aliexpress-orders-scrapper). This module owns recognising it and
reading its rows.

What the extension writes, read from its content.js:

- one row per ORDER (it drops an order id it has already collected), naming only
  the order's first item: ``Product Title`` and ``Product Link``;
- ``Price`` is a bare number: that first item's unit price × its quantity, or the
  order total when the item price was not found;
- ``Currency`` is the two letters before ``$`` on the page (``US $26.70`` → ``US``),
  and both ``Currency`` and ``Price`` are empty when the page showed another
  currency (``€48.88``): such an order comes without a price.
"""

from __future__ import annotations

from decimal import Decimal

from aliret_tui.importing.dates import read_date
from aliret_tui.importing.formats import Format, ParseContext
from aliret_tui.importing.formats.shopper_inventory import csv_header_is, csv_rows, read_status
from aliret_tui.importing.incoming import ImportRefused, IncomingOrder, Parsed, Skipped
from aliret_tui.importing.money import read_money
from aliret_tui.importing.reading import RawInput

CSV_HEADER = (
    "Order ID", "Order Date", "Status", "Product Title", "Product Link", "Currency", "Price",
    "Store Name", "Store Link",
)  # fmt: skip
# The two letters before "$" as AliExpress shows them (US $, CA$, AU$, MX$).
DOLLAR_PREFIXES = {"US": "USD", "CA": "CAD", "AU": "AUD", "MX": "MXN"}
NO_CURRENCY_MESSAGE = (
    "the price has no currency; pass --currency CODE (or set [import] currency in config.toml)"
)


def recognise(raw: RawInput) -> bool:
    return csv_header_is(raw, CSV_HEADER)


def parse(raw: RawInput, context: ParseContext) -> Parsed:
    orders: list[IncomingOrder] = []
    first_row_of: dict[str, str] = {}
    skipped: list[Skipped] = []
    for where, row in csv_rows(raw, CSV_HEADER):
        order_id = row["Order ID"]
        if not order_id:
            raise ImportRefused(where, "Order ID", "is empty")
        if order_id in first_row_of:
            why = f"the same order as {first_row_of[order_id]}"
            skipped.append(Skipped(where, order_id, why))
            continue
        first_row_of[order_id] = where
        price, currency = read_price(where, row["Price"], row["Currency"], context)
        orders.append(
            IncomingOrder(
                order_id=order_id,
                where=where,
                title=row["Product Title"] or None,
                price=price,
                currency=currency,
                store=row["Store Name"] or None,
                ordered_on=read_date(where, "Order Date", row["Order Date"]),
                status=read_status(where, "Status", row["Status"]),
            )
        )
    return Parsed(orders=orders, skipped=skipped)


def read_price(
    where: str, price_text: str, prefix: str, context: ParseContext
) -> tuple[Decimal | None, str | None]:
    """The price and its ISO code, from ``Price`` and the two-letter ``Currency``."""
    prefix = prefix.strip().upper()
    if prefix and prefix not in DOLLAR_PREFIXES:
        known = ", ".join(DOLLAR_PREFIXES)
        raise ImportRefused(
            where, "Currency", f"{prefix[:10]!r} is not a dollar prefix aliret-tui knows ({known})"
        )
    if not price_text:
        return None, None
    code = DOLLAR_PREFIXES.get(prefix)
    money = read_money(where, "Price", price_text, code)
    if code and money.currency and money.currency != code:
        raise ImportRefused(
            where, "Price", f"{price_text[:40]!r} is not in {code}, as Currency {prefix!r} says"
        )
    currency = money.currency or context.default_currency
    if currency is None:
        raise ImportRefused(where, "Price", NO_CURRENCY_MESSAGE)
    return money.amount, currency.upper()


FORMATS = [
    Format(
        name="order-exporter-csv",
        origin="an AliExpress Order Exporter file",
        label="AliExpress Order Exporter CSV",
        recognise=recognise,
        parse=parse,
    )
]
