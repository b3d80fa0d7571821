"""Values as people type them (issue 13): decimal commas and digit groups in amounts,
order numbers as AliExpress's copy button leaves them, and dates such as ``-3``.

One checker each in ``domain.fields``, so the CLI and both TUI forms read them the
same way; these tests pin what each reads, and what it refuses with which words."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from aliret_tui.domain import fields
from aliret_tui.domain.fields import FieldError, FieldErrors, TextNotes
from aliret_tui.domain.iso import minor_units
from aliret_tui.domain.models import EventInput, OrderFacts, parse

TODAY = dt.date(2026, 11, 20)


def refusal(value: object, currency: str | None, field: str = "price") -> str:
    with pytest.raises(FieldError) as caught:
        fields.amount(value, currency, field)
    assert caught.value.field == field
    return caught.value.message


# -- amounts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "currency", "expected"),
    [
        ("12,50", "EUR", "12.50"),
        ("12,5", "EUR", "12.50"),
        ("1.234,56", "EUR", "1234.56"),
        ("1,234.56", "USD", "1234.56"),
        ("1 234,56", "EUR", "1234.56"),
        ("1\u00a0234,56", "EUR", "1234.56"),  # no-break space, as French software writes
        ("1\u202f234,56", "EUR", "1234.56"),  # narrow no-break space
        ("1'234.50", "CHF", "1234.50"),
        ("12.5", "EUR", "12.50"),
        ("1.234.567,89", "EUR", "1234567.89"),
        ("1,234,567.89", "USD", "1234567.89"),
        ("1,234,567", "USD", "1234567.00"),
        ("1.234.567", "JPY", "1234567"),
        ("1,234", "JPY", "1234"),  # yen have no decimals: only thousands make sense
        ("1 234", "JPY", "1234"),
        (",50", "EUR", "0.50"),
        ("0,123", "KWD", "0.123"),  # 0 groups no thousands
        ("1234,567", "KWD", "1234.567"),  # four digits before the comma: decimals
        ("1.234", "KWD", "1.234"),  # three decimals allowed: a dot is the decimal point
        (" 7,25 ", "EUR", "7.25"),
    ],
)
def test_typed_amounts_read_as_meant(typed, currency, expected):
    result = fields.amount(typed, currency)
    assert str(result) == expected


def test_an_amount_without_a_currency_keeps_a_dot_as_decimals():
    """An event's amount before its order's currency is known; import's line prices."""
    assert fields.amount("1.234", None, "amount") == Decimal("1.234")
    assert fields.amount("10,5", None, "amount") == Decimal("10.5")


AMBIGUOUS = [
    ("1,234", "EUR", "'1,234' is ambiguous (thousands or decimals?): "
     "type 1234 for thousands (EUR amounts have at most 2 decimals)"),
    ("1.234", "EUR", "'1.234' is ambiguous (thousands or decimals?): "
     "type 1234 for thousands (EUR amounts have at most 2 decimals)"),
    ("12.500", "USD", "'12.500' is ambiguous (thousands or decimals?): "
     "type 12500 for thousands, or 12.50 for decimals"),
    ("1,500", "EUR", "'1,500' is ambiguous (thousands or decimals?): "
     "type 1500 for thousands, or 1.50 for decimals"),
    ("1,234", "KWD", "'1,234' is ambiguous (thousands or decimals?): "
     "type 1234 for thousands, or 1.234 for decimals"),
    ("1.234", "JPY", "'1.234' is ambiguous (thousands or decimals?): "
     "type 1234 for thousands (JPY amounts have no decimals)"),
    ("1,234", None, "'1,234' is ambiguous (thousands or decimals?): "
     "type 1234 for thousands, or 1.234 for decimals"),
]  # fmt: skip


@pytest.mark.parametrize(("typed", "currency", "message"), AMBIGUOUS)
def test_an_ambiguous_amount_says_what_to_type_instead(typed, currency, message):
    assert refusal(typed, currency) == message


def test_the_ambiguity_names_the_field():
    with pytest.raises(FieldError) as caught:
        fields.amount("1,234", "EUR", "amount")
    assert str(caught.value).startswith("amount: '1,234' is ambiguous")


@pytest.mark.parametrize(
    "typed",
    ["12 50", "1.23,45", "1,2,3", "1,234,56", "1 234.567,89", "1,,234", "1.234,5,6", ",", "1 2"],
)
def test_badly_grouped_digits_are_no_number(typed):
    assert refusal(typed, "EUR") == f"must be a number such as 12.50 or 12,50 (got {typed!r})"


