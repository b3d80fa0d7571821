"""SVG snapshots of the main views, with a frozen clock and a fixed today.

Update them with ``pytest tests/tui/test_snapshots.py --snapshot-update`` after
looking at the report of what changed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.tui import FROZEN, settle
from textual import events
from textual.widgets import Input, TextArea

from aliret_tui.demo import COPIED_ORDER_LIST, fill_demo
from aliret_tui.tui.app import AliretApp


def demo_app(tmp_path: Path, *, filled: bool = True) -> AliretApp:
    path = tmp_path / "demo.db"
    if filled:
        fill_demo(path, FROZEN)
    return AliretApp(db_path=path, time=FROZEN, db_label="demo.db")


def steady(*keys: str):
    """Press ``keys`` (waiting for the store after each), then stop cursors blinking."""

    async def run_before(pilot) -> None:
        app = pilot.app
        await settle(pilot, app)
        for key in keys:
            await pilot.press(key)
            await settle(pilot, app)
        for widget in app.screen.query("Input, TextArea"):
            assert isinstance(widget, Input | TextArea)
            widget.cursor_blink = False
        await settle(pilot, app)

    return run_before


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
def test_dashboard_with_demo_data(snap_compare, tmp_path, size):
    assert snap_compare(demo_app(tmp_path), run_before=steady(), terminal_size=size)


def test_statistics_with_demo_data(snap_compare, tmp_path):
    async def shown(pilot) -> None:
        await steady("g")(pilot)
        for _ in range(100):  # the figures are read, then the charts mounted
            if getattr(pilot.app.screen, "stats", None) is not None:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.3)  # the charts are drawn again once the layout has settled
        await settle(pilot, pilot.app)

    assert snap_compare(demo_app(tmp_path), run_before=shown, terminal_size=(120, 36))


def test_dashboard_empty(snap_compare, tmp_path):
    app = demo_app(tmp_path, filled=False)
    assert snap_compare(app, run_before=steady(), terminal_size=(120, 36))


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
def test_add_form_with_a_validation_error(snap_compare, tmp_path, size):
    keys = ["a", *"X1", "tab", *"Cable", "tab", *"-3", "tab", *"usd", "ctrl+s"]
    app = demo_app(tmp_path, filled=False)
    assert snap_compare(app, run_before=steady(*keys), terminal_size=size)


def test_help(snap_compare, tmp_path):
    app = demo_app(tmp_path, filled=False)
    assert snap_compare(app, run_before=steady("question_mark"), terminal_size=(120, 36))


# The demo's rows, most urgent first: open the keyboard (seller refused) order...
SELLER_REFUSED = ["slash", *"keyboard", "enter", "enter"]


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
def test_detail_seller_refused_overview(snap_compare, tmp_path, size):
    app = demo_app(tmp_path)
    assert snap_compare(app, run_before=steady(*SELLER_REFUSED), terminal_size=size)


def test_detail_awaiting_seller_evidence(snap_compare, tmp_path):
    keys = ["slash", *"shoes", "enter", "enter", "4", "space", "j"]
    app = demo_app(tmp_path)
    assert snap_compare(app, run_before=steady(*keys), terminal_size=(120, 36))


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
def test_detail_refunded_timeline(snap_compare, tmp_path, size):
    """With the record of a corrected tracking number below the timeline."""
    keys = ["f", "f", "f", "slash", *"backpack", "enter", "enter", "2"]
    app = demo_app(tmp_path)
    assert snap_compare(app, run_before=steady(*keys), terminal_size=size)


def test_keeping_the_item_asks_first(snap_compare, tmp_path):
    """A closing event (kept) asks before it is recorded, and says how to take it back."""
    keys = ["slash", *"earbuds", "enter", "enter", "r", "k", "ctrl+s"]
    app = demo_app(tmp_path)
    assert snap_compare(app, run_before=steady(*keys), terminal_size=(80, 24))


def test_detail_chat(snap_compare, tmp_path):
    keys = ["slash", *"keyboard", "enter", "enter", "3"]
    app = demo_app(tmp_path)
    assert snap_compare(app, run_before=steady(*keys), terminal_size=(120, 36))


def test_import_plan_of_a_pasted_order_list(snap_compare, tmp_path):
    """The plan: two orders to add, a conflict kept, a never-paid order skipped."""

    async def paste(pilot) -> None:
        await steady("p")(pilot)
        pilot.app.post_message(events.Paste(COPIED_ORDER_LIST))
        await pilot.pause(0.5)
        await steady()(pilot)

    assert snap_compare(demo_app(tmp_path), run_before=paste, terminal_size=(120, 36))


def test_detail_of_an_imported_multi_item_order(snap_compare, tmp_path):
    app = demo_app(tmp_path)
    keys = ("slash", *"lantern", "enter", "enter")
    assert snap_compare(app, run_before=steady(*keys), terminal_size=(120, 36))
