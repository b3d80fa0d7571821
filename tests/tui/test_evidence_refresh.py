"""The Evidence tab follows the attached files while it is shown: a file changed,
moved or deleted meanwhile shows so within a few seconds, with no key pressed, and
shows intact again once restored. Files are looked at (stat) on a timer only while
the tab is shown, and read again only when they look different."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from support.tui import add, days, event, screen_text, settle

from aliret_tui import files
from aliret_tui.domain.models import Attachment
from aliret_tui.store.store import Store
from aliret_tui.tui.screens.detail import DetailScreen, evidence_actions
from aliret_tui.tui.screens.detail.evidence_actions import EvidenceActions

WIDE = (220, 40)  # evidence lines carry a whole tmp_path
ORIGINAL = b"\xff\xd8\xff\xe0 the crushed box " * 100
INTACT, CHANGED, MISSING = "unchanged since attached", "CHANGED since attached", "MISSING"


@pytest.fixture
def make_app(make_app, monkeypatch):
    """The app, with files looked at every 50 ms instead of every 2 s."""
    monkeypatch.setattr(EvidenceActions, "file_watch_seconds", 0.05)

    return make_app


@pytest.fixture
def photo(tmp_path: Path, store: Store) -> Path:
    """A dispute with box.jpg attached to its first checklist item."""
    path = tmp_path / "box.jpg"
    path.write_bytes(ORIGINAL)
    add(store, "A1", "Jacket", delivered_on=days(-3))
    event(store, "A1", "open_dispute", reason="damaged_in_transit")
    item = store.evidence("A1")[0]
    assert item.id is not None
    attachment = Attachment(
        path=str(path),
        size=len(ORIGINAL),
        sha256=hashlib.sha256(ORIGINAL).hexdigest(),
        attached_at="2026-11-28T10:00:00",
    )
    store.attach_file("A1", item.id, attachment)
    return path


async def until(pilot, condition: Callable[[], bool], seconds: float = 5.0) -> None:
    """Let the app run (no key pressed) until ``condition()`` holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time"
        await pilot.pause(0.05)


async def open_evidence(pilot, app) -> None:
    await settle(pilot, app)
    await pilot.press("enter", "4")
    await settle(pilot, app)
    assert isinstance(app.screen, DetailScreen), screen_text(app)


def shows(app, words: str, path: Path) -> Callable[[], bool]:
    return lambda: f"{path}  {len(ORIGINAL):,} bytes · {words}" in screen_text(app)


def flipped(data: bytes) -> bytes:
    """The same size, its last byte different: only the SHA-256 can tell."""
    return data[:-1] + bytes([data[-1] ^ 0xFF])


async def test_the_status_follows_the_file_while_the_tab_is_shown(make_app, photo):
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await open_evidence(pilot, app)
        await until(pilot, shows(app, INTACT, photo))

        photo.write_bytes(flipped(ORIGINAL))  # changed in place
        await until(pilot, shows(app, CHANGED, photo))
        photo.write_bytes(ORIGINAL)  # put back
        await until(pilot, shows(app, INTACT, photo))

        moved = photo.with_name("moved.jpg")
        photo.rename(moved)  # moved away
        await until(pilot, shows(app, MISSING, photo))
        moved.rename(photo)  # and back
        await until(pilot, shows(app, INTACT, photo))

        photo.unlink()  # deleted
        await until(pilot, shows(app, MISSING, photo))
        photo.write_bytes(ORIGINAL)  # restored from a backup
        await until(pilot, shows(app, INTACT, photo))
        assert isinstance(app.screen, DetailScreen)  # no key was pressed


async def test_an_unchanged_file_is_not_read_again(make_app, photo, monkeypatch):
    reads: list[Path] = []
    looks: list[str] = []
    real_fingerprint, real_look = files.fingerprint, evidence_actions.file_look

    def counted_fingerprint(path, **options):
        reads.append(path)
        return real_fingerprint(path, **options)

    def counted_look(path):
        looks.append(path)
        return real_look(path)

    monkeypatch.setattr(files, "fingerprint", counted_fingerprint)
    monkeypatch.setattr(evidence_actions, "file_look", counted_look)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await open_evidence(pilot, app)
        await until(pilot, shows(app, INTACT, photo))
        await until(pilot, lambda: len(looks) >= 2)  # looked at on the timer
        reads_so_far = len(reads)
        looked = len(looks)
        await until(pilot, lambda: len(looks) >= looked + 5)
        assert len(reads) == reads_so_far  # looked at, never read again

        photo.write_bytes(flipped(ORIGINAL))
        await until(pilot, shows(app, CHANGED, photo))
        assert len(reads) == reads_so_far + 1  # read once, for the change


async def test_files_are_looked_at_only_while_the_tab_is_shown(make_app, photo, monkeypatch):
    looks: list[str] = []
    real_look = evidence_actions.file_look
    monkeypatch.setattr(
        evidence_actions, "file_look", lambda path: looks.append(path) or real_look(path)
    )
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await open_evidence(pilot, app)
        await until(pilot, lambda: len(looks) >= 2)

        await pilot.press("1")  # another tab: the timer stops
        await settle(pilot, app)
        stopped_at = len(looks)
        await pilot.pause(0.3)
        assert len(looks) == stopped_at

        photo.unlink()  # changed while not looked at: shown once the tab is back
        await pilot.press("4")
        await until(pilot, shows(app, MISSING, photo))

        await pilot.press("a")  # a dialog over the tab: not looked at meanwhile
        await settle(pilot, app)
        assert not isinstance(app.screen, DetailScreen)
        under_dialog = len(looks)
        await pilot.pause(0.3)
        assert len(looks) == under_dialog
        await pilot.press("escape")
        photo.write_bytes(ORIGINAL)
        await until(pilot, shows(app, INTACT, photo))

        await pilot.press("escape")  # back to the dashboard: nothing looked at
        await settle(pilot, app)
        assert not isinstance(app.screen, DetailScreen)
        left_at = len(looks)
        await pilot.pause(0.3)
        assert len(looks) == left_at
