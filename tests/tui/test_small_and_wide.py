"""80x24 is a first-class size, and a wide terminal is used: what is on screen.

The demo data, opened at 80x24, 120x36 and 200x60: ``? Help`` in every footer, the
summary's "recovered", every field of the add form on screen in fixed columns, an
order screen whose header and tabs never move, countdown cards that grow with the
width, and checkboxes whose state shows by shape.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from support.tui import FROZEN, screen_text, settle
from textual.widgets import Checkbox, Static, TabbedContent, Tabs
from textual.widgets._footer import FooterKey

from aliret_tui.demo import fill_demo
from aliret_tui.timesource import TimeSource
from aliret_tui.tui.app import AliretApp
from aliret_tui.tui.screens.dashboard import DashboardScreen
from aliret_tui.tui.screens.detail import DetailScreen
from aliret_tui.tui.screens.order_form import ALL_FIELDS, OrderFormScreen
from aliret_tui.tui.widgets.checks import ShapedCheckbox
from aliret_tui.tui.widgets.countdown_panel import CountdownPanel
from aliret_tui.tui.widgets.keys_footer import KeysFooter

SMALL = (80, 24)
WIDE = (200, 60)
ALL_ORDERS = ["f", "f", "f"]  # active → disputes → closed → all


def demo_app(tmp_path: Path, time: TimeSource = FROZEN) -> AliretApp:
    path = tmp_path / "demo.db"
    fill_demo(path, time)
    app = AliretApp(db_path=path, time=time, db_label="demo.db")
    app.animation_level = "none"
    return app


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot, pilot.app)


def open_keys(search: str) -> list[str]:
    """From the dashboard showing every order: find ``search`` and open it."""
    return ["slash", *search, "enter", "enter"]


def footer_line(app: AliretApp) -> str:
    return screen_text(app).splitlines()[-1]


def assert_footer_keys_whole(app: AliretApp) -> None:
    """``? Help`` is shown, and no key is cut: each shown one ends before the pinned ones."""
    footer = app.screen.query_one(KeysFooter)
    pinned = footer.query_one("#pinned-keys")
    assert "? Help" in footer_line(app)
    shown = [key for key in footer.query(FooterKey) if key.display and key.parent is footer]
    assert shown, "no key but the pinned ones"
    for key in shown:
        assert key.region.right <= pinned.region.x, f"{key.description!r} runs under ? Help"


# -- the footer and the summary at 80 columns ----------------------------------------


async def test_help_is_in_the_footer_at_80_columns_on_every_screen(tmp_path):
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, DashboardScreen)
        assert_footer_keys_whole(app)
        await press(pilot, *open_keys("keyboard"))
        assert isinstance(app.screen, DetailScreen)
        for tab in "1234":  # each tab has keys of its own
            await press(pilot, tab)
            assert_footer_keys_whole(app)
        await press(pilot, "escape", "g")  # the statistics
        assert type(app.screen).__name__ == "StatisticsScreen"
        assert "? Help" in footer_line(app)


async def test_the_footer_follows_the_terminal_width(tmp_path):
    """Wide, every key; narrowed to 80 columns, what fits whole; wide again, all."""
    app = demo_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot, app)
        footer = app.screen.query_one(KeysFooter)
        assert all(key.display for key in footer.query(FooterKey))
        assert "q Quit" in footer_line(app) and "? Help" in footer_line(app)
        await pilot.resize_terminal(*SMALL)
        await settle(pilot, app)
        assert_footer_keys_whole(app)
        assert "q Quit" not in footer_line(app)  # the last key went first
        await pilot.resize_terminal(*WIDE)
        await settle(pilot, app)
        assert all(key.display for key in footer.query(FooterKey))
        assert "q Quit" in footer_line(app)


@pytest.mark.parametrize("size", [SMALL, (120, 36), (100, 30)])
async def test_the_summary_keeps_recovered_whole_on_one_line(tmp_path, size):
    """It wraps between its parts, never inside an amount: "49.09 USD" is not cut
    from "recovered 100.80 EUR +"."""
    app = demo_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, app)
        summary = app.screen.query_one("#summary", Static)
        assert summary.region.height <= 2
        lines = screen_text(app).splitlines()[summary.region.y : summary.region.bottom]
        assert any("recovered 100.80 EUR + 49.09 USD" in line for line in lines), lines
        assert any("at stake 101.50 EUR + 4.20 GBP + 121.09 USD" in line for line in lines)


# -- the add form at 80x24 ---------------------------------------------------------------


def form_layout(form: OrderFormScreen) -> dict[str, tuple[int, int, int, int]]:
    return {name: tuple(form.query_one(f"#field-{name}").region) for name in ALL_FIELDS}


async def test_the_add_form_shows_every_field_at_80x24_in_fixed_columns(tmp_path):
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        await press(pilot, "a")
        form = app.screen
        assert isinstance(form, OrderFormScreen)
        screen = form.region
        dialog = form.query_one(".form")
        assert dialog.max_scroll_y == 0  # nothing to scroll to
        for name in ALL_FIELDS:
            field = form.query_one(f"#field-{name}")
            assert screen.contains_region(field.region), f"{name} is off screen"
        painted = screen_text(app)
        for label in ("Order number", "Item title", "Price", "Currency", "Store",
                      "Ship-to country", "Ordered on", "Delivered on", "Inspection window",
                      "Buyer protection ends", "Free Return item", "Local Return item",
                      "Note", "Save (ctrl+s)", "Cancel (esc)"):  # fmt: skip
            assert label in painted, label
        first = form_layout(form)
        columns = {region[0] for name, region in first.items() if name != "note"}
        assert len(columns) == 2, columns

        # Tab through every field and back to the first: nothing moves.
        focused = []
        for _ in range(20):
            await pilot.press("tab")
            await pilot.pause()
            focused.append(app.focused.id if app.focused else None)
            assert form_layout(form) == first, f"the form moved with {focused[-1]} focused"
            assert dialog.scroll_y == 0
        assert {*ALL_FIELDS} - {"order_id"} <= set(focused)  # every field was reached

        # Errors under four fields make it taller than the screen: it scrolls, and
        # the columns stay where they were (the scrollbar's room was kept).
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert dialog.max_scroll_y > 0
        moved = {name: (region[0], region[2]) for name, region in form_layout(form).items()}
        assert moved == {name: (region[0], region[2]) for name, region in first.items()}


# -- the order screen: a fixed header, nothing moves after it opens ---------------------

# Orders of every kind: a running clock with a dispute, an overdue refund, a long
# title and store, no clock while open, closed, in mediation, in transit.
ORDERS = ["keyboard", "Kitchen", "lantern", "water", "backpack", "Drone", "Phone case"]


async def test_the_order_header_has_one_height_for_every_order(tmp_path):
    app = demo_app(tmp_path)
    tab_rows = {}
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        await press(pilot, *ALL_ORDERS)
        for search in ORDERS:
            await press(pilot, *open_keys(search))
            screen = app.screen
            assert isinstance(screen, DetailScreen), search
            assert screen.query_one("#title-bar").region.height == 1
            assert screen.query_one("#clock-strip").region.height == 2
            tab_rows[search] = screen.query_one(Tabs).region.y
            lines = screen_text(app).splitlines()
            if search == "lantern":  # too long for 80 columns: cut, with an ellipsis
                assert lines[0].rstrip().endswith("…"), lines[0]
            if search == "water":  # no clock: the second line says what to record
                assert "→ r records what happened" in lines[2], lines[2]
            if search == "backpack":
                assert "nothing more to record" in lines[2], lines[2]
            await press(pilot, "escape", "escape")  # back, and the search cleared
    assert set(tab_rows.values()) == {3}, tab_rows


def record_frames(app: AliretApp) -> list[str]:
    """Every frame painted while the order screen is on top, as text. (Textual's
    ``_display`` is where a frame goes to the terminal.)"""
    frames: list[str] = []
    display = app._display

    def recording(screen, renderable) -> None:
        if renderable is not None and isinstance(app.screen, DetailScreen):
            frames.append(screen_text(app))
        display(screen, renderable)

    app._display = recording  # type: ignore[method-assign]
    return frames


def where(frame: str, text: str) -> tuple[int, int]:
    lines = frame.splitlines()
    row = next(index for index, line in enumerate(lines) if text in line)
    return row, lines[row].index(text)


@pytest.mark.parametrize("size", [SMALL, (120, 36)])
async def test_the_order_screen_does_not_move_after_it_opens(tmp_path, size):
    """From its first frame, through the loaded data and a tick of the clock, and when
    opened a second time (the screen is kept and refilled): the tabs, the boxes and
    the footer stay where they first appeared."""
    ticking = TimeSource(today_override=dt.date(2026, 11, 25))
    app = demo_app(tmp_path, ticking)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, app)
        for opening in ("first", "second"):
            frames = record_frames(app)
            await pilot.press(*open_keys("Kitchen"))
            await pilot.pause(1.5)  # the clock ticks at least once
            await settle(pilot, app)
            assert isinstance(app.screen, DetailScreen)
            assert frames, opening
            first = frames[0]
            for marker in ("1 Overview", "│ Order ", "Next step", "? Help", "Record event"):
                assert marker in first, f"{opening} opening: {marker!r} not in the first frame"
                for frame in frames[1:]:
                    assert where(frame, marker) == where(first, marker), (opening, marker)
            tabs = app.screen.query_one(TabbedContent)
            assert tabs.active == "overview"
            app._display = type(app)._display.__get__(app)  # type: ignore[method-assign]
            await press(pilot, "escape", "escape")


# -- the countdown cards on wide terminals ------------------------------------------------


def panel_text(app: AliretApp) -> list[str]:
    region = app.screen.query_one(CountdownPanel).content_region
    lines = screen_text(app).splitlines()
    return [lines[y][region.x : region.right].rstrip() for y in range(region.y, region.bottom)]


async def panel_at(tmp_path: Path, size: tuple[int, int]) -> tuple[int, list[str], str]:
    app = demo_app(tmp_path / f"{size[0]}")
    async with app.run_test(size=size) as pilot:
        await settle(pilot, app)
        panel = app.screen.query_one(CountdownPanel)
        card = panel.cards[0]
        assert card.clock is not None
        return panel.region.width, panel_text(app), card.clock.action(FROZEN.today())


async def test_the_countdown_cards_grow_with_the_terminal(tmp_path):
    width_120, text_120, action = await panel_at(tmp_path, (120, 36))
    width_200, text_200, _ = await panel_at(tmp_path, WIDE)
    assert width_200 > width_120 >= 34
    # The first card: title, then its action over two lines.
    shown_120 = " ".join(line.lstrip("▌ ") for line in text_120[1:3])
    shown_200 = " ".join(line.lstrip("▌ ") for line in text_200[1:3])
    assert "…" in shown_120 and action not in shown_120, shown_120
    assert action in shown_200, shown_200
    # Still most of the width for the table.
    assert width_200 <= 64


async def test_at_80_columns_the_cards_go_on_top_full_width(tmp_path):
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        panel = app.screen.query_one(CountdownPanel)
        table = app.screen.query_one("#orders-pane")
        assert panel.region.width == 80
        assert panel.region.bottom <= table.region.y


# -- checkboxes ----------------------------------------------------------------------------


async def test_a_checkbox_shows_its_state_by_shape(tmp_path):
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, app)
        await press(pilot, "a")
        box = app.screen.query_one("#free_return", Checkbox)
        assert isinstance(box, ShapedCheckbox)
        height = box.region.height
        off = box.render().plain
        assert off.startswith("[ ]"), off
        assert "[ ] Free Return item" in screen_text(app)
        box.focus()
        await pilot.press("space")
        await pilot.pause()
        assert box.value is True
        on = box.render().plain
        assert on.startswith("[✓]"), on
        assert "[✓] Free Return item" in screen_text(app)
        assert box.region.height == height == 1  # focus draws no border around it
