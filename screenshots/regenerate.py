"""Regenerate the SVG screenshots in this folder from the demo data.

    python screenshots/regenerate.py

The clock is frozen so the pictures only change when the app does.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
from pathlib import Path

from textual import events

from aliret_tui.demo import COPIED_ORDER_LIST, fill_demo
from aliret_tui.timesource import TimeSource
from aliret_tui.tui.app import AliretApp

HERE = Path(__file__).resolve().parent
FROZEN = TimeSource(frozen_at=dt.datetime(2026, 11, 29, 10, 30))


# name: (terminal size, keys pressed from the dashboard; a Paste event is pasted)
SHOTS: dict[str, tuple[tuple[int, int], list[str | events.Paste]]] = {
    "dashboard": ((120, 36), []),
    "dashboard-80x24": ((80, 24), []),
    "detail-overview": ((120, 36), ["slash", *"keyboard", "enter", "enter"]),
    "detail-chat": ((120, 36), ["slash", *"keyboard", "enter", "enter", "3"]),
    "detail-evidence": ((120, 36), ["slash", *"keyboard", "enter", "enter", "4"]),
    "detail-timeline": ((120, 36), ["f", "f", "f", "slash", *"backpack", "enter", "enter", "2"]),
    "add-order": ((120, 36), ["a", *"8175123456789012", "tab", *"Phone stand", "tab", *"0"]),
    "detail-80x24": ((80, 24), ["slash", *"keyboard", "enter", "enter"]),
    "take-back-80x24": ((80, 24), ["slash", *"earbuds", "enter", "enter", "r", "k", "ctrl+s"]),
    "record-event": ((120, 36), ["slash", *"shoes", "enter", "enter", "r"]),
    "import-plan": ((120, 36), ["p", events.Paste(COPIED_ORDER_LIST), "wait"]),
    "detail-imported": ((120, 36), ["slash", *"lantern", "enter", "enter"]),
    "statistics": ((120, 36), ["g", "wait"]),
}


async def shoot(
    name: str, size: tuple[int, int], keys: list[str | events.Paste], database: Path
) -> None:
    app = AliretApp(db_path=database, time=FROZEN, db_label="demo data")
    async with app.run_test(size=size) as pilot:
        for key in ["wait", *keys, "wait"]:
            if isinstance(key, events.Paste):
                app.post_message(key)  # as a terminal delivers a paste
            elif key == "wait":
                await pilot.pause(0.5)
            else:
                await pilot.press(key)
            for _ in range(3):
                await pilot.pause()
                await app.workers.wait_for_complete()
        for widget in app.screen.query("Input, TextArea"):
            widget.cursor_blink = False  # type: ignore[attr-defined]
        await pilot.pause()
        app.save_screenshot(filename=f"{name}.svg", path=str(HERE))
    print(f"wrote screenshots/{name}.svg")


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, (size, keys) in SHOTS.items():
            database = Path(folder) / f"{name}.db"
            fill_demo(database, FROZEN)
            await shoot(name, size, keys, database)


if __name__ == "__main__":
    asyncio.run(main())
