"""The detail screen's chat log and evidence checklist, driven with keys.

Every test checks what the user sees (the screen) and what was kept (the store,
reopened from the SQLite file).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
from pathlib import Path

import pytest
from support.tui import add, days, event, screen_text, settle
from textual import events
from textual.widgets import Select, Static, TextArea

from aliret_tui import files, system_viewer
from aliret_tui.domain.models import Attachment, ChatMessage, parse
from aliret_tui.store.store import Store
from aliret_tui.tui.screens.detail import DetailScreen
from aliret_tui.tui.screens.detail.forms import FileScreen, MessageFormScreen, PromptScreen
from aliret_tui.tui.screens.modals import ConfirmScreen
from aliret_tui.tui.widgets.chat_log import ChatLog
from aliret_tui.tui.widgets.evidence_list import EvidenceList

SIZE = (120, 36)
WIDE = (200, 40)  # evidence lines carry a whole tmp_path

# C0 controls (newline aside), DEL and C1 controls: nothing a terminal acts on.
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


# -- helpers -------------------------------------------------------------------------


def reopened(db_path: Path):
    """The store as a fresh process would see it."""
    return Store(db_path)


def stored_messages(db_path: Path, order_id: str = "A1") -> list[ChatMessage]:
    with reopened(db_path) as store:
        return store.messages(order_id)


def stored_evidence(db_path: Path, order_id: str = "A1"):
    with reopened(db_path) as store:
        return store.evidence(order_id)


def message(sender: str, when: str, text: str) -> ChatMessage:
    return parse(ChatMessage, {"sender": sender, "sent_at": when, "text": text})


async def type_text(pilot, text: str) -> None:
    """Type ``text`` key by key (spaces as the space key)."""
    await pilot.press(*["space" if ch == " " else ch for ch in text])


async def paste(pilot, app, text: str) -> None:
    """Paste ``text`` as the terminal would (bracketed paste goes to the focused widget)."""
    app.post_message(events.Paste(text))
    await settle(pilot, app)


async def open_detail(pilot, app, tab: str | None = None) -> DetailScreen:
    """From the dashboard, enter on the (only) order, then the tab's key."""
    await settle(pilot, app)
    await pilot.press("enter")
    await settle(pilot, app)
    assert isinstance(app.screen, DetailScreen), screen_text(app)
    if tab is not None:
        await pilot.press(tab)
        await settle(pilot, app)
    return app.screen


async def reopen_detail(pilot, app, tab: str) -> DetailScreen:
    """escape to the dashboard and enter again: the screen loads from scratch."""
    await pilot.press("escape")
    await settle(pilot, app)
    assert not isinstance(app.screen, DetailScreen)
    return await open_detail(pilot, app, tab)


async def pick_sender(pilot, app, label: str) -> None:
    """In the message form (text focused): shift+tab to the sender, choose ``label``."""
    await pilot.press("shift+tab", "shift+tab")
    select = app.screen.query_one("#sender", Select)
    assert select.has_focus or select.has_focus_within, app.focused
    await pilot.press("enter")
    await settle(pilot, app)
    overlay = app.focused
    labels = [str(option.prompt) for option in overlay.options]
    target = next(i for i, text in enumerate(labels) if text.startswith(label))
    steps = target - overlay.highlighted
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
    await settle(pilot, app)
    assert str(select.value) == label.lower(), select.value
    await pilot.press("tab", "tab")  # back to the message text
    assert isinstance(app.focused, TextArea)


async def add_message_by_form(pilot, app, sender: str, *, typed: str = "", pasted: str = ""):
    """m, choose the sender, type and/or paste the text, ctrl+s."""
    await pilot.press("m")
    await settle(pilot, app)
    assert isinstance(app.screen, MessageFormScreen)
    await pick_sender(pilot, app, sender)
    if typed:
        await type_text(pilot, typed)
    if pasted:
        await paste(pilot, app, pasted)
    await pilot.press("ctrl+s")
    await settle(pilot, app)
    assert isinstance(app.screen, DetailScreen), screen_text(app)


