"""The dashboard driven with keys, checked on screen and in the store."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable

import pytest
from support.tui import TODAY, add, days, event, screen_text, settle

from aliret_tui.store.store import Store
from aliret_tui.tui.screens.dashboard import DashboardScreen
from aliret_tui.tui.screens.modals import ArchiveScreen, ConfirmScreen
from aliret_tui.tui.screens.order_form import OrderFormScreen
from aliret_tui.tui.storage import StoreAccess
from aliret_tui.tui.widgets.countdown_panel import CountdownPanel
from aliret_tui.tui.widgets.orders_table import OrdersTable


def table_ids(app) -> list[str]:
    return [row.order_id for row in app.screen.query_one(OrdersTable).rows]


def card_ids(app) -> list[str]:
    return [card.order_id for card in app.screen.query_one(CountdownPanel).cards]


async def type_text(pilot, text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])


async def test_add_an_order_through_the_form(make_app, db_path):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        assert "No orders yet." in screen_text(app)
        await pilot.press("a")
        await settle(pilot, app)
        assert isinstance(app.screen, OrderFormScreen)
        await type_text(pilot, "8175000000000001")
        await pilot.press("tab")
        await type_text(pilot, "Desk lamp")
        await pilot.press("tab")
        await type_text(pilot, "12.50")
        await pilot.press("tab")
        await type_text(pilot, "usd")
        for _ in range(4):  # store, country, ordered on -> delivered on
            await pilot.press("tab")
        await type_text(pilot, days(-3))
        await pilot.press("ctrl+s")
        await settle(pilot, app)

        assert isinstance(app.screen, DashboardScreen)
        assert table_ids(app) == ["8175000000000001"]
        assert card_ids(app) == ["8175000000000001"]
        text = screen_text(app)
        assert "Desk lamp" in text and "12.50 USD" in text
        assert "Inspect the item" in text  # the countdown card
        with Store(db_path) as store:
            order = store.get_order("8175000000000001")
        assert str(order.price) == "12.50" and order.currency == "USD"
        assert order.delivered_on.isoformat() == days(-3)


async def test_form_shows_a_bad_value_at_its_field_and_saves_nothing(make_app, db_path):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("a")
        await settle(pilot, app)
        await type_text(pilot, "X1")
        await pilot.press("tab")
        await type_text(pilot, "Cable")
        await pilot.press("tab")
        await type_text(pilot, "-4")
        await pilot.press("tab")
        await type_text(pilot, "USD")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, OrderFormScreen)
        assert "must be more than 0" in screen_text(app)
        assert app.focused.id == "price"
        await pilot.press("escape")
        await settle(pilot, app)
    with Store(db_path) as store:
        assert store.list_orders(include_archived=True) == []


async def test_form_refuses_a_duplicate_order_number_at_the_field(make_app, store):
    add(store, "DUP", "Existing")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("a")
        await settle(pilot, app)
        await type_text(pilot, "DUP")
        for value in ("Other", "5", "USD"):
            await pilot.press("tab")
            await type_text(pilot, value)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, OrderFormScreen)
        assert "already exists" in screen_text(app)
    assert [order.title for order in store.list_orders()] == ["Existing"]


async def test_edit_changes_the_order(make_app, store, db_path):
    add(store, "E1", "Old title")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("e")
        await settle(pilot, app)
        assert isinstance(app.screen, OrderFormScreen)
        await pilot.press("ctrl+a", "ctrl+k")  # clear the title field
        await type_text(pilot, "New title")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "New title" in screen_text(app)
    with Store(db_path) as reopened:
        assert reopened.get_order("E1").title == "New title"


async def test_search_filters_incrementally(make_app, store):
    add(store, "1001", "USB cable", store="Cable World")
    add(store, "1002", "Desk lamp", store="Lumen")
    add(store, "1003", "Cable ties", store="Home")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", "c", "a", "b")
        await settle(pilot, app)
        assert sorted(table_ids(app)) == ["1001", "1003"]
        await pilot.press("l", "e", "space", "w")
        await settle(pilot, app)
        assert table_ids(app) == ["1001"]  # "cable w": both words, title or store
        await pilot.press("escape")
        await settle(pilot, app)
        assert len(table_ids(app)) == 3
        await pilot.press("slash", *"1002", "enter")
        await settle(pilot, app)
        assert table_ids(app) == ["1002"]
        assert isinstance(app.focused, OrdersTable)


async def test_filter_cycles_active_disputes_closed_all(make_app, store):
    add(store, "OPEN", "Open window", delivered_on=days(-2))
    add(store, "DISP", "In dispute", delivered_on=days(-3))
    event(store, "DISP", "open_dispute", reason="wrong_size")
    add(store, "KEPT", "Kept", delivered_on=days(-10))
    event(store, "KEPT", "keep")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        assert sorted(table_ids(app)) == ["DISP", "OPEN"]
        assert "Orders · active" in screen_text(app)
        await pilot.press("f")
        await settle(pilot, app)
        assert table_ids(app) == ["DISP"]
        await pilot.press("f")
        await settle(pilot, app)
        assert table_ids(app) == ["KEPT"]
        await pilot.press("f")
        await settle(pilot, app)
        assert sorted(table_ids(app)) == ["DISP", "KEPT", "OPEN"]
        await pilot.press("f")
        await settle(pilot, app)
        assert "Orders · active" in screen_text(app)


async def test_archive_with_confirm_and_with_cancel(make_app, store, db_path):
    add(store, "KEEP-ME", "Stays")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("x")
        await settle(pilot, app)
        assert isinstance(app.screen, ArchiveScreen)
        await pilot.press("escape")  # cancel
        await settle(pilot, app)
        assert table_ids(app) == ["KEEP-ME"]
        with Store(db_path) as reopened:
            assert reopened.get_order("KEEP-ME").archived is False

        await pilot.press("x")
        await settle(pilot, app)
        await pilot.press("a")  # archive
        await settle(pilot, app)
        assert table_ids(app) == []
        with Store(db_path) as reopened:
            assert reopened.get_order("KEEP-ME").archived is True
        await pilot.press("f", "f")  # closed shows archived orders
        await settle(pilot, app)
        assert table_ids(app) == ["KEEP-ME"]
        assert "archived · " in screen_text(app)


async def test_delete_asks_twice_and_cancel_keeps_the_order(make_app, store, db_path):
    add(store, "D1", "Delete me")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("x", "d")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot, app)
        with Store(db_path) as reopened:
            assert reopened.has_order("D1")
        await pilot.press("x", "d")
        await settle(pilot, app)
        await pilot.press("y")
        await settle(pilot, app)
        assert table_ids(app) == []
    with Store(db_path) as reopened:
        assert not reopened.has_order("D1")


async def until(pilot, condition: Callable[[], bool], seconds: float) -> bool:
    """Pause until ``condition()`` holds, for at most ``seconds``. Unlike waiting on
    the workers, this cannot fail because the app cancelled one it no longer needs."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        await pilot.pause(0.05)
    return True


