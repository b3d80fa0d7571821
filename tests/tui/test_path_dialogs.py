"""Giving a file on the order screen (attaching evidence, importing a chat
transcript) and on the dashboard (importing orders): typed with completion, dropped
on the terminal (quoted, escaped, file://), or picked with ctrl+o. A refused file
keeps the dialog open with what was typed and says why, in the dialog.

Every test presses the keys a user presses and checks the screen and the store."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from support.tui import add, days, event, screen_text, settle
from textual import events
from textual.widgets import Input, Static
from textual_fspicker import FileOpen
from textual_fspicker.parts import DirectoryNavigation

from aliret_tui.domain.models import OrderLine
from aliret_tui.store.store import Store
from aliret_tui.tui.screens.detail import DetailScreen
from aliret_tui.tui.screens.detail.chat_actions import ChatActions
from aliret_tui.tui.screens.detail.forms import EventFormScreen, FileScreen, TickList
from aliret_tui.tui.screens.import_screens import ImportFileScreen
from aliret_tui.tui.widgets.chat_log import ChatLog

SIZE = (120, 36)
WIDE = (220, 40)  # evidence lines carry a whole tmp_path
PHOTO = b"\xff\xd8\xff\xe0 the box, crushed " * 50
TRANSCRIPT = (
    "[2026-11-20 14:30] Me: The box arrived crushed.\n"
    "[2026-11-20 16:05] Seller: Please send a photo.\n"
)


@pytest.fixture
def photos(tmp_path: Path, monkeypatch) -> Path:
    """~/My Photos/box.jpg, with home and the working folder in tmp_path."""
    home = tmp_path / "home"
    folder = home / "My Photos"
    folder.mkdir(parents=True)
    (folder / "box.jpg").write_bytes(PHOTO)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    return folder


def with_dispute(store: Store) -> None:
    add(store, "A1", "Jacket", delivered_on=days(-3))
    event(store, "A1", "open_dispute", reason="damaged_in_transit")


def attachments(db_path: Path) -> list[str]:
    with Store(db_path) as store:
        return [a.path for item in store.evidence("A1") for a in item.attachments]


async def open_tab(pilot, app, tab: str) -> DetailScreen:
    await settle(pilot, app)
    await pilot.press("enter")
    await settle(pilot, app)
    await pilot.press(tab)
    await settle(pilot, app)
    assert isinstance(app.screen, DetailScreen), screen_text(app)
    return app.screen


async def open_file_dialog(pilot, app, key: str) -> FileScreen:
    await pilot.press(key)
    await settle(pilot, app)
    assert isinstance(app.screen, FileScreen), screen_text(app)
    return app.screen


async def paste(pilot, app, text: str) -> None:
    """What a terminal sends when a file is dropped on it: a bracketed paste."""
    app.post_message(events.Paste(text))
    await settle(pilot, app)


def refusal(app) -> str:
    """The refusal shown in the dialog (checked to be on screen too)."""
    said = str(app.screen.query_one("#dialog-status", Static).content)
    assert said and said.split()[0] in screen_text(app)
    return said


def typed(app) -> str:
    return app.screen.query_one("#value", Input).value


# -- a dropped path ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dropped",
    [
        "'{folder}/box.jpg'",
        '"{folder}/box.jpg"',
        "{escaped}/box.jpg",
        "file://{url}/box.jpg",
        "~/My Photos/box.jpg",
    ],
    ids=["single-quoted", "double-quoted", "backslash-escaped", "file-url", "home"],
)
async def test_a_dropped_path_attaches_the_file(make_app, store, db_path, photos, dropped):
    with_dispute(store)
    text = dropped.format(
        folder=photos,
        escaped=str(photos).replace(" ", "\\ "),
        url=str(photos).replace(" ", "%20"),
    )
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await open_tab(pilot, app, "4")
        await open_file_dialog(pilot, app, "f")
        await paste(pilot, app, text)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen), screen_text(app)
        assert "unchanged since attached" in screen_text(app)
        assert any(note.title == "Attached" for note in app._notifications)
    assert attachments(db_path) == [str(photos / "box.jpg")]


async def test_a_dropped_transcript_is_imported(make_app, store, db_path, photos):
    add(store, "A1", "Jacket", delivered_on=days(-3))
    chat = photos / "seller chat.txt"
    chat.write_text(TRANSCRIPT, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_tab(pilot, app, "3")
        await open_file_dialog(pilot, app, "i")
        await paste(pilot, app, f"'{chat}'")
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen), screen_text(app)
        assert len(app.screen.query_one(ChatLog).messages) == 2
        said = [note.message for note in app._notifications if note.title == "Imported"]
        assert said == ["2 new messages imported from seller chat.txt"]


# -- a refused file keeps the dialog ---------------------------------------------------------


async def test_a_folder_is_refused_in_the_dialog_and_the_path_can_be_corrected(
    make_app, store, db_path, photos
):
    with_dispute(store)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_tab(pilot, app, "4")
        await open_file_dialog(pilot, app, "f")
        await paste(pilot, app, f"'{photos}'")
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, FileScreen)  # still open, with what was typed
        assert typed(app) == f"'{photos}'"
        said = refusal(app)
        assert said.startswith(f"Path: {photos} is a folder, not a file.")
        assert "Give the path of a file: a photo, a video" in said
        assert not any(note.severity == "error" for note in app._notifications)

        await pilot.press("end", "backspace", *"/box.jpg'")  # corrected in place
        assert refusal_cleared(app)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen), screen_text(app)
    assert attachments(db_path) == [str(photos / "box.jpg")]


def refusal_cleared(app) -> bool:
    return str(app.screen.query_one("#dialog-status", Static).content) == ""


async def test_a_missing_file_is_refused_in_the_dialog(make_app, store, db_path, photos):
    with_dispute(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(pilot, app, "4")
        await open_file_dialog(pilot, app, "f")
        await pilot.press(*"nope.jpg", "enter")
        await settle(pilot, app)
        assert isinstance(app.screen, FileScreen)
        assert typed(app) == "nope.jpg"
        assert refusal(app).startswith(f"Path: there is nothing at {Path.cwd() / 'nope.jpg'}.")
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen)
    assert attachments(db_path) == []


async def test_an_empty_path_is_refused_in_the_dialog(make_app, store, photos):
    with_dispute(store)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(pilot, app, "4")
        await open_file_dialog(pilot, app, "f")
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, FileScreen)
        assert refusal(app).startswith("Path: nothing typed yet. Give the path of a file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
async def test_an_unreadable_file_is_refused_in_the_dialog(make_app, store, db_path, photos):
    with_dispute(store)
    secret = photos / "box.jpg"
    secret.chmod(0)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(pilot, app, "4")
        await open_file_dialog(pilot, app, "f")
        await paste(pilot, app, str(secret))
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, FileScreen)
        assert refusal(app).startswith(f"Path: {secret} cannot be read (permission denied).")
    assert attachments(db_path) == []


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("", "File: chat.txt has no messages. Give a UTF-8 text file with one message per line"),
        ("\n\n  \n", "File: chat.txt has no messages."),
        ("\xff\xfe not text", "File: chat.txt is not UTF-8 text. Give a UTF-8 text file"),
        (
            TRANSCRIPT + "[2026-11-21 09:00] Stranger: hello\n",
            "File: chat.txt, line 3: unknown sender 'Stranger'; use Me, Seller or AliExpress. "
            "Nothing was imported.",
        ),
    ],
    ids=["empty", "blank-lines", "not-utf8", "bad-sender"],
)
async def test_a_refused_transcript_keeps_the_dialog_and_imports_nothing(
    make_app, store, db_path, photos, content, said
):
    add(store, "A1", "Jacket", delivered_on=days(-3))
    (Path.cwd() / "chat.txt").write_bytes(content.encode("latin-1", errors="strict"))
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_tab(pilot, app, "3")
        await open_file_dialog(pilot, app, "i")
        await pilot.press(*"chat.txt", "enter")
        await settle(pilot, app)
        assert isinstance(app.screen, FileScreen)
        assert typed(app) == "chat.txt"
        assert refusal(app).startswith(said), refusal(app)
        assert not any(note.title == "Imported" for note in app._notifications)
    with Store(db_path) as check:
        assert check.messages("A1") == []


async def test_a_transcript_over_16_mb_is_refused_in_the_dialog(make_app, store, db_path, photos):
    add(store, "A1", "Jacket", delivered_on=days(-3))
    line = b"[2026-11-20 14:30] Me: " + b"x" * 1000 + b"\n"
    (Path.cwd() / "chat.txt").write_bytes(line * (16 * 1024 + 1))
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_tab(pilot, app, "3")
        await open_file_dialog(pilot, app, "i")
        await pilot.press(*"chat.txt", "enter")
        await settle(pilot, app)
        assert isinstance(app.screen, FileScreen)
        said = "File: chat.txt is too large for a chat transcript (more than 16 MB)."
        assert refusal(app).startswith(said), refusal(app)
    with Store(db_path) as check:
        assert check.messages("A1") == []


# -- esc and a second enter while a file is read ---------------------------------------------


@pytest.fixture
def held_reading(monkeypatch):
    """The transcript's reading waits for ``release.set()``: what a user does while a
    large file is read happens then, deterministically."""
    release = threading.Event()
    reads = []
    original = ChatActions._read_transcript

    def held(self, path):
        reads.append(path)
        assert release.wait(10)
        return original(self, path)

    monkeypatch.setattr(ChatActions, "_read_transcript", held)
    return release, reads


async def test_esc_while_a_transcript_is_read_imports_nothing(
    make_app, store, db_path, photos, held_reading
):
    release, reads = held_reading
    add(store, "A1", "Jacket", delivered_on=days(-3))
    (Path.cwd() / "chat.txt").write_text(TRANSCRIPT, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_tab(pilot, app, "3")
        await open_file_dialog(pilot, app, "i")
        await pilot.press(*"chat.txt", "enter")
        await pilot.pause(0.1)
        assert "Reading chat.txt" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen)
        release.set()
        await pilot.pause(0.3)
        await settle(pilot, app)
        assert not any(note.title == "Imported" for note in app._notifications)
    assert len(reads) == 1
    with Store(db_path) as check:
        assert check.messages("A1") == []


async def test_enter_again_while_a_transcript_is_read_imports_it_once(
    make_app, store, db_path, photos, held_reading
):
    release, reads = held_reading
    add(store, "A1", "Jacket", delivered_on=days(-3))
    (Path.cwd() / "chat.txt").write_text(TRANSCRIPT, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_tab(pilot, app, "3")
        await open_file_dialog(pilot, app, "i")
        await pilot.press(*"chat.txt", "enter")
        await pilot.pause(0.1)
        await pilot.press("enter", "ctrl+s")
        await pilot.pause(0.1)
        release.set()
        await pilot.pause(0.3)
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen)
        said = [note.message for note in app._notifications if note.title == "Imported"]
        assert said == ["2 new messages imported from chat.txt"]
    assert len(reads) == 1
    with Store(db_path) as check:
        assert len(check.messages("A1")) == 2


# -- completion -----------------------------------------------------------------------------


async def test_the_path_completes_as_it_is_typed(make_app, store, db_path, photos):
    with_dispute(store)
    (photos / ".hidden.jpg").write_bytes(b"x")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(pilot, app, "4")
        await open_file_dialog(pilot, app, "f")
        field = app.screen.query_one("#value", Input)
        await pilot.press("~", "/", "M")
        await settle(pilot, app)
        assert "y Photos/" in screen_text(app)  # the suggestion, shown after the cursor
        await pilot.press("right")  # → takes it
        assert field.value == "~/My Photos/"
        await pilot.pause(0.2)  # the folder is listed off the event loop
        assert "box.jpg" in screen_text(app)
        await pilot.press("right")  # (a hidden file is never suggested before a dot)
        assert field.value == "~/My Photos/box.jpg"
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen), screen_text(app)
    assert attachments(db_path) == [str(photos / "box.jpg")]


# -- the file picker ------------------------------------------------------------------------


async def choose_in_picker(pilot, app, name: str) -> None:
    """In the picker: down to ``name``, enter (it fills the picker's box), enter."""
    navigation = app.screen.query_one(DirectoryNavigation)
    names = [option.location.name for option in navigation._options]  # type: ignore[attr-defined]
    steps = names.index(name) - (navigation.highlighted or 0)
    await pilot.press(*["down"] * steps, "enter")
    await settle(pilot, app)
    await pilot.press("enter")
    await settle(pilot, app)


async def test_ctrl_o_picks_the_file_to_attach(make_app, store, db_path, photos):
    with_dispute(store)
    (photos / "another.png").write_bytes(b"\x89PNG")
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await open_tab(pilot, app, "4")
        await open_file_dialog(pilot, app, "f")
        assert "Browse… (ctrl+o)" in screen_text(app)
        await pilot.press(*"~/My")  # the picker opens in the folder of what is typed
        await pilot.press("ctrl+o")
        await settle(pilot, app)
        assert isinstance(app.screen, FileOpen), screen_text(app)
        assert app.screen.query_one(DirectoryNavigation).location == photos.parent
        await pilot.press("escape")  # cancelled: back in the dialog, the text kept
        await settle(pilot, app)
        assert isinstance(app.screen, FileScreen) and typed(app) == "~/My"

        await pilot.press(*" Photos/")
        await pilot.press("ctrl+o")
        await settle(pilot, app)
        assert app.screen.query_one(DirectoryNavigation).location == photos
        await choose_in_picker(pilot, app, "box.jpg")
        assert isinstance(app.screen, DetailScreen), screen_text(app)  # chosen: attached
        assert "unchanged since attached" in screen_text(app)
    assert attachments(db_path) == [str(photos / "box.jpg")]


async def test_the_picker_starts_at_home_when_nothing_is_typed(make_app, store, photos):
    add(store, "A1", "Jacket", delivered_on=days(-3))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(pilot, app, "3")
        await open_file_dialog(pilot, app, "i")
        await pilot.press("ctrl+o")
        await settle(pilot, app)
        assert isinstance(app.screen, FileOpen)
        assert app.screen.query_one(DirectoryNavigation).location == photos.parent  # ~


async def test_ctrl_o_on_the_dashboard_import_shows_the_plan(make_app, store, tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "orders.csv").write_text(
        "order_id,title,price,currency\n8175000000000101,Phone charger,9.99,USD\n",
        encoding="utf-8",
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("i")
        await settle(pilot, app)
        assert isinstance(app.screen, ImportFileScreen)
        assert "Browse… (ctrl+o)" in screen_text(app)
        app.screen.query_one("#path", Input).value = f"{exports}/"
        await pilot.press("ctrl+o")
        await settle(pilot, app)
        assert isinstance(app.screen, FileOpen)
        await choose_in_picker(pilot, app, "orders.csv")
        assert isinstance(app.screen, ImportFileScreen)
        assert app.screen.query_one("#path", Input).value == str(exports / "orders.csv")
        assert "1 to add" in str(app.screen.query_one("#plan-text").render())


def test_the_file_picker_is_imported_only_when_asked_for():
    """Start-up stays quick: neither check nor the TUI's screens load the picker."""
    code = (
        "import sys\n"
        "import aliret_tui.cli.check, aliret_tui.tui.app\n"
        "import aliret_tui.tui.screens.detail, aliret_tui.tui.screens.import_screens\n"
        "print('textual_fspicker' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- the items of a dispute: ticks by shape ---------------------------------------------------


async def test_the_items_list_shows_ticks_by_shape(make_app, store):
    add(store, "A1", "Jacket", delivered_on=days(-3))
    with store.transaction():
        store.insert_lines(
            "A1",
            [OrderLine(position=1, title="Left glove", quantity=1),
             OrderLine(position=2, title="Right glove", quantity=1)],
        )  # fmt: skip
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_tab(pilot, app, "1")
        await pilot.press("r", "o")
        await settle(pilot, app)
        assert isinstance(app.screen, EventFormScreen), screen_text(app)
        items = app.screen.query_one(TickList)
        items.focus()
        await settle(pilot, app)
        shown = screen_text(app)
        assert "[ ] 1 × Left glove" in shown and "[ ] 1 × Right glove" in shown, shown
        await pilot.press("down", "space")
        await settle(pilot, app)
        shown = screen_text(app)
        assert "[ ] 1 × Left glove" in shown and "[✓] 1 × Right glove" in shown, shown
        assert items.selected == [2]
