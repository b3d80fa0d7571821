"""What a user may type per order, and the models that hold it ("Data the user keeps")."""

from __future__ import annotations

import datetime as dt
from dataclasses import FrozenInstanceError
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.domain import TODAY, day, make_order

from aliret_tui.domain import fields
from aliret_tui.domain.checks import field_names
from aliret_tui.domain.fields import FieldError, FieldErrors, TextNotes
from aliret_tui.domain.iso import minor_units
from aliret_tui.domain.models import (
    ChatMessage,
    Dispute,
    Event,
    EvidenceItem,
    Order,
    OrderFacts,
    Refund,
    ReturnShipment,
    parse,
)
from aliret_tui.domain.vocabulary import EventKind, Outcome, Reason, Sender
from aliret_tui.errors import UserError
from aliret_tui.sanitize import clean_line, without_zero_width

GOOD = {"order_id": "8100000000000001", "title": "USB-C cable", "price": "12.50", "currency": "USD"}


def refused_field(call, *args, **kwargs) -> FieldError:
    with pytest.raises(FieldError) as refused:
        call(*args, **kwargs)
    return refused.value


def refused_fields(data: dict, **kwargs) -> list[str]:
    with pytest.raises(FieldErrors) as refused:
        parse(OrderFacts, data, **kwargs)
    return [error.field for error in refused.value.errors]


# --- prices ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        ("12.50", "USD", "12.50"),
        ("12.5", "USD", "12.50"),
        ("5", "USD", "5.00"),
        (" 7.25 ", "EUR", "7.25"),
        ("1500", "JPY", "1500"),
        ("1.234", "KWD", "1.234"),
        ("2", "KWD", "2.000"),
        ("0.01", "USD", "0.01"),
        ("999999999.99", "USD", "999999999.99"),
        (12.5, "USD", "12.50"),
        (Decimal("3.1"), "GBP", "3.10"),
        (7, "JPY", "7"),
    ],
)
def test_good_prices(value, currency, expected):
    result = fields.amount(value, currency)
    assert isinstance(result, Decimal)
    assert result == Decimal(expected)
    assert str(result) == expected  # the currency's decimal places, exactly


@pytest.mark.parametrize(
    ("value", "currency"),
    [
        ("1500.5", "JPY"),
        ("1500.0", "JPY"),
        ("1.0051", "USD"),  # (1.005 could be thousands: see tests/domain/test_typed_input.py)
        ("12.5000", "USD"),
        ("1.2345", "KWD"),
    ],
)
def test_too_many_decimals_for_the_currency(value, currency):
    error = refused_field(fields.amount, value, currency)
    assert error.field == "price"
    assert f"{currency} allows at most {minor_units(currency)} decimal places" in error.message


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("0", "more than 0"),
        ("0.00", "more than 0"),
        ("-0", "more than 0"),
        ("-1", "more than 0"),
        ("-12.50", "more than 0"),
        ("abc", "must be a number"),
        ("1,234", "is ambiguous (thousands or decimals?)"),
        ("12 50", "must be a number such as 12.50 or 12,50"),
        ("1e3", "plain number"),
        ("NaN", "plain number"),
        ("Infinity", "plain number"),
        ("", "is required"),
        (None, "is required"),
        (True, "is required"),
        ("1000000000", "too large"),
    ],
)
def test_bad_prices_name_the_field(value, words):
    error = refused_field(fields.amount, value, "USD", "price")
    assert error.field == "price"
    assert words in error.message
    assert str(error).startswith("price: ")


def test_amount_uses_the_field_name_it_is_given():
    assert refused_field(fields.amount, "-3", "USD", "amount").field == "amount"


def test_minor_units():
    assert (minor_units("JPY"), minor_units("USD"), minor_units("KWD")) == (0, 2, 3)
    assert minor_units("EUR") == 2 and minor_units("BHD") == 3 and minor_units("KRW") == 0