@pytest.mark.parametrize(
    ("typed", "currency", "words"),
    [
        ("12,50", "JPY", "JPY allows at most 0 decimal places (got 12,50)"),
        ("1,2345", "KWD", "KWD allows at most 3 decimal places"),
        ("-12,50", "EUR", "must be more than 0"),
        ("1.000.000.000", "EUR", "is too large"),
        ("1e3", "EUR", "plain number"),
    ],
)
def test_commas_go_through_the_other_checks_too(typed, currency, words):
    assert words in refusal(typed, currency)


@settings(max_examples=300, deadline=None)
@given(
    currency=st.sampled_from(["JPY", "USD", "EUR", "KWD", "KRW", "GBP"]),
    units=st.integers(min_value=1, max_value=10**11),
)
def test_grouped_amounts_round_trip_in_both_conventions(currency, units):
    places = minor_units(currency)
    value = Decimal(units).scaleb(-places)
    assume(value < fields.MAX_AMOUNT)
    english = f"{value:,.{places}f}"  # 1,234,567.89
    assert fields.amount(english, currency) == value
    continental = english.translate(str.maketrans(",.", ".,"))  # 1.234.567,89
    separators = [c for c in continental if c in ".,"]
    before, _, after = continental.rpartition(separators[0] if separators else ".")
    if len(separators) == 1 and len(after) == 3 and not before.startswith("0"):
        # 1.234 yen, 1,000 dinars: one separator before three digits could be either
        assert "is ambiguous" in refusal(continental, currency)
    else:
        assert fields.amount(continental, currency) == value
    assert fields.amount(english.replace(",", " "), currency) == value  # 1 234 567.89


def test_values_that_are_no_text_are_read_as_before():
    assert str(fields.amount(Decimal("1.234"), "KWD")) == "1.234"
    assert str(fields.amount(1234, "EUR")) == "1234.00"
    assert str(fields.amount(12.5, "USD")) == "12.50"


# -- order numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "8175123456789012",
        "8175 1234 5678 9012",
        "8175-1234-5678-9012",
        "8175-1234-5678-9012Copy",
        "8175 1234 5678 9012Copy",
        "8175\u00a01234\u00a05678\u00a09012",
        "8175\u200b1234\u200b5678\u200b9012",  # zero-width spaces from a web page
        " 8175123456789012 ",
    ],
)
def test_an_order_number_is_one_whatever_way_it_was_copied(typed):
    assert fields.order_id(typed) == "8175123456789012"
    assert parse(OrderFacts, _facts(order_id=typed)).order_id == "8175123456789012"


@pytest.mark.parametrize("order_id", ["8175123456789012", "817512345678901"])
def test_an_aliexpress_shaped_number_gets_no_warning(order_id):
    notes = TextNotes()
    fields.note_unusual_order_id(order_id, notes)
    assert notes.warnings == [] and notes.messages() == []


@pytest.mark.parametrize(
    ("order_id", "message"),
    [
        ("8175123456789", "8175123456789 has 13 digits, but AliExpress order numbers have "
         "15 or 16; it was kept as it is: check it against the order page"),
        ("81751234567890123", "81751234567890123 has 17 digits, but AliExpress order numbers "
         "have 15 or 16; it was kept as it is: check it against the order page"),
        ("7", "7 has 1 digit, but AliExpress order numbers have 15 or 16; it was kept as it "
         "is: check it against the order page"),
        ("A1", "'A1' is not an AliExpress order number (15 or 16 digits); it was kept as typed"),
        ("1234-5678", "'1234-5678' is not an AliExpress order number (15 or 16 digits); "
         "it was kept as typed"),
    ],
)  # fmt: skip
def test_an_unusual_order_number_is_kept_with_a_warning(order_id, message):
    notes = TextNotes()
    fields.note_unusual_order_id(fields.order_id(order_id), notes)
    assert notes.warnings == [("order_id", message)]
    assert notes.messages(str.upper) == [f"ORDER_ID: {message}"]


def test_warnings_follow_the_cleaned_notes_and_are_carried_over():
    notes = TextNotes()
    fields.line_text("title", "a\x1b[2Jb", notes=notes)
    fields.note_unusual_order_id("A1", notes)
    assert [message.split(":")[0] for message in notes.messages()] == ["title", "order_id"]
    outer = TextNotes()
    outer.extend(notes, prefix="row 2 ")
    assert outer.warnings == [("row 2 order_id", notes.warnings[0][1])]


