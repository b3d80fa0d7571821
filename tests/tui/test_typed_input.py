"""The add form and the event form read values as people type them (issue 13):
``1.234,56``, an order number with spaces, ``-3`` for a date, with the date understood
shown beside the field as it is typed. Driven by keys, checked on screen and in the
store; the clock is the frozen one (2026-11-29), never the real date."""

from __future__ import annotations

from decimal import Decimal

from support.tui import TODAY, add, days, event, screen_text, settle

from aliret_tui.store.store import Store
from aliret_tui.tui.screens.dashboard import DashboardScreen
from aliret_tui.tui.screens.detail import DetailScreen
from aliret_tui.tui.screens.detail.forms import EventFormScreen, EventPickerScreen
from aliret_tui.tui.screens.order_form import OrderFormScreen

SIZE = (120, 36)
ID = "8175123456789012"


async def type_text(pilot, text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])


async def open_add_form(pilot, app) -> OrderFormScreen:
    await settle(pilot, app)
    await pilot.press("a")
    await settle(pilot, app)
    assert isinstance(app.screen, OrderFormScreen)
    return app.screen


async def fill(pilot, values: list[str]) -> None:
    """Type each value into the next field (the form's tab order), "" to skip one."""
    for number, value in enumerate(values):
        if number:
            await pilot.press("tab")
        await type_text(pilot, value)


def label_text(screen, name: str) -> str:
    return str(screen.query_one(f"#label-{name}").render())


async def test_the_add_form_takes_values_as_typed_and_shows_the_dates(make_app, db_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_add_form(pilot, app)
        # order number, title, price, currency, store, country, ordered on, delivered on
        await fill(pilot, ["8175 1234 5678 9012", "Desk lamp", "1.234,56", "eur", "", "",
                           "-10", "yester"])  # fmt: skip
        await settle(pilot, app)
        assert label_text(form, "ordered_on") == f"Ordered on  = {days(-10)}"
        assert label_text(form, "delivered_on") == "Delivered on"  # no date yet
        await type_text(pilot, "day")
        await settle(pilot, app)
        assert label_text(form, "delivered_on") == f"Delivered on  = {days(-1)}"
        assert f"Delivered on  = {days(-1)}" in screen_text(app)  # what the user reads
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, DashboardScreen), screen_text(app)
        assert not [note for note in app._notifications if note.title == "Note"]
    with Store(db_path) as store:
        order = store.get_order(ID)
    assert order.price == Decimal("1234.56") and order.currency == "EUR"
    assert order.ordered_on.isoformat() == days(-10)
    assert order.delivered_on.isoformat() == days(-1)


async def test_a_date_written_out_shows_nothing_more(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_add_form(pilot, app)
        await fill(pilot, [ID, "Lamp", "5", "USD", "", "", days(-4)])
        await settle(pilot, app)
        assert label_text(form, "ordered_on") == "Ordered on"
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "today")
        await settle(pilot, app)
        assert label_text(form, "ordered_on") == f"Ordered on  = {TODAY.isoformat()}"


async def test_an_ambiguous_price_is_shown_at_its_field_and_nothing_saved(make_app, db_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_add_form(pilot, app)
        await fill(pilot, [ID, "Desk lamp", "1,234", "EUR"])
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, OrderFormScreen)
        assert app.focused.id == "price"
        shown = str(app.screen.query_one("#error-price").render())
        assert shown == (
            "'1,234' is ambiguous (thousands or decimals?): type 1234 for thousands (EUR "
            "amounts have at most 2 decimals)"
        )
        await pilot.press("escape")
        await settle(pilot, app)
    with Store(db_path) as store:
        assert store.list_orders(include_archived=True) == []


async def test_an_unusual_order_number_is_saved_with_a_note(make_app, db_path):
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_add_form(pilot, app)
        await fill(pilot, ["PO-77", "Desk lamp", "12,50", "EUR"])
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, DashboardScreen), screen_text(app)
        notes = [(note.title, note.message) for note in app._notifications]
        assert (
            "Note",
            "order_id: 'PO-77' is not an AliExpress order number (15 or 16 digits); "
            "it was kept as typed",
        ) in notes
    with Store(db_path) as store:
        assert store.get_order("PO-77").price == Decimal("12.50")


async def test_editing_an_order_gives_no_note_on_its_number(make_app, store):
    add(store, "E1", "Old title")
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, app)
        await pilot.press("e")
        await settle(pilot, app)
        await pilot.press("tab", "ctrl+a", "ctrl+k")  # title -> price: clear it
        await type_text(pilot, "7,5")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, DashboardScreen), screen_text(app)
        assert not [note for note in app._notifications if note.title == "Note"]
    assert store.get_order("E1").price == Decimal("7.50")


async def open_event_form(pilot, app, key: str) -> EventFormScreen:
    await settle(pilot, app)
    await pilot.press("enter")
    await settle(pilot, app)
    assert isinstance(app.screen, DetailScreen)
    await pilot.press("r")
    await settle(pilot, app)
    assert isinstance(app.screen, EventPickerScreen)
    await pilot.press(key)
    await settle(pilot, app)
    assert isinstance(app.screen, EventFormScreen)
    return app.screen


async def test_the_event_form_takes_a_relative_date_and_shows_it(make_app, store):
    add(store, ID, "Lamp", ordered_on=days(-20))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_event_form(pilot, app, "d")  # delivered: only a date and a note
        assert app.focused.id == "on"
        assert label_text(form, "on") == "Date"  # prefilled with today, written out
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "-2")
        await settle(pilot, app)
        assert label_text(form, "on") == f"Date  = {days(-2)}"
        assert f"Date  = {days(-2)}" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen), screen_text(app)
    assert store.get_order(ID).delivered_on.isoformat() == days(-2)
    assert [e.on.isoformat() for e in store.events(ID)] == [days(-2)]


async def test_the_event_form_refuses_a_date_that_is_none_naming_the_forms(make_app, store):
    add(store, ID, "Lamp", ordered_on=days(-20))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_event_form(pilot, app, "d")
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "tomorrow")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is form
        assert str(form.query_one("#error-on").render()) == (
            "must be a date: YYYY-MM-DD, today, yesterday or -N for N days ago (got 'tomorrow')"
        )
    assert store.events(ID) == []


def _in_dispute(store, order_id: str, currency: str, price: str) -> None:
    add(store, order_id, "Camera", price=price, currency=currency, delivered_on=days(-5))
    event(store, order_id, "open_dispute", reason="item_defective", on=days(-3))


async def test_the_event_form_takes_an_amount_with_a_decimal_comma(make_app, store):
    _in_dispute(store, ID, "EUR", "20.00")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_event_form(pilot, app, "a")  # seller agreed: the amount first
        assert app.focused.id == "amount"
        await type_text(pilot, "10,5")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen), screen_text(app)
    assert store.events(ID)[-1].amount == Decimal("10.50")


async def test_the_event_form_reads_the_amount_in_the_orders_currency(make_app, store):
    _in_dispute(store, ID, "JPY", "30000")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_event_form(pilot, app, "a")
        await type_text(pilot, "1.234")  # in yen no decimals: thousands, or a slip?
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is form
        assert str(form.query_one("#error-amount").render()) == (
            "'1.234' is ambiguous (thousands or decimals?): type 1234 for thousands "
            "(JPY amounts have no decimals)"
        )
        await pilot.press("ctrl+a", "ctrl+k")
        await type_text(pilot, "1,234")  # a comma before three digits: yen thousands
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen), screen_text(app)
    assert store.events(ID)[-1].amount == Decimal("1234")
