"""The deadlines as an iCalendar file (RFC 5545), written with the icalendar library.

One all-day event per running clock, on its deadline day, with alarms before
it. Each event's UID is fixed by the order and the clock, so importing the
file again updates events instead of adding copies; clocks that have ended
since (for orders changed recently) are sent as cancelled, so calendars that
keep events remove them. Every text value goes through ``sanitize.outgoing``:
RFC 5545 allows no control character but the tab in text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable

import icalendar

from aliret_tui.config import Settings
from aliret_tui.domain.clocks import Clock, ClockKind
from aliret_tui.domain.deadline_rule import deadline_rule
from aliret_tui.domain.evidence import readiness
from aliret_tui.domain.models import Order, OrderRecord
from aliret_tui.domain.policy import Policy
from aliret_tui.domain.workflow import clocks_seen
from aliret_tui.sanitize import outgoing

PRODUCT_ID = "-//aliret-tui//deadlines//EN"
CALENDAR_NAME = "aliret-tui deadlines"
REFRESH = dt.timedelta(hours=6)
# Ended clocks are sent as cancelled for orders changed within this many days.
CANCEL_WINDOW_DAYS = 90
_PLAIN_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def event_uid(order_id: str, kind: ClockKind) -> str:
    """Stable per order and clock, and safe for any calendar."""
    name = order_id if _PLAIN_ID.match(order_id) else hashlib.sha1(order_id.encode()).hexdigest()
    return f"{name}-{kind.value}@aliret-tui"


def wanted(order: Order, policy: Policy, today: dt.date) -> bool:
    """Orders the calendar speaks of: a running clock, or a recent change."""
    return order.clock(policy) is not None or _recently_changed(order, today)


def build_calendar(
    records: Iterable[OrderRecord],
    *,
    settings: Settings,
    now: dt.datetime,
    within_days: int | None = None,
) -> icalendar.Calendar:
    today = now.date()
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    calendar.add("x-wr-caldesc", "Return and refund deadlines of your AliExpress orders")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    stamp = now.astimezone(dt.UTC)
    for record in records:
        order = record.order
        clock = order.clock(settings.policy)
        live = clock is not None and not clock.is_expired(today) and not order.archived
        if live and clock is not None and _within(clock, today, within_days):
            calendar.add_component(_deadline_event(record, clock, settings, stamp, today))
        running = clock.kind if live and clock is not None else None
        if _recently_changed(order, today):
            for kind in sorted(clocks_seen(order, record.events) - {running}):
                calendar.add_component(_cancelled_event(order, kind, stamp))
    return calendar


def _within(clock: Clock, today: dt.date, within_days: int | None) -> bool:
    return within_days is None or clock.days_left(today) <= within_days


def _recently_changed(order: Order, today: dt.date) -> bool:
    try:
        changed = dt.datetime.fromisoformat(order.updated_at).date()
    except ValueError:
        return False
    return (today - changed).days <= CANCEL_WINDOW_DAYS


def _deadline_event(
    record: OrderRecord, clock: Clock, settings: Settings, stamp: dt.datetime, today: dt.date
) -> icalendar.Event:
    order = record.order
    action = clock.action(today)
    event = icalendar.Event()
    event.add("uid", event_uid(order.order_id, clock.kind))
    event.add("dtstamp", stamp)
    event.add("sequence", order.version)
    event.add("status", "CONFIRMED")
    event.add("dtstart", clock.deadline)
    event.add("dtend", clock.deadline + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add("summary", outgoing(f"{action}: {order.title}", one_line=True))
    event.add("description", outgoing(_description(record, clock, settings.policy, action)))
    event.add("categories", ["aliret-tui", clock.kind.label])
    hour, minute = (int(part) for part in settings.alarm_time.split(":"))
    for days_before in settings.alarm_days_before:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", outgoing(f"{action}: {order.title}", one_line=True))
        alarm.add("trigger", dt.timedelta(days=-days_before, hours=hour, minutes=minute))
        event.add_component(alarm)
    return event


def _cancelled_event(order: Order, kind: ClockKind, stamp: dt.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", event_uid(order.order_id, kind))
    event.add("dtstamp", stamp)
    event.add("sequence", order.version)
    event.add("status", "CANCELLED")
    day = dt.datetime.fromisoformat(order.updated_at).date()
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", outgoing(f"Ended ({kind.label}): {order.title}", one_line=True))
    return event


def _description(record: OrderRecord, clock: Clock, policy: Policy, action: str) -> str:
    order = record.order
    lines = [
        f"Order {order.order_id}: {order.title}",
        f"Store: {order.store or '(not recorded)'} · Price: {order.price} {order.currency}",
        f"What to do: {action}",
        f"Deadline {clock.deadline.isoformat()}: {deadline_rule(order, clock, policy)}",
        "",
    ]
    ready = readiness(order.dispute, record.evidence, record.messages)
    marks = {True: "✓", False: "✗", None: "–"}
    lines.append(
        "Mediation checklist: "
        f"{marks[ready.photos]} photos, {marks[ready.messages]} messages, "
        f"{marks[ready.tracking]} tracking"
    )
    for item in record.evidence:
        lines.append(f"[{'x' if item.has_proof else ' '}] {item.label}")
    if not record.evidence:
        lines.append("Opening a dispute adds the evidence checklist for its reason.")
    return "\n".join(lines)