@settings(max_examples=200, deadline=None)
@given(
    currency=st.sampled_from(["JPY", "USD", "EUR", "KWD", "BHD", "KRW"]),
    units=st.integers(min_value=1, max_value=10**11),
)
def test_amounts_with_allowed_decimals_round_trip(currency, units):
    places = minor_units(currency)
    value = Decimal(units).scaleb(-places)
    if value >= fields.MAX_AMOUNT:
        return
    result = fields.amount(str(value), currency)
    assert result == value
    assert result.as_tuple().exponent == -places


@settings(max_examples=200, deadline=None)
@given(
    currency=st.sampled_from(["JPY", "USD", "KWD"]),
    units=st.integers(min_value=1, max_value=10**9).filter(lambda n: n % 10),
)
def test_one_decimal_too_many_is_always_refused(currency, units):
    value = Decimal(units).scaleb(-(minor_units(currency) + 1))
    with pytest.raises(FieldError) as refused:
        fields.amount(str(value), currency)
    assert refused.value.field == "price"


@settings(max_examples=100, deadline=None)
@given(value=st.decimals(max_value=Decimal(0), allow_nan=False, allow_infinity=False, places=2))
def test_zero_and_negative_prices_are_always_refused(value):
    with pytest.raises(FieldError):
        fields.amount(str(value), "USD")


# --- currency and country codes ---------------------------------------------------------------


@pytest.mark.parametrize(("value", "code"), [("USD", "USD"), ("eur", "EUR"), (" jpy ", "JPY")])
def test_currency_codes(value, code):
    assert fields.currency(value) == code


@pytest.mark.parametrize("value", ["XYZ", "US", "DOLLAR", "", "   ", None, 840, "€"])
def test_unknown_currency_is_refused(value):
    error = refused_field(fields.currency, value)
    assert error.field == "currency"
    assert "ISO 4217" in error.message


def test_unknown_currency_message_shows_the_code():
    assert "'XYZ'" in refused_field(fields.currency, "XYZ").message


@pytest.mark.parametrize(("value", "code"), [("US", "US"), ("fr", "FR"), (" es ", "ES")])
def test_country_codes(value, code):
    assert fields.country(value) == code


@pytest.mark.parametrize("value", [None, "", "  "])
def test_country_is_optional(value):
    assert fields.country(value) is None


@pytest.mark.parametrize("value", ["XX", "USA", "UK", "E", 33])
def test_unknown_country_is_refused(value):
    error = refused_field(fields.country, value)
    assert error.field == "country"
    assert "ISO 3166" in error.message


# --- dates, windows, flags, choices ------------------------------------------------------------


def test_good_dates():
    assert fields.date("2026-11-29", "delivered_on") == TODAY
    assert fields.date(" 2028-02-29 ", "delivered_on") == dt.date(2028, 2, 29)
    assert fields.date(TODAY, "x") == TODAY
    assert fields.date(dt.datetime(2026, 11, 29, 23, 59), "x") == TODAY
    assert fields.date("", "x") is None
    assert fields.date(None, "x") is None


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2026-02-30", "not a real calendar date"),
        ("2026-13-01", "not a real calendar date"),
        ("2027-02-29", "not a real calendar date"),
        ("29/11/2026", "YYYY-MM-DD"),
        ("2026-1-5", "YYYY-MM-DD"),
        ("20261129", "YYYY-MM-DD"),
        ("2026-11-29T10:00", "YYYY-MM-DD"),
        ("tomorrow", "YYYY-MM-DD"),
        (20261129, "YYYY-MM-DD"),
    ],
)
def test_bad_dates_name_the_field(value, words):
    error = refused_field(fields.date, value, "delivered_on")
    assert error.field == "delivered_on"
    assert words in error.message


