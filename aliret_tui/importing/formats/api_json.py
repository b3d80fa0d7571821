"""AliExpress's own order API JSON (``mtop.aliexpress.trade.buyer.order.list`` and
``.detail``): one saved response, or a userscript capture file (a JSON array of
``{"url", "status", "body"}`` with each response as a string).

This module owns finding the orders in such a document, reading their fields, and
merging the captures of one order (list + detail) into one ``IncomingOrder``.
``orders_from_api_document`` is shared with the nrbrook exporter, whose
``list_json`` and ``detail_json`` columns hold the same fields.

Shipping address, phone and payment method appear in detail responses; they are
never read. Of the address only ``countryCode`` is taken (the ship-to country).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from aliret_tui.importing.dates import read_date
from aliret_tui.importing.formats import Format, ParseContext
from aliret_tui.importing.incoming import (
    ImportRefused,
    IncomingLine,
    IncomingOrder,
    Parsed,
    Status,
)
from aliret_tui.importing.money import Money, read_money
from aliret_tui.importing.reading import RawInput, parse_json
from aliret_tui.importing.statuses import parse_status

ORDER_APIS = ("mtop.aliexpress.trade.buyer.order.list", "mtop.aliexpress.trade.buyer.order.detail")
LIST_ORDER_TAG = "pc_om_list_order"
DETAIL_TAG_PREFIX = "detail_"
FREE_RETURN_TAG = "LOCAL_FREE_RETURN"
# Text that only order responses carry: a capture whose body has none is skipped unread.
_ORDER_MARKERS = (LIST_ORDER_TAG, "detail_simple_order_info_component", "detail_product_block")
# "orderCreatTimeTile": "Order placed on" labels the value under "orderCreatTime".
_LABEL_SUFFIXES = ("Title", "Tile")
_PROTECTION = re.compile(r"no delivery (?:before|by):?\s+([^·•|\n]+)", re.IGNORECASE)
_JSONP = re.compile(r"^\s*[\w$.]+\s*\((.*)\)\s*;?\s*$", re.DOTALL)
_HTML_TAG = re.compile(r"<[^>]*>")


# --------------------------------------------------------------------------- recognise


def recognise(raw: RawInput) -> bool:
    """A saved order-list/detail response, or a capture file holding one."""
    if not raw.looks_like_json:
        return False
    try:
        document = raw.json()
    except ImportRefused:
        return False
    if isinstance(document, list):
        return _is_capture_file(document)
    return isinstance(document, dict) and _is_response(document)


def _is_capture_file(document: list[Any]) -> bool:
    if not document or not all(
        isinstance(entry, dict) and "body" in entry and "url" in entry for entry in document
    ):
        return False
    return any(_mentions_orders(entry) for entry in document)


def _mentions_orders(capture: dict[str, Any]) -> bool:
    url, body = capture.get("url"), capture.get("body")
    if isinstance(url, str) and any(api in url for api in ORDER_APIS):
        return True
    return isinstance(body, str) and any(marker in body for marker in _ORDER_MARKERS)


def _is_response(document: dict[str, Any]) -> bool:
    api = document.get("api")
    if api in ORDER_APIS:
        return True
    data = document.get("data")
    if not isinstance(data, dict):
        return False
    # A saved response, or only its "data" part.
    return _holds_order_components(data.get("data")) or _holds_order_components(data)


def _holds_order_components(components: Any) -> bool:
    if not isinstance(components, dict):
        return False
    return any(_is_order_component(value) for value in components.values())


def _is_order_component(value: Any) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("fields"), dict):
        return False
    tag = value.get("tag")
    return isinstance(tag, str) and (tag == LIST_ORDER_TAG or tag.startswith(DETAIL_TAG_PREFIX))


# --------------------------------------------------------------------------- parse


def parse(raw: RawInput, context: ParseContext) -> Parsed:
    document = raw.json()
    unread: list[str] = []
    if isinstance(document, list):
        sources = list(_capture_sources(document, unread))
    else:
        failure = _failed_call(document)
        if failure:
            raise ImportRefused(raw.name, "ret", f"the saved response is an error ({failure})")
        sources = [("", document)]
    return Parsed(orders=_orders_from_sources(sources), unread=unread)


def _capture_sources(captures: list[Any], unread: list[str]) -> Iterator[tuple[str, Any]]:
    """The parsed body of each capture that is an order response, with its place;
    an error answer (an expired session...) is noted in ``unread``."""
    for number, capture in enumerate(captures, 1):
        where = f"capture {number}"
        if not isinstance(capture, dict):
            raise ImportRefused(where, "", "is not a captured response")
        body = capture.get("body")
        if not isinstance(body, str):
            raise ImportRefused(where, "body", "is not text")
        if not _mentions_orders(capture):
            continue  # another API the userscript caught (recommendations, tracking...)
        unwrapped = _JSONP.match(body)
        try:
            document = parse_json(unwrapped[1] if unwrapped else body, f"{where}, body")
        except ImportRefused:
            if any(marker in body for marker in _ORDER_MARKERS):
                raise
            unread.append(f"{where}: the order API answered with something not JSON")
            continue
        failure = _failed_call(document)
        if failure:
            unread.append(f"{where}: an error answer, no orders ({failure})")
            continue
        yield where, document


def _failed_call(document: Any) -> str | None:
    """The ``ret`` message of a response that did not succeed, else None."""
    if not isinstance(document, dict):
        return None
    ret = document.get("ret")
    if not isinstance(ret, list) or not ret:
        return None
    if any(isinstance(item, str) and item.startswith("SUCCESS") for item in ret):
        return None
    return "; ".join(str(item) for item in ret)[:120]


def orders_from_api_document(document: Any, where_prefix: str) -> list[IncomingOrder]:
    """The orders in ``document``: a saved list or detail response, its ``data``
    part, nrbrook's ``list_json`` (one order's fields) or ``detail_json`` (detail
    sections by name), or a JSON array of any of these. Captures of one order
    are merged. Orders are named "<where_prefix>, order N"."""
    return _orders_from_sources([(where_prefix, document)])


# --------------------------------------------------------------------------- finding


@dataclass
class _Found:
    """One order as one response shows it."""

    order: IncomingOrder
    from_list: bool


def _orders_from_sources(sources: list[tuple[str, Any]]) -> list[IncomingOrder]:
    found: dict[str, list[_Found]] = {}
    for prefix, document in sources:
        for number, (kind, content) in enumerate(_order_parts(document), 1):
            where = f"{prefix}, order {number}" if prefix else f"order {number}"
            if kind == "list":
                item = _Found(_order_from_list(content, where), from_list=True)
            else:
                order = _order_from_detail(content, where)
                if order is None:
                    continue
                item = _Found(order, from_list=False)
            found.setdefault(item.order.order_id, []).append(item)
    orders = []
    for captures in found.values():
        # The list's facts come first and a detail adds what the list lacks, but
        # the detail's status wins: it is opened after the list, and its dates
        # (completed on) go with its status.
        ranked = sorted(captures, key=lambda item: not item.from_list)
        merged = ranked[0].order
        for other in ranked[1:]:
            add_missing_facts(merged, other.order)
        detail_statuses = [c.order.status for c in captures if not c.from_list and c.order.status]
        if detail_statuses:
            merged.status = detail_statuses[-1]
        orders.append(merged)
    return orders


def _order_parts(document: Any) -> Iterator[tuple[str, Any]]:
    """("list", order fields) and ("detail", [(tag, fields), ...]) in document order.
    Components are chosen by their tag, never by the key they sit under."""
    pending: list[Any] = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(reversed(node))
            continue
        if not isinstance(node, dict):
            continue
        if isinstance(node.get("tag"), str) and isinstance(node.get("fields"), dict):
            if node["tag"] == LIST_ORDER_TAG:
                yield "list", node["fields"]
            # any other component (header, pagination...) is not an order
        elif sections := _detail_components(node):
            yield "detail", sections
        elif _is_bare_list_fields(node):
            yield "list", node  # nrbrook list_json
        elif sections := _bare_detail_sections(node):
            yield "detail", sections  # nrbrook detail_json
        else:
            pending.extend(reversed(list(node.values())))


def _detail_components(node: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (value["tag"], value["fields"])
        for value in node.values()
        if _is_order_component(value) and value["tag"].startswith(DETAIL_TAG_PREFIX)
    ]


def _is_bare_list_fields(node: dict[str, Any]) -> bool:
    return (
        "orderId" in node
        and "fields" not in node
        and any(key in node for key in ("orderLines", "statusText", "orderDateText"))
    )


def _bare_detail_sections(node: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (key, value)
        for key, value in node.items()
        if key.startswith(DETAIL_TAG_PREFIX)
        and isinstance(value, dict)
        and "fields" not in value
        and "tag" not in value
    ]


# --------------------------------------------------------------------------- list order


def _order_from_list(fields: dict[str, Any], where: str) -> IncomingOrder:
    order_id = _order_id(fields.get("orderId"), where)
    currency = _text(fields.get("currencyCode"), where, "currency")
    total = _price(fields, ("formatPriceInfo", "totalPriceText"), currency, where, "price")
    if currency is None and total is not None:
        currency = total.currency
    order = IncomingOrder(
        order_id=order_id,
        where=where,
        price=total.amount if total else None,
        currency=currency,
        store=_text(fields.get("storeName"), where, "store"),
        ordered_on=_date(fields.get("orderDateText"), where, "ordered_on"),
        status=_status(fields.get("statusText"), where),
        lines=_lines(fields.get("orderLines"), currency, where, "orderLines"),
    )
    if any(line.free_return for line in order.lines):
        order.free_return = True
    return order


def line_from_api_fields(line: Any, currency: str | None, where: str) -> IncomingLine:
    """One ``orderLines`` / ``productVOList`` entry; its price is per piece."""
    if not isinstance(line, dict):
        raise ImportRefused(where, "", "is not an order line")
    line_currency = _text(line.get("currencyCode"), where, "currency") or currency
    unit = _price(line, ("formatPriceInfo", "itemPriceText"), line_currency, where, "price")
    return IncomingLine(
        title=_text(line.get("itemTitle"), where, "title") or "",
        quantity=_quantity(line.get("quantity"), where),
        unit_price=unit.amount if unit else None,
        currency=line_currency or (unit.currency if unit else None),
        attributes=sku_attributes(line.get("skuAttrs"), where),
        product_url=_web_link(_text(line.get("itemDetailUrl"), where, "link")),
        line_id=_text(line.get("orderLineId"), where, "line id") or "",
        free_return=has_free_return_tag(line.get("itemTags"), where),
    )


def _lines(lines: Any, currency: str | None, where: str, field_name: str) -> list[IncomingLine]:
    if lines is None:
        return []
    if not isinstance(lines, list):
        raise ImportRefused(where, field_name, "is not a list of order lines")
    return [
        line_from_api_fields(line, currency, f"{where}, line {number}")
        for number, line in enumerate(lines, 1)
    ]


def sku_attributes(attributes: Any, where: str) -> str:
    """``[{"name": "Color", "text": "Black"}, ...]`` → "Color: Black, ..."."""
    if attributes is None:
        return ""
    if not isinstance(attributes, list):
        raise ImportRefused(where, "attributes", "is not a list")
    parts = []
    for attribute in attributes:
        if not isinstance(attribute, dict):
            raise ImportRefused(where, "attributes", "holds something that is not an attribute")
        name = _text(attribute.get("name"), where, "attributes")
        value = _text(attribute.get("text"), where, "attributes")
        if name and value:
            parts.append(f"{name}: {value}")
        elif name or value:
            parts.append(name or value or "")
    return ", ".join(parts)


def has_free_return_tag(tags: Any, where: str) -> bool:
    """True if an item tag says "free return": the type ``LOCAL_FREE_RETURN`` (list
    pages), or the text "Free returns" (detail pages, whose tags carry no type)."""
    if tags is None:
        return False
    if not isinstance(tags, list):
        raise ImportRefused(where, "tags", "is not a list")
    for tag in tags:
        if not isinstance(tag, dict):
            continue
        if tag.get("type") == FREE_RETURN_TAG:
            return True
        label = tag.get("richText") or tag.get("text")
        if isinstance(label, str) and _plain(label).casefold() == "free returns":
            return True
    return False


# --------------------------------------------------------------------------- detail


def _order_from_detail(
    sections: list[tuple[str, dict[str, Any]]], where: str
) -> IncomingOrder | None:
    """One order from its detail page; None for an empty page skeleton."""
    by_tag = {_base_tag(tag): fields for tag, fields in reversed(sections)}
    info = by_tag.get("detail_simple_order_info_component", {})
    status_block = by_tag.get("detail_order_status_block", {})
    products = by_tag.get("detail_product_block", {})
    prices = by_tag.get("detail_order_price_block", {})
    order_id = _detail_order_id(sections, where)
    if order_id is None:
        if info or products:
            raise ImportRefused(where, "order_id", "the order detail carries no order id")
        return None

    total_fields = prices.get("totalPrice")
    total_fields = total_fields if isinstance(total_fields, dict) else {}
    currency = _text(total_fields.get("currencyCode"), where, "currency")
    total = _price(total_fields, ("formatPriceInfo", "value"), currency, where, "price")
    if currency is None and total is not None:
        currency = total.currency
    seller = products.get("sellerVO")
    labelled = _labelled_values(sections)
    status = _status(status_block.get("title"), where)
    order = IncomingOrder(
        order_id=order_id,
        where=where,
        price=total.amount if total else None,
        currency=currency,
        store=_text(seller.get("sellerName"), where, "store") if isinstance(seller, dict) else None,
        ordered_on=_date(labelled.get("order placed on"), where, "ordered_on"),
        protection_ends=_protection_ends(sections, where),
        country=_ship_to_country(info, where),
        status=status,
        lines=_lines(products.get("productVOList"), currency, where, "productVOList"),
    )
    # "Order completed on" is when the buyer confirmed receipt (or it was confirmed
    # for them); on a cancelled order the same label is the closing date.
    completed_on = _date(labelled.get("order completed on"), where, "delivered_on")
    if status is Status.DELIVERED:
        order.delivered_on = completed_on
    if "free returns" in labelled or any(line.free_return for line in order.lines):
        order.free_return = True
    return order


def _base_tag(tag: str) -> str:
    """``detail_product_block_111822`` → ``detail_product_block``, as nrbrook names them."""
    return tag.rstrip("0123456789_")


def _detail_order_id(sections: list[tuple[str, dict[str, Any]]], where: str) -> str | None:
    ids = set()
    for _tag, fields in sections:
        for key in ("tradeOrderId", "orderId"):
            if fields.get(key) is not None:
                ids.add(_order_id(fields[key], where))
    if len(ids) > 1:
        raise ImportRefused(where, "order_id", f"the detail names more than one order ({len(ids)})")
    return ids.pop() if ids else None


def _labelled_values(sections: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Label → value for every labelled pair in the detail, labels lower-cased:
    ``{"payTime": …, "payTimeTitle": "Paid on"}`` and ``{"title": …, "value": …}``
    (or ``"content"``). The first pair for a label wins."""
    found: dict[str, Any] = {}
    for _tag, fields in sections:
        for node in _dicts_in(fields):
            for key, label in node.items():
                if not isinstance(label, str):
                    continue
                for suffix in _LABEL_SUFFIXES:
                    if key.endswith(suffix) and key != suffix:
                        value_key = key.removesuffix(suffix)
                        if value_key in node:
                            found.setdefault(_label(label), node[value_key])
            title = node.get("title")
            if isinstance(title, str):
                for value_key in ("value", "content"):
                    if value_key in node:
                        found.setdefault(_label(title), node[value_key])
                        break
    return found


