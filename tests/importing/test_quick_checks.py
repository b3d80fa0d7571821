"""The field checkers' quick paths (text with nothing to clean, plain numbers) give
what the full cleaning and parsing give."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aliret_tui.domain import fields
from aliret_tui.sanitize import clean_line, clean_multiline, is_valid_unicode


@given(st.text())
def test_a_line_of_text_is_cleaned_as_the_cleaner_cleans_it(text):
    if not is_valid_unicode(text):
        with pytest.raises(fields.FieldError):
            fields.line_text("title", text)
        return
    assert fields.line_text("title", text, max_length=10**9) == clean_line(text).text


@given(st.text())
def test_long_text_is_cleaned_as_the_cleaner_cleans_it(text):
    if is_valid_unicode(text):
        assert fields.long_text("note", text) == clean_multiline(text).text


@given(st.from_regex(r"\A[0-9]{1,9}(\.[0-9]{0,4})?\Z"), st.sampled_from(["USD", "JPY", "KWD"]))
def test_a_plain_number_reads_as_before(text, currency):
    """Digits with at most one dot: one that may group thousands is refused for a
    currency with fewer decimals; too many decimals are refused; else quantized."""
    places = {"USD": 2, "JPY": 0, "KWD": 3}[currency]
    whole, _, fraction = text.partition(".")
    ambiguous = (
        len(fraction) == 3 and 1 <= len(whole) <= 3 and not whole.startswith("0") and places < 3
    )
    number = Decimal(text)
    refused = ambiguous or number <= 0 or len(fraction) > places
    if refused:
        with pytest.raises(fields.FieldError):
            fields.amount(text, currency)
    else:
        assert fields.amount(text, currency) == number.quantize(Decimal(1).scaleb(-places))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("8175000000000001", "8175000000000001"),
        ("  8175 0000-0000 0001Copy ", "8175000000000001"),
        ("8175000000000001\u200b", "8175000000000001"),
        ("12345", "12345"),
        (" ab-12 ", "ab-12"),
    ],
)
def test_order_numbers_read_the_same_on_the_quick_path_and_off_it(typed, expected):
    assert fields.order_id(typed) == expected
    assert fields.order_id(typed, fields.TextNotes()) == expected


@pytest.mark.parametrize("typed", ["", "   ", "1" * 65])
def test_an_empty_or_long_order_number_is_refused_as_before(typed):
    with pytest.raises(fields.FieldError, match="order_id"):
        fields.order_id(typed)
