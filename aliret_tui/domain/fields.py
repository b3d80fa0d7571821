"""Parsing and checking of every value a user can type, with messages that name the field.

These functions are shared by the pydantic models, the CLI, the CSV/JSON
import and the TUI forms, so a value is refused the same way everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

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
    """Collects which fields lost control characters while input was cleaned."""

    def __init__(self) -> None:
        self.removed: list[tuple[str, int]] = []  # (field, characters removed)

    def record(self, field: str, cleaned: Cleaned) -> str:
        if cleaned.changed:
            self.removed.append((field, cleaned.removed))
        return cleaned.text

    def messages(self, name_of: Callable[[str], str] = str) -> list[str]:
        """'title: removed 4 control characters ...', with fields named by ``name_of``."""
        return [
            f"{name_of(field)}: removed {count} control character{'s' if count != 1 else ''}"
            " (terminal escape sequences and invisible controls are never stored)"
            for field, count in self.removed
        ]

    def extend(self, other: TextNotes, prefix: str) -> None:
        self.removed.extend((f"{prefix}{field}", count) for field, count in other.removed)


def _text(field: str, value: object, *, multiline: bool, notes: TextNotes | None) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FieldError(field, f"must be text (got {type(value).__name__})")
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
    """A positive money amount with no more decimals than the currency allows."""
    if isinstance(value, bool) or value is None or value == "":
        raise FieldError(field, "is required: a number such as 12.50")
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        shown = clean_line(text).text[:30]
        hint = " (use a dot for decimals)" if "," in text else ""
        raise FieldError(field, f"must be a number such as 12.50{hint} (got {shown!r})") from None
    if not number.is_finite() or "e" in text.lower():
        raise FieldError(field, f"must be a plain number such as 12.50 (got {text[:30]!r})")
    if number <= 0:
        raise FieldError(field, f"must be more than 0 (got {text[:30]})")
    if number >= MAX_AMOUNT:
        raise FieldError(field, f"is too large (at most {MAX_AMOUNT - 1})")
    if currency_code is not None:
        places = minor_units(currency_code)
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            raise FieldError(
                field, f"{currency_code} allows at most {places} decimal places (got {text[:30]})"
            )
        number = number.quantize(Decimal(1).scaleb(-places))
    return number


def date(value: object, field: str) -> dt.date | None:
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
    try:
        return parse_iso_date(value)
    except ValueError as error:
        raise FieldError(field, clean_line(str(error)).text) from None


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
        if isinstance(part, bool) or not str(part).strip().isdigit():
            shown = clean_line(str(part)).text[:20]
            raise FieldError(field, f"must be line numbers such as 1,3 (got {shown!r})")
        number = int(str(part))
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