async def answer_path_prompt(pilot, app, path: Path | str, *, pasted: bool = False) -> None:
    """Type (or paste) a path into the file dialog and press enter."""
    assert isinstance(app.screen, FileScreen), screen_text(app)
    if pasted:
        await paste(pilot, app, str(path))
    else:
        await type_text(pilot, str(path))
    await pilot.press("enter")
    await settle(pilot, app)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch) -> Path:
    """Work in tmp_path, so paths can be typed as short relative names."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def notifications(app) -> list[str]:
    return [f"{note.title}: {note.message}" for note in app._notifications]


def assert_no_controls(text: str) -> None:
    found = sorted({f"U+{ord(ch):04X}" for ch in CONTROL.findall(text)})
    assert not found, f"control characters on screen: {found}"


# -- chat: markup and escapes ------------------------------------------------------------

MARKUP_LIKE = [
    "[@click=app.quit]x[/]",
    "[red]alert[/red]",
    "USB cable [/2 pack]",
    ":warning:",
    "$title",
]


async def test_markup_and_escape_sequences_in_messages_show_literally(make_app, store, db_path):
    add(store, "A1", "USB cable", delivered_on=days(-3))
    # Two already in the log (as a transcript or an earlier session would leave them).
    store.add_messages(
        "A1",
        [
            message("seller", "2026-11-27 09:00", "USB cable [/2 pack] is what you ordered"),
            message("me", "2026-11-27 09:05", ":warning: and $title are not emoji or variables"),
        ],
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, app, "3")
        # Typed key by key: markup with an action that would quit the app if it ran.
        await add_message_by_form(pilot, app, "Me", typed="[@click=app.quit]x[/] [red]alert[/red]")
        # Pasted: clear screen, set title, write the clipboard (OSC 52), C1 CSI, RI, OSC; BS, BEL.
        await add_message_by_form(
            pilot,
            app,
            "Seller",
            pasted=(
                "before\x1b[2J clear \x1b]0;pwn\x07 title \x1b]52;c;SGVsbG8=\x07 clip "
                "\x9b31m c1csi \x8d ri \x08\x07 bs \x9d0;x\x9c after"
            ),
        )
        assert app.is_running and app.return_code is None

        text = screen_text(app)
        for literal in MARKUP_LIKE:
            assert literal in text, literal
        # The sequences went, the words stayed.
        assert "before clear  title  clip  c1csi  ri  bs  after" in text, text
        assert "pwn" not in text and "SGVsbG8" not in text
        assert_no_controls(text)
        assert any("removed" in note and "control character" in note for note in notifications(app))

    stored = [m.text for m in stored_messages(db_path)]
    assert stored[2] == "[@click=app.quit]x[/] [red]alert[/red]"
    assert stored[3] == "before clear  title  clip  c1csi  ri  bs  after"
    assert not any(CONTROL.search(t) for t in stored)
    assert [m.sender.value for m in stored_messages(db_path)] == ["seller", "me", "me", "seller"]


async def test_multi_line_message_keeps_its_line_breaks(make_app, store, db_path):
    add(store, "A1", "Jacket", delivered_on=days(-3))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, app, "3")
        # Typed with enter between the lines, then a pasted block with CRLF and a blank line.
        await pilot.press("m")
        await settle(pilot, app)
        await pick_sender(pilot, app, "Me")
        await type_text(pilot, "Hello,")
        await pilot.press("enter")
        await type_text(pilot, "the jacket is too small.")
        await pilot.press("enter")
        await paste(pilot, app, "Size label says L\r\nit measures 48 cm\r\n\r\nRegards")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, DetailScreen)
        lines = screen_text(app).splitlines()
        parts = ("Hello,", "the jacket is", "Size label says L", "it measures 48 cm", "Regards")
        rows = [next(i for i, line in enumerate(lines) if part in line) for part in parts]
        # Each on a row of its own, in order, with the blank line before "Regards".
        assert [b - a for a, b in itertools.pairwise(rows)] == [1, 1, 1, 2], rows

    (saved,) = stored_messages(db_path)
    assert saved.text == (
        "Hello,\nthe jacket is too small.\nSize label says L\nit measures 48 cm\n\nRegards"
    )


async def test_a_corrected_message_loses_escape_sequences_too(make_app, store, db_path):
    add(store, "A1", "Jacket", delivered_on=days(-3))
    store.add_messages("A1", [message("seller", "2026-11-27 09:00", "Send a photo")])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, app, "3")
        await pilot.press("e")
        await settle(pilot, app)
        assert isinstance(app.screen, MessageFormScreen)
        await pilot.press("ctrl+e")  # end of the line
        await paste(pilot, app, " \x1b[2J\x1b]52;c;SGVsbG8=\x07please")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot, app)
        text = screen_text(app)
        assert "please" in text
        assert_no_controls(text)
    (saved,) = stored_messages(db_path)
    assert saved.edited_at
    assert not CONTROL.search(saved.text), repr(saved.text)


async def test_a_correction_can_change_who_sent_it_and_when(make_app, store, db_path):
    add(store, "A1", "Jacket", store="Nordic", delivered_on=days(-3))
    store.add_messages("A1", [message("me", "2026-11-27 09:00", "We will refund you")])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, app, "3")
        await pilot.press("e")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, MessageFormScreen)
        assert form.query_one("#sender").value == "me"  # filled in as recorded
        assert form.query_one("#sent_at").value == "2026-11-27 09:00"
        form.query_one("#sender").value = "seller"  # it was the seller who wrote it
        form.query_one("#sent_at").value = "2026-11-27 09:05"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        await pilot.press("y")
        await settle(pilot, app)
        assert app.screen.query_one(ChatLog).messages[0].sender.value == "seller"  # shown
    (saved,) = stored_messages(db_path)
    assert (saved.sender.value, f"{saved.sent_at:%H:%M}", saved.text) == (
        "seller", "09:05", "We will refund you"
    )  # fmt: skip
    assert saved.edited_at


# -- chat: transcripts ------------------------------------------------------------------------


def write_transcript(path: Path) -> list[tuple[str, str]]:
    """200 lines; lines 11, 61, 111 and 161 continue the message above them.

    Returns the (sender, text) of each message that should be stored."""
    start = dt.datetime(2026, 11, 1, 8, 0)
    senders = ["Me", "Seller", "AliExpress"]
    lines: list[str] = []
    expected: list[tuple[str, str]] = []
    for index in range(200):
        if index % 50 == 10:
            lines.append(f"(continued, line {index + 1})")
            sender, text = expected[-1]
            expected[-1] = (sender, f"{text}\n(continued, line {index + 1})")
            continue
        when = start + dt.timedelta(minutes=7 * index)
        sender = senders[index % 3]
        text = f"message on line {index + 1} [b]not bold[/b]"
        lines.append(f"[{when:%Y-%m-%d %H:%M}] {sender}: {text}")
        expected.append((sender.lower(), text))
    expected[-1] = (expected[-1][0], "the last word, line 200")
    lines[-1] = lines[-1].split("] ")[0] + f"] {senders[199 % 3]}: the last word, line 200"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(lines) == 200
    return expected


async def import_by_keys(pilot, app, path_text: str, *, refused: bool = False) -> str:
    """On the chat tab: i, the file's path, enter. A refused file keeps the dialog
    open (its text is returned), and escape leaves it."""
    await pilot.press("i")
    await settle(pilot, app)
    await answer_path_prompt(pilot, app, path_text)
    return await leave_if_refused(pilot, app, refused)


async def leave_if_refused(pilot, app, refused: bool) -> str:
    """After enter in a file dialog: back on the order, or (refused) still in the
    dialog, whose refusal is returned once escape has left it."""
    shown = ""
    if refused:
        assert isinstance(app.screen, FileScreen), screen_text(app)
        shown = str(app.screen.query_one("#dialog-status", Static).content)
        assert shown.split()[0] in screen_text(app)  # on screen, not only in the widget
        await pilot.press("escape")
        await settle(pilot, app)
    assert isinstance(app.screen, DetailScreen), screen_text(app)
    return shown


async def test_a_200_line_transcript_imports(make_app, store, db_path, in_tmp):
    add(store, "A1", "Jacket", delivered_on=days(-3))
    expected = write_transcript(in_tmp / "chat.txt")
    assert len(expected) == 196  # 200 lines, 4 of them continuation lines
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, app, "3")
        assert "No messages yet." in screen_text(app)
        await import_by_keys(pilot, app, "chat.txt")
        assert "Imported: 196 new messages imported from chat.txt" in notifications(app)
        chat = app.screen.query_one(ChatLog)
        assert len(chat.messages) == 196
        assert chat.highlighted_message.text == "the last word, line 200"
        text = screen_text(app)  # the newest message is in view straight away
        assert "the last word, line 200" in text, text
        assert "message on line 199 [b]not bold[/b]" in text  # data, not markup
        await import_by_keys(pilot, app, "chat.txt")  # the same file again adds nothing
        assert (
            "Imported: 0 new messages imported from chat.txt; 196 were already in the chat"
            in notifications(app)
        )
        assert len(app.screen.query_one(ChatLog).messages) == 196
        assert "No messages yet." not in text

    stored = stored_messages(db_path)
    assert [(m.sender.value, m.text) for m in stored] == expected
    assert stored[9].text == "message on line 10 [b]not bold[/b]\n(continued, line 11)"
    assert stored[-1].sent_at == dt.datetime(2026, 11, 1, 8, 0) + dt.timedelta(minutes=7 * 199)


async def test_the_newest_imported_message_is_in_view(make_app, store, in_tmp):
    add(store, "A1", "Jacket", delivered_on=days(-3))
    lines = [f"[2026-11-20 10:{minute:02d}] Seller: reply {minute}" for minute in range(40)]
    (in_tmp / "t.txt").write_text("\n".join(lines), encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, app, "3")
        await import_by_keys(pilot, app, "t.txt")
        assert app.screen.query_one(ChatLog).highlighted_message.text == "reply 39"
        assert "reply 39" in screen_text(app), screen_text(app)


BAD_TRANSCRIPT = (
    "[2026-11-21 10:00] Me: imported-one\n"
    "[2026-11-21 10:05] Seller: imported-two\n"
    "[2026-11-21 10:07] Stranger: who is this\n"
    "[2026-11-21 10:09] Me: imported-four\n"
)


async def test_a_transcript_with_one_bad_line_imports_nothing(make_app, store, db_path, in_tmp):
    add(store, "A1", "Jacket", delivered_on=days(-3))
    store.add_messages("A1", [message("me", "2026-11-20 10:00", "already here")])
    (in_tmp / "bad.txt").write_text(BAD_TRANSCRIPT, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, app, "3")
        await import_by_keys(pilot, app, "bad.txt", refused=True)
        assert app.is_running
        text = screen_text(app)
        assert "already here" in text
        assert "imported-" not in text and "who is this" not in text
        assert not any(note.startswith("Imported") for note in notifications(app))
    assert [m.text for m in stored_messages(db_path)] == ["already here"]


async def test_a_refused_import_or_attachment_tells_the_user_why(make_app, store, in_tmp):
    add(store, "A1", "Jacket", delivered_on=days(-3))
    event(store, "A1", "open_dispute", reason="wrong_size")
    (in_tmp / "bad.txt").write_text(BAD_TRANSCRIPT, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await open_detail(pilot, app, "3")
        said = await import_by_keys(pilot, app, "bad.txt", refused=True)
        assert said.startswith("File: bad.txt, line 3: unknown sender 'Stranger'"), said

        await pilot.press("4")
        await settle(pilot, app)
        await pilot.press("f")
        await settle(pilot, app)
        await answer_path_prompt(pilot, app, "nope.jpg")
        said = await leave_if_refused(pilot, app, refused=True)
        assert said.startswith(f"Path: there is nothing at {in_tmp / 'nope.jpg'}"), said


# -- chat: delete and edit ask first ----------------------------------------------------------


async def test_a_cancelled_delete_keeps_the_message(make_app, store, db_path):
    add(store, "A1", "Jacket", delivered_on=days(-3))
    store.add_messages(
        "A1",
        [
            message("me", "2026-11-20 10:00", "Message one"),
            message("seller", "2026-11-20 11:00", "Message two"),
            message("me", "2026-11-20 12:00", "Message three"),
        ],
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, app, "3")
        await pilot.press("k")  # from the newest to "Message two"
        assert app.screen.query_one(ChatLog).highlighted_message.text == "Message two"
        for cancel in ("n", "escape"):
            await pilot.press("x")
            await settle(pilot, app)
            assert isinstance(app.screen, ConfirmScreen)
            assert "Delete this message from the chat log?" in screen_text(app)
            await pilot.press(cancel)
            await settle(pilot, app)
            assert isinstance(app.screen, DetailScreen)
            assert "Message two" in screen_text(app), cancel
            assert [m.text for m in stored_messages(db_path)] == [
                "Message one",
                "Message two",
                "Message three",
            ], cancel

        await pilot.press("x")
        await settle(pilot, app)
        await pilot.press("y")
        await settle(pilot, app)
        text = screen_text(app)
        assert "Message two" not in text
        assert "Message one" in text and "Message three" in text
    assert [m.text for m in stored_messages(db_path)] == ["Message one", "Message three"]


async def test_editing_asks_and_a_cancelled_edit_keeps_the_original(make_app, store, db_path):
    add(store, "A1", "Jacket", delivered_on=days(-3))
    store.add_messages("A1", [message("seller", "2026-11-20 11:00", "We ship in 3 days")])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, app, "3")
        for cancel in ("n", "escape"):
            await pilot.press("e")
            await settle(pilot, app)
            assert isinstance(app.screen, MessageFormScreen)
            assert app.screen.query_one("#text", TextArea).text == "We ship in 3 days"
            await pilot.press("ctrl+e")  # end of the line
            await type_text(pilot, " (5?)")
            await pilot.press("ctrl+s")
            await settle(pilot, app)
            assert isinstance(app.screen, ConfirmScreen), "an edit must ask first"
            assert "Replace this message" in screen_text(app)
            await pilot.press(cancel)
            await settle(pilot, app)
            assert isinstance(app.screen, DetailScreen)
            text = screen_text(app)
            assert "We ship in 3 days" in text and "(5?)" not in text
            assert "edited" not in text
            (saved,) = stored_messages(db_path)
            assert (saved.text, saved.edited_at) == ("We ship in 3 days", ""), cancel

        await pilot.press("e")
        await settle(pilot, app)
        await pilot.press("ctrl+e")
        await type_text(pilot, " (5?)")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        await pilot.press("y")
        await settle(pilot, app)
        text = screen_text(app)
        assert "We ship in 3 days (5?)" in text
        assert "· edited" in text
    (saved,) = stored_messages(db_path)
    assert saved.text == "We ship in 3 days (5?)"
    assert saved.edited_at


# -- evidence ------------------------------------------------------------------------------------


def dispute(store) -> None:
    add(store, "A1", "Jacket, size L", delivered_on=days(-3))
    event(store, "A1", "open_dispute", reason="wrong_size")


def readiness_lines(app) -> dict[str, str]:
    """The mark (✓/✗/–) shown before photos, messages and tracking on the overview."""
    marks = {}
    for line in screen_text(app).splitlines():
        found = re.search(r"([✓✗–])\s+(photos|messages|tracking)\b", line)
        if found:
            marks[found[2]] = found[1]
    return marks


async def test_tick_add_note_and_readiness(make_app, store, db_path):
    dispute(store)
    store.add_messages(
        "A1",
        [
            message("me", "2026-11-27 09:00", "It is two sizes too small"),
            message("aliexpress", "2026-11-27 09:30", "The seller has 5 days to respond"),
        ],
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, app)
        assert readiness_lines(app)["photos"] == "✗"
        assert readiness_lines(app)["messages"] == "✗"  # me and AliExpress: no seller yet

        await pilot.press("4")
        await settle(pilot, app)
        assert "[ ] Photos of the problem" in screen_text(app)
        await pilot.press("space")
        await settle(pilot, app)
        assert "[x] Photos of the problem" in screen_text(app)
        first = stored_evidence(db_path)[0]
        assert (first.label, first.done) == ("Photos of the problem", True)
        assert not any(item.done for item in stored_evidence(db_path)[1:])

        # An own item: a, its label, enter (kind left at the first choice, photo).
        await pilot.press("a")
        await settle(pilot, app)
        assert isinstance(app.screen, PromptScreen)
        await type_text(pilot, "Photo of the serial number")
        await pilot.press("enter")
        await settle(pilot, app)
        assert "[ ] Photo of the serial number  · photo · own item" in screen_text(app)
        own = stored_evidence(db_path)[-1]
        assert (own.label, own.custom, own.done, own.kind.value) == (
            "Photo of the serial number",
            True,
            False,
            "photo",
        )

        # A note on the first item.
        await pilot.press("home", "n")
        await settle(pilot, app)
        await type_text(pilot, "Taken in daylight")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "note: Taken in daylight" in screen_text(app)
        assert stored_evidence(db_path)[0].note == "Taken in daylight"

        await pilot.press("1")
        await settle(pilot, app)
        assert readiness_lines(app)["photos"] == "✓"  # the ticked photo item
        assert readiness_lines(app)["messages"] == "✗"

        # One message from the seller as well: now both sides are in the log.
        await pilot.press("3")
        await settle(pilot, app)
        await add_message_by_form(pilot, app, "Seller", pasted="Send a photo of the label")
        await pilot.press("1")
        await settle(pilot, app)
        assert readiness_lines(app)["messages"] == "✓"
    senders = [m.sender.value for m in stored_messages(db_path)]
    assert senders == ["me", "aliexpress", "seller"]


async def attach_by_keys(
    pilot, app, path: Path | str, *, pasted: bool = False, refused: bool = False
) -> str:
    """On the evidence tab, f on the highlighted item, then the path (a refused one
    is left with escape; the dialog's text is returned)."""
    await pilot.press("f")
    await settle(pilot, app)
    await answer_path_prompt(pilot, app, path, pasted=pasted)
    return await leave_if_refused(pilot, app, refused)


async def test_attach_a_file_then_change_it_on_disk(make_app, store, db_path, tmp_path):
    dispute(store)
    photo = tmp_path / "label.jpg"
    original = b"\xff\xd8\xff\xe0 size label, L " * 300
    photo.write_bytes(original)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await open_detail(pilot, app, "4")
        await pilot.press("j")  # "Original packaging kept"
        await attach_by_keys(pilot, app, photo, pasted=True)  # a pasted absolute path
        text = screen_text(app)
        assert f"✓ {photo.resolve()}  {len(original):,} bytes · unchanged since attached" in text

        (attachment,) = stored_evidence(db_path)[1].attachments
        assert attachment.path == str(photo.resolve())
        assert attachment.size == len(original)
        assert attachment.sha256 == hashlib.sha256(original).hexdigest()
        assert not stored_evidence(db_path)[0].attachments

        # The same size, one byte different: only the SHA-256 can tell.
        changed = bytearray(original)
        changed[-1] ^= 0xFF
        photo.write_bytes(bytes(changed))
        await reopen_detail(pilot, app, "4")
        text = screen_text(app)
        assert "CHANGED since attached" in text
        assert "unchanged since attached" not in text
        assert f"! {photo.resolve()}" in text

        # Put it back and the mark follows.
        photo.write_bytes(original)
        await reopen_detail(pilot, app, "4")
        assert "unchanged since attached" in screen_text(app)
        assert "CHANGED" not in screen_text(app)

    (attachment,) = stored_evidence(db_path)[1].attachments
    assert attachment.sha256 == hashlib.sha256(original).hexdigest()  # never re-taken


async def test_an_attached_file_that_is_gone_shows_missing(make_app, store, db_path, in_tmp):
    dispute(store)
    photo = in_tmp / "ruler.png"
    photo.write_bytes(b"\x89PNG ruler on the sleeve")
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await open_detail(pilot, app, "4")
        # A path that is not a file attaches nothing.
        await attach_by_keys(pilot, app, "nope.png", refused=True)
        assert app.is_running
        assert not any(item.attachments for item in stored_evidence(db_path))
        assert not any(item.attachments for item in app.screen.query_one(EvidenceList).items)

        await attach_by_keys(pilot, app, "ruler.png")  # typed relative to where we are
        assert "unchanged since attached" in screen_text(app)
        assert stored_evidence(db_path)[0].attachments[0].size == photo.stat().st_size

        # An attached photo counts for readiness even when not ticked.
        await pilot.press("1")
        await settle(pilot, app)
        assert readiness_lines(app)["photos"] == "✓"
        assert not stored_evidence(db_path)[0].done

        photo.unlink()
        await reopen_detail(pilot, app, "4")
        text = screen_text(app)
        assert f"✗ {photo.resolve()}" in text
        assert "MISSING" in text and "unchanged since attached" not in text
    (item, *_) = stored_evidence(db_path)
    assert item.attachments[0].path == str(photo.resolve())  # the record stays


# -- opening a file: never through a shell ----------------------------------------------------


async def test_open_passes_the_path_as_one_argument_without_a_shell(
    make_app, store, db_path, tmp_path, monkeypatch
):
    dispute(store)
    nasty = tmp_path / "my photo; touch pwned $(touch pwned2) `id`.jpg"
    nasty.write_bytes(b"photo")
    size, digest = files.fingerprint(nasty)
    item_id = store.evidence("A1")[0].id
    store.attach_file(
        "A1",
        item_id,
        Attachment(path=str(nasty), size=size, sha256=digest, attached_at="2026-11-29T10:00:00"),
    )

    calls: list[tuple[object, dict]] = []
    asked: list[str] = []

    def fake_popen(args, **kwargs):
        calls.append((args, kwargs))
        return None

    def fake_which(name, *args, **kwargs):
        asked.append(name)
        return f"/usr/bin/{name}"

    monkeypatch.setattr(system_viewer.subprocess, "Popen", fake_popen)
    monkeypatch.setattr(system_viewer.shutil, "which", fake_which)

    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await open_detail(pilot, app, "4")
        assert app.screen.query_one(EvidenceList).highlighted_item.id == item_id
        await pilot.press("o")
        await settle(pilot, app)
        assert len(calls) == 1
        args, kwargs = calls[0]
        assert asked == [Path(args[0]).name] and asked[0] in ("xdg-open", "open")
        assert args == [f"/usr/bin/{asked[0]}", str(nasty)]
        assert not kwargs.get("shell", False)
        assert not any(n.severity in ("warning", "error") for n in app._notifications)

        # Gone from disk: nothing is started, the user is told why.
        nasty.unlink()
        await pilot.press("o")
        await settle(pilot, app)
        assert len(calls) == 1
        assert any("the file is missing" in note for note in notifications(app))

        # An item without a file: o does nothing at all.
        await pilot.press("j", "o")
        await settle(pilot, app)
        assert len(calls) == 1


async def test_files_are_detached_and_items_removed_after_asking(make_app, store, db_path, in_tmp):
    dispute(store)
    photo = in_tmp / "ruler.png"
    photo.write_bytes(b"\x89PNG ruler on the sleeve")
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await open_detail(pilot, app, "4")
        await attach_by_keys(pilot, app, "ruler.png")
        first_label = stored_evidence(db_path)[0].label
        await pilot.press("d")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Detach ruler.png" in screen_text(app)
        await pilot.press("y")
        await settle(pilot, app)
        assert stored_evidence(db_path)[0].attachments == ()
        assert photo.exists()  # the file itself stays
        count = len(stored_evidence(db_path))
        await pilot.press("x")
        await settle(pilot, app)
        assert f'Remove "{first_label}" from the checklist?' in " ".join(screen_text(app).split())
        await pilot.press("n")  # not now: nothing removed
        await settle(pilot, app)
        assert len(stored_evidence(db_path)) == count
        await pilot.press("x", "y")
        await settle(pilot, app)
        assert first_label not in [item.label for item in stored_evidence(db_path)]
        assert len(stored_evidence(db_path)) == count - 1
