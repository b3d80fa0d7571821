"""The detail screen driven by keys alone, from delivery to refund."""

from __future__ import annotations

import re
from decimal import Decimal

from support.tui import add, days, screen_text, settle
from textual.widgets import Select

from aliret_tui.domain.states import OrderState
from aliret_tui.store.store import Store
from aliret_tui.tui.screens.detail import DetailScreen
from aliret_tui.tui.screens.detail.forms import (
    CLOSING_EVENTS,
    EventFormScreen,
    EventPickerScreen,
)
from aliret_tui.tui.screens.modals import ConfirmScreen


async def open_first_order(pilot, app) -> DetailScreen:
    await settle(pilot, app)
    await pilot.press("enter")
    await settle(pilot, app)
    assert isinstance(app.screen, DetailScreen)
    return app.screen


async def record(pilot, app, event_key: str, *keys: str) -> None:
    """r, the event's key, then the form's keys, then ctrl+s."""
    await pilot.press("r")
    await settle(pilot, app)
    assert isinstance(app.screen, EventPickerScreen)
    await pilot.press(event_key)
    await settle(pilot, app)
    assert isinstance(app.screen, EventFormScreen), f"no form for {event_key!r}"
    closing = app.screen.kind in CLOSING_EVENTS
    await pilot.press(*keys, "ctrl+s")
    await settle(pilot, app)
    if closing:  # an event that closes the order asks first
        assert isinstance(app.screen, ConfirmScreen), screen_text(app)
        await pilot.press("y")
        await settle(pilot, app)
    assert isinstance(app.screen, DetailScreen), screen_text(app)


def stored(db_path, order_id="A1"):
    with Store(db_path) as store:
        return store.get_order(order_id), store.events(order_id), store.evidence(order_id)


async def choose(pilot, app, option_text: str) -> None:
    """Open the focused Select and pick the option whose label is ``option_text``."""
    select = (
        app.focused.parent if app.focused.__class__.__name__ == "SelectCurrent" else app.focused
    )
    await pilot.press("enter")
    await settle(pilot, app)
    labels = [str(option.prompt) for option in app.focused.options]
    steps = labels.index(option_text) - app.focused.highlighted
    await pilot.press(*(["down"] * steps), "enter")
    await settle(pilot, app)
    assert select is not None


async def test_happy_path_by_keys(make_app, store, db_path):
    add(store, "A1", "Jacket, size L", ordered_on=days(-20))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        detail = await open_first_order(pilot, app)
        assert "in transit" in screen_text(app)

        # Delivered 8 days ago, dispute opened 6 days ago: escalating (day 4 of the
        # dispute) is possible today. The date field is cleared and typed.
        await record(pilot, app, "d", "home", "ctrl+k", *"-8")  # delivered
        order, events, _ = stored(db_path)
        assert order.state is OrderState.WINDOW_OPEN and order.delivered_on.isoformat() == days(-8)
        assert "window open" in screen_text(app)

        await pilot.press("r", "o")
        await settle(pilot, app)
        await choose(pilot, app, "wrong size")
        await pilot.click("#on")
        await pilot.press("home", "ctrl+k", *"-6", "ctrl+s")
        await settle(pilot, app)
        order, events, evidence = stored(db_path)
        assert order.state is OrderState.AWAITING_SELLER
        assert order.dispute.reason.value == "wrong_size"
        assert order.dispute.opened_on.isoformat() == days(-6)
        assert "Photo of the size label" in [item.label for item in evidence]
        assert "dispute: awaiting seller" in screen_text(app)

        await record(pilot, app, "f")  # seller refused
        assert stored(db_path)[0].state is OrderState.SELLER_REFUSED
        assert "Seller refused: escalate now" in screen_text(app)

        await record(pilot, app, "e")  # escalated
        assert stored(db_path)[0].state is OrderState.IN_MEDIATION
        assert "in mediation" in screen_text(app)

        await pilot.press("r", "w")
        await settle(pilot, app)
        await choose(pilot, app, "return and refund")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        order, _, evidence = stored(db_path)
        assert order.state is OrderState.RETURN_APPROVED
        assert "Proof of postage (receipt photo)" in [item.label for item in evidence]
        assert "Pack and ship the item back" in screen_text(app)

        await record(pilot, app, "s", *"LP123CN", "tab", *"Cainiao")
        order, _, _ = stored(db_path)
        assert order.state is OrderState.RETURN_SHIPPED
        assert order.dispute.return_shipment.tracking == "LP123CN"
        assert order.dispute.return_shipment.carrier == "Cainiao"
        assert "LP123CN (Cainiao)" in screen_text(app)

        await record(pilot, app, "v")  # seller got it
        assert stored(db_path)[0].state is OrderState.REFUND_PENDING
        assert "Wait for the refund" in screen_text(app)

        await record(pilot, app, "m", *"15.00")  # partial refund
        order, events, _ = stored(db_path)
        assert order.state is OrderState.REFUNDED
        assert order.dispute.refund.amount == Decimal("15.00")
        assert "partial: 5.00 short" in screen_text(app)
        assert [e.kind.value for e in events] == [
            "delivered",
            "open_dispute",
            "seller_refused",
            "escalated",
            "mediation_won",
            "return_shipped",
            "return_delivered",
            "refunded",
        ]
        assert detail.allowed == []  # closed: nothing more to record


