"""Escalation timing on the order screen (issue 13): recording "Escalated to
mediation" before day 4 of the dispute keeps the form open and says, at the date,
from when it is possible and why; on day 4 it is recorded; correcting an escalation
to before that day is refused naming the event. Nothing is written when refused."""

from __future__ import annotations

import re

from support.tui import add, days, event, screen_text, settle

from aliret_tui.domain.states import OrderState
from aliret_tui.store.store import Store
from aliret_tui.tui.screens.detail import DetailScreen
from aliret_tui.tui.screens.detail.forms import EventFormScreen, EventPickerScreen

SIZE = (120, 36)


def refused(store: Store, opened: int) -> None:
    """A dispute opened ``opened`` days ago (negative), refused by the seller that day."""
    add(store, "A1", "Jacket, size L", delivered_on=days(opened - 2))
    event(store, "A1", "open_dispute", on=days(opened), reason="wrong_size")
    event(store, "A1", "seller_refused", on=days(opened))


async def open_order(pilot, app) -> DetailScreen:
    await settle(pilot, app)
    await pilot.press("enter")
    await settle(pilot, app)
    assert isinstance(app.screen, DetailScreen)
    return app.screen


async def escalate_now(pilot, app, opens_on: str | None) -> None:
    """r, e, ctrl+s; the menu says from which day escalation opens while it is ahead."""
    await pilot.press("r")
    await settle(pilot, app)
    assert isinstance(app.screen, EventPickerScreen)
    shown = screen_text(app)
    assert "Escalated to mediation" in shown
    if opens_on is None:
        assert "· from" not in shown
    else:
        assert f"Escalated to mediation  · from {opens_on}" in shown
    await pilot.press("e")
    await settle(pilot, app)
    assert isinstance(app.screen, EventFormScreen)
    await pilot.press("ctrl+s")
    await settle(pilot, app)


def one_line(text: str) -> str:
    """The screen's words in one line: a message wrapped in a narrow form reads whole."""
    return " ".join(re.sub(r"[│┃|▌▐▎▊]", " ", text).split())


async def test_escalating_on_day_2_keeps_the_form_open_and_says_when(make_app, store, db_path):
    refused(store, opened=-2)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_order(pilot, app)
        assert f"possible from {days(2)}" in one_line(screen_text(app))  # the overview's hint
        await escalate_now(pilot, app, opens_on=str(days(2)))
        form = app.screen
        assert isinstance(form, EventFormScreen), "the refused form stays open"
        error = form.query_one("#error-on")  # at the date, the value that is too early
        assert error.has_class("-shown")
        message = (
            f'"Escalated to mediation" is possible from {days(2)}, in 2 days (day 4 after the '
            f"dispute was opened on {days(-2)})"
        )
        assert str(error.render()) == message  # the label, never the internal id
        assert "is possible from" in screen_text(app)
    with Store(db_path) as reopened:
        assert reopened.get_order("A1").state is OrderState.SELLER_REFUSED
        assert [e.kind.value for e in reopened.events("A1")] == ["open_dispute", "seller_refused"]


async def test_escalating_on_day_4_is_recorded(make_app, store, db_path):
    refused(store, opened=-4)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_order(pilot, app)
        await escalate_now(pilot, app, opens_on=None)
        assert isinstance(app.screen, DetailScreen), screen_text(app)
        assert "in mediation" in screen_text(app)
    with Store(db_path) as reopened:
        assert reopened.get_order("A1").dispute.escalated_on.isoformat() == days(0)


async def test_correcting_an_escalation_to_before_day_4_is_refused_naming_it(
    make_app, store, db_path
):
    refused(store, opened=-8)
    event(store, "A1", "escalated", on=days(-3))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_order(pilot, app)
        await pilot.press("2", "e")  # Timeline, correct an event
        await settle(pilot, app)
        await pilot.press("enter")  # newest first: event 3, the escalation
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, EventFormScreen) and form.correcting.seq == 3
        await pilot.click("#on")
        await pilot.press("home", "ctrl+k", *"-6", "ctrl+s")  # day 2 of the dispute
        await settle(pilot, app)
        assert isinstance(app.screen, EventFormScreen), "the refused correction stays open"
        shown = one_line(screen_text(app))
        assert "event 3 (Escalated to mediation)" in shown, shown
        assert f"before {days(-4)}, the first day to escalate" in shown, shown
    with Store(db_path) as reopened:
        assert reopened.get_order("A1").dispute.escalated_on.isoformat() == days(-3)
        assert reopened.event_corrections("A1") == []