def _label(text: str) -> str:
    return " ".join(_plain(text).split()).rstrip(":").casefold()


def _protection_ends(sections: list[tuple[str, dict[str, Any]]], where: str) -> dt.date | None:
    """The date in "Refund if no delivery before Sep 4, 2026" (service texts). A
    phrase with no digit after it names no date and is passed over."""
    dates = set()
    for _tag, fields in sections:
        for text in _strings_in(fields):
            for match in _PROTECTION.finditer(text):
                if any(char.isdigit() for char in match[1]):
                    dates.add(_date(match[1].strip().rstrip("."), where, "protection_ends"))
    if len(dates) > 1:
        shown = ", ".join(sorted(day.isoformat() for day in dates if day))
        raise ImportRefused(where, "protection_ends", f"the detail gives more than one ({shown})")
    return dates.pop() if dates else None


def _ship_to_country(info: dict[str, Any], where: str) -> str | None:
    """The address's country code, and nothing else of the address."""
    address = info.get("addressVO")
    if not isinstance(address, dict):
        return None
    return _text(address.get("countryCode"), where, "country")


def _dicts_in(value: Any) -> Iterator[dict[str, Any]]:
    pending = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            yield node
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)


def _strings_in(value: Any) -> Iterator[str]:
    for node in _dicts_in(value):
        for item in node.values():
            if isinstance(item, str):
                yield item
            elif isinstance(item, list):
                yield from (text for text in item if isinstance(text, str))