@pytest.mark.parametrize("store_delay", [0.0, 1.2], ids=["quick-store", "store-slower-than-poll"])
async def test_changes_from_another_shell_appear(
    make_app, store, db_path, monkeypatch, store_delay
):
    """The test waits on what the user sees, never on the workers. The dashboard's
    poll runs every second, exclusively: on a busy machine a poll outlasts the second
    and the next one cancels it, and `wait_for_complete` then raised WorkerCancelled.
    The slow-store run makes every store call outlast the poll interval."""
    add(store, "FIRST", "Already here", delivered_on=days(-1))
    if store_delay:
        real_call = StoreAccess.call

        def slow_call(self, action):
            time.sleep(store_delay)
            return real_call(self, action)

        monkeypatch.setattr(StoreAccess, "call", slow_call)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        assert await until(pilot, lambda: app.screen.loaded, 20)
        assert table_ids(app) == ["FIRST"]
        result = subprocess.run(
            [sys.executable, "-m", "aliret_tui", "--db", str(db_path), "--today",
             TODAY.isoformat(), "add", "SECOND", "--title", "Added elsewhere",
             "--price", "9.99", "--currency", "EUR", "--delivered", days(-2)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert await until(pilot, lambda: "SECOND" in table_ids(app), 20)  # polled each second
        assert sorted(table_ids(app)) == ["FIRST", "SECOND"]
        assert "Added elsewhere" in screen_text(app)


async def test_hostile_titles_show_literally_and_run_nothing(make_app, store):
    hostile = ["USB cable [/2 pack]", "[@click=app.quit]x[/]", "[link=file:///etc/passwd]x[/link]"]
    for number, title in enumerate(hostile):
        add(store, f"H{number}", title, store="[red]Shop[/]", delivered_on=days(-1))
    app = make_app()
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot, app)
        await pilot.click(OrdersTable, offset=(20, 2))
        await pilot.click(OrdersTable, offset=(20, 2))  # a second click opens it
        await settle(pilot, app)
        await pilot.press("escape")
        await settle(pilot, app)
        text = screen_text(app)
        assert app.is_running
        for title in hostile:
            assert title in text
        assert "[red]Shop[/]" in text


async def test_keys_move_and_footer_hides_what_does_not_apply(make_app, store):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        footer = screen_text(app).splitlines()[-1]
        assert "Add" in footer and "Edit" not in footer and "Archive" not in footer
    add(store, "M1", "One", delivered_on=days(-1))
    add(store, "M2", "Two", delivered_on=days(-2))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        footer = screen_text(app).splitlines()[-1]
        assert "Edit" in footer and "Archive" in footer
        table = app.screen.query_one(OrdersTable)
        first = table.highlighted_row.order_id
        await pilot.press("j")
        assert table.highlighted_row.order_id != first
        await pilot.press("k")
        assert table.highlighted_row.order_id == first
        await pilot.press("down", "up")
        assert table.highlighted_row.order_id == first


async def test_it_fits_80_by_24(make_app, store):
    add(store, "8175000000000001", "Wireless earbuds", delivered_on=days(-15))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        text = screen_text(app)
        assert "…000000001" in text and "Wireless earbuds" in text
        assert "today" in text  # days left, for a deadline that is today
        assert "Add" in text.splitlines()[-1]


async def test_live_orders_show_before_the_store_has_opened(make_app, store, monkeypatch):
    """The first frame does not wait for the store (its imports, migrations and
    backups): the live orders were read straight from SQLite before the app ran."""
    import threading

    from aliret_tui.tui.storage import StoreAccess

    add(store, "LIVE1", "Desk lamp", delivered_on=days(-3))
    add(store, "OLD1", "Old cable", delivered_on=days(-200))
    store_may_open = threading.Event()
    opening = StoreAccess.call

    def slow_call(self, action):
        store_may_open.wait(10)
        return opening(self, action)

    monkeypatch.setattr(StoreAccess, "call", slow_call)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert table_ids(app) == ["LIVE1"]
        assert "Desk lamp" in screen_text(app)
        store_may_open.set()
        await settle(pilot, app)
        await pilot.press("f", "f", "f")  # all
        await settle(pilot, app)
        assert sorted(table_ids(app)) == ["LIVE1", "OLD1"]


def test_the_first_frame_needs_neither_pydantic_nor_sqlite_utils(db_path, store):
    """What runs before the first frame (the command line, the app, the dashboard
    and the quick read) leaves the heavy store imports for later."""
    add(store, "LIVE1", "Desk lamp", delivered_on=days(-3))
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "import aliret_tui.main\n"
        "from aliret_tui.timesource import TimeSource\n"
        "from aliret_tui.tui.app import AliretApp\n"
        "from aliret_tui.tui.screens.dashboard import DashboardScreen\n"
        f"app = AliretApp.with_first_rows(db_path=Path({str(db_path)!r}), time=TimeSource())\n"
        "assert [row.order_id for row in app.take_first_rows()] == ['LIVE1']\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'sqlite_utils')))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


async def test_a_search_with_matches_only_under_another_filter_offers_them(make_app, store):
    add(store, "1001", "USB cable", delivered_on=days(-2))
    add(store, "1002", "Camera tripod", delivered_on=days(-40))
    event(store, "1002", "keep", on=days(-35))  # closed: not under "active"
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("slash", *"tripod")
        await settle(pilot, app)
        assert table_ids(app) == []
        text = " ".join(screen_text(app).split())
        assert "Nothing active matches “tripod”, but 1 order under “closed” does." in text
        assert "Press enter to show them" in text
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen.order_filter.value == "closed"
        assert table_ids(app) == ["1002"]
        await pilot.press("slash", "ctrl+u", *"nothing like it")
        await settle(pilot, app)
        assert "Nothing matches “nothing like it”." in " ".join(screen_text(app).split())


async def test_keys_typed_in_one_burst_with_slash_land_in_the_search_box(make_app, store):
    """Fast typing, or a slow SSH link, delivers "/cable" in one read: every key is
    queued before "/" has opened the box, and none may go to the table instead."""
    from textual import events
    from textual.widgets import Input

    add(store, "A1", "Lamp", delivered_on=days(-3))
    add(store, "A2", "USB cable [/2 pack]", delivered_on=days(-2))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        for character in "/cable":
            app.post_message(events.Key("slash" if character == "/" else character, character))
        await settle(pilot, app)
        search = app.screen.query_one("#search", Input)
        assert search.has_focus
        assert search.value == "cable"
        await pilot.press("space", "slash", "2")  # a "/" typed in the box is searched for
        await settle(pilot, app)
        assert search.value == "cable /2"
        table = app.screen.query_one(OrdersTable)
        assert [row.order_id for row in table.rows] == ["A2"]
        assert app.screen.sort_by == "urgency"  # no "s" reached the table
