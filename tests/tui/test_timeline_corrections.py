"""Undo and correct on the Timeline tab (issue 13): u takes back the last event after
asking, e corrects an event in its own form, the order follows the corrected
timeline, and what was there stays on the record below it. Copying the timeline
offers a file when there is no clipboard tool."""

from __future__ import annotations

from support.tui import add, days, event, screen_text, settle

from aliret_tui.store.store import Store
from aliret_tui.tui.screens.detail import DetailScreen
from aliret_tui.tui.screens.detail.forms import EventFormScreen, PromptScreen
from aliret_tui.tui.screens.modals import ConfirmScreen

SIZE = (120, 36)


def refused_dispute(store: Store) -> None:
    add(store, "T1", "Wireless earbuds", delivered_on=days(-8))
    event(store, "T1", "open_dispute", on=days(-6), reason="wrong_item")
    event(store, "T1", "seller_refused", on=days(-4))


async def open_timeline(pilot, app) -> None:
    await settle(pilot, app)
    await pilot.press("enter")
    await settle(pilot, app)
    assert isinstance(app.screen, DetailScreen)
    await pilot.press("2")
    await settle(pilot, app)


async def test_u_takes_back_the_last_event_after_asking(make_app, store, db_path):
    refused_dispute(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_timeline(pilot, app)
        assert "[2] Seller refused" in screen_text(app)
        await pilot.press("u")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        assert 'Take back "Seller refused"' in screen_text(app)
        await pilot.press("y")
        await settle(pilot, app)
        text = screen_text(app)
        assert "[2] Seller refused" not in text
        assert "Corrected later" in text and 'Took back "Seller refused"' in text
    with Store(db_path) as reopened:
        assert reopened.get_order("T1").state.value == "awaiting_seller"


async def test_cancelling_the_question_takes_nothing_back(make_app, store, db_path):
    refused_dispute(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_timeline(pilot, app)
        await pilot.press("u", "n")
        await settle(pilot, app)
    with Store(db_path) as reopened:
        assert len(reopened.events("T1")) == 2


async def test_e_corrects_an_event_in_its_form_with_its_values_filled_in(make_app, store, db_path):
    refused_dispute(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_timeline(pilot, app)
        await pilot.press("e")
        await settle(pilot, app)
        await pilot.press("down", "enter")  # newest first: event 2, then event 1
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, EventFormScreen) and form.correcting.seq == 1
        assert form.query_one("#on").value == days(-6)
        assert form.query_one("#reason").value == "wrong_item"
        form.query_one("#on").value = days(-7)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen)
        assert f"date {days(-6)} → {days(-7)}" in screen_text(app)
    with Store(db_path) as reopened:
        assert reopened.get_order("T1").dispute.opened_on.isoformat() == days(-7)
        assert reopened.events("T1")[1].kind.value == "seller_refused"


async def test_a_correction_that_would_not_hold_keeps_the_form_open(make_app, store, db_path):
    refused_dispute(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_timeline(pilot, app)
        await pilot.press("e", "down", "enter")
        await settle(pilot, app)
        app.screen.query_one("#on").value = days(-2)  # after the refusal it led to
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, EventFormScreen)
        assert "event 2 (Seller refused)" in screen_text(app)
    with Store(db_path) as reopened:
        assert reopened.get_order("T1").dispute.opened_on.isoformat() == days(-6)


async def test_copy_without_a_clipboard_tool_offers_a_file(make_app, store, monkeypatch, tmp_path):
    import aliret_tui.tui.screens.detail.screen as detail_screen

    monkeypatch.setattr(detail_screen, "clipboard_commands", lambda: [])
    monkeypatch.setattr("aliret_tui.tui.clipboard.clipboard_commands", lambda: [])
    monkeypatch.chdir(tmp_path)
    refused_dispute(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_timeline(pilot, app)
        await pilot.press("c")
        await settle(pilot, app)
        assert isinstance(app.screen, PromptScreen)
        assert "No clipboard tool was found" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot, app)
    saved = (tmp_path / "timeline-T1.txt").read_text(encoding="utf-8")
    assert saved.startswith("Order T1: Wireless earbuds") and "Seller refused" in saved


async def test_help_on_the_order_screen_shows_its_keys(make_app, store):
    refused_dispute(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_timeline(pilot, app)
        await pilot.press("question_mark")
        await settle(pilot, app)
        text = screen_text(app)
        assert "take back the last event" in text and "attach a file" in text
        assert "cycle the filter" not in text  # the dashboard's keys stay on its help
        await pilot.press("escape", "escape")
        await settle(pilot, app)
        await pilot.press("question_mark")
        await settle(pilot, app)
        assert "cycle the filter" in screen_text(app)
