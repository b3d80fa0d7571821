"""Bringing orders in from the dashboard: a pasted order page (bracketed paste), and
a file given by path, typed or dropped on the terminal. The plan shows first and
nothing is written until ctrl+s."""

from __future__ import annotations

from pathlib import Path

from support.sqlite_files import dump_database
from support.tui import settle

from aliret_tui.store.store import Store
from aliret_tui.tui.screens.dashboard import DashboardScreen
from aliret_tui.tui.screens.import_screens import ImportFileScreen, PasteScreen
from aliret_tui.tui.widgets.orders_table import OrdersTable

FIXTURES = Path(__file__).parents[1] / "importing" / "fixtures"
DETAIL_PAGE = (FIXTURES / "page_text" / "detail_page_completed.txt").read_text(encoding="utf-8")
DETAIL_ORDER = "3071552088412093"


def plan_text(app) -> str:
    return str(app.screen.query_one("#plan-text").render())


def table_ids(app) -> list[str]:
    return [row.order_id for row in app.screen.query_one(OrdersTable).rows]


async def wait_for_plan(pilot, app) -> None:
    await pilot.pause(0.5)  # the paste box plans again once typing pauses
    await settle(pilot, app)


async def test_a_pasted_order_page_shows_the_plan_and_is_written_on_confirm(
    make_app, db_path, store
):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        before = dump_database(db_path)
        await pilot.press("p")
        await settle(pilot, app)
        assert isinstance(app.screen, PasteScreen)
        app.post_message(_paste(DETAIL_PAGE))  # as a terminal delivers a paste
        await wait_for_plan(pilot, app)

        shown = plan_text(app)
        assert "text copied from an AliExpress order page or email" in shown
        assert "1 to add" in shown and DETAIL_ORDER in shown
        assert "Nothing was written yet." in shown
        assert dump_database(db_path) == before  # planning writes nothing

        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("f", "f", "f")  # all: the window of this old order has passed
        await settle(pilot, app)
        assert DETAIL_ORDER in table_ids(app)
    with Store(db_path) as check:
        record = check.record(DETAIL_ORDER)
    assert str(record.order.price) == "32.66" and record.order.currency == "USD"
    assert [line.quantity for line in record.lines] == [1, 2]
    assert "Jonas" not in str(dump_database(db_path))  # the shipping name is never kept


async def test_escape_leaves_the_paste_box_without_writing(make_app, db_path, store):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        before = dump_database(db_path)
        await pilot.press("p")
        await settle(pilot, app)
        app.post_message(_paste(DETAIL_PAGE))  # as a terminal delivers a paste
        await wait_for_plan(pilot, app)
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, DashboardScreen)
    assert dump_database(db_path) == before


async def test_a_dropped_quoted_path_is_imported_after_confirming(
    make_app, db_path, store, tmp_path
):
    orders = tmp_path / "my orders.csv"
    orders.write_text(
        "order_id,title,price,currency\n8175000000000101,Phone charger,9.99,USD\n",
        encoding="utf-8",
    )
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("i")
        await settle(pilot, app)
        assert isinstance(app.screen, ImportFileScreen)
        path_box = app.screen.query_one("#path")
        path_box.value = f"'{orders}'"  # what a terminal pastes when a file is dropped
        await pilot.press("enter")
        await settle(pilot, app)
        shown = plan_text(app)
        assert "aliret-tui CSV" in shown and "1 to add" in shown
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, DashboardScreen)
        assert table_ids(app) == ["8175000000000101"]


async def test_an_unreadable_file_keeps_the_dialog_open_with_the_reason(
    make_app, db_path, store, tmp_path
):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("i")
        await settle(pilot, app)
        app.screen.query_one("#path").value = str(tmp_path / "missing.csv")
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, ImportFileScreen)
        status = str(app.screen.query_one("#dialog-status").render())
        assert "no such file" in status and "Nothing was written" in status
        assert app.screen.query_one("#path").value == str(tmp_path / "missing.csv")
        assert app.screen.query_one("#apply").disabled


async def test_the_path_box_completes_from_the_folder(make_app, store, tmp_path):
    (tmp_path / "orders-2026.csv").write_text("x", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("i")
        await settle(pilot, app)
        path_box = app.screen.query_one("#path")
        path_box.value = str(tmp_path / "ord")
        await pilot.pause(0.2)
        await pilot.press("end")  # at the end of the box, → or end takes the suggestion
        await pilot.press("right")
        await pilot.pause(0.1)
        assert path_box.value == str(tmp_path / "orders-2026.csv")


def _paste(text: str):
    from textual import events

    return events.Paste(text)