# -- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("today", TODAY),
        ("Today", TODAY),
        ("yesterday", TODAY - dt.timedelta(days=1)),
        ("-3", TODAY - dt.timedelta(days=3)),
        ("\u22123", TODAY - dt.timedelta(days=3)),  # a typographic minus
        ("-0", TODAY),
        (" -40 ", dt.date(2026, 10, 11)),
        ("2026-11-02", dt.date(2026, 11, 2)),
    ],
)
def test_typed_dates_count_from_the_given_today(typed, expected):
    assert fields.date(typed, "on", TODAY) == expected


def test_relative_dates_follow_the_injected_clock_not_the_real_one():
    assert fields.date("-1", "on", dt.date(2031, 1, 1)) == dt.date(2030, 12, 31)
    assert fields.date("yesterday", "on", dt.date(2024, 3, 1)) == dt.date(2024, 2, 29)


def test_without_a_today_only_iso_dates_are_read():
    """Imported files and stored values: a word is no date there."""
    with pytest.raises(FieldError) as caught:
        fields.date("yesterday", "ordered_on")
    assert caught.value.message == "must be a date as YYYY-MM-DD (got 'yesterday')"


@pytest.mark.parametrize("typed", ["tomorrow", "3", "+3", "-x", "-", "last week"])
def test_a_typed_date_that_is_none_says_every_form_allowed(typed):
    with pytest.raises(FieldError) as caught:
        fields.date(typed, "delivered_on", TODAY)
    assert caught.value.field == "delivered_on"
    assert caught.value.message == (
        f"must be a date: YYYY-MM-DD, today, yesterday or -N for N days ago (got {typed.strip()!r})"
    )


def test_too_many_days_back_is_refused():
    with pytest.raises(FieldError) as caught:
        fields.date("-9999999", "on", TODAY)
    assert caught.value.message == "'-9999999' is before 2000-01-01"


def test_a_real_calendar_date_is_still_checked():
    with pytest.raises(FieldError) as caught:
        fields.date("2026-02-30", "on", TODAY)
    assert "not a real calendar date" in caught.value.message


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("-3", dt.date(2026, 11, 17)),
        ("yesterday", dt.date(2026, 11, 19)),
        ("today", TODAY),
        ("2026-11-02", None),  # already written as the day
        ("", None),
        ("nonsense", None),
    ],
)
def test_the_understood_date_is_shown_only_when_written_otherwise(typed, shown):
    assert fields.understood_date(typed, TODAY) == shown


# -- through the models, as the CLI and the forms call them ---------------------------


def _facts(**values: object) -> dict[str, object]:
    return {"order_id": "8175123456789012", "title": "Lamp", "price": "12.50",
            "currency": "EUR", **values}  # fmt: skip


def test_order_facts_take_typed_prices_and_dates():
    facts = parse(
        OrderFacts,
        _facts(price="1.234,56", ordered_on="-10", delivered_on="yesterday",
               protection_ends="today"),
        today=TODAY,
    )  # fmt: skip
    assert str(facts.price) == "1234.56"
    assert facts.ordered_on == dt.date(2026, 11, 10)
    assert facts.delivered_on == dt.date(2026, 11, 19)
    assert facts.protection_ends == TODAY


def test_order_facts_refuse_an_ambiguous_price_at_its_field():
    with pytest.raises(FieldErrors) as caught:
        parse(OrderFacts, _facts(price="1,234"), today=TODAY)
    assert [(e.field, e.message) for e in caught.value.errors] == [("price", AMBIGUOUS[0][2])]


def test_a_relative_date_is_still_no_later_than_today():
    with pytest.raises(FieldErrors) as caught:
        parse(OrderFacts, _facts(ordered_on="-3", delivered_on="-5"), today=TODAY)
    assert caught.value.first.field == "delivered_on"
    assert caught.value.first.message == "is before the order date"


def test_an_event_takes_a_typed_date_and_amount():
    request = parse(EventInput, {"kind": "refunded", "on": "-2", "amount": "10,5"}, today=TODAY)
    assert request.on == dt.date(2026, 11, 18)
    assert request.amount == Decimal("10.5")


def test_an_event_amount_is_read_in_the_orders_currency():
    values = {"kind": "refunded", "amount": "1,234"}
    assert parse(EventInput, values, today=TODAY, currency="JPY").amount == Decimal(1234)
    with pytest.raises(FieldErrors) as caught:
        parse(EventInput, values, today=TODAY, currency="EUR")
    assert caught.value.first.field == "amount"
    assert "is ambiguous" in caught.value.first.message
