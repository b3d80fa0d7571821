"""Parsing and checking of every value a user can type, with messages that name the field.

These functions are shared by the pydantic models, the CLI, the CSV/JSON
import and the TUI forms, so a value is refused the same way everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import cache

from aliret_tui.domain.iso import COUNTRIES, CURRENCIES, minor_units
from aliret_tui.errors import UserError
from aliret_tui.sanitize import (
    Cleaned,
    clean_line,
    clean_multiline,
    is_valid_unicode,
    without_zero_width,
)
from aliret_tui.timesource import EARLIEST_DATE, LATEST_DATE, parse_iso_date

MAX_ORDER_ID = 64
ALIEXPRESS_ID_DIGITS = 12  # order numbers have 15 or 16; shorter ones are kept as typed
ALIEXPRESS_ID_LENGTHS = (15, 16)
MAX_LINE_TEXT = 20_000  # titles and store names
MAX_SHORT_TEXT = 200  # tracking numbers, carriers
MAX_LONG_TEXT = 200_000  # notes and chat messages
MAX_AMOUNT = Decimal("1000000000")
MAX_WINDOW_DAYS = 3650


class FieldError(UserError, ValueError):
    """One refused value. ``field`` is the domain name (``price``, ``delivered_on``...)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class FieldErrors(UserError, ValueError):
    """Several refused values at once (a form shows each at its field)."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors

    @property
    def first(self) -> FieldError:
        return self.errors[0]


class TextNotes:
    """Collects which fields lost control characters while input was cleaned, and
    warnings about values that were accepted but deserve a second look."""

    def __init__(self) -> None:
        self.removed: list[tuple[str, int]] = []  # (field, characters removed)
        self.warnings: list[tuple[str, str]] = []  # (field, message)

    def record(self, field: str, cleaned: Cleaned) -> str:
        if cleaned.changed:
            self.removed.append((field, cleaned.removed))
        return cleaned.text

    def warn(self, field: str, message: str) -> None:
        self.warnings.append((field, message))

    def messages(self, name_of: Callable[[str], str] = str) -> list[str]:
        """'title: removed 4 control characters ...', then the warnings, with fields
        named by ``name_of``."""
        cleaned = [
            f"{name_of(field)}: removed {count} control character{'s' if count != 1 else ''}"
            " (terminal escape sequences and invisible controls are never stored)"
            for field, count in self.removed
        ]
        return cleaned + [f"{name_of(field)}: {message}" for field, message in self.warnings]

    def extend(self, other: TextNotes, prefix: str) -> None:
        self.removed.extend((f"{prefix}{field}", count) for field, count in other.removed)
        self.warnings.extend((f"{prefix}{field}", message) for field, message in other.warnings)


def _text(field: str, value: object, *, multiline: bool, notes: TextNotes | None) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FieldError(field, f"must be text (got {type(value).__name__})")
    if value.isprintable():  # no control, line break or lone surrogate: nothing to clean
        return value.rstrip() if multiline else value.strip()
    if not is_valid_unicode(value):
        raise FieldError(field, "is not valid UTF-8 text")
    cleaned = clean_multiline(value) if multiline else clean_line(value)
    return notes.record(field, cleaned) if notes else cleaned.text


def line_text(
    field: str,
    value: object,
    *,
    required: bool = False,
    max_length: int = MAX_LINE_TEXT,
    notes: TextNotes | None = None,
) -> str:
    text = _text(field, value, multiline=False, notes=notes)
    if required and not text:
        raise FieldError(field, "is required and cannot be empty")
    if len(text) > max_length:
        raise FieldError(field, f"is too long ({len(text)} characters; at most {max_length})")
    return text


def long_text(
    field: str, value: object, *, required: bool = False, notes: TextNotes | None = None
) -> str:
    text = _text(field, value, multiline=True, notes=notes)
    if required and not text.strip():
        raise FieldError(field, "is required and cannot be empty")
    if len(text) > MAX_LONG_TEXT:
        raise FieldError(field, f"is too long ({len(text)} characters; at most {MAX_LONG_TEXT})")
    return text


def order_id(value: object, notes: TextNotes | None = None) -> str:
    """Cleaned like any line of text, and without zero-width characters: an id that
    looks the same is the same id."""
    if isinstance(value, str) and value.isascii() and value.isprintable():
        text = value.strip()  # nothing to clean or hide (the usual case, and quick)
        if 0 < len(text) <= MAX_ORDER_ID:
            return _aliexpress_digits(text) or text
    hidden = 0
    if isinstance(value, str):
        value, hidden = without_zero_width(value)
    found = TextNotes()
    text = line_text("order_id", value, required=True, max_length=MAX_ORDER_ID, notes=found)
    if notes is not None:
        notes.record("order_id", Cleaned(text, hidden + sum(n for _, n in found.removed)))
    return _aliexpress_digits(text) or text


def _aliexpress_digits(text: str) -> str | None:
    """An AliExpress number as people copy it ("8175 1234-5678 9012Copy"), as digits;
    None for anything shorter, which is kept as typed."""
    digits = text.removesuffix("Copy").replace(" ", "").replace("-", "").replace("\u00a0", "")
    is_number = digits.isascii() and digits.isdigit() and len(digits) >= ALIEXPRESS_ID_DIGITS
    return digits if is_number else None


def note_unusual_order_id(order_id: str, notes: TextNotes) -> None:
    """A warning in ``notes`` when an order number (as ``order_id`` returned it) is not
    the 15 or 16 digits of an AliExpress one. It is kept all the same: it may be an
    order from elsewhere, but it may also be cut short when it was copied."""
    if order_id.isascii() and order_id.isdigit():
        if len(order_id) in ALIEXPRESS_ID_LENGTHS:
            return
        count = f"{len(order_id)} digit{'s' if len(order_id) != 1 else ''}"
        message = (
            f"{order_id} has {count}, but AliExpress order numbers have 15 or 16; "
            "it was kept as it is: check it against the order page"
        )
    else:
        message = (
            f"{order_id[:40]!r} is not an AliExpress order number (15 or 16 digits); "
            "it was kept as typed"
        )
    notes.warn("order_id", message)


def currency(value: object, field: str = "currency") -> str:
    if not isinstance(value, str) or not value.strip():
        raise FieldError(field, "is required: an ISO 4217 code such as USD, EUR or GBP")
    code = value.strip().upper()
    if code not in CURRENCIES:
        shown = clean_line(value).text[:20]
        raise FieldError(
            field, f"unknown currency code {shown!r}; use an ISO 4217 code such as USD, EUR or GBP"
        )
    return code


def country(value: object, field: str = "country") -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise FieldError(field, "must be a two-letter ISO 3166 code such as US, FR or ES")
    code = value.strip().upper()
    if code not in COUNTRIES:
        shown = clean_line(value).text[:20]
        raise FieldError(
            field, f"unknown country code {shown!r}; use ISO 3166 alpha-2, such as US, FR or ES"
        )
    return code


def amount(value: object, currency_code: str | None, field: str = "price") -> Decimal:
    """A positive money amount with no more decimals than the currency allows.

    Typed text may use a decimal comma and group its thousands: ``12,50``,
    ``1.234,56``, ``1,234.56``, ``1 234,56`` and ``12.5`` all read as people mean
    them. One separator before exactly three digits (``1,234``; ``1.234`` when the
    currency has fewer than 3 decimals) could be either, and is refused with what
    to type instead."""
    if isinstance(value, bool) or value is None or value == "":
        raise FieldError(field, "is required: a number such as 12.50")
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip()
    places = minor_units(currency_code) if currency_code is not None else None
    plain = _plain_number(text, field, currency_code, places)
    try:
        number = Decimal(plain)
    except InvalidOperation:
        raise _not_a_number(field, text) from None
    if not number.is_finite() or "e" in plain.lower():
        raise FieldError(field, f"must be a plain number such as 12.50 (got {text[:30]!r})")
    if number <= 0:
        raise FieldError(field, f"must be more than 0 (got {text[:30]})")
    if number >= MAX_AMOUNT:
        raise FieldError(field, f"is too large (at most {MAX_AMOUNT - 1})")
    if currency_code is not None and places is not None:
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            raise FieldError(
                field, f"{currency_code} allows at most {places} decimal places (got {text[:30]})"
            )
        number = number.quantize(_quantum(places))
    return number


@cache
def _quantum(places: int) -> Decimal:
    """1 in the last decimal place a currency allows: 0.01 for 2 places."""
    return Decimal(1).scaleb(-places)


# Between groups of three digits: spaces (also the no-break and thin ones) and apostrophes.
_GROUP_MARKS = frozenset(" \u00a0\u202f\u2009'\u2019")
_NUMBER_MARKS = frozenset({".", ",", *_GROUP_MARKS})


def _plain_number(text: str, field: str, currency_code: str | None, places: int | None) -> str:
    """``text`` as ``Decimal`` reads it: "1.234,56" -> "1234.56". Text with no comma and
    no digit groups is returned as it is; so is text that is no number at all."""
    sign, body = (text[0], text[1:]) if text[:1] in ("-", "+") else ("", text)
    if body.isascii() and body.replace(".", "", 1).isdigit():  # 12 or 12.50: the usual
        marks, commas, dots = set(), 0, body.count(".")
    elif not body or any(
        not (c.isascii() and c.isdigit()) and c not in _NUMBER_MARKS for c in body
    ):
        return text  # letters, exponents, NaN...: refused (or not) as Decimal decides
    else:
        marks = {c for c in body if c in _GROUP_MARKS}
        commas, dots = body.count(","), body.count(".")
    if not marks and not commas and dots <= 1:
        if dots and _maybe_thousands(body, ".") and places is not None and places < 3:
            raise _ambiguous(field, text, body, ".", currency_code, places)
        return text
    decimal: str | None
    if commas and dots:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
    elif marks:
        decimal = "," if commas == 1 else "." if dots == 1 else None
    elif commas == 1:
        grouped = _maybe_thousands(body, ",")
        if grouped and places != 0:  # in yen, 1,234 can only be one thousand and more
            raise _ambiguous(field, text, body, ",", currency_code, places)
        decimal = None if grouped else ","
    else:
        decimal = None  # 1,234,567 or 1.234.567
    whole, fraction = body.rsplit(decimal, 1) if decimal else (body, "")
    separators = {c for c in whole if not c.isdigit()}
    groups = whole.split(separators.pop()) if len(separators) == 1 else [whole]
    well_formed = (
        not separators  # one kind of separator between the groups, at most
        and (fraction == "" or fraction.isdigit())
        and (whole == "" or all(group.isdigit() for group in groups))
        and (len(groups) == 1 or (len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])))
        and bool(whole or fraction)
    )
    if not well_formed:
        raise _not_a_number(field, text)
    return sign + ("".join(groups) or "0") + ("." + fraction if fraction else "")


def _not_a_number(field: str, text: str) -> FieldError:
    shown = clean_line(text).text[:30]
    return FieldError(field, f"must be a number such as 12.50 or 12,50 (got {shown!r})")


def _maybe_thousands(body: str, separator: str) -> bool:
    """'1,234' or '12.345': one separator that could also group thousands."""
    whole, _, fraction = body.partition(separator)
    return (
        len(fraction) == 3
        and fraction.isdigit()
        and 1 <= len(whole) <= 3
        and whole.isdigit()
        and not whole.startswith("0")
    )


def _ambiguous(
    field: str, text: str, body: str, separator: str, currency_code: str | None, places: int | None
) -> FieldError:
    whole, _, fraction = body.partition(separator)
    sign = text[0] if text[:1] in ("-", "+") else ""
    thousands = f"{sign}{whole}{fraction}"
    as_decimals: Decimal | None = Decimal(f"{whole}.{fraction}")
    if as_decimals is not None and places is not None and places < 3:
        # 12.500 USD may be 12.50; 1.234 EUR cannot be decimals
        rounded = as_decimals.quantize(Decimal(1).scaleb(-places))
        as_decimals = rounded if rounded == as_decimals else None
    if as_decimals is not None:
        instead = f"type {thousands} for thousands, or {sign}{as_decimals} for decimals"
    elif places == 0:
        instead = f"type {thousands} for thousands ({currency_code} amounts have no decimals)"
    else:
        instead = (
            f"type {thousands} for thousands "
            f"({currency_code} amounts have at most {places} decimals)"
        )
    return FieldError(field, f"{text!r} is ambiguous (thousands or decimals?): {instead}")


# What a person may type for a date, beside YYYY-MM-DD: days back from today.
RELATIVE_DAYS = {"today": 0, "yesterday": 1}
TYPED_DATE_FORMS = "YYYY-MM-DD, today, yesterday or -N for N days ago"


def date(value: object, field: str, today: dt.date | None = None) -> dt.date | None:
    """A date as YYYY-MM-DD; None for nothing. Given ``today`` (the injected clock's,
    for what a person types), also ``today``, ``yesterday`` and ``-3`` (3 days ago)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if not EARLIEST_DATE <= value <= LATEST_DATE:
            raise FieldError(
                field, f"{value} is out of range (years {EARLIEST_DATE.year}-{LATEST_DATE.year})"
            )
        return value
    if not isinstance(value, str):
        raise FieldError(field, "must be a date as YYYY-MM-DD")
    back = _days_back(value) if today is not None else None
    if today is not None and back is not None:
        if back > (today - EARLIEST_DATE).days:
            shown = clean_line(value).text[:30]
            raise FieldError(field, f"{shown!r} is before {EARLIEST_DATE.isoformat()}")
        return today - dt.timedelta(days=back)
    try:
        return parse_iso_date(value)
    except ValueError as error:
        message = clean_line(str(error)).text
        if today is not None and message.startswith("must be a date as"):
            message = f"must be a date: {TYPED_DATE_FORMS} (got {clean_line(value).text[:30]!r})"
        raise FieldError(field, message) from None


