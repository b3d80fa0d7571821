"""The add form refuses the values ``aliret-tui add`` refuses, at the field.

Each bad value is typed with keys into its field of an otherwise valid form; ctrl+s
must leave the form open, show the error under that field, put the cursor there,
and store nothing.
"""

from __future__ import annotations

from support.tui import add, days, screen_text, settle

from aliret_tui.store.store import Store
from aliret_tui.tui.screens.dashboard import DashboardScreen
from aliret_tui.tui.screens.order_form import OrderFormScreen

VALID = {"order_id": "8175000000000042", "title": "Desk lamp", "price": "12.50",
         "currency": "USD"}  # fmt: skip
# (field, typed value, what the message under the field says), tried one after the
# other in the same form, each after the previous one was put right.
BAD = [
    ("price", "-1", "must be more than 0"),
    ("price", "1.2345", "USD allows at most 2 decimal places"),
    ("currency", "XYZ", "unknown currency code 'XYZ'"),
    ("country", "ZZ", "unknown country code 'ZZ'"),
    ("delivered_on", "2026-02-30", "is not a real calendar date"),
    ("delivered_on", days(1), "is in the future"),
    ("protection_ends", "2026-02-30", "is not a real calendar date"),
    ("window_days", "0", "must be between 1 and 3650"),
    ("window_days", "two", "must be a whole number of days"),
    ("currency", "JPY", "JPY allows at most 0 decimal places"),  # for the price 12.50
    ("order_id", "EXISTING", "already exists"),  # refused by the store, shown at the field
]
# Where the error of each case shows (JPY makes the price wrong, not the currency).
SHOWN_AT = {"JPY": "price"}
TEXT_FIELDS = (*VALID, "store", "country", "ordered_on", "delivered_on", "window_days",
               "protection_ends")  # fmt: skip


def painted_in(app, region) -> str:
    """The text on screen inside ``region`` (ASCII here: one character a cell)."""
    lines = screen_text(app).splitlines()
    rows = [lines[y][region.x : region.right] for y in range(region.y, region.bottom)]
    return " ".join(" ".join(rows).split())


async def type_into(pilot, form, field: str, text: str) -> None:
    """Empty the field, then type ``text`` into it key by key."""
    field_input = form.query_one(f"#{field}")
    field_input.value = ""
    field_input.focus()
    await pilot.pause()
    await pilot.press(*("space" if ch == " " else ch for ch in text))
    assert field_input.value == text


async def test_the_form_refuses_each_bad_value_at_its_field(make_app, store, db_path):
    add(store, "EXISTING", "Already here")
    app = make_app()
    tried = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("a")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, OrderFormScreen)
        for name, value in VALID.items():
            form.query_one(f"#{name}").value = value
        for field, typed, message in BAD:
            await type_into(pilot, form, field, typed)
            await pilot.press("ctrl+s")
            if field == "order_id":
                await settle(pilot, app)  # the store refuses it, in a worker
            else:
                await pilot.pause()  # refused before any worker runs

            where = f"{field}={typed!r}"
            shown_at = SHOWN_AT.get(typed, field)
            assert app.screen is form, f"{where}: the form closed"
            error = form.query_one(f"#error-{shown_at}")
            shown = str(error.visual)
            assert message in shown, (where, shown)
            assert form.query_one(f"#field-{shown_at}").has_class("-invalid"), where
            field_input = form.query_one(f"#{shown_at}")
            assert error.region.y > field_input.region.y, f"{where}: not under the field"
            assert error.region.x == field_input.region.x, f"{where}: not under the field"
            assert app.focused is field_input, f"{where}: the cursor is elsewhere"
            painted = painted_in(app, error.region)
            assert " ".join(shown.split()) in painted, (where, painted)
            elsewhere = [
                name
                for name in TEXT_FIELDS
                if name != shown_at and str(form.query_one(f"#error-{name}").visual)
            ]
            assert elsewhere == [], f"{where}: errors shown at {elsewhere} too"
            with Store(db_path) as reopened:
                stored = [o.order_id for o in reopened.list_orders(include_archived=True)]
            assert stored == ["EXISTING"], f"{where}: something was stored"
            tried.append(where)
            # Put it right before the next one.
            form.query_one(f"#{field}").value = VALID.get(field, "")
            await pilot.pause()

        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, DashboardScreen)
        assert app.is_running and app.return_code is None
    assert len(tried) == len(BAD)


async def test_the_form_saves_once_the_value_is_corrected(make_app, db_path):
    """The refusals above are about the values: the same form, corrected, saves."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("a")
        await settle(pilot, app)
        form = app.screen
        for name, value in VALID.items():
            form.query_one(f"#{name}").value = value
        await type_into(pilot, form, "window_days", "0")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is form
        await pilot.press("backspace", "9", "0")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, DashboardScreen)
    with Store(db_path) as reopened:
        order = reopened.get_order(VALID["order_id"])
    assert order.window_days == 90 and str(order.price) == "12.50"
