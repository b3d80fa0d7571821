"""The live countdown (ticks repaint only countdown lines) and every built-in theme."""

from __future__ import annotations

import datetime as dt

import pytest
from support.tui import FROZEN, NOW, add, days, screen_text, settle
from textual.theme import BUILTIN_THEMES

from aliret_tui.tui.app import AliretApp
from aliret_tui.tui.widgets.countdown_panel import LIVE_LINES, CountdownPanel
from aliret_tui.tui.widgets.orders_table import OrdersTable


async def test_a_tick_repaints_only_the_countdown_lines(make_app, store, monkeypatch):
    for number in range(12):
        add(store, f"C{number:02}", f"Clock {number}", delivered_on=days(-number))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        painted: list[tuple[str, int]] = []
        panel_render = CountdownPanel.render_item_line
        table_render = OrdersTable.render_line

        def record_panel(self, index, line, width, selected):
            painted.append(("card", line))
            return panel_render(self, index, line, width, selected)

        def record_table(self, y):
            painted.append(("table", y))
            return table_render(self, y)

        monkeypatch.setattr(CountdownPanel, "render_item_line", record_panel)
        monkeypatch.setattr(OrdersTable, "render_line", record_table)
        before = screen_text(app)
        app.now = NOW + dt.timedelta(seconds=1)  # what the once-a-second timer does
        await pilot.pause()
        await pilot.pause()
        assert painted, "the tick repainted nothing"
        assert {kind for kind, _ in painted} == {"card"}, "the table was repainted"
        assert {line for _, line in painted} <= set(LIVE_LINES)
        after = screen_text(app)
        assert before != after and "13:29:59 left" in after  # the seconds moved


async def test_the_countdown_rolls_over_at_midnight(db_path, store):
    add(store, "R1", "Rollover", delivered_on=days(-10))  # 5 days left today
    moments = [dt.datetime(2026, 11, 29, 23, 59, 59)]

    class Clock:
        is_frozen = True

        @staticmethod
        def now():
            return moments[-1]

        @staticmethod
        def today():
            return moments[-1].date()

    app = AliretApp(db_path=db_path, time=Clock())  # type: ignore[arg-type]
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        assert "5d 00:00:01 left" in screen_text(app)
        assert app.screen.query_one(OrdersTable).rows[0].days_left == 5
        moments.append(dt.datetime(2026, 11, 30, 0, 0, 1))
        app.now = Clock.now()
        await settle(pilot, app)
        assert "4d 23:59:59 left" in screen_text(app)
        assert app.screen.query_one(OrdersTable).rows[0].days_left == 4


def _luminance(colour) -> float:
    def channel(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = colour.triplet
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def _contrast(foreground, background) -> float:
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("theme", sorted(BUILTIN_THEMES))
async def test_every_built_in_theme_is_readable(make_app, store, theme):
    add(store, "LATE", "Overdue refund", delivered_on=days(-20))
    add(store, "SOON", "Soon", delivered_on=days(-13))
    add(store, "LATER", "Later", delivered_on=days(-1))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        app.theme = theme
        await settle(pilot, app)
        text = screen_text(app)
        assert "Soon" in text and "Later" in text
        measured = [
            (_contrast(segment.style.color, segment.style.bgcolor), segment.text)
            for strip in app.screen._compositor.render_strips()
            for segment in strip
            if any(character.isalnum() for character in segment.text)  # words, not borders
            and segment.style
            and segment.style.color
            and segment.style.bgcolor
            and segment.style.color.triplet
            and segment.style.bgcolor.triplet
        ]
        if measured:  # ANSI themes leave the colours to the terminal
            worst, words = min(measured)
            assert worst >= 3.0, f"{theme}: {words.strip()!r} has contrast {worst:.2f}:1"
    assert FROZEN.is_frozen
