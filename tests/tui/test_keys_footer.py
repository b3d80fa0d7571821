"""The footer: the keys that apply now, rebuilt without piling up old keys."""

from __future__ import annotations

import gc

from support.tui import add, days, screen_text, settle
from textual.widgets import TabbedContent
from textual.widgets._footer import FooterKey

from aliret_tui.tui.widgets.keys_footer import KeysFooter


def keys_alive() -> int:
    gc.collect()
    return sum(isinstance(thing, FooterKey) for thing in gc.get_objects())


async def test_rebuilding_the_footer_lets_the_old_keys_go(make_app, store):
    add(store, "A1", "Lamp", delivered_on=days(-3))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        shown = len(app.screen.query_one(KeysFooter).query(FooterKey))
        assert shown > 3
        for _ in range(10):  # open and close the search: the footer changes each time
            await pilot.press("slash")
            await settle(pilot, app)
            await pilot.press("escape")
            await settle(pilot, app)
        assert "Edit" in screen_text(app)
        # Textual's own footer keeps every key it ever showed (issue #6666).
        assert keys_alive() <= 3 * shown


async def test_calls_in_a_row_rebuild_the_footer_once(make_app, store):
    add(store, "A1", "Lamp", delivered_on=days(-3))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")  # the order screen: its tabs have keys of their own
        await settle(pilot, app)
        footer = app.screen.query_one(KeysFooter)
        rebuilds = []
        original = footer.recompose

        async def counted_recompose():
            rebuilds.append(1)
            await original()

        footer.recompose = counted_recompose
        app.screen.query_one(TabbedContent).active = "chat"  # m, i ... now apply
        for _ in range(5):
            app.screen.refresh_bindings()
        await settle(pilot, app)
        assert len(rebuilds) == 1
        assert "Add message" in screen_text(app)


async def test_the_same_keys_are_not_built_again(make_app, store):
    add(store, "A1", "Lamp", delivered_on=days(-3))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        footer = app.screen.query_one(KeysFooter)
        keys = list(footer.query(FooterKey))
        for _ in range(5):
            app.screen.refresh_bindings()
            await settle(pilot, app)
        assert list(footer.query(FooterKey)) == keys  # the very same widgets
        assert "Edit" in screen_text(app)
