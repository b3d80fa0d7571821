"""One export of the calendar: its text, streamed a few hundred events at a time, and
the record of what it published, saved once the text is out.

- One all-day event per running clock, on its deadline day, with alarms before it;
  an overdue actionable clock is shown on today, with an alarm that day.
- Each event's UID is fixed by the order and the clock, so a calendar updates its
  events instead of adding copies; SEQUENCE grows whenever the day or the summary
  changes.
- A cancellation is sent only for an event an export published, whose clock has
  ended since and whose day has not passed: on that event's day, with a higher
  SEQUENCE, and again in each export for ``RESEND_CANCELLED_DAYS`` days. A first
  export holds none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from aliret_tui.config import Settings
from aliret_tui.domain.clocks import ClockKind
from aliret_tui.ical import syntax, wording
from aliret_tui.ical.syntax import CRLF, line
from aliret_tui.sanitize import has_controls, outgoing
from aliret_tui.store.calendar_feed import (
    LiveOrder,
    PublishedEvent,
    cancellation_candidates,
    published_events,
    record_export,
    running_clocks,
)

PRODUCT_ID = "-//aliret-tui//deadlines//EN"
CALENDAR_NAME = "aliret-tui deadlines"
CALENDAR_ABOUT = "Return and refund deadlines of your AliExpress orders"
FILE_REFRESH = dt.timedelta(hours=6)  # how often a subscribed file should be read again
SERVED_REFRESH = dt.timedelta(hours=1)
RESEND_CANCELLED_DAYS = 30
CANCELLED_NOTE = (
    "This deadline no longer applies: its step was recorded in aliret-tui, or the order "
    "was closed, archived or removed."
)
_PLAIN_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_EVENT_START, _EVENT_END = "BEGIN:VEVENT" + CRLF, "END:VEVENT" + CRLF
_ALARM_START = "BEGIN:VALARM" + CRLF + line("ACTION", "DISPLAY")
_ALARM_END = "END:VALARM" + CRLF
_CONFIRMED, _CANCELLED = line("STATUS", "CONFIRMED"), line("STATUS", "CANCELLED")
_TRANSPARENT = line("TRANSP", "TRANSPARENT")
_CANCELLED_DESCRIPTION = line("DESCRIPTION", syntax.text(CANCELLED_NOTE))


def event_uid(order_id: str, kind: ClockKind) -> str:
    """Stable per order and clock, and safe for any calendar."""
    name = order_id if _PLAIN_ID.match(order_id) else hashlib.sha1(order_id.encode()).hexdigest()
    return f"{name}-{kind.value}@aliret-tui"


class CalendarExport:
    """``text(conn)`` yields the calendar; meanwhile it collects what to record
    (``record``) and counts the events it wrote."""

    def __init__(
        self,
        settings: Settings,
        now: dt.datetime,
        *,
        within_days: int | None = None,
        refresh: dt.timedelta = FILE_REFRESH,
    ):
        self.settings = settings
        self.today = now.date()
        self.now = now
        self.within_days = within_days
        self.refresh = refresh
        hour, minute = (int(part) for part in settings.alarm_time.split(":"))
        alarm_time = dt.timedelta(hours=hour, minutes=minute)
        # What is the same in every event, written once.
        self._stamp_line = line("DTSTAMP", syntax.utc_stamp(now))
        self._triggers = [
            line("TRIGGER", syntax.duration(alarm_time - dt.timedelta(days=days)))
            for days in settings.alarm_days_before
        ]
        self._overdue_trigger = [line("TRIGGER", syntax.duration(alarm_time))]
        self._categories = {
            kind: line("CATEGORIES", syntax.text_list(["aliret-tui", kind.label]))
            for kind in ClockKind
        }
        self.events = 0  # running clocks written
        self.cancellations = 0
        self.to_publish: list[PublishedEvent] = []  # new or changed since the last export
        self.to_cancel: list[PublishedEvent] = []  # cancelled for the first time

    @property
    def has_news(self) -> bool:
        """Whether there is anything to record."""
        return bool(self.to_publish or self.to_cancel)

    def text(self, conn: sqlite3.Connection) -> Iterator[str]:
        """The calendar, in chunks of a few hundred events, ready to write."""
        yield self._header()
        running: set[str] = set()
        for batch in running_clocks(conn, self.settings.policy, self.today):
            uids = [event_uid(live.order.order_id, live.clock.kind) for live in batch]
            running.update(uids)
            earlier = published_events(conn, uids)
            chunk = "".join(
                self._running_event(live, uid, earlier.get(uid))
                for live, uid in zip(batch, uids, strict=True)
                if self._within(live)
            )
            yield _safe(chunk)
        since = self.today - dt.timedelta(days=RESEND_CANCELLED_DAYS)
        chunk = "".join(
            self._cancelled_event(event)
            for event in cancellation_candidates(conn, self.today, since)
            if event.uid not in running
        )
        yield _safe(chunk) + "END:VCALENDAR" + CRLF

    def record(self, conn: sqlite3.Connection, path: Path) -> None:
        """Save what this export published and cancelled (after its text is out)."""
        record_export(conn, path, published=self.to_publish, cancelled=self.to_cancel, now=self.now)

    # -- the parts ---------------------------------------------------------------------------

    def _header(self) -> str:
        refresh = syntax.duration(self.refresh)
        return "".join(
            (
                "BEGIN:VCALENDAR" + CRLF,
                line("VERSION", "2.0"),
                line("PRODID", PRODUCT_ID),
                line("CALSCALE", "GREGORIAN"),
                line("METHOD", "PUBLISH"),
                line("X-WR-CALNAME", syntax.text(CALENDAR_NAME)),
                line("X-WR-CALDESC", syntax.text(CALENDAR_ABOUT)),
                line("REFRESH-INTERVAL;VALUE=DURATION", refresh),
                line("X-PUBLISHED-TTL", refresh),
            )
        )

    def _within(self, live: LiveOrder) -> bool:
        return self.within_days is None or live.clock.days_left(self.today) <= self.within_days

    def _running_event(self, live: LiveOrder, uid: str, earlier: PublishedEvent | None) -> str:
        today, clock = self.today, live.clock
        summary = outgoing(wording.summary(live, today), one_line=True)
        day = wording.event_day(clock, today)
        sequence = _next_sequence(earlier, summary, day, live.order.version)
        if earlier is None or sequence != earlier.sequence:
            self.to_publish.append(PublishedEvent(uid, live.order.order_id, summary, day, sequence))
        self.events += 1
        # An overdue event is today: one alarm, today, at the alarm time.
        triggers = self._overdue_trigger if clock.is_overdue(today) else self._triggers
        summary_text = syntax.text(summary, one_line=True)
        alarm = _ALARM_START + line("DESCRIPTION", summary_text)  # the alarm says the summary
        description = wording.description(live, self.settings.policy, today)
        return "".join(
            (
                self._event_start(uid, sequence, _CONFIRMED, day),
                line("SUMMARY", summary_text),
                line("DESCRIPTION", syntax.text(description)),
                self._categories[clock.kind],
                *(alarm + trigger + _ALARM_END for trigger in triggers),
                _EVENT_END,
            )
        )

    def _cancelled_event(self, event: PublishedEvent) -> str:
        sequence = event.sequence
        if event.cancelled_at is None:
            sequence += 1
            self.to_cancel.append(event._replace(sequence=sequence))
        self.cancellations += 1
        return "".join(
            (
                self._event_start(event.uid, sequence, _CANCELLED, event.starts_on),
                line("SUMMARY", syntax.text(event.summary, one_line=True)),
                _CANCELLED_DESCRIPTION,
                _EVENT_END,
            )
        )

    def _event_start(self, uid: str, sequence: int, status: str, day: dt.date) -> str:
        return "".join(
            (
                _EVENT_START,
                line("UID", uid),
                self._stamp_line,
                line("SEQUENCE", str(sequence)),
                status,
                line("DTSTART;VALUE=DATE", syntax.date(day)),
                line("DTEND;VALUE=DATE", syntax.date(day + dt.timedelta(days=1))),
                _TRANSPARENT,
            )
        )


def _next_sequence(earlier: PublishedEvent | None, summary: str, day: dt.date, version: int) -> int:
    """A new event starts at the order's version (what earlier releases sent, so a
    calendar holding those accepts the update); a changed day or summary, or an
    event published again after its cancellation, goes one higher."""
    if earlier is None:
        return version
    if earlier.cancelled_at is not None or (earlier.summary, earlier.starts_on) != (summary, day):
        return earlier.sequence + 1
    return earlier.sequence


def _safe(chunk: str) -> str:
    """Every value was cleaned on its way in; this only checks the whole, cheaply."""
    return outgoing(chunk, crlf=True) if has_controls(chunk.replace(CRLF, "")) else chunk
