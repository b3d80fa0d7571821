"""Sorting the orders table and the command palette (issue 13, "Sorting" and the
palette part of "Help"): the sorted column stays on screen and the title names
the sort; Deadline and Left are one sort; prices sort within their currency;
orders without a deadline stay last both ways; the palette reads well and names
the keys as remapped in config.toml."""

from __future__ import annotations

import time
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.tui import FROZEN, add, days, event, screen_text, settle
from support.view_rows import TODAY, days_ago, record, rows

from aliret_tui.config import parse_settings
from aliret_tui.runtime.keymap import checked_keymap
from aliret_tui.tui.app import AliretApp
from aliret_tui.tui.keys import key_table
from aliret_tui.tui.palette import help_matches
from aliret_tui.tui.screens.help import HelpScreen
from aliret_tui.tui.view import (
    COLUMNS,
    SORT_KEYS,
    URGENCY_SORT,
    Filter,
    OrderRow,
    RowIndex,
    has_countdown,
    next_sort,
    sort_description,
    sort_of,
    visible_rows,
)
from aliret_tui.tui.widgets.orders_table import OrdersTable, fit_columns

EVERY_SORT = (*SORT_KEYS, "days_left")  # the Left column's key names the deadline's sort


def ids(shown) -> list[str]:
    return [row.order_id for row in shown]


def has_value(row: OrderRow, sort_by: str) -> bool:
    """Whether ``row`` has something to sort by (else it goes last, both ways)."""
    sort_by = sort_of(sort_by)
    if sort_by == URGENCY_SORT:
        return has_countdown(row)
    if sort_by == "delivered":
        return row.delivered_on is not None
    if sort_by == "deadline":
        return row.deadline is not None
    return True


# -- the sort keys ---------------------------------------------------------------------


def test_prices_sort_within_their_currency():
    built = rows(
        record("usd-3", price="3.00"),
        record("eur-20", price="20.00", currency="EUR"),
        record("usd-100", price="100.00"),
        record("eur-5", price="5.00", currency="EUR"),
        record("gbp-7", price="7.50", currency="GBP"),
        record("usd-12", price="12.50"),
    )
    ascending = ids(visible_rows(built, Filter.ALL, "", "price"))
    assert ascending == ["eur-5", "eur-20", "gbp-7", "usd-3", "usd-12", "usd-100"]
    assert ids(visible_rows(built, Filter.ALL, "", "price", True)) == ascending[::-1]
    index = RowIndex(built)
    index.prepare()
    assert ids(index.visible(Filter.ALL, "", "price")) == ascending
    assert ids(index.visible(Filter.ALL, "", "price", True)) == ascending[::-1]


def test_deadline_and_days_left_are_one_sort():
    """Days left is the deadline minus today for every row: one sort, which s
    offers once and the Left column's header asks for too."""
    built = rows(
        record("soon", delivered=days_ago(12)),
        record("transit", "in_transit", clock=None),
        record("later", delivered=days_ago(2)),
        record("overdue", "refund_pending", clock="refund", clock_since=days_ago(9)),
    )
    assert all(row.days_left == (row.deadline - TODAY).days for row in built if row.deadline)
    for descending in (False, True):
        by_deadline = visible_rows(built, Filter.ALL, "", "deadline", descending)
        assert visible_rows(built, Filter.ALL, "", "days_left", descending) == by_deadline
    assert "days_left" not in SORT_KEYS and "deadline" in SORT_KEYS
    assert sort_of("days_left") == "deadline"
    assert next_sort("state") == "deadline"
    assert next_sort("deadline") == URGENCY_SORT
    assert next_sort("days_left") == URGENCY_SORT
    cycle = [URGENCY_SORT]
    while next_sort(cycle[-1]) != URGENCY_SORT:
        cycle.append(next_sort(cycle[-1]))
    assert cycle == [URGENCY_SORT, "order_id", "title", "store", "price", "delivered", "state",
                     "deadline"]  # fmt: skip