async def test_refund_without_return(make_app, store, db_path):
    add(store, "A1", "Kitchen scale", price="8.90", delivered_on=days(-5))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_order(pilot, app)
        assert "Refund without return is likely" in screen_text(app)

        await pilot.press("r", "o")
        await settle(pilot, app)
        await choose(pilot, app, "item defective")
        await pilot.press("tab")
        await choose(pilot, app, "refund only (keep the item)")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        order, _, _ = stored(db_path)
        assert order.dispute.outcome.value == "refund_only"
        assert "–  tracking (no return)" in screen_text(app)

        await record(pilot, app, "a")  # seller agreed, no return
        order, _, _ = stored(db_path)
        assert order.state is OrderState.REFUND_PENDING
        assert order.dispute.return_shipment is None
        assert "refund pending" in screen_text(app)

        await record(pilot, app, "m")  # refunded, full amount by default
        order, _, _ = stored(db_path)
        assert order.state is OrderState.REFUNDED
        assert order.dispute.refund.amount == Decimal("8.90")
        assert re.search(r"Refund kind\s+full", screen_text(app))


async def test_events_not_allowed_are_not_offered(make_app, store, db_path):
    add(store, "A1", "Lamp", delivered_on=days(-3))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_order(pilot, app)
        await pilot.press("r")
        await settle(pilot, app)
        picker = app.screen
        assert isinstance(picker, EventPickerScreen)
        assert [kind.value for kind in picker.allowed] == ["keep", "open_dispute"]
        await pilot.press("f")  # seller_refused's key: not offered, nothing happens
        await settle(pilot, app)
        assert app.screen is picker
        await pilot.press("escape")
        await settle(pilot, app)
        assert stored(db_path)[1] == []


async def test_escape_returns_to_dashboard_keeping_cursor_and_filter(make_app, store):
    for number in range(1, 6):
        add(store, f"B{number}", f"Order {number}", delivered_on=days(-number))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("f", "f", "f")  # active -> disputes -> closed -> all
        await settle(pilot, app)
        await pilot.press("j", "j")
        dashboard = app.screen
        before = dashboard.query_one("OrdersTable").highlighted_row.order_id
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.order_id == before
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is dashboard
        assert dashboard.order_filter.value == "all"
        assert dashboard.query_one("OrdersTable").highlighted_row.order_id == before


async def test_dashboard_shows_what_the_detail_screen_changed(make_app, store):
    add(store, "A1", "Lamp", delivered_on=days(-3))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_order(pilot, app)
        await record(pilot, app, "k")  # keep the item: the order is closed
        await pilot.press("escape")
        await settle(pilot, app)
        dashboard = app.screen
        assert dashboard.query_one("OrdersTable").rows == []  # gone from "active"
        await pilot.press("f", "f")  # disputes -> closed
        await settle(pilot, app)
        row = dashboard.query_one("OrdersTable").rows[0]
        assert (row.order_id, row.state_label) == ("A1", "kept")
        assert "kept" in screen_text(app)


async def test_an_event_that_closes_the_order_asks_first(make_app, store, db_path):
    add(store, "A1", "Wireless earbuds", delivered_on=days(-3))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_order(pilot, app)
        await pilot.press("r", "k")
        await settle(pilot, app)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        assert 'Record "Kept the item"? This keeps the item and closes the order' in (
            " ".join(screen_text(app).split())
        )
        await pilot.press("n")  # not now: back to the form, nothing recorded
        await settle(pilot, app)
        assert isinstance(app.screen, EventFormScreen)
        assert stored(db_path)[1] == []
        await pilot.press("ctrl+s", "y")
        await settle(pilot, app)
    assert stored(db_path)[0].state.value == "kept"


async def test_the_event_form_starts_where_input_is_needed_and_clears_errors(make_app, store):
    add(store, "A1", "Wireless earbuds", delivered_on=days(-3))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_first_order(pilot, app)
        await pilot.press("r", "o")  # open a dispute: the reason is needed first
        await settle(pilot, app)
        form = app.screen
        assert form.focused is form.query_one("#reason")
        await pilot.press("ctrl+s")  # no reason: refused at the field
        await settle(pilot, app)
        assert form.query_one("#error-reason").has_class("-shown")
        await pilot.press("enter", "down", "enter")  # open the list, choose a reason
        await settle(pilot, app)
        assert form.query_one("#reason").value != Select.NULL
        assert not form.query_one("#error-reason").has_class("-shown")  # the error went
        await pilot.press("enter")  # on the chosen select: on to the next field
        await settle(pilot, app)
        assert form.focused is form.query_one("#outcome")
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("r", "k")  # keep needs nothing typed: enter records it
        await settle(pilot, app)
        assert app.screen.focused is app.screen.query_one("#save")
