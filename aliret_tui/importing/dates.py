"""Dates as AliExpress pages, mails and exporters write them:

``Feb 21, 2026`` · ``2026-02-20`` · ``21 Feb 2026`` · ``24 nov, 2023`` ·
``21. Februar 2024`` · ``29 января 2024`` · ``Jan 01,2026, 12:00`` ·
``2026-02-21 07:44:46`` · ``2/21/2026`` and ``21/02/2026`` (the caller says which
comes first when it knows; otherwise a form that could be either is refused).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from aliret_tui.importing.incoming import ImportRefused


class DateUnreadable(ValueError):
    pass


def read_date(where: str, field: str, text: str | None) -> dt.date | None:
    """``parse_date`` for a file's value: None when the source has none, and a
    refusal that names the place and the field when it cannot be read."""
    if not text:
        return None
    try:
        return parse_date(text)
    except DateUnreadable as error:
        raise ImportRefused(where, field, str(error)) from None


def _month_names() -> dict[str, int]:
    names = {
        1: "jan january janeiro januar janv janvier enero ene января январь",
        2: "feb february fevereiro fev februar févr fevr février fevrier febrero февраля февраль",
        3: "mar march março marco märz maerz mär mars marzo марта март",
        4: "apr april abril abr avr avril апреля апрель",
        5: "may maio mai mayo мая май",
        6: "jun june junho juni juin junio июня июнь",
        7: "jul july julho juli juil juillet julio июля июль",
        8: "aug august agosto ago août aout августа август",
        9: "sep sept september setembro set septembre septiembre сентября сентябрь",
        10: "oct october outubro out oktober okt octobre octubre октября октябрь",
        11: "nov november novembro novembre noviembre ноября ноябрь",
        12: "dec december dezembro dez dezember déc decembre décembre diciembre dic "
        "декабря декабрь",
    }
    return {word: month for month, words in names.items() for word in words.split()}


_MONTHS = _month_names()
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:[ ,T].*)?$")
_WORD = r"([^\W\d_]+)\.?"
_MONTH_FIRST = re.compile(rf"^{_WORD}\s*(\d{{1,2}})(?:st|nd|rd|th)?,?\s*(\d{{4}})\b")
_DAY_FIRST = re.compile(rf"^(\d{{1,2}})\.?\s*(?:de\s+)?{_WORD},?\s*(?:de\s+)?(\d{{4}})\b")


def parse_date(text: str, *, day_first: bool | None = None) -> dt.date:
    """The calendar date ``text`` names; ``DateUnreadable`` if it names none, or
    could name two (``3/4/2026`` with ``day_first`` not given)."""
    cleaned = " ".join(text.replace("\u00a0", " ").split()).strip(" ,")
    if match := _ISO.match(cleaned):
        return _make(int(match[1]), int(match[2]), int(match[3]), text)
    if match := _NUMERIC.match(cleaned):
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        if day_first is None:
            if first > 12 >= second:
                day_first = True
            elif second > 12 >= first:
                day_first = False
            elif first != second:
                raise DateUnreadable(
                    f"{_shown(text)} could be day/month or month/day; it is unclear"
                )
            else:
                day_first = True
        day, month = (first, second) if day_first else (second, first)
        return _make(year, month, day, text)
    if match := _MONTH_FIRST.match(cleaned):
        return _make(int(match[3]), _month(match[1], text), int(match[2]), text)
    if match := _DAY_FIRST.match(cleaned):
        return _make(int(match[3]), _month(match[2], text), int(match[1]), text)
    raise DateUnreadable(f"{_shown(text)} is not a date")


def _month(word: str, text: str) -> int:
    key = word.casefold()
    month = _MONTHS.get(key) or _MONTHS.get(_without_accents(key))
    if month is None:
        raise DateUnreadable(f"{_shown(text)}: {word[:20]!r} is not a month")
    return month


def _without_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _make(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateUnreadable(f"{_shown(text)} is not a real calendar date") from None


def _shown(text: str) -> str:
    return repr(text.strip()[:40])