def _days_back(text: str) -> int | None:
    """0 for 'today', 1 for 'yesterday', 3 for '-3'; None for anything else."""
    word = text.strip().lower().replace("\u2212", "-")  # a typographic minus too
    if word in RELATIVE_DAYS:
        return RELATIVE_DAYS[word]
    number = word.removeprefix("-")
    if word.startswith("-") and number.isascii() and number.isdigit() and len(number) <= 7:
        return int(number)
    return None


def understood_date(value: str, today: dt.date) -> dt.date | None:
    """The day that typed date text names when it is not written as that day's
    YYYY-MM-DD ('yesterday', '-3'), for a form to show beside the field; None when
    it is written so, and for text that is no date."""
    try:
        day = date(value, "date", today)
    except FieldError:
        return None
    return day if day is not None and value.strip() != day.isoformat() else None


def not_after_today(day: dt.date | None, field: str, today: dt.date) -> None:
    if day is not None and day > today:
        raise FieldError(
            field, f"{day.isoformat()} is in the future (today is {today.isoformat()})"
        )


def window_days(value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FieldError("window_days", "must be a whole number of days")
    try:
        days = int(str(value).strip())
    except ValueError:
        shown = clean_line(str(value)).text[:30]
        raise FieldError("window_days", f"must be a whole number of days (got {shown!r})") from None
    if not 1 <= days <= MAX_WINDOW_DAYS:
        raise FieldError(
            "window_days", f"must be between 1 and {MAX_WINDOW_DAYS} days (got {days})"
        )
    return days


def line_positions(value: object, field: str = "lines") -> tuple[int, ...]:
    """Order lines by number: "1,3", "1 3" or [1, 3]; sorted, each once."""
    if value is None or value == "" or value == ():
        return ()
    parts = value.replace(",", " ").split() if isinstance(value, str) else value
    if not isinstance(parts, list | tuple):
        raise FieldError(field, "must be line numbers such as 1,3")
    positions = set()
    for part in parts:
        text = str(part).strip()
        if isinstance(part, bool) or not (text.isascii() and text.isdigit() and len(text) <= 5):
            shown = clean_line(str(part)).text[:20]
            raise FieldError(field, f"must be line numbers such as 1,3 (got {shown!r})")
        number = int(text)
        if not 1 <= number <= 10_000:
            raise FieldError(field, f"line {number} does not exist")
        positions.add(number)
    return tuple(sorted(positions))


def boolean(value: object, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if value is None or value == "":
        return False
    text = str(value).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    shown = clean_line(str(value)).text[:20]
    raise FieldError(field, f"must be true or false (got {shown!r})")


def choice(value: object, field: str, allowed: list[str]) -> str:
    text = value.strip().lower() if isinstance(value, str) else None
    if text not in allowed:
        shown = clean_line(str(value)).text[:40] if value is not None else "nothing"
        raise FieldError(field, f"must be one of {', '.join(allowed)} (got {shown!r})")
    return text
