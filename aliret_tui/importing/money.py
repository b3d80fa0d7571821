"""Prices as AliExpress pages and exporters write them: a symbol rather than a
code, a decimal comma or dot, thousands separators, and the split form
``US $120.95|120|95`` (display | whole part | fraction). The result is an
exact ``Decimal`` and, where the text says it, an ISO 4217 code."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from aliret_tui.domain.iso import CURRENCIES, minor_units
from aliret_tui.importing.incoming import ImportRefused


class Money(NamedTuple):
    amount: Decimal
    currency: str | None  # None when the text has no symbol or code


class MoneyUnreadable(ValueError):
    pass


def read_money(where: str, field: str, text: str, currency: str | None = None) -> Money:
    """``parse_money`` for a file's value, with a refusal that names the place and
    the field."""
    try:
        return parse_money(text, currency)
    except MoneyUnreadable as error:
        raise ImportRefused(where, field, str(error)) from None


# Longest first, so "US $" wins over "$" and "R$" over "$".
_SYMBOLS = (
    ("US $", "USD"), ("US$", "USD"), ("CA$", "CAD"), ("C$", "CAD"), ("AU$", "AUD"),
    ("A$", "AUD"), ("MX$", "MXN"), ("R$", "BRL"), ("руб.", "RUB"), ("руб", "RUB"),
    ("zł", "PLN"), ("CHF", "CHF"), ("kr", "SEK"), ("$", "USD"), ("€", "EUR"), ("£", "GBP"),
    ("₽", "RUB"), ("₪", "ILS"), ("₩", "KRW"), ("₺", "TRY"), ("₹", "INR"),
)  # fmt: skip
_CODE = re.compile(r"\b([A-Z]{3})\b")
_NUMBER = re.compile(r"[-−]?\s*\d[\d\s.,'\u00a0\u202f]*")


def parse_money(text: str, currency: str | None = None) -> Money:
    """``"€ 1,99"`` → Money(Decimal("1.99"), "EUR"). ``currency`` is used when the
    text carries none, and to tell "1,234" (thousands) from a decimal comma."""
    original = text
    text = text.strip()
    if text.count("|") == 2:
        return _split_form(text, currency)
    found = _currency_in(text)
    code = found or (currency.upper() if currency else None)
    numbers = _NUMBER.findall(text)
    if len(numbers) != 1:
        raise MoneyUnreadable(f"{_shown(original)} is not one amount")
    amount = _number(numbers[0], code, original)
    if text.startswith(("-", "−")) and amount > 0:
        amount = -amount  # "-US $1.00": the sign stands before the symbol
    return Money(amount, code)


def _split_form(text: str, currency: str | None) -> Money:
    """The display part decides; the whole and fraction parts are read only when
    it cannot be (some exporters write the fraction unpadded: ``US $2.04|2|4``)."""
    display, whole, fraction = (part.strip() for part in text.split("|"))
    if display:
        try:
            return parse_money(display, currency)
        except MoneyUnreadable:
            pass
    code = _currency_in(display) or (currency.upper() if currency else None)
    digits = whole.replace(",", "").replace(".", "").replace(" ", "").lstrip("-")
    if not digits.isdigit() or not (fraction == "" or fraction.isdigit()):
        raise MoneyUnreadable(f"{_shown(text)} is not an amount")
    amount = Decimal(f"{digits}.{fraction.zfill(2) if fraction else '0'}")
    return Money(-amount if whole.startswith("-") else amount, code)


def _currency_in(text: str) -> str | None:
    for symbol, code in _SYMBOLS:
        if symbol in text:
            return code
    match = _CODE.search(text)
    if match and match[1] in CURRENCIES:
        return match[1]
    return None


def _number(raw: str, currency: str | None, original: str) -> Decimal:
    negative = raw.lstrip().startswith(("-", "−"))
    if not _spaced_as_thousands(raw.strip().lstrip("-−").strip()):
        raise MoneyUnreadable(f"{_shown(original)} is not one amount")
    digits = re.sub(r"[\s'\u00a0\u202f]", "", raw.lstrip(" -−"))
    digits = digits.rstrip(".,")
    decimal_mark = _decimal_mark(digits, currency, original)
    if decimal_mark is None:
        plain = digits.replace(",", "").replace(".", "")
    else:
        thousands = "." if decimal_mark == "," else ","
        whole, _, fraction = digits.rpartition(decimal_mark)
        plain = whole.replace(thousands, "") + "." + fraction
        if "," in whole.replace(thousands, "") or "." in whole.replace(thousands, ""):
            raise MoneyUnreadable(f"{_shown(original)} mixes separators in a way that is unclear")
    try:
        amount = Decimal(plain)
    except InvalidOperation:
        raise MoneyUnreadable(f"{_shown(original)} is not an amount") from None
    return -amount if negative else amount


_SPACED_GROUPS = re.compile(r"[\s'\u00a0\u202f]+")
_LAST_GROUP = re.compile(r"\d{3}(?:[.,]\d*)?")


def _spaced_as_thousands(number: str) -> bool:
    """Spaces (or ') inside a number only between thousands: ``1 234,56`` is one
    amount, ``1.00 2.00`` is two."""
    groups = _SPACED_GROUPS.split(number)
    if len(groups) == 1:
        return True
    return (
        all(group.isdigit() for group in groups[:-1])
        and all(len(group) == 3 for group in groups[1:-1])
        and _LAST_GROUP.fullmatch(groups[-1]) is not None
    )


def _decimal_mark(digits: str, currency: str | None, original: str) -> str | None:
    """Which of , and . separates the decimals, or None for a whole number."""
    commas, dots = digits.count(","), digits.count(".")
    if commas and dots:
        return "," if digits.rfind(",") > digits.rfind(".") else "."
    mark = "," if commas else "." if dots else None
    if mark is None:
        return None
    if digits.count(mark) > 1:
        return None  # 1.234.567 or 1,234,567: thousands only
    after = len(digits) - digits.rfind(mark) - 1
    if after != 3:
        return mark
    places = minor_units(currency) if currency else None
    if places is None:
        raise MoneyUnreadable(
            f"{_shown(original)} is unclear: {digits} could be thousands or decimals; "
            "the currency would tell"
        )
    return mark if places == 3 else None


def _shown(text: str) -> str:
    return repr(text.strip()[:40])