def test_date_objects_at_the_ends_of_the_range_are_accepted():
    assert fields.date(dt.date(2000, 1, 1), "x") == dt.date(2000, 1, 1)
    assert fields.date(dt.date(2999, 12, 31), "x") == dt.date(2999, 12, 31)
    assert fields.date(dt.datetime(2999, 12, 31, 23, 59), "x") == dt.date(2999, 12, 31)


@pytest.mark.parametrize(
    "value",
    [
        dt.date(1, 1, 1),
        dt.date(9999, 1, 1),
        dt.date(1999, 12, 31),
        dt.date(3000, 1, 1),
        dt.datetime(1, 1, 1, 12, 0),
        dt.datetime(9999, 12, 31, 23, 59),
    ],
)
def test_date_objects_outside_2000_to_2999_are_refused(value):
    """Like a typed date, a date object (from a spreadsheet or a page) must be in range."""
    error = refused_field(fields.date, value, "delivered_on")
    assert error.field == "delivered_on"
    assert "out of range" in error.message and "2000-2999" in error.message


def test_an_order_with_a_date_object_out_of_range_names_the_field():
    assert refused_fields({**GOOD, "delivered_on": dt.date(1, 1, 1)}) == ["delivered_on"]
    assert refused_fields({**GOOD, "protection_ends": dt.date(9999, 1, 1)}) == ["protection_ends"]


def test_date_error_never_echoes_control_characters():
    error = refused_field(fields.date, "\x1b[2J2026", "ordered_on")
    assert "\x1b" not in str(error)


def test_not_after_today():
    fields.not_after_today(TODAY, "delivered_on", TODAY)
    fields.not_after_today(None, "delivered_on", TODAY)
    error = refused_field(fields.not_after_today, day(11, 30), "delivered_on", TODAY)
    assert error.field == "delivered_on" and "in the future" in error.message


@pytest.mark.parametrize(("value", "days"), [("15", 15), (90, 90), (1, 1), (3650, 3650)])
def test_window_days(value, days):
    assert fields.window_days(value) == days


@pytest.mark.parametrize("value", [0, -1, 3651, "abc", "15.5", True, 1.5])
def test_bad_window_days(value):
    assert refused_field(fields.window_days, value).field == "window_days"


def test_window_days_is_optional():
    assert fields.window_days(None) is None and fields.window_days("") is None


@pytest.mark.parametrize(
    ("value", "result"),
    [(True, True), ("yes", True), ("TRUE", True), ("1", True), ("no", False), ("", False)],
)
def test_boolean(value, result):
    assert fields.boolean(value, "free_return") is result


def test_bad_boolean():
    assert refused_field(fields.boolean, "maybe", "local_return").field == "local_return"


def test_choice():
    assert fields.choice(" Wrong_Size ", "reason", list(Reason)) == "wrong_size"
    error = refused_field(fields.choice, "broken", "reason", list(Reason))
    assert error.field == "reason" and "wrong_size" in error.message


# --- text -------------------------------------------------------------------------------------


def test_order_id_is_trimmed_and_required():
    assert fields.order_id("  8100000000000001  ") == "8100000000000001"
    assert fields.order_id("ABC-12") == "ABC-12"
    assert refused_field(fields.order_id, "   ").field == "order_id"
    assert refused_field(fields.order_id, "").field == "order_id"
    assert refused_field(fields.order_id, "x" * 65).field == "order_id"
    assert fields.order_id("x" * 64) == "x" * 64


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("8175 1234-5678 9012Copy", "8175123456789012"),
        ("8175123456789012Copy", "8175123456789012"),
        ("8175 1234 5678 9012", "8175123456789012"),
        ("8175-1234-5678-9012", "8175123456789012"),
        ("8175\u00a01234\u00a05678\u00a09012", "8175123456789012"),
        ("  8175 1234 5678 9012 Copy  ", "8175123456789012"),
    ],
)
def test_an_aliexpress_number_as_copied_becomes_its_digits(typed, stored):
    assert fields.order_id(typed) == stored
    assert parse(OrderFacts, {**GOOD, "order_id": typed}).order_id == stored


