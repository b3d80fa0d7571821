"""The money, date and status readers every AliExpress format goes through.

Property tests render a value in each form the shoppers' files use (see
``shared/aliexpress-formats.md``) and read it back; the tables below are the
examples that file quotes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aliret_tui.importing.dates import DateUnreadable, parse_date
from aliret_tui.importing.incoming import Status
from aliret_tui.importing.money import Money, MoneyUnreadable, parse_money
from aliret_tui.importing.statuses import parse_status

SETTINGS = settings(max_examples=40, deadline=None)

amounts = st.decimals(
    min_value=Decimal("0.01"),
    max_value=Decimal("9999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
).map(lambda value: value.quantize(Decimal("0.01")))
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2999, 12, 31))
group_spaces = st.sampled_from([" ", "\u00a0", "\u202f"])

ENGLISH_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
GERMAN_MONTHS = (
    "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
).split()
PORTUGUESE_MONTHS = "jan fev mar abr mai jun jul ago set out nov dez".split()


# -- money ------------------------------------------------------------------------


def us_style(amount: Decimal) -> str:
    """1234.56 → '1,234.56'"""
    return f"{amount:,.2f}"


def european_style(amount: Decimal, thousands: str = ".") -> str:
    """1234.56 → '1.234,56' (or '1 234,56' with a space)"""
    return us_style(amount).replace(",", "\0").replace(".", ",").replace("\0", thousands)


MONEY_FORMS = {
    "US $1,234.56": (lambda a, _: f"US ${us_style(a)}", "USD"),
    "US$1,234.56": (lambda a, _: f"US${us_style(a)}", "USD"),
    "$1,234.56": (lambda a, _: f"${us_style(a)}", "USD"),
    "€1.234,56": (lambda a, _: f"€{european_style(a)}", "EUR"),
    "€ 1.234,56": (lambda a, _: f"€ {european_style(a)}", "EUR"),
    "1 234,56 €": (lambda a, space: f"{european_style(a, space)} €", "EUR"),
    "1.234,56 €": (lambda a, _: f"{european_style(a)} €", "EUR"),
    "R$1.234,56": (lambda a, _: f"R${european_style(a)}", "BRL"),
    "1.234,56zł": (lambda a, _: f"{european_style(a)}zł", "PLN"),
    "1 234,56 zł": (lambda a, space: f"{european_style(a, space)} zł", "PLN"),
    "£1,234.56": (lambda a, _: f"£{us_style(a)}", "GBP"),
    "CA$1,234.56": (lambda a, _: f"CA${us_style(a)}", "CAD"),
    "AU$1,234.56": (lambda a, _: f"AU${us_style(a)}", "AUD"),
    "MX$1,234.56": (lambda a, _: f"MX${us_style(a)}", "MXN"),
    "1 234,56 ₽": (lambda a, space: f"{european_style(a, space)} ₽", "RUB"),
    "US $x|int|frac": (
        lambda a, _: f"US ${us_style(a)}|{int(a)}|{str(a).split('.')[1]}",
        "USD",
    ),
    "€x|int|frac": (
        lambda a, _: f"€{european_style(a)}|{int(a)}|{str(a).split('.')[1]}",
        "EUR",
    ),
}


@pytest.mark.parametrize("form", list(MONEY_FORMS))
@SETTINGS
@given(amount=amounts, space=group_spaces)
def test_every_money_form_reads_back_exactly(form, amount, space):
    render, code = MONEY_FORMS[form]
    text = render(amount, space)
    money = parse_money(text)
    assert money.currency == code, text
    assert money.amount == amount, text
    assert str(money.amount) == str(amount), text  # same places: 5.50 stays 5.50
    assert isinstance(money.amount, Decimal)


@SETTINGS
@given(amount=amounts)
def test_the_split_form_parts_are_read_when_the_display_cannot_be(amount):
    whole, fraction = str(amount).split(".")
    assert parse_money(f"|{whole}|{fraction}", "usd") == Money(amount, "USD")
    assert parse_money(f"US $|{whole}|{fraction}") == Money(amount, "USD")
    assert parse_money(f"R$ ?|{whole}|{fraction}") == Money(amount, "BRL")


@SETTINGS
@given(amount=amounts)
def test_an_amount_without_a_symbol_takes_the_given_currency(amount):
    money = parse_money(us_style(amount).replace(",", ""), "usd")
    assert money == Money(amount, "USD")


@pytest.mark.parametrize("text", ["1,234", "1.234", "12,500", " 999.000 "])
def test_three_digits_after_one_separator_and_no_currency_is_unclear(text):
    with pytest.raises(MoneyUnreadable, match="unclear"):
        parse_money(text)


def test_the_currency_tells_thousands_from_decimals():
    assert parse_money("1,234", "USD") == Money(Decimal("1234"), "USD")
    assert parse_money("1,234", "KWD") == Money(Decimal("1.234"), "KWD")  # 3 places
    assert parse_money("₩12,000") == Money(Decimal("12000"), "KRW")  # no minor unit


@pytest.mark.parametrize(
    "text",
    ["", "free", "US $", "1.00 2.00", "12 34", "€1,00 + €2,00", "US $1.2.3,4,5", "||", "US $|x|y"],
)
def test_text_that_is_not_one_amount_is_refused(text):
    with pytest.raises(MoneyUnreadable):
        parse_money(text)


# The examples ``aliexpress-formats.md`` quotes, and its symbol table.
MONEY_EXAMPLES = [
    ("US $120.95", "120.95", "USD"),
    ("€48.88", "48.88", "EUR"),
    ("€ 1,99", "1.99", "EUR"),
    ("129,46zł", "129.46", "PLN"),
    ("R$132,74", "132.74", "BRL"),
    ("1.234,56 €", "1234.56", "EUR"),
    ("US $120.95|120|95", "120.95", "USD"),
    ("€48.88|48|88", "48.88", "EUR"),
    ("US $2.04|2|4", "2.04", "USD"),  # some exporters write the fraction unpadded
    ("US $|2|4", "2.04", "USD"),
    ("US $26.70", "26.70", "USD"),
    ("US $1.99", "1.99", "USD"),
    ("US$5.00", "5.00", "USD"),
    ("$5.00", "5.00", "USD"),
    ("£12.34", "12.34", "GBP"),
    ("₽1 500,00", "1500.00", "RUB"),
    ("1500 руб.", "1500", "RUB"),
    ("C$10.50", "10.50", "CAD"),
    ("CA$10.50", "10.50", "CAD"),
    ("A$10.50", "10.50", "AUD"),
    ("AU$10.50", "10.50", "AUD"),
    ("MX$199.00", "199.00", "MXN"),
    ("₪45.90", "45.90", "ILS"),
    ("₩12,000", "12000", "KRW"),
    ("₺89,90", "89.90", "TRY"),
    ("129,00 kr", "129.00", "SEK"),
    ("CHF 19.90", "19.90", "CHF"),
    ("19.90 EUR", "19.90", "EUR"),
]


@pytest.mark.parametrize(("text", "amount", "code"), MONEY_EXAMPLES)
def test_the_documented_money_examples(text, amount, code):
    money = parse_money(text)
    assert money == Money(Decimal(amount), code)
    assert str(money.amount) == amount


# -- dates --------------------------------------------------------------------------


DATE_FORMS = {
    "ISO": lambda d: d.isoformat(),
    "ISO with a time": lambda d: f"{d.isoformat()} 07:44:46",
    "Feb 21, 2026": lambda d: f"{ENGLISH_MONTHS[d.month - 1]} {d.day}, {d.year}",
    "21 Feb 2026": lambda d: f"{d.day} {ENGLISH_MONTHS[d.month - 1]} {d.year}",
    "21. Februar 2026": lambda d: f"{d.day}. {GERMAN_MONTHS[d.month - 1]} {d.year}",
    "24 nov, 2023": lambda d: f"{d.day} {PORTUGUESE_MONTHS[d.month - 1]}, {d.year}",
    "Jan 01,2026, 12:00": lambda d: f"{ENGLISH_MONTHS[d.month - 1]} {d.day:02d},{d.year}, 12:00",
}


@pytest.mark.parametrize("form", list(DATE_FORMS))
@SETTINGS
@given(day=dates)
def test_every_date_form_reads_back_exactly(form, day):
    text = DATE_FORMS[form](day)
    assert parse_date(text) == day, text


@SETTINGS
@given(day=dates, separator=st.sampled_from(["/", "."]), padded=st.booleans())
def test_numeric_dates_read_back_when_the_order_is_known(day, separator, padded):
    width = 2 if padded else 1
    d, m = f"{day.day:0{width}d}", f"{day.month:0{width}d}"
    assert parse_date(f"{d}{separator}{m}{separator}{day.year}", day_first=True) == day
    assert parse_date(f"{m}{separator}{d}{separator}{day.year}", day_first=False) == day


@SETTINGS
@given(day=dates)
def test_a_numeric_date_that_can_only_be_read_one_way_needs_no_hint(day):
    text = f"{day.day}/{day.month}/{day.year}"
    if day.day > 12:
        assert parse_date(text) == day  # 21/2/2026: the 21st of February
        assert parse_date(f"{day.month}/{day.day}/{day.year}") == day
    elif day.day != day.month:
        with pytest.raises(DateUnreadable, match="day/month or month/day"):
            parse_date(text)


@pytest.mark.parametrize("text", ["3/4/2026", "03/04/2026", "12/1/2026", "1.2.2026"])
def test_an_ambiguous_numeric_date_is_refused_without_a_hint(text):
    with pytest.raises(DateUnreadable, match="unclear"):
        parse_date(text)
    assert parse_date(text, day_first=True) != parse_date(text, day_first=False)


@pytest.mark.parametrize(
    "text",
    ["", "soon", "2026-02-30", "Feb 30, 2026", "31/04/2026", "Foo 3, 2026", "2026", "13/13/2026"],
)
def test_text_that_is_not_a_date_is_refused(text):
    with pytest.raises(DateUnreadable):
        parse_date(text)


DATE_EXAMPLES = [
    ("Feb 21, 2026", None, dt.date(2026, 2, 21)),
    ("2026-02-20", None, dt.date(2026, 2, 20)),
    ("21 Feb 2026", None, dt.date(2026, 2, 21)),
    ("24 nov, 2023", None, dt.date(2023, 11, 24)),
    ("2/21/2026", None, dt.date(2026, 2, 21)),
    ("3/4/2026", False, dt.date(2026, 3, 4)),
    ("30/08/2024", None, dt.date(2024, 8, 30)),
    ("04/08/2024", True, dt.date(2024, 8, 4)),
    ("Jan 01,2026, 12:00", None, dt.date(2026, 1, 1)),
    ("Jan 24, 2025", None, dt.date(2025, 1, 24)),
    ("Sep 4, 2026", None, dt.date(2026, 9, 4)),
    ("Aug 3, 2026", None, dt.date(2026, 8, 3)),
    ("2026-02-21 07:44:46", None, dt.date(2026, 2, 21)),
    ("21. Februar 2024", None, dt.date(2024, 2, 21)),
    ("29 января 2024", None, dt.date(2024, 1, 29)),
    ("24 de nov. de 2023", None, dt.date(2023, 11, 24)),
    ("  Feb\u00a021,  2026 ", None, dt.date(2026, 2, 21)),
]


@pytest.mark.parametrize(("text", "day_first", "expected"), DATE_EXAMPLES)
def test_the_documented_date_examples(text, day_first, expected):
    assert parse_date(text, day_first=day_first) == expected


# -- statuses ------------------------------------------------------------------------

STATUS_EXAMPLES = [
    ("Awaiting payment", Status.NEVER_PAID),
    ("To pay", Status.NEVER_PAID),
    ("Expired", Status.NEVER_PAID),
    ("Processing", Status.IN_TRANSIT),
    ("To ship", Status.IN_TRANSIT),
    ("Awaiting shipment", Status.IN_TRANSIT),
    ("Awaiting delivery", Status.IN_TRANSIT),
    ("Shipped", Status.IN_TRANSIT),
    ("Completed", Status.DELIVERED),
    ("Finished", Status.DELIVERED),
    ("FINISH", Status.DELIVERED),  # the XLSX data export's order_status
    ("Canceled", Status.CANCELLED),
    ("Cancelled", Status.CANCELLED),
    ("Closed", Status.CANCELLED),
    ("Canceled ", Status.CANCELLED),  # the trailing space the API really sends
    ("Concluído", Status.DELIVERED),
    ("Aguardando a entrega", Status.IN_TRANSIT),
    ("Cancelado", Status.CANCELLED),
]


@pytest.mark.parametrize(("text", "status"), STATUS_EXAMPLES)
def test_every_documented_status(text, status):
    assert parse_status(text) is status


@SETTINGS
@given(
    example=st.sampled_from(STATUS_EXAMPLES),
    before=st.sampled_from(["", " ", "\t", "  "]),
    after=st.sampled_from(["", " ", "\n", " \t"]),
    case=st.sampled_from([str.lower, str.upper, str.title, lambda text: text]),
)
def test_statuses_ignore_case_and_surrounding_space(example, before, after, case):
    text, status = example
    assert parse_status(before + case(text) + after) is status


@pytest.mark.parametrize("text", [None, "", "  ", "Lost in space", "Completed yesterday"])
def test_an_unknown_status_is_not_guessed(text):
    assert parse_status(text) is None
