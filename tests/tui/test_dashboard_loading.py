"""The dashboard's background load at scale (issue 17): read in chunks with the store
free between them, the live orders read once, quitting mid-load, and the sorts
made ahead giving exactly what sorting on demand gives."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from support.tui import FROZEN, TODAY, add, days, event, screen_text, settle

import aliret_tui.tui.screens.dashboard as dashboard
from aliret_tui.store.store import Store
from aliret_tui.tui.app import AliretApp
from aliret_tui.tui.view import COLUMNS, Filter, build_rows, visible_rows
from aliret_tui.tui.widgets.orders_table import OrdersTable


def table_ids(app) -> list[str]:
    return [row.order_id for row in app.screen.query_one(OrdersTable).rows]


def many_orders(store: Store, count: int) -> None:
    """Settled orders (delivered long ago), a few live ones, one dispute, one in
    transit: enough for several chunks of a small ``LOAD_CHUNK``."""
    for number in range(count):
        add(store, f"OLD{number:04d}", f"Old item {number % 7}", delivered_on=days(-100 - number),
            price=f"{number % 13}.50", store=f"Shop {number % 5}")  # fmt: skip
    add(store, "LIVE1", "Desk lamp", delivered_on=days(-3))
    add(store, "LIVE2", "Cable", delivered_on=days(-9), price="3.00")
    add(store, "TRANSIT", "Tripod")
    add(store, "DISPUTE", "Jacket", delivered_on=days(-2))
    event(store, "DISPUTE", "open_dispute", reason="wrong_size")


def one_shot_rows(db_path: Path, app: AliretApp):
    """What reading every order in one go gives (the reference)."""
    with Store(db_path, time=FROZEN) as store:
        records = [
            *store.dashboard_rows(TODAY, live=True),
            *store.dashboard_rows(TODAY, live=False),
        ]
    return build_rows(records, app.policy, TODAY, app.urgency)


async def until(pilot, condition, seconds: float = 20) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        await pilot.pause(0.02)
    return condition()


@pytest.mark.parametrize("quick_read", [True, False], ids=["first-rows-read-early", "store-only"])
async def test_a_chunked_load_shows_the_rows_a_one_shot_read_gives(
    make_app, store, db_path, monkeypatch, quick_read
):
    many_orders(store, 40)
    monkeypatch.setattr(dashboard, "LOAD_CHUNK", 3)  # 14 chunks for 40 settled orders
    if not quick_read:  # as for a database the quick read leaves to the store
        monkeypatch.setattr("aliret_tui.store.quick_read.live_dashboard_rows", lambda *a: None)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        assert await until(pilot, lambda: app.screen.loaded)
        await settle(pilot, app)
        expected = one_shot_rows(db_path, app)
        assert sorted(app.screen.rows, key=lambda row: row.order_id) == sorted(
            expected, key=lambda row: row.order_id
        )
        await pilot.press("f", "f", "f")  # all
        await settle(pilot, app)
        assert table_ids(app) == [row.order_id for row in visible_rows(expected, Filter.ALL)]
        assert "44 of 44" in screen_text(app)


async def test_the_live_orders_are_read_once(make_app, store, monkeypatch):
    """The live orders on the first frame (read before the store opened) are the
    ones the full load keeps: the store is asked only for the others."""
    many_orders(store, 10)
    asked: list[bool] = []
    reading = Store.dashboard_rows

    def counted(self, today, *, live):
        asked.append(live)
        return reading(self, today, live=live)

    monkeypatch.setattr(Store, "dashboard_rows", counted)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        assert await until(pilot, lambda: app.screen.loaded)
        await settle(pilot, app)
        assert asked == []  # the first frame's live rows were reused, the rest read by position
        assert sorted(table_ids(app)) == ["DISPUTE", "LIVE1", "LIVE2", "TRANSIT"]
        await pilot.press("f", "f", "f")
        await settle(pilot, app)
        assert len(table_ids(app)) == 14


async def test_the_store_is_free_between_chunks(make_app, store, monkeypatch):
    """A save (or closing the store) waits for one chunk at most, never for the
    whole load: between two chunks another call gets the store."""
    many_orders(store, 30)
    monkeypatch.setattr(dashboard, "LOAD_CHUNK", 2)
    chunk_started = threading.Event()
    others_done = threading.Event()
    reading = Store.dashboard_rows_after
    order: list[str] = []

    def slow_chunk(self, today, after, limit):
        order.append("chunk")
        if after and not chunk_started.is_set():
            chunk_started.set()
            others_done.wait(10)  # hold this chunk until the other call is queued
        return reading(self, today, after, limit)

    monkeypatch.setattr(Store, "dashboard_rows_after", slow_chunk)
    building = dashboard.build_rows

    def build_as_for_2000_rows(*args, **kwargs):
        time.sleep(0.01)  # a real chunk's rows take this long to build, outside the lock
        return building(*args, **kwargs)

    monkeypatch.setattr(dashboard, "build_rows", build_as_for_2000_rows)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        assert await until(pilot, chunk_started.is_set)
        queued = threading.Event()

        def other_call() -> None:
            queued.set()
            app.db.call(lambda _: order.append("other"))

        other = threading.Thread(target=other_call)
        other.start()
        queued.wait(10)
        await pilot.pause(0.1)  # the other call now waits for the store
        others_done.set()
        other.join(10)
        assert await until(pilot, lambda: app.screen.loaded)
        # The other call went in right after the held chunk, not after the last one.
        position = order.index("other")
        assert 0 < position < len(order) - 2, order


async def test_quitting_while_loading_stops_the_load_and_leaves_the_database_whole(
    make_app, store, db_path, monkeypatch
):
    many_orders(store, 60)
    monkeypatch.setattr(dashboard, "LOAD_CHUNK", 2)
    reading = Store.dashboard_rows_after
    chunks_read: list[int] = []

    def slow_chunk(self, today, after, limit):
        time.sleep(0.05)  # 30 chunks: a load of 1.5 s
        chunks_read.append(after)
        return reading(self, today, after, limit)

    monkeypatch.setattr(Store, "dashboard_rows_after", slow_chunk)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        assert await until(pilot, lambda: len(chunks_read) >= 2)
        assert not app.screen.loaded
        assert "LIVE1" in table_ids(app)  # the first frame's rows are up meanwhile
        pressed = time.monotonic()
        await pilot.press("q")
    quit_took = time.monotonic() - pressed
    read_when_quit = len(chunks_read)
    time.sleep(0.3)
    assert len(chunks_read) == read_when_quit  # no chunk read after the app quit
    assert read_when_quit < 30  # the load was cut short, not waited for
    assert quit_took < 1.0  # one chunk (50 ms) at most, not the 1.5 s left of the load
    assert app.return_code in (0, None)
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 64
    finally:
        conn.close()


async def test_a_closed_store_is_not_opened_again_by_a_late_worker(make_app, store):
    from aliret_tui.tui.storage import StoreClosed

    add(store, "LIVE1", "Desk lamp", delivered_on=days(-3))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
    with pytest.raises(StoreClosed):
        app.db.call(lambda opened: opened.data_version())


async def test_every_sort_key_shows_what_sorting_on_demand_shows(make_app, store, db_path):
    """s through every column and S to reverse each, under each filter, with the
    sorts made ahead: the table holds exactly what sorting every row gives, and
    orders without a value (no deadline, not delivered) stay last both ways."""
    many_orders(store, 25)
    add(store, "LATER", "Lamp", delivered_on=days(-1), price="3.00")  # ties on price
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        assert await until(pilot, lambda: app.screen.loaded)
        await settle(pilot, app)
        screen = app.screen
        assert await until(pilot, lambda: all(
            (column.key, False) in screen.index._every_row for column in COLUMNS
        ))  # fmt: skip
        rows = list(screen.rows)
        for chosen in Filter:
            while screen.order_filter is not chosen:
                await pilot.press("f")
            for _ in range(len(COLUMNS) + 1):
                for _ in range(2):  # as sorted, then reversed
                    await pilot.pause()
                    expected = visible_rows(rows, chosen, "", screen.sort_by, screen.descending)
                    assert table_ids(app) == [row.order_id for row in expected], (
                        chosen,
                        screen.sort_by,
                        screen.descending,
                    )
                    await pilot.press("S")
                await pilot.press("s")
        while screen.order_filter is not Filter.ALL:
            await pilot.press("f")
        while screen.sort_by != "deadline":
            await pilot.press("s")
        await settle(pilot, app)
        last_four = table_ids(app)[-4:]
        await pilot.press("S")
        await settle(pilot, app)
        assert table_ids(app)[-4:] == last_four  # no deadline: last, either way
        assert all(row.deadline is None for row in app.screen.query_one(OrdersTable).rows[-4:])


async def test_the_cursor_stays_on_its_order_through_sorts_and_filters(make_app, store):
    many_orders(store, 30)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        assert await until(pilot, lambda: app.screen.loaded)
        await pilot.press("f", "f", "f")  # all
        await pilot.press(*["j"] * 7)
        await settle(pilot, app)
        table = app.screen.query_one(OrdersTable)
        chosen = table.highlighted_row.order_id
        for key in ("s", "s", "S", "s", "S", "s"):
            await pilot.press(key)
            await pilot.pause()
            assert table.highlighted_row.order_id == chosen, app.screen.sort_by
        for _ in range(8):  # each filter twice: an order still shown keeps the cursor
            before = table.highlighted_row.order_id
            await pilot.press("f")
            await pilot.pause()
            if before in table_ids(app):
                assert table.highlighted_row.order_id == before
