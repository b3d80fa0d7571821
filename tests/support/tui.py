"""Helpers for Pilot tests: a frozen clock, quick data set-up, reading the screen."""

from __future__ import annotations

import datetime as dt

from aliret_tui.domain.models import EventInput, OrderFacts, parse
from aliret_tui.store.store import Store
from aliret_tui.timesource import TimeSource
from aliret_tui.tui.app import AliretApp
from aliret_tui.tui.screens.dashboard import DashboardScreen

NOW = dt.datetime(2026, 11, 29, 10, 30, 0)
TODAY = NOW.date()
FROZEN = TimeSource(frozen_at=NOW)


def days(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def add(db: Store, order_id: str, title: str = "Item", **facts) -> None:
    values = {"order_id": order_id, "title": title, "price": "20.00", "currency": "USD", **facts}
    db.add_order(parse(OrderFacts, values))


def event(db: Store, order_id: str, kind: str, **values) -> None:
    db.record_event(order_id, parse(EventInput, {"kind": kind, **values}))


async def settle(pilot, app: AliretApp) -> None:
    """Let workers finish and the screen catch up, the dashboard's orders all read
    (its load starts after the first frame: on a busy machine, after these pauses)."""
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    for _ in range(250):  # at most about 5 s: a test may hold the load back on purpose
        dashboard = next(
            (screen for screen in app.screen_stack if isinstance(screen, DashboardScreen)), None
        )
        if dashboard is None or dashboard.loaded:
            break
        await pilot.pause(0.02)
        await app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app: AliretApp) -> str:
    """Everything on screen, as plain text (what the user reads)."""
    return "\n".join(
        "".join(segment.text for segment in strip)
        for strip in app.screen._compositor.render_strips()
    )
