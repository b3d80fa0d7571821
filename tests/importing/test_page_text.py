"""Text copied from AliExpress order pages and mails: the list page, the 2026 detail
page and a mail body, with the shopper's personal data never read."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from aliret_tui.importing.formats import ParseContext
from aliret_tui.importing.formats.page_text import (
    FORMATS,
    parse,
    parse_pasted_text,
    recognise,
)
from aliret_tui.importing.incoming import Status
from aliret_tui.importing.reading import RawInput

FIXTURES = Path(__file__).parent / "fixtures" / "page_text"
DETAIL_PAGE_PERSONAL = ("Jonas", "Beispielmann", "1575", "5550123", "Fliederweg", "12345", "4417")
MAIL_PERSONAL = ("Lena", "Musterfrau", "Ahornallee", "Musterhausen", "0301234567")


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def raw_text(text: str, name: str = "pasted") -> RawInput:
    return RawInput.from_text(name, text)


def assert_nowhere(parsed: object, words: tuple[str, ...]) -> None:
    shown = repr(parsed)
    for word in words:
        assert word not in shown, f"{word!r} found in the parse result"


# ── the detail page (2026) ─────────────────────────────────────────────────────


def test_detail_page_reads_the_completed_multi_item_order():
    parsed = parse_pasted_text(fixture_text("detail_page_completed.txt"))

    assert parsed.unread == []
    (order,) = parsed.orders
    assert order.order_id == "3071552088412093"  # spaces and "Copy" removed
    assert order.status is Status.DELIVERED
    assert order.ordered_on == dt.date(2026, 7, 16)
    assert order.protection_ends == dt.date(2026, 9, 4)
    assert order.free_return is True
    assert order.store == "Lumen Garden Official Store"
    assert (order.price, order.currency) == (Decimal("32.66"), "USD")  # the Total row
    assert [(line.title[:25], line.quantity, line.unit_price) for line in order.lines] == [
        ("Solar garden lights outdo", 1, Decimal("18.40")),
        ("Stainless steel hose nozz", 2, Decimal("6.15")),
    ]
    assert [line.attributes for line in order.lines] == ["Color: Warm White", "Color: Silver"]


def test_detail_page_delivery_is_order_completed_not_shipment_completed():
    (order,) = parse_pasted_text(fixture_text("detail_page_completed.txt")).orders

    # "Shipment completed on Jul 18" is the seller's shipping day; the buyer
    # confirmed receipt on Aug 4, so the delivery was on or before that day.
    assert order.delivered_on == dt.date(2026, 8, 4)


def test_a_stated_delivery_date_wins_over_order_completed():
    text = fixture_text("detail_page_completed.txt").replace(
        "Completed\n", "Completed\nDelivered on Aug 1, 2026\n"
    )
    (order,) = parse_pasted_text(text).orders
    assert order.delivered_on == dt.date(2026, 8, 1)


def test_detail_page_personal_data_never_reaches_the_result():
    parsed = parse_pasted_text(fixture_text("detail_page_completed.txt"))

    assert_nowhere(parsed, (*DETAIL_PAGE_PERSONAL, "Visa", "Payment"))


def test_shipment_completed_alone_is_no_delivery():
    text = (
        "Awaiting delivery\nOrder placed on\nJul 16, 2026\nShipment completed on\nJul 18, 2026\n"
        "Gadget Corner Store\nBluetooth tracker tag for keys and bags with loud speaker\n"
        "US $9.99x1\nTotal\nUS $9.99\nRef. Number\n3071552088419999\nCopy\n"
    )
    (order,) = parse_pasted_text(text).orders
    assert order.status is Status.IN_TRANSIT
    assert order.delivered_on is None


# ── the list page ──────────────────────────────────────────────────────────────


def test_list_page_gives_one_order_per_card():
    parsed = parse_pasted_text(fixture_text("list_page_three_orders.txt"))

    assert [order.order_id for order in parsed.orders] == [
        "8181682166138719",
        "3069099405659913",
        "3065512200874411",
    ]
    assert [order.where for order in parsed.orders] == ["order 1", "order 2", "order 3"]
    assert [order.status for order in parsed.orders] == [
        Status.DELIVERED,  # "Completed", not the page's tabs above it
        Status.NEVER_PAID,  # "Awaiting payment": the merge leaves it out
        Status.CANCELLED,  # "Canceled " with its trailing space
    ]
    assert [order.ordered_on for order in parsed.orders] == [
        dt.date(2026, 2, 21),
        dt.date(2026, 2, 19),
        dt.date(2026, 1, 30),
    ]
    assert [order.store for order in parsed.orders] == [
        "Brightway Tools Store",
        "Kestrel Phone Accessories",
        "Nordlicht Lighting Store",
    ]
    assert [order.price for order in parsed.orders] == [
        Decimal("12.49"),
        Decimal("4.10"),
        Decimal("19.60"),
    ]


def test_list_page_reads_unit_price_times_quantity():
    third = parse_pasted_text(fixture_text("list_page_three_orders.txt")).orders[2]

    (line,) = third.lines
    assert line.title == "LED strip lights 5m RGB with remote control and adhesive back"
    assert (line.quantity, line.unit_price, line.currency) == (2, Decimal("9.80"), "USD")
    assert line.attributes == "Length: 5m"


def test_list_page_item_without_a_price_is_reported_not_guessed():
    parsed = parse_pasted_text(fixture_text("list_page_three_orders.txt"))

    (line,) = parsed.orders[1].lines
    assert (line.title, line.unit_price) == ("Phone case", None)
    assert parsed.unread == ["order 3069099405659913: no price found for 'Phone case'"]


# ── a mail's text ─────────────────────────────────────────────────────────────


def test_email_body_text():
    parsed = parse_pasted_text(fixture_text("email_body_shipped_de.txt"))

    assert parsed.unread == []
    (order,) = parsed.orders
    assert order.order_id == "8190246813579024"  # from "Bestell-Nr."
    assert order.status is Status.IN_TRANSIT  # "Unterwegs"
    assert order.ordered_on == dt.date(2026, 3, 2)  # "Aufgegeben am Mar 02,2026, 19:45"
    assert order.store == "Haushalt Helfer Store"
    assert (order.price, order.currency) == (Decimal("6.98"), "EUR")  # "Bestellsumme"
    (line,) = order.lines
    assert line.title == "Silikon-Backmatte 40 x 30 cm antihaft wiederverwendbar..."
    assert (line.quantity, line.unit_price, line.attributes) == (
        2,
        Decimal("3.49"),
        "Variante: Grau",
    )
    assert_nowhere(parsed, MAIL_PERSONAL)


def test_two_orders_of_one_mail_each_get_their_own_items():
    text = (
        "Update der Bestellung\nAufgegeben am Jan 10,2026, 12:00\nErster Laden Store\n"
        "Holzlöffel-Set aus Buche 6 Stück...\nVariante A\n€ 4,20x1\nBestell-Nr.\n"
        "8190000000000011\nBestellsumme\n4,20€\nUpdate der Bestellung\n"
        "Aufgegeben am Jan 11,2026, 09:30\nZweiter Laden Store\nTeesieb aus Edelstahl...\n"
        "Variante B\n€ 2,10x3\nBestell-Nr.\n8190000000000022\nBestellsumme\n6,30€\n"
    )
    first, second = parse_pasted_text(text).orders

    assert (first.order_id, first.price, first.store) == (
        "8190000000000011",
        Decimal("4.20"),
        "Erster Laden Store",
    )
    assert [line.title for line in first.lines] == ["Holzlöffel-Set aus Buche 6 Stück..."]
    assert (second.order_id, second.price, second.ordered_on) == (
        "8190000000000022",
        Decimal("6.30"),
        dt.date(2026, 1, 11),
    )
    assert [(line.title, line.quantity) for line in second.lines] == [
        ("Teesieb aus Edelstahl...", 3)
    ]


# ── what cannot be read ────────────────────────────────────────────────────────


def test_unreadable_values_become_sentences_not_guesses():
    text = (
        "Completed\nOrder date: Feb 30, 2026\nOrder ID: 8181682166131111Copy\n"
        "Some Store\nUSB-C charging cable 2m braided nylon fast charge\nUS $1.2,3.4x1\n"
        "Total:US $1.2,3.4\n"
    )
    parsed = parse_pasted_text(text)

    (order,) = parsed.orders
    assert order.ordered_on is None
    assert order.price is None
    assert order.lines[0].unit_price is None
    assert len(parsed.unread) == 3
    assert all(entry.startswith("order 8181682166131111: ") for entry in parsed.unread)
    assert "'Feb 30, 2026'" in parsed.unread[0]


def test_an_id_label_with_too_few_digits_is_reported():
    parsed = parse_pasted_text("Order ID: 123456\nOrder ID: 8181682166132222\nTotal:€ 3,00\n")

    assert [order.order_id for order in parsed.orders] == ["8181682166132222"]
    assert parsed.unread[0].startswith("'123456' after an order-number label is not an order")


def test_text_without_an_order_number_reads_nothing():
    parsed = parse_pasted_text("Hello, this is just a note about a phone case, US $3.00x1\n")

    assert parsed.orders == []
    assert parsed.unread and "no AliExpress order number found" in parsed.unread[0]


def test_a_short_group_after_the_id_is_not_part_of_it():
    (order,) = parse_pasted_text("Order ID: 8181682166138719 2 items\nTotal: US $1.00").orders
    assert order.order_id == "8181682166138719"


def test_loose_personal_lines_are_passed_over():
    text = (
        "Order ID: 8181682166133333\nContact: jonas@example.org\n+49 1575 5550123\n"
        "Fancy Store\nMini tripod for phones with remote shutter\nUS $5.00x1\n"
        "Payment method: Mastercard ending in 9876\n"
    )
    parsed = parse_pasted_text(text)

    assert parsed.orders[0].lines[0].title == "Mini tripod for phones with remote shutter"
    assert_nowhere(parsed, ("jonas", "1575", "9876", "Mastercard"))


# ── the format ────────────────────────────────────────────────────────────────


def test_recognises_the_fixtures():
    for name in ("detail_page_completed.txt", "list_page_three_orders.txt"):
        assert recognise(raw_text(fixture_text(name)))
    assert recognise(raw_text(fixture_text("email_body_shipped_de.txt")))


def test_does_not_claim_csv_json_mails_or_unlabelled_numbers():
    csv_text = "Order Date,Order ID,Title\n2026-02-21,8181682166138719,Thing\n"
    csv_last_column = "Title,Qty,Order ID\nThing,1,\n8181682166138719,2,x\n"
    json_text = json.dumps([{"Order ID": 8181682166138719}])
    mail = "From: someone@example.org\nSubject: hi\n\nOrder ID: 8181682166138719\n"
    mbox = "From someone Mon Feb  2 10:00:00 2026\n" + mail
    unlabelled = "My parcel 8181682166138719 is late\n"
    for text in (csv_text, csv_last_column, json_text, mail, mbox, unlabelled):
        assert not recognise(raw_text(text)), text


def test_recognise_never_raises():
    assert not recognise(RawInput("binary", b"\x00\x01Order ID: 8181682166138719"))
    assert not recognise(RawInput("latin-1", "Order ID: 8181682166138719 \xe9".encode("latin-1")))


def test_parse_through_the_format_uses_the_default_currency():
    raw = raw_text("Order ID: 8181682166134444\nTotal: 12.50\n")
    (order,) = parse(raw, ParseContext(default_currency="EUR")).orders
    assert (order.price, order.currency) == (Decimal("12.50"), "EUR")


def test_formats_entry():
    (page_format,) = FORMATS
    assert page_format.label == "text copied from an AliExpress order page or email"
    assert page_format.recognise is recognise
