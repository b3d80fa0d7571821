"""The edit form as a person uses it: typing adds to a value instead of replacing
it, and a save refused because the order changed elsewhere keeps what was typed."""

from __future__ import annotations

from support.tui import add, screen_text, settle

from aliret_tui.store.store import Store
from aliret_tui.tui.screens.order_form import OrderFormScreen


async def test_typing_in_the_title_adds_to_it(make_app, store, db_path):
    add(store, "E1", "Winter jacket")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("e")
        await settle(pilot, app)
        assert isinstance(app.screen, OrderFormScreen)
        await pilot.press("space", "X", "L", "ctrl+s")
        await settle(pilot, app)
    with Store(db_path) as reopened:
        assert reopened.get_order("E1").title == "Winter jacket XL"


async def test_a_change_made_elsewhere_keeps_what_was_typed(make_app, store, db_path):
    add(store, "E1", "Winter jacket")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("e")
        await settle(pilot, app)
        await pilot.press("space", "X", "L")
        with Store(db_path) as elsewhere:  # another window saves first
            order = elsewhere.get_order("E1")
            elsewhere.update_order(order.facts.replace(store="Nordic"))
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, OrderFormScreen)  # still open, nothing lost
        text = screen_text(app)
        assert "changed elsewhere" in text and "store: (none) → Nordic" in text
        assert app.screen.query_one("#title").value == "Winter jacket XL"
        await pilot.press("ctrl+s")  # the second save puts it over the other change
        await settle(pilot, app)
        assert not isinstance(app.screen, OrderFormScreen)
    with Store(db_path) as reopened:
        assert reopened.get_order("E1").title == "Winter jacket XL"