@pytest.mark.parametrize("sort_by", EVERY_SORT)
def test_orders_without_a_deadline_stay_last_both_ways(sort_by):
    """Not delivered, no deadline, closed: last whichever way the table sorts by
    urgency, the deadline (or Left) or the delivery date."""
    built = rows(
        record("transit", "in_transit", clock=None, price="1.00"),
        record("soon", delivered=days_ago(12), price="50.00"),
        record("kept", "kept", delivered=days_ago(30), clock=None, price="2.00"),
        record("later", delivered=days_ago(2), price="30.00"),
        record("overdue", "refund_pending", clock="refund", clock_since=days_ago(9)),
        record("expired", delivered=days_ago(40), price="5.00"),
        record("archived", "refunded", clock=None, archived=1, refund_amount="4.00"),
    )
    index = RowIndex(built)
    index.prepare()
    for descending in (False, True):
        shown = visible_rows(built, Filter.ALL, "", sort_by, descending)
        assert index.visible(Filter.ALL, "", sort_by, descending) == shown
        flags = [has_value(row, sort_by) for row in shown]
        assert flags == sorted(flags, reverse=True), (descending, ids(shown))
    if sort_by in (URGENCY_SORT, "deadline", "days_left"):
        ascending = ids(visible_rows(built, Filter.ALL, "", sort_by))
        descending = ids(visible_rows(built, Filter.ALL, "", sort_by, True))
        assert ascending[:3] == ["overdue", "soon", "later"]
        assert descending[:3] == ["later", "soon", "overdue"]
        assert sorted(ascending[3:]) == sorted(descending[3:]) == [
            "archived", "expired", "kept", "transit"
        ]  # fmt: skip


def test_the_sort_in_words():
    assert sort_description(URGENCY_SORT, False) == "most urgent first"
    assert sort_description(URGENCY_SORT, True) == "least urgent first"
    assert sort_description("delivered", False) == "by delivery date ▲"
    assert sort_description("days_left", True) == "by deadline ▼"
    assert sort_description("price", False) == "by price ▲"


@pytest.mark.parametrize("width", [40, 58, 78, 82, 118])
@pytest.mark.parametrize("sort_by", EVERY_SORT)
def test_the_sorted_column_is_never_the_one_dropped(width, sort_by):
    fitted = fit_columns(width, sort_by)
    shown = [column.key for column, _ in fitted]
    assert sum(size for _, size in fitted) + len(fitted) - 1 <= width
    if sort_by != URGENCY_SORT:
        sorting = [column for column, _ in fitted if column.sorts_by == sort_of(sort_by)]
        assert sorting, (width, sort_by, shown)
        for column, size in fitted:
            if column in sorting:
                assert size >= len(column.title) + 2  # "Delivered ▲" whole
    assert "title" in shown  # gives way last; then the order number, unless sorted by
    assert "order_id" in shown or (width < 58 and sort_of(sort_by) not in ("urgency", "title"))
    if width >= 118:
        assert shown == [column.key for column in COLUMNS]


# -- the index made ahead gives what sorting every row gives ---------------------------------

_STATES = ("window_open", "in_transit", "awaiting_seller", "refund_pending", "refunded", "kept")
_an_order = st.tuples(
    st.sampled_from(_STATES),
    st.one_of(st.none(), st.integers(0, 40)),  # delivered days ago, or not delivered
    st.sampled_from(["Lamp", "lamp shade", "Cable", "Tripod stand"]),
    st.sampled_from(["5.00", "12.50", "100.00", "0.99"]),
    st.sampled_from(["USD", "EUR", "GBP"]),
    st.booleans(),  # archived
)


def _built(orders) -> list[OrderRow]:
    clocks = {"in_transit": None, "refunded": None, "kept": None, "refund_pending": "refund",
              "awaiting_seller": "seller_response"}  # fmt: skip
    return rows(
        *(
            record(f"81750{number:03d}", state, delivered=None if age is None else days_ago(age),
                   clock=clocks.get(state, "inspection"), clock_since=days_ago(3), title=title,
                   price=price, currency=currency, archived=int(archived))
            for number, (state, age, title, price, currency, archived) in enumerate(orders)
        )
    )  # fmt: skip


