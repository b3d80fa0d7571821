"""The one place the app asks what time it is.

Everything that needs "today" or "now" receives a ``TimeSource``. The CLI's
``--today`` option and the tests pass a fixed one, so no calculation ever
depends on the real date unless the user runs the app for real.
"""

from __future__ import annotations

import datetime as dt

# Dates outside this range are typing mistakes, and would overflow date arithmetic.
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2999, 12, 31)


class TimeSource:
    """Local wall-clock time, optionally pinned to a date or to an exact moment.

    ``today_override`` moves the calendar to another day but keeps the real
    time of day, so live countdowns still tick. ``frozen_at`` stops time
    altogether (snapshot tests, screenshots).
    """

    __slots__ = ("frozen_at", "today_override")

    def __init__(self, today_override: dt.date | None = None, frozen_at: dt.datetime | None = None):
        self.today_override = today_override
        self.frozen_at = frozen_at

    def __repr__(self) -> str:
        return f"TimeSource(today_override={self.today_override!r}, frozen_at={self.frozen_at!r})"

    def now(self) -> dt.datetime:
        """The current local time, naive (local time zone)."""
        if self.frozen_at is not None:
            return self.frozen_at
        real = dt.datetime.now()
        if self.today_override is not None:
            return dt.datetime.combine(self.today_override, real.time())
        return real

    def today(self) -> dt.date:
        if self.frozen_at is not None:
            return self.frozen_at.date()
        if self.today_override is not None:
            return self.today_override
        return dt.date.today()

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


SYSTEM_TIME = TimeSource()


def _looks_like_iso_date(text: str) -> bool:
    """YYYY-MM-DD with ASCII digits (no regex: this runs on `check`'s quick path)."""
    digits = text[:4] + text[5:7] + text[8:]
    return len(text) == 10 and text[4] == text[7] == "-" and digits.isascii() and digits.isdigit()


def parse_iso_date(text: str) -> dt.date:
    """Parse a strict YYYY-MM-DD date; raise ValueError with a readable message."""
    text = text.strip()
    if not _looks_like_iso_date(text):
        raise ValueError(f"must be a date as YYYY-MM-DD (got {text!r})")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a real calendar date") from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError(
            f"{text!r} is out of range (years {EARLIEST_DATE.year}-{LATEST_DATE.year})"
        )
    return day
