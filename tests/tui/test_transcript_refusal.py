"""A transcript line that starts with "[" but is no message line (issue 12, item 16).

It was glued onto the message above, so the seller's words were stored as the
buyer's. Transcripts are imported from the order screen only (there is no CLI
command for them), so this goes through the keys: the refusal names the line,
and the database is byte for byte as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.sqlite_files import dump_database
from support.tui import add, days, screen_text, settle
from textual.widgets import Static

from aliret_tui.tui.screens.detail import DetailScreen
from aliret_tui.tui.screens.detail.forms import FileScreen

SIZE = (160, 40)
GLUED = (
    "[2026-11-20 14:30] Me: The jacket is two sizes too small.\n"
    "[2026-11-20 16:05] Seller No, you ordered the wrong size.\n"  # no colon: not a message line
    "[2026-11-21 09:12] Me: I ordered an L.\n"
)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def test_a_broken_message_line_is_refused_naming_it(make_app, store, db_path, in_tmp):
    add(store, "A1", "Jacket", delivered_on=days(-3))
    (in_tmp / "chat.txt").write_text(GLUED, encoding="utf-8")
    before = dump_database(db_path)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, app)
        await pilot.press("enter", "3")  # the order, then its Chat tab
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen), screen_text(app)
        await pilot.press("i")
        await settle(pilot, app)
        assert isinstance(app.screen, FileScreen), screen_text(app)
        await pilot.press(*"chat.txt", "enter")
        await settle(pilot, app)
        assert isinstance(app.screen, FileScreen), screen_text(app)  # kept open to correct
        said = str(app.screen.query_one("#dialog-status", Static).content)
        assert said.startswith("File: chat.txt, line 2: '[2026-11-20 16:05] Seller No, you"), said
        assert "starts with '[' but is not" in said
        assert "File: chat.txt, line 2:" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot, app)
        assert not any(note.title == "Imported" for note in app._notifications)
        assert "wrong size" not in screen_text(app)
    assert dump_database(db_path) == before