@settings(max_examples=120, deadline=None)
@given(
    orders=st.lists(_an_order, max_size=30),
    keystrokes=st.lists(
        st.tuples(
            st.sampled_from(list(Filter)),
            st.sampled_from(["", "la", "lamp", "00", "t"]),
            st.sampled_from(EVERY_SORT),
            st.booleans(),
        ),
        min_size=1,
        max_size=8,
    ),
    ahead=st.booleans(),
)
def test_the_index_sorts_as_every_row_sorted(orders, keystrokes, ahead):
    """Mixed currencies, undelivered and closed orders, every sort both ways, made
    ahead or on demand: the index shows what sorting every row shows, prices stay
    grouped by currency, and rows without a value come last."""
    built = _built(orders)
    index = RowIndex(built)
    if ahead:
        index.prepare()
    for chosen, query, sort_by, descending in keystrokes:
        expected = visible_rows(built, chosen, query, sort_by, descending)
        assert index.visible(chosen, query, sort_by, descending) == expected
        flags = [has_value(row, sort_by) for row in expected]
        assert flags == sorted(flags, reverse=True)
        if sort_by == "price":
            currencies = [row.currency for row in expected]
            groups = [c for i, c in enumerate(currencies) if i == 0 or c != currencies[i - 1]]
            assert len(groups) == len(set(groups)), currencies  # each currency in one run
            amounts = [(row.currency, row.amount) for row in expected]
            assert amounts == sorted(amounts, reverse=descending)


# -- on screen -----------------------------------------------------------------------------


def app_with(db_path: Path, text: str = "") -> AliretApp:
    settings = parse_settings(tomllib.loads(text), "config.toml")
    checked_keymap(settings, key_table)  # as launching does: these keys clash with nothing
    return AliretApp(db_path=db_path, time=FROZEN, settings=settings)


def table_of(app) -> OrdersTable:
    return app.screen.query_one(OrdersTable)


def header_and_title(app) -> tuple[str, str]:
    """The orders' border title line and the table's header line, as on screen."""
    lines = screen_text(app).splitlines()
    at = next(i for i, line in enumerate(lines) if "Orders ·" in line)
    return lines[at], lines[at + 1]


def table_lines(app) -> list[str]:
    """The table's rows as on screen, top to bottom (at 80 columns, where the table
    is under the countdowns)."""
    lines = screen_text(app).splitlines()
    at = next(i for i, line in enumerate(lines) if "Orders ·" in line) + 2
    end = next(i for i, line in enumerate(lines) if i > at and line.startswith("╰"))
    return [line for line in lines[at:end] if line.strip("│ ")]


async def until(pilot, condition, seconds: float = 10) -> bool:
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            return False
        await pilot.pause(0.02)
    return True


def some_orders(store) -> None:
    add(store, "SOON", "Desk lamp", delivered_on=days(-12), price="17.50", currency="EUR",
        store="LampWorld")  # fmt: skip
    add(store, "LATER", "Cable", delivered_on=days(-2), price="3.49", store="CableCo")
    add(store, "TRANSIT", "Tripod", price="8.90", store="PhotoShop")
    add(store, "JACKET", "Jacket", delivered_on=days(-4), price="45.00", currency="EUR",
        store="Coats")  # fmt: skip
    add(store, "SHOES", "Shoes", delivered_on=days(-1), price="120.00", store="Runners")
    event(store, "JACKET", "open_dispute", reason="wrong_size")


