"""RFC 5545 content lines: escaped text, folded lines, dates, times and durations.

Written by hand rather than through a document model, so an export streams one
event at a time in little memory; the tests parse the result back with two
independent libraries. Every text value passes ``sanitize.outgoing`` here: RFC
5545 allows no control character in text but the tab.
"""

from __future__ import annotations

import datetime as dt

from aliret_tui.sanitize import outgoing

CRLF = "\r\n"
FOLD_OCTETS = 75  # the longest line RFC 5545 allows, in octets, CRLF excluded


def text(value: str, *, one_line: bool = False) -> str:
    """A TEXT value: cleaned, then escaped (backslash, semicolon, comma, newline).
    (Four replaces take a twentieth of the time of one str.translate.)"""
    value = outgoing(value, one_line=one_line)
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    return value.replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def text_list(values: list[str]) -> str:
    """A list of TEXT values (CATEGORIES), each escaped, joined by commas."""
    return ",".join(text(value, one_line=True) for value in values)


def date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def utc_stamp(moment: dt.datetime) -> str:
    """A UTC DATE-TIME; a naive moment is local time."""
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def duration(span: dt.timedelta) -> str:
    """A DURATION such as ``PT9H``, ``-P1DT15H`` or ``P0D``."""
    seconds = int(span.total_seconds())
    sign = "-" if seconds < 0 else ""
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    time = "".join(
        f"{amount}{unit}"
        for amount, unit in ((hours, "H"), (minutes, "M"), (seconds, "S"))
        if amount
    )
    if not days and not time:
        return "P0D"
    return f"{sign}P{f'{days}D' if days else ''}{f'T{time}' if time else ''}"


def line(name: str, value: str) -> str:
    """One content line, folded, with its CRLF. ``value`` is already in its syntax."""
    return fold(f"{name}:{value}") + CRLF


def fold(content: str) -> str:
    """Lines longer than 75 octets are split, each continuation starting with a space,
    never inside a UTF-8 sequence."""
    if content.isascii():  # one octet a character (and isascii() costs nothing)
        if len(content) <= FOLD_OCTETS:
            return content
        rest = content[FOLD_OCTETS:]
        pieces = [content[:FOLD_OCTETS]]
        pieces += [rest[start : start + FOLD_OCTETS - 1] for start in range(0, len(rest), 74)]
        return (CRLF + " ").join(pieces)
    data = content.encode("utf-8")
    if len(data) <= FOLD_OCTETS:
        return content
    parts, start, room = [], 0, FOLD_OCTETS
    while start < len(data):
        end = min(start + room, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # a continuation byte
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, room = end, FOLD_OCTETS - 1  # the leading space counts
    return (CRLF + " ").join(parts)