@pytest.mark.parametrize(
    "typed",
    [
        "ABC-12",
        "AB 12",
        "Copy",
        "--",
        "12 copy",  # only the exact suffix AliExpress adds
        "Copy 8175",
        "8175–1234",  # an en dash is not one of the separators
        "\u0661\u0662\u0663",  # digits, but not ASCII ones
        "8175/1234",
    ],
)
def test_an_order_number_that_is_not_all_digits_is_left_alone(typed):
    assert fields.order_id(typed) == typed


def test_control_characters_are_stripped_with_a_note():
    notes = TextNotes()
    assert fields.order_id("81\x1b[31m00\x00", notes) == "8100"
    assert fields.line_text("title", "Lamp\x07", notes=notes) == "Lamp"
    assert fields.line_text("store", "Clean store", notes=notes) == "Clean store"
    assert notes.removed == [("order_id", 6), ("title", 1)]
    assert notes.messages() == [
        "order_id: removed 6 control characters (terminal escape sequences and invisible "
        "controls are never stored)",
        "title: removed 1 control character (terminal escape sequences and invisible "
        "controls are never stored)",
    ]
    assert notes.messages(str.upper)[0].startswith("ORDER_ID: removed 6")


def test_text_notes_extend_with_a_prefix():
    inner, outer = TextNotes(), TextNotes()
    fields.long_text("note", "a\x1bcb", notes=inner)
    outer.extend(inner, "row 3 ")
    assert outer.removed == [("row 3 note", 2)]


def test_line_text_flattens_line_breaks_and_long_text_keeps_them():
    assert fields.line_text("title", "two\nlines\tand tab") == "two lines and tab"
    assert fields.long_text("note", "two\r\nlines\n\tindented") == "two\nlines\n\tindented"


def test_text_must_be_text_and_not_too_long():
    assert refused_field(fields.line_text, "title", 12).field == "title"
    error = refused_field(fields.line_text, "title", "x" * 20_001)
    assert "too long" in error.message
    assert refused_field(fields.long_text, "note", "x" * 200_001).field == "note"
    assert refused_field(fields.long_text, "note", " \n ", required=True).field == "note"


def _separators_removed(text: str) -> str:
    return text.removesuffix("Copy").replace(" ", "").replace("-", "").replace("\u00a0", "")


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=80) | st.from_regex(r"[0-9 \-\u00a0]{1,30}(Copy)?", fullmatch=True))
def test_order_id_is_either_refused_or_the_cleaned_text(text):
    """The cleaned text (without zero-width characters, as an id that looks the same is
    the same id), or, when it is an AliExpress number with separators, its digits."""
    cleaned = clean_line(without_zero_width(text)[0]).text
    try:
        result = fields.order_id(text)
    except FieldError as error:
        assert error.field == "order_id"
        assert not cleaned or len(cleaned) > fields.MAX_ORDER_ID
    else:
        digits = _separators_removed(cleaned)
        if digits.isascii() and digits.isdigit() and len(digits) >= fields.ALIEXPRESS_ID_DIGITS:
            assert result == digits
        else:
            assert result == cleaned
        assert result and result == result.strip()
        assert len(result) <= fields.MAX_ORDER_ID


@settings(max_examples=100, deadline=None)
@given(
    groups=st.lists(st.text("0123456789", min_size=4, max_size=6), min_size=3, max_size=5),
    separators=st.lists(st.sampled_from([" ", "-", "\u00a0", " - "]), min_size=4, max_size=4),
    copied=st.booleans(),
)
def test_order_id_digits_survive_any_separators(groups, separators, copied):
    """An order number of 12 digits or more, however it was copied."""
    typed = groups[0] + "".join(
        sep + group for sep, group in zip(separators, groups[1:], strict=False)
    )
    typed += "Copy" if copied else ""
    assert fields.order_id(typed) == "".join(groups)


# --- the order model ----------------------------------------------------------------------------