async def test_at_80x24_every_sort_shows_its_column_and_says_so(db_path, store):
    """s through every sort at 80×24, where Store and Delivered do not fit: the
    sorted column is on screen with its arrow (another column gives way), and the
    title says what the table is sorted by; S turns the arrow."""
    some_orders(store)
    app = app_with(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        title, header = header_and_title(app)
        assert "Orders · active · most urgent first" in title
        assert "Store" not in header and "Delivered" not in header  # too narrow for all
        seen = []
        for _ in range(len(SORT_KEYS) - 1):
            await pilot.press("s")
            await pilot.pause()
            sort_by = app.screen.sort_by
            seen.append(sort_by)
            title, header = header_and_title(app)
            assert sort_description(sort_by, False) in title, (sort_by, title)
            for column in COLUMNS:
                if column.sorts_by == sort_by:
                    assert f"{column.title} ▲" in header, (sort_by, header)
            await pilot.press("S")
            await pilot.pause()
            title, header = header_and_title(app)
            assert sort_description(sort_by, True) in title
            assert "▼" in header and "▲" not in header
        assert seen == list(SORT_KEYS[1:])
        assert "by delivery date" in " ".join(
            sort_description(key, False) for key in seen
        )  # the hidden columns were sorted by, and shown
        await pilot.press("s")  # after the deadline: back to urgency
        await pilot.pause()
        title, header = header_and_title(app)
        assert "most urgent first" in title and "▲" not in header


async def test_a_hidden_column_sorted_by_comes_into_view(db_path, store):
    some_orders(store)
    app = app_with(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        while app.screen.sort_by != "delivered":
            await pilot.press("s")
        await pilot.pause()
        title, header = header_and_title(app)
        assert "by delivery date ▲" in title
        assert "Delivered ▲" in header
        text = screen_text(app)
        assert days(-4) in text and days(-12) in text  # the delivery dates themselves
        delivered = [row.delivered_on for row in table_of(app).rows]
        assert delivered == [days(-12), days(-4), days(-2), days(-1), None]  # transit last
        while app.screen.sort_by != "store":
            await pilot.press("s")
        await pilot.pause()
        _, header = header_and_title(app)
        assert "Store ▲" in header and "CableCo" in screen_text(app)


async def test_clicking_the_left_header_sorts_by_deadline(db_path, store):
    some_orders(store)
    app = app_with(db_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        table = table_of(app)
        x = 0
        for column, width in fit_columns(table.size.width):
            if column.key == "days_left":
                break
            x += width + 1
        await pilot.click(OrdersTable, offset=(x + 2, 0))
        await pilot.pause()
        assert app.screen.sort_by == "deadline" and not app.screen.descending
        title, header = header_and_title(app)
        assert "by deadline ▲" in title
        assert "Deadline ▲" in header and "Left ▲" in header  # one sort, both marked
        await pilot.click(OrdersTable, offset=(x + 2, 0))
        await pilot.pause()
        assert app.screen.descending
        assert ids(table.rows) == ["SHOES", "LATER", "JACKET", "SOON", "TRANSIT"]


async def test_prices_on_screen_are_grouped_by_currency(db_path, store):
    some_orders(store)
    app = app_with(db_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.resize_terminal(80, 30)
        await settle(pilot, app)
        while app.screen.sort_by != "price":
            await pilot.press("s")
        await pilot.pause()
        prices = [row.price_text for row in table_of(app).rows]
        assert prices == ["17.50 EUR", "45.00 EUR", "3.49 USD", "8.90 USD", "120.00 USD"]
        assert [next(p for p in prices if p in line) for line in table_lines(app)] == prices
        await pilot.press("S")
        await pilot.pause()
        assert [row.price_text for row in table_of(app).rows] == prices[::-1]


@pytest.mark.parametrize("sort_by", ["urgency", "deadline", "delivered"])
async def test_no_deadline_is_last_both_ways_on_screen(db_path, store, sort_by):
    some_orders(store)
    add(store, "KEPT", "Mug", delivered_on=days(-30))
    event(store, "KEPT", "keep")
    app = app_with(db_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("f", "f", "f")  # all
        while app.screen.sort_by != sort_by:
            await pilot.press("s")
        await pilot.pause()
        assert app.screen.order_filter is Filter.ALL
        for descending in (False, True):
            shown = list(table_of(app).rows)
            flags = [has_value(row, sort_by) for row in shown]
            assert flags == sorted(flags, reverse=True), (descending, ids(shown))
            assert not flags[-1], ids(shown)  # the transit (and kept) order: last
            await pilot.press("S")
            await pilot.pause()


# -- the palette ------------------------------------------------------------------------


async def palette_shows(pilot, app, typed: str) -> str:
    """Open the palette, type ``typed``, and return what it shows."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*typed)
    await pilot.pause(0.3)
    await until(pilot, lambda: typed.split()[0].casefold() in screen_text(app).casefold())
    await pilot.pause(0.3)
    return screen_text(app)


async def test_the_palette_names_the_filters_as_a_person_would(db_path, store):
    some_orders(store)
    app = app_with(db_path)
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot, app)
        shown = await palette_shows(pilot, app, "disputes")
        assert "Show open disputes" in shown
        assert "disputes orders" not in shown
        assert "Orders with a dispute under way (f cycles the filters)" in shown
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen.order_filter is Filter.DISPUTES
        assert ids(table_of(app).rows) == ["JACKET"]
        shown = await palette_shows(pilot, app, "show")
        for title in ("Show active orders", "Show closed orders", "Show all orders"):
            assert title in shown
        await pilot.press("escape")


async def test_the_palette_sorts_by_any_column(db_path, store):
    some_orders(store)
    app = app_with(db_path)
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot, app)
        shown = await palette_shows(pilot, app, "sort by delivery")
        assert "Sort by delivery date" in shown
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen.sort_by == "delivered"
        assert "by delivery date ▲" in header_and_title(app)[0]


async def test_the_palette_and_the_help_show_the_keys_as_remapped(db_path, store):
    some_orders(store)
    keys = '[keys]\nadd = "n"\nfilter = "v"\nsort = "o,ctrl+o"\nreverse_sort = "R"\nhelp = "f1"\n'
    app = app_with(db_path, keys)
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot, app)
        shown = await palette_shows(pilot, app, "add order")
        assert "Add an order with the form (n)" in shown
        await pilot.press("escape")
        await pilot.pause()
        shown = await palette_shows(pilot, app, "disputes")
        assert "(v cycles the filters)" in shown and "(f cycles" not in shown
        await pilot.press("escape")
        await pilot.pause()
        shown = await palette_shows(pilot, app, "next column")
        assert "(o or ^o)" in shown
        await pilot.press("escape")
        await pilot.pause()
        shown = await palette_shows(pilot, app, "reverse")
        assert "(R)" in shown and "(S)" not in shown
        await pilot.press("escape")
        await pilot.pause()
        shown = await palette_shows(pilot, app, "help")
        assert "Keys, states and colours (f1)" in shown
        await pilot.press("escape")
        await pilot.pause()
        # The keys named are the keys that work.
        await pilot.press("o")
        await pilot.pause()
        assert app.screen.sort_by == "order_id"
        await pilot.press("R")
        await pilot.pause()
        assert app.screen.descending
        await pilot.press("f1")
        await settle(pilot, app)
        assert isinstance(app.screen, HelpScreen)
        help_text = screen_text(app)
        assert "(R reverses)" in help_text and "(S reverses)" not in help_text
        assert "o or ^o" in help_text


async def test_the_palette_names_the_default_keys(db_path, store):
    some_orders(store)
    app = app_with(db_path)
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot, app)
        shown = await palette_shows(pilot, app, "add order")
        assert "Add an order with the form (a)" in shown
        await pilot.press("escape")
        await pilot.pause()
        shown = await palette_shows(pilot, app, "search")
        assert "Search order number, title, store (/)" in shown
        await pilot.press("escape")
        await pilot.pause()
        shown = await palette_shows(pilot, app, "quit")
        assert "(q)" in shown


async def test_the_empty_table_names_the_remapped_keys(db_path, store):
    app = app_with(db_path, '[keys]\nadd = "n"\npaste = "ctrl+v"\nfilter = "v"\n')
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot, app)
        text = screen_text(app)
        assert "Press ^v to paste an order page" in text
        assert "or n to type one in." in text
    add(store, "KEPT", "Mug", delivered_on=days(-30))
    event(store, "KEPT", "keep")
    app = app_with(db_path, '[keys]\nfilter = "v"\n')
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot, app)
        assert "Press v to change the filter." in screen_text(app)


async def test_the_order_screen_names_the_remapped_keys(db_path, store):
    """The order screen's texts say the keys that work: its header, next step and
    timeline, as remapped in config.toml."""
    add(store, "TRANSIT", "Tripod", price="8.90", store="PhotoShop")
    keys = '[keys]\nrecord_event = "R"\ncopy_timeline = "y"\ntake_back_event = "U"\n'
    app = app_with(db_path, keys)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        text = screen_text(app)
        assert "→ R records what happened" in text or "press R, then the event's key" in text
        assert "press r," not in text and "→ r records" not in text
        await pilot.press("2")
        await settle(pilot, app)
        text = screen_text(app)
        assert "y copies it as plain text · U takes back the last event · e corrects" in text
        assert "Press R to record what happened." in text


# -- which key runs an action now ---------------------------------------------------------


def test_the_key_named_is_the_default_or_the_remapped_one(db_path):
    from textual.app import App

    from aliret_tui.tui.key_names import key_named, with_key
    from aliret_tui.tui.screens.dashboard import DashboardScreen
    from aliret_tui.tui.screens.detail.screen import DetailScreen

    plain = App()
    assert key_named(plain, "add", DashboardScreen) == "a"
    assert key_named(plain, "search", DashboardScreen) == "/"
    assert key_named(plain, "up", OrdersTable) == "↑ or k"  # from the lists' base class
    assert key_named(plain, "help", AliretApp) == "?"
    assert key_named(plain, "nothing", DashboardScreen) == ""
    # One class binds e twice (one action per tab): each is found.
    assert key_named(plain, "correct_event", DetailScreen) == "e"
    assert key_named(plain, "edit_message", DetailScreen) == "e"
    remapped = AliretApp(
        db_path=db_path,
        time=FROZEN,
        settings=parse_settings({"keys": {"add": "n,ctrl+a", "help": "f1"}}, "config.toml"),
    )
    assert key_named(remapped, "add", DashboardScreen) == "n or ^a"
    assert key_named(remapped, "help", AliretApp) == "f1"
    assert key_named(remapped, "edit", DashboardScreen) == "e"  # not remapped: its own
    assert with_key(remapped, "Add an order", "add", DashboardScreen) == "Add an order (n or ^a)"
    assert with_key(plain, "Write", "add_message", DetailScreen, where="on the chat tab") == (
        "Write (m on the chat tab)"
    )
    assert with_key(plain, "Nothing", "nothing", DashboardScreen) == "Nothing"


async def test_the_palette_finds_a_command_by_the_words_of_its_help(db_path, store):
    """Textual matches titles only: "filter" found nothing, though the Show … orders
    commands say "f cycles the filters". Titles that match still come first."""
    some_orders(store)
    app = app_with(db_path)
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot, app)
        shown = await palette_shows(pilot, app, "filter")
        for title in ("Show active orders", "Show open disputes", "Show closed orders"):
            assert title in shown
        await pilot.press("escape")
        shown = await palette_shows(pilot, app, "money recovered")
        assert "Statistics" in shown
        await pilot.press("enter")
        await settle(pilot, app)
        assert type(app.screen).__name__ == "StatisticsScreen"


def test_help_words_match_by_their_beginnings():
    assert help_matches("filt", "Orders with a dispute under way (f cycles the filters)")
    assert help_matches("Money RECOV", "Money recovered, dispute outcomes, refund delays")
    assert not help_matches("filter", "Add an order with the form")
    assert not help_matches("", "anything")