# --------------------------------------------------------------------------- merging


_MERGED_FIELDS = (
    "title", "store", "ordered_on", "delivered_on", "protection_ends", "window_days",
    "country", "local_return", "note", "status",
)  # fmt: skip


def add_missing_facts(base: IncomingOrder, other: IncomingOrder) -> None:
    """Fill what ``base`` lacks from ``other`` (the same order seen elsewhere)."""
    for name in _MERGED_FIELDS:
        if getattr(base, name) is None:
            setattr(base, name, getattr(other, name))
    if base.price is None and other.price is not None:
        base.price, base.currency = other.price, other.currency or base.currency
    if base.currency is None:
        base.currency = other.currency
    if other.free_return is True:
        base.free_return = True
    if not base.lines:
        base.lines = other.lines
        return
    free_ids = {line.line_id for line in other.lines if line.free_return and line.line_id}
    for line in base.lines:
        if line.line_id in free_ids:
            line.free_return = True


# --------------------------------------------------------------------------- values


def _text(value: Any, where: str, field_name: str) -> str | None:
    """Stripped text; numbers become text (ids arrive as both); None if empty."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ImportRefused(where, field_name, "is not text")
    text = str(value).strip()
    return text or None


def _order_id(value: Any, where: str) -> str:
    order_id = _text(value, where, "order_id")
    if order_id is None:
        raise ImportRefused(where, "order_id", "is missing")
    return order_id


def _price(
    fields: dict[str, Any], keys: tuple[str, ...], currency: str | None, where: str, name: str
) -> Money | None:
    """The first of ``keys`` that holds a price (the split form comes first)."""
    for key in keys:
        text = _text(fields.get(key), where, name)
        if text is not None:
            return read_money(where, name, text, currency)
    return None


def _date(value: Any, where: str, name: str) -> dt.date | None:
    return read_date(where, name, _text(value, where, name))


def _status(value: Any, where: str) -> Status | None:
    text = _text(value, where, "status")
    if text is None:
        return None
    status = parse_status(text)
    if status is None:
        raise ImportRefused(where, "status", f"{text[:40]!r} is not a status aliret-tui knows")
    return status


def _quantity(value: Any, where: str) -> int:
    if value is None or value == "":
        return 1
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ImportRefused(where, "quantity", f"{str(value)[:20]!r} is not a whole number")


def _web_link(url: str | None) -> str:
    """An http(s) link, with AliExpress's scheme-less "//www…" completed; else ""."""
    if not url:
        return ""
    if url.startswith("//"):
        url = "https:" + url
    return url if url.startswith(("https://", "http://")) else ""


def _plain(text: str) -> str:
    """``<font color="#009966">Free returns</font>`` → "Free returns"."""
    return _HTML_TAG.sub("", text).strip()


FORMATS = [
    Format(
        name="aliexpress-api-json",
        origin="the AliExpress order pages",
        label="AliExpress order pages (API JSON)",
        recognise=recognise,
        parse=parse,
    )
]