def test_a_good_order():
    facts = parse(
        OrderFacts,
        {
            **GOOD,
            "store": "Best Store",
            "ordered_on": "2026-11-01",
            "delivered_on": "2026-11-10",
            "window_days": "20",
            "protection_ends": "2026-12-24",
            "country": "fr",
            "free_return": "true",
            "local_return": False,
            "note": "gift",
        },
    )
    assert facts.price == Decimal("12.50") and isinstance(facts.price, Decimal)
    assert facts.currency == "USD"
    assert facts.country == "FR"
    assert facts.delivered_on == day(11, 10)
    assert facts.window_days == 20
    assert facts.free_return is True and facts.local_return is False


def test_optional_fields_default_to_nothing():
    facts = parse(OrderFacts, GOOD)
    assert facts.store == "" and facts.note == ""
    assert facts.ordered_on is facts.delivered_on is facts.protection_ends is None
    assert facts.window_days is None and facts.country is None
    assert not facts.free_return and not facts.local_return


@pytest.mark.parametrize("missing", ["order_id", "title", "price", "currency"])
def test_required_fields(missing):
    data = {k: v for k, v in GOOD.items() if k != missing}
    assert refused_fields(data) == [missing]


def test_every_bad_field_is_named_at_once():
    data = {
        **GOOD,
        "price": "-1",
        "delivered_on": "2026-02-30",
        "country": "XX",
        "window_days": "0",
    }
    assert sorted(refused_fields(data)) == ["country", "delivered_on", "price", "window_days"]


def test_price_decimals_follow_the_order_currency():
    assert parse(OrderFacts, {**GOOD, "price": "1500", "currency": "JPY"}).price == Decimal(1500)
    assert refused_fields({**GOOD, "price": "1500.5", "currency": "JPY"}) == ["price"]
    assert parse(OrderFacts, {**GOOD, "price": "1.234", "currency": "KWD"}).price == Decimal(
        "1.234"
    )
    # With an unknown currency only the currency is reported.
    assert refused_fields({**GOOD, "price": "1.234", "currency": "XYZ"}) == ["currency"]


def test_unknown_fields_are_refused():
    assert refused_fields({**GOOD, "colour": "red"}) == ["colour"]


def test_dates_must_follow_the_order_date():
    assert refused_fields({**GOOD, "ordered_on": "2026-11-10", "delivered_on": "2026-11-09"}) == [
        "delivered_on"
    ]
    assert refused_fields(
        {**GOOD, "ordered_on": "2026-11-10", "protection_ends": "2026-11-09"}
    ) == ["protection_ends"]


def test_order_and_delivery_dates_cannot_be_in_the_future():
    data = {**GOOD, "ordered_on": "2026-11-30", "delivered_on": "2026-12-01"}
    assert sorted(refused_fields(data, today=TODAY)) == ["delivered_on", "ordered_on"]
    # The protection end date is naturally in the future.
    assert parse(OrderFacts, {**GOOD, "protection_ends": "2027-01-31"}, today=TODAY)
    # Today itself is fine.
    assert parse(OrderFacts, {**GOOD, "delivered_on": "2026-11-29"}, today=TODAY)


def test_order_text_is_cleaned_with_notes():
    notes = TextNotes()
    facts = parse(
        OrderFacts,
        {**GOOD, "title": "\x1b[31mRed lamp\x1b[0m", "note": "line1\nline2\x00"},
        notes=notes,
    )
    assert facts.title == "Red lamp"
    assert facts.note == "line1\nline2"
    assert notes.removed == [("title", 9), ("note", 1)]


def test_field_errors_are_user_errors():
    with pytest.raises(UserError):
        parse(OrderFacts, {**GOOD, "price": "0"})


