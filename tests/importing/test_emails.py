"""AliExpress notification mails: one .eml or an mbox, English and German subjects,
Apple's relay sender, parcel mails naming their orders in links, closed orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from aliret_tui.importing.formats import ParseContext
from aliret_tui.importing.formats.emails import FORMATS, parse, read_subject, recognise
from aliret_tui.importing.formats.page_text import recognise as recognise_page_text
from aliret_tui.importing.incoming import ImportRefused, Status
from aliret_tui.importing.reading import RawInput

FIXTURES = Path(__file__).parent / "fixtures" / "emails"
CONTEXT = ParseContext()
PERSONAL = (
    "Kai", "Testperson", "Example Road", "Sampletown", "7700", "Lena", "Musterfrau",
    "Ahornallee", "Musterhausen", "0301234567", "Robin", "Sample Street", "example.org",
)  # fmt: skip


def fixture(name: str) -> RawInput:
    return RawInput(name, (FIXTURES / name).read_bytes())


def mail(subject: str, body: str, *, sender: str = "transaction@notice.aliexpress.com") -> bytes:
    return (
        f"From: AliExpress <{sender}>\nTo: kai@example.org\nSubject: {subject}\n"
        "Date: Tue, 10 Mar 2026 10:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n"
        f"MIME-Version: 1.0\n\n{body}\n"
    ).encode()


def assert_no_personal_data(parsed: object) -> None:
    shown = repr(parsed)
    for word in PERSONAL:
        assert word not in shown, f"{word!r} found in the parse result"


# ── recognising ───────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "name",
    [
        "en_delivered.eml",
        "de_bestellung_versandt.eml",
        "de_zugestellt_mit_datum.eml",
        "apple_relay_in_transit.eml",
        "parcel_two_orders.eml",
        "closed.eml",
        "three_mails.mbox",
    ],
)
def test_recognises_aliexpress_mails(name):
    raw = fixture(name)
    assert recognise(raw)
    assert not recognise_page_text(raw)  # a mail is never claimed as pasted text


def test_does_not_recognise_other_mails_or_text():
    assert not recognise(fixture("not_aliexpress.eml"))
    assert not recognise(RawInput("x.csv", b"Order ID,Title\n8181682166138719,Thing\n"))
    assert not recognise(RawInput("x.json", b'{"from": "transaction@notice.aliexpress.com"}'))
    body_only = b"Subject: hi\n\nForwarded: From: transaction@notice.aliexpress.com\n"
    assert not recognise(RawInput("fwd.eml", body_only))


def test_recognise_never_raises():
    assert not recognise(RawInput("empty", b""))
    assert not recognise(RawInput("binary", b"From \x00\xff\nFrom: \xff\xfe"))


# ── English ───────────────────────────────────────────────────────────────────


def test_english_delivered_mail():
    parsed = parse(fixture("en_delivered.eml"), CONTEXT)

    (order,) = parsed.orders
    assert order.order_id == "3071884203356617"
    assert order.where == "mail 'Order 3071884203356617: Delivered'"
    assert order.status is Status.DELIVERED
    # No date in the body: the "Delivered" mail's own day, in its Date header's zone.
    assert order.delivered_on == dt.date(2026, 3, 14)
    assert order.ordered_on == dt.date(2026, 3, 1)
    assert order.store == "Orbit Gadget Store"
    assert (order.price, order.currency) == (Decimal("7.35"), "USD")
    (line,) = order.lines
    assert line.title.startswith("Magnetic phone holder for car dashboard")
    assert (line.quantity, line.unit_price, line.attributes) == (1, Decimal("7.35"), "Color: Black")
    assert_no_personal_data(parsed)


def test_apple_relay_sender_in_transit():
    parsed = parse(fixture("apple_relay_in_transit.eml"), CONTEXT)

    (order,) = parsed.orders
    assert order.order_id == "3069099405659913"
    assert order.status is Status.IN_TRANSIT
    assert order.delivered_on is None  # "Delivered" in the progress bar is no delivery
    assert_no_personal_data(parsed)


def test_mbox_of_three_mails():
    parsed = parse(fixture("three_mails.mbox"), CONTEXT)

    shipped, awaiting, how_did_it_go = parsed.orders
    assert (shipped.order_id, shipped.status, shipped.delivered_on) == (
        "3072001122334401",
        Status.IN_TRANSIT,
        None,
    )
    assert (shipped.price, shipped.store) == (Decimal("8.97"), "Tidy Desk Store")
    assert [(line.quantity, line.unit_price) for line in shipped.lines] == [(3, Decimal("2.99"))]
    # "Delivered 12/03/2026" is day first: 12 March.
    assert (awaiting.status, awaiting.delivered_on) == (Status.DELIVERED, dt.date(2026, 3, 12))
    # The survey is sent days after the delivery: its Date header is no delivery day.
    assert (how_did_it_go.status, how_did_it_go.delivered_on) == (Status.DELIVERED, None)
    assert how_did_it_go.where == "mail 'Order 3072001122334403: How did it go?'"
    assert parsed.unread == [] and parsed.skipped == []
    assert_no_personal_data(parsed)


def test_mbox_leaves_out_and_counts_other_mails():
    other = mail("Your newsletter", "Order ID: 1234567890123", sender="news@example.org")
    aliexpress = mail("Order 3072001122334499: Out for delivery", "On its way today.")
    data = b"From a@b Tue Mar 10 10:00:00 2026\n" + other + b"\nFrom c@d Tue Mar 10 11:00:00 2026\n"
    data += aliexpress

    parsed = parse(RawInput("mixed.mbox", data), CONTEXT)

    assert [(order.order_id, order.status) for order in parsed.orders] == [
        ("3072001122334499", Status.IN_TRANSIT)
    ]
    assert parsed.unread == ["1 mail not from AliExpress left out"]


def test_a_stated_day_beats_the_delivered_mails_date_header_in_one_mbox():
    delivered = mail("Order 3072001122334477: Delivered", "Your package has been delivered.")
    reminder = mail("Order 3072001122334477: Awaiting confirmation", "Delivered 08/03/2026")
    data = b"From x Tue Mar 10 10:00:00 2026\n" + delivered
    data += b"\nFrom x Tue Mar 11 10:00:00 2026\n" + reminder

    header_dated, stated = parse(RawInput("two.mbox", data), CONTEXT).orders

    assert header_dated.delivered_on is None  # left to the mail that states the day
    assert stated.delivered_on == dt.date(2026, 3, 8)


# ── German ────────────────────────────────────────────────────────────────────


def test_german_shipped_mail_with_estimated_delivery():
    parsed = parse(fixture("de_bestellung_versandt.eml"), CONTEXT)

    (order,) = parsed.orders
    assert order.order_id == "8190246813579024"
    assert order.status is Status.IN_TRANSIT
    assert order.delivered_on is None  # "Voraussichtliche Zustellzeit 30/03/2026" is an estimate
    assert order.ordered_on == dt.date(2026, 3, 2)
    assert order.store == "Haushalt Helfer Store"
    assert (order.price, order.currency) == (Decimal("6.98"), "EUR")
    assert order.free_return is True
    (line,) = order.lines
    assert (line.title, line.quantity, line.unit_price) == (
        "Silikon-Backmatte 40 x 30 cm antihaft wiederverwendbar...",
        2,
        Decimal("3.49"),
    )
    assert_no_personal_data(parsed)


def test_german_delivered_mail_with_a_day_first_date():
    parsed = parse(fixture("de_zugestellt_mit_datum.eml"), CONTEXT)

    (order,) = parsed.orders
    assert order.where == "mail 'Bestellung 8175123409876543: auf Bestätigung wird gewartet'"
    assert order.status is Status.DELIVERED
    assert order.delivered_on == dt.date(2026, 3, 5)  # 05/03/2026: 5 March
    assert_no_personal_data(parsed)


def test_german_mail_confirming_several_orders():
    body = (
        "Bestellbestätigung\nHallo Lena Musterfrau,\nBestelldetails anzeigen\n"
        "Bestellung 18190000000000101\nKaffeefilter aus Edelstahl wiederverwendbar...\n"
        "Variante A\nx1\nGesamtbetrag 4,50€\n"
        "Bestellung 28190000000000202\nLED-Nachtlicht mit Bewegungsmelder...\nx2\n"
        "Gesamtbetrag 7,80€\nAlle anzeigen"
    )
    subject = "2 Bestellungen wurden =?utf-8?q?best=C3=A4tigt=3A?= 8190000000000101 & weitere"
    parsed = parse(RawInput("two.eml", mail(subject, body)), CONTEXT)

    first, second = parsed.orders
    assert (first.order_id, first.price, first.status) == (
        "8190000000000101",
        Decimal("4.50"),
        Status.IN_TRANSIT,
    )
    assert [line.title for line in first.lines] == [
        "Kaffeefilter aus Edelstahl wiederverwendbar..."
    ]
    assert (second.order_id, second.price) == ("8190000000000202", Decimal("7.80"))
    assert [(line.title, line.quantity) for line in second.lines] == [
        ("LED-Nachtlicht mit Bewegungsmelder...", 2)
    ]
    assert_no_personal_data(parsed)


def test_combined_delivery_mail_names_each_order_under_bestell_nr():
    block = (
        "Update der Bestellung\nAufgegeben am Feb 01,2026, 10:00\nNordhaus Store\n{title}\n"
        "Variante A\n€ {price}x1\nBestell-Nr.\n{order_id}\nBestellsumme\n{price}€\n"
        "Versand nach\nAhornallee 9, Musterhausen\n"
    )
    body = block.format(
        title="Gießkanne 2 l aus Metall...", price="8,90", order_id="8190000000000303"
    )
    body += block.format(
        title="Pflanzenstecker 20 Stück...", price="2,40", order_id="8190000000000404"
    )
    subject = "Bestellung 8190000000000303: Neuer Lieferstatus"

    parsed = parse(RawInput("combined.eml", mail(subject, body)), CONTEXT)

    assert [(order.order_id, order.price, order.lines[0].title) for order in parsed.orders] == [
        ("8190000000000303", Decimal("8.90"), "Gießkanne 2 l aus Metall..."),
        ("8190000000000404", Decimal("2.40"), "Pflanzenstecker 20 Stück..."),
    ]
    assert_no_personal_data(parsed)


# ── parcels and closed orders ─────────────────────────────────────────────────


def test_parcel_mail_gives_one_order_per_linked_id():
    parsed = parse(fixture("parcel_two_orders.eml"), CONTEXT)

    assert [order.order_id for order in parsed.orders] == ["8183555012340001", "8183555012340002"]
    assert {order.status for order in parsed.orders} == {Status.IN_TRANSIT}
    # Which item is in which order the mail does not say.
    assert all(order.lines == [] for order in parsed.orders)
    assert_no_personal_data(parsed)


def test_closed_mail_without_a_reason_is_skipped():
    parsed = parse(fixture("closed.eml"), CONTEXT)

    assert parsed.orders == []
    (skipped,) = parsed.skipped
    assert skipped.order_id == "3066401122334455"
    assert "does not say" in skipped.why


def test_closed_mail_that_says_cancelled_cancels():
    body = "Your order 3066401122335566 has been closed because it was cancelled."
    parsed = parse(RawInput("c.eml", mail("Your order 3066401122335566 is closed", body)), CONTEXT)

    (order,) = parsed.orders
    assert (order.order_id, order.status, order.delivered_on) == (
        "3066401122335566",
        Status.CANCELLED,
        None,
    )


def test_closed_mail_that_says_unpaid_is_never_paid():
    body = "Your order 3066401122336677 was closed because it was not paid in time."
    parsed = parse(RawInput("c.eml", mail("Your order 3066401122336677 is closed", body)), CONTEXT)

    assert parsed.orders[0].status is Status.NEVER_PAID


# ── what is not read ──────────────────────────────────────────────────────────


def test_review_request_is_skipped():
    raw = RawInput("r.eml", mail("Bestellung 8190246813570000: Wie war Ihr Einkaufserlebnis?", ""))
    parsed = parse(raw, CONTEXT)
    assert parsed.orders == []
    assert parsed.skipped[0].why.startswith("asks for a review")


def test_unknown_step_is_skipped_with_its_name():
    raw = RawInput("u.eml", mail("Order 3071884203350000: Something new happened", ""))
    (skipped,) = parse(raw, CONTEXT).skipped
    assert "Something new happened" in skipped.why


def test_mail_naming_no_order_is_unread():
    raw = RawInput("p.eml", mail("Big sale this weekend!", "Up to 90% off."))
    parsed = parse(raw, CONTEXT)
    assert parsed.orders == []
    assert parsed.unread == ["mail 'Big sale this weekend!': from AliExpress, but names no order"]


def test_an_unreadable_delivery_date_refuses_the_file():
    body = "Delivered 31/02/2026\nView order details"
    raw = RawInput("bad.eml", mail("Order 3072001122334455: Awaiting confirmation", body))
    with pytest.raises(ImportRefused) as refused:
        parse(raw, CONTEXT)
    assert refused.value.where == "mail 'Order 3072001122334455: Awaiting confirmation'"
    assert refused.value.field == "delivered_on"


def test_a_long_subject_is_cut_in_where():
    subject = "Order 3072001122334455: Out for delivery " + "and more words " * 8
    (order,) = parse(RawInput("long.eml", mail(subject, "")), CONTEXT).orders
    assert order.where.startswith("mail 'Order 3072001122334455: Out for delivery")
    assert len(order.where) <= len("mail ''") + 60
    assert order.where.endswith("…'")


def test_subjects():
    assert read_subject("Order 3071884203356617: Order confirmed").step.status is Status.IN_TRANSIT
    assert read_subject("Bestellung 9999999999990005 wurde versandt").order_id
    assert read_subject("Bestellung 9999999999990021: wie ist es gelaufen?").step.status is (
        Status.DELIVERED
    )
    assert read_subject("Your order 9999999999990022 is closed").closed
    assert read_subject("Packstück AP99995016711915: Vom Kurier abgeholt").order_id is None


def test_formats_entry():
    (mail_format,) = FORMATS
    assert mail_format.label == "AliExpress emails (.eml, mbox, or a folder of .eml)"
    assert mail_format.parse is parse
