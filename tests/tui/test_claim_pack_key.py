"""P on the order screen builds the claim pack where the user says, and says where."""

from __future__ import annotations

import zipfile
from pathlib import Path

from support.tui import add, days, event, screen_text, settle

from aliret_tui.tui.screens.detail import DetailScreen
from aliret_tui.tui.screens.detail.forms import PromptScreen

SIZE = (160, 40)


async def test_p_writes_the_pack_at_the_suggested_path(make_app, store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    add(store, "8175123456789012", "Jacket", delivered_on=days(-3))
    event(store, "8175123456789012", "open_dispute", reason="wrong_size")
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen), screen_text(app)
        await pilot.press("P")
        await settle(pilot, app)
        assert isinstance(app.screen, PromptScreen), screen_text(app)
        suggested = tmp_path / "claim-pack-8175123456789012.zip"
        assert app.screen.query_one("#value").value == str(suggested)  # where, shown
        assert "Build a claim pack" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot, app)
        await app.workers.wait_for_complete()
        await settle(pilot, app)
        written = [n for n in app._notifications if n.title == "Claim pack written"]
        assert written and str(suggested) in written[0].message, [
            (n.title, n.message) for n in app._notifications
        ]
    with zipfile.ZipFile(suggested) as archive:
        summary = archive.read("summary.md").decode()
    assert "Jacket" in summary and "wrong size" in summary


async def test_p_into_a_missing_folder_is_reported_and_writes_nothing(
    make_app, store, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    add(store, "8175123456789012", "Jacket", delivered_on=days(-3))
    app = make_app()
    target = tmp_path / "no such folder" / "pack.zip"
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        await pilot.press("P")
        await settle(pilot, app)
        app.screen.query_one("#value").value = str(target)
        await pilot.press("enter")
        await settle(pilot, app)
        await app.workers.wait_for_complete()
        await settle(pilot, app)
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert errors, [(n.title, n.message) for n in app._notifications]
    assert not Path(target).exists()