def test_new_order_and_event_fields_default_to_nothing():
    order = make_order()
    assert order.delivery_unknown is False
    assert "delivery_unknown" not in field_names(OrderFacts)  # set by imports, not typed
    assert parse(Order, {**GOOD, "state": "window_open", "delivery_unknown": True}).delivery_unknown
    assert Event(seq=1, kind=EventKind.KEEP, on=TODAY).source == ""


def test_order_is_frozen_and_keeps_its_facts():
    order = make_order(delivered_on="2026-11-10", state="window_open")
    with pytest.raises(FrozenInstanceError):
        order.state = "kept"  # type: ignore[misc]
    assert order.facts.delivered_on == day(11, 10)
    assert set(order.facts.values()) == set(field_names(OrderFacts))


def test_partial_refund_flags():
    order = make_order(
        state="refunded",
        dispute=Dispute(
            reason=Reason.OTHER,
            outcome=Outcome.REFUND_ONLY,
            opened_on=day(11, 12),
            refund=Refund(amount=Decimal("5.00"), refunded_on=day(11, 20)),
        ),
    )
    assert order.refunded_amount == Decimal("5.00") and order.is_partial_refund
    assert make_order().refunded_amount is None and not make_order().is_partial_refund


def test_return_applies():
    opened = day(11, 12)
    wants_return = Dispute(reason=Reason.OTHER, outcome=Outcome.RETURN_AND_REFUND, opened_on=opened)
    refund_only = Dispute(reason=Reason.OTHER, outcome=Outcome.REFUND_ONLY, opened_on=opened)
    assert wants_return.return_applies
    assert not refund_only.return_applies
    ruled = refund_only.replace(return_shipment=ReturnShipment(approved_on=opened))
    assert ruled.return_applies


# --- chat messages and evidence items -------------------------------------------------------------


def test_chat_message():
    message = parse(
        ChatMessage, {"sender": "Seller", "sent_at": "2026-11-20 10:30", "text": "ok\x1b[2J"}
    )
    assert message.sender is Sender.SELLER
    assert message.sent_at == dt.datetime(2026, 11, 20, 10, 30)
    assert message.text == "ok"
    exact = parse(
        ChatMessage,
        {"sender": "me", "sent_at": dt.datetime(2026, 11, 20, 10, 30, 45), "text": "hi"},
    )
    assert exact.sent_at == dt.datetime(2026, 11, 20, 10, 30)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"sender": "buyer", "sent_at": "2026-11-20 10:30", "text": "x"}, "sender"),
        ({"sender": "me", "sent_at": "2026-11-20", "text": "x"}, "sent_at"),
        ({"sender": "me", "sent_at": "20/11/2026 10:30", "text": "x"}, "sent_at"),
        ({"sender": "me", "sent_at": "2026-11-20 10:30", "text": "  "}, "text"),
        ({"sender": "me", "sent_at": "2026-11-20 10:30", "text": "\x1b[2J"}, "text"),
    ],
)
def test_bad_chat_message_names_the_field(data, field):
    with pytest.raises(FieldErrors) as refused:
        parse(ChatMessage, data)
    assert refused.value.first.field == field


def test_evidence_item_label():
    assert parse(EvidenceItem, {"label": " Receipt\x00 "}).label == "Receipt"
    for label in ["", "\x07", "x" * 501]:
        with pytest.raises(FieldErrors) as refused:
            parse(EvidenceItem, {"label": label})
        assert refused.value.first.field == "label"


def test_evidence_item_has_proof_when_ticked_or_attached():
    assert not EvidenceItem(label="x").has_proof
    assert EvidenceItem(label="x", done=True).has_proof
    attached = {"path": "/p.jpg", "size": 3, "sha256": "a" * 64, "attached_at": "2026-11-20"}
    assert parse(EvidenceItem, {"label": "x", "attachments": [attached]}).has_proof


def test_a_short_number_with_separators_is_kept_as_typed():
    """Only AliExpress order numbers are rewritten: "8175-1234" stays itself, so an
    order saved with it is found again after an export and import."""
    assert fields.order_id("8175-1234") == "8175-1234"
