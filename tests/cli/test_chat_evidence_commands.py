"""The order screen's chat and evidence actions on the command line (issue 13, "the
CLI, for every action"): evidence-add, evidence-tick, evidence-note, evidence-remove,
detach, message-edit, message-delete and message-import. Each refuses as ``add`` and
``event`` do: exit 2, one line naming the argument, nothing written, no database
created; what the order screen asks before doing needs ``--yes``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

ID = "8175123456789012"
OTHER = "8175000000000002"
ADD = ("add", ID, "--title", "Earbuds", "--price", "20", "--currency", "USD",
       "--store", "Best Shop", "--ordered", "2026-02-10", "--delivered", "2026-03-01")  # fmt: skip
ADD_OTHER = ("add", OTHER, "--title", "Lamp", "--price", "5", "--currency", "EUR")
DISPUTED = (
    ADD,
    ADD_OTHER,
    ("event", ID, "open_dispute", "--reason", "wrong_size", "--on", "2026-03-05"),
    ("message", ID, "--from", "seller", "--at", "2026-03-06 10:00", "Sorry!\nWe will help"),
    ("message", ID, "--from", "me", "--at", "2026-03-05 09:30", "It is too small"),
)


def _rows(db: Path, sql: str, *params: object) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _evidence(db: Path) -> list[tuple]:
    return _rows(db, "SELECT position, label, kind, done, note, custom FROM evidence "
                     "WHERE order_id = ? ORDER BY position", ID)  # fmt: skip


def _messages(db: Path) -> list[tuple]:
    return _rows(db, "SELECT sender, sent_at, text, edited_at != '' FROM messages "
                     "WHERE order_id = ? ORDER BY sent_at, id", ID)  # fmt: skip


def _attach(cli, tmp_path: Path, item: str, name: str = "photo.jpg") -> Path:
    photo = tmp_path / name
    photo.write_bytes(b"\xff\xd8 a photo")
    result = cli("attach", ID, item, str(photo))
    assert result.code == 0, result.err
    return photo


# -- the evidence checklist --------------------------------------------------------------


def test_evidence_add_puts_an_own_item_at_the_end_of_the_checklist(cli, seed, db):
    seed(*DISPUTED)
    result = cli("evidence-add", ID, "Photo of the serial number", "--kind", "photo")
    assert result.code == 0, result.err
    assert result.out == (
        f"Added evidence item 8 to order {ID}: Photo of the serial number (photo; the "
        "checklist now has 8 items)\n"
    )
    assert _evidence(db)[-1] == (7, "Photo of the serial number", "photo", 0, "", 1)
    assert "  8. [ ] Photo of the serial number" in cli("show", ID).out


def test_evidence_add_works_before_any_dispute_and_defaults_to_other(cli, seed, db):
    seed(ADD)
    assert cli("evidence-add", ID, "Receipt").code == 0
    assert _evidence(db) == [(0, "Receipt", "other", 0, "", 1)]


def test_evidence_tick_ticks_by_number_or_label_and_off_unticks(cli, seed, db):
    seed(*DISPUTED)
    ticked = cli("evidence-tick", ID, "2")
    assert ticked.out == f"Ticked evidence item 2 of order {ID}: Original packaging kept\n"
    assert [row[3] for row in _evidence(db)][:3] == [0, 1, 0]
    again = cli("evidence-tick", ID, "original PACKAGING kept")
    assert again.out.startswith("Already ticked, nothing changed: evidence item 2")
    assert cli("evidence-tick", ID, "2", "--off").out.startswith("Unticked evidence item 2")
    assert [row[3] for row in _evidence(db)][:3] == [0, 0, 0]
    assert "Evidence (0 of 7 with proof" in cli("show", ID).out


def test_evidence_note_writes_reads_standard_input_and_clears(cli, seed, db):
    seed(*DISPUTED)
    assert cli("evidence-note", ID, "1", "box kept\nin the garage").code == 0
    assert _evidence(db)[0][4] == "box kept\nin the garage"
    out = cli("show", ID).out
    assert "       note: box kept\n             in the garage\n" in out
    assert cli("evidence-note", ID, "1", "-", stdin="from stdin\n").code == 0
    assert _evidence(db)[0][4] == "from stdin"  # trailing blank lines go, as in the form
    cleared = cli("evidence-note", ID, "1", "")
    assert cleared.out == (
        f"Cleared the note of evidence item 1 of order {ID}: Photos of the problem\n"
    )
    assert _evidence(db)[0][4] == ""


def test_a_note_too_long_is_refused_and_nothing_written(cli, seed, db, dump, one_error_line):
    seed(*DISPUTED)
    before = dump(db)
    one_error_line(cli("evidence-note", ID, "1", "-", stdin="x" * 200_001), "TEXT: is too long")
    assert dump(db) == before


def test_evidence_note_removes_control_characters_with_a_note(cli, seed, db):
    seed(*DISPUTED)
    result = cli("evidence-note", ID, "1", "kept\x1b[31m red")
    assert result.code == 0
    assert "TEXT: removed" in result.err
    assert _evidence(db)[0][4] == "kept red"


def test_evidence_remove_needs_yes_and_keeps_the_files(cli, seed, db, dump, tmp_path):
    seed(*DISPUTED)
    photo = _attach(cli, tmp_path, "2")
    before = dump(db)
    refused = cli("evidence-remove", ID, "2")
    assert refused.code == 2 and refused.out == ""
    assert refused.err == (
        f'aliret-tui: error: --yes: is required to remove item 2 "Original packaging kept" '
        f"from order {ID}'s checklist, with the record of its 1 attached file (the files "
        "themselves stay where they are); add --yes\n"
    )
    assert dump(db) == before
    removed = cli("evidence-remove", ID, "2", "--yes")
    assert removed.code == 0, removed.err
    assert removed.out.startswith(f'Removed item 2 "Original packaging kept" from order {ID}')
    labels = [row[1] for row in _evidence(db)]
    assert len(labels) == 6 and "Original packaging kept" not in labels
    assert [row[0] for row in _evidence(db)] == list(range(6))  # the rest moved up
    assert _rows(db, "SELECT count(*) FROM attachments") == [(0,)]
    assert photo.read_bytes() == b"\xff\xd8 a photo"


def test_detach_needs_yes_then_forgets_the_files_not_the_item(cli, seed, db, dump, tmp_path):
    seed(*DISPUTED)
    photo = _attach(cli, tmp_path, "2")
    _attach(cli, tmp_path, "2", "second.jpg")
    before = dump(db)
    refused = cli("detach", ID, "2")
    assert refused.code == 2 and "--yes: is required to detach 2 files (photo.jpg, second.jpg)" in (
        refused.err
    )
    assert dump(db) == before
    detached = cli("detach", ID, "Original packaging kept", "--yes")
    assert detached.code == 0, detached.err
    assert detached.out.startswith(
        f'Detached 2 files from evidence item 2 "Original packaging kept" of order {ID}: '
        "photo.jpg, second.jpg\n"
    )
    assert _rows(db, "SELECT count(*) FROM attachments") == [(0,)]
    assert len(_evidence(db)) == 7
    assert photo.exists()
    nothing = cli("detach", ID, "2", "--yes")
    assert nothing.code == 0 and "nothing to detach" in nothing.out


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (("evidence-add", ID, "   "), "LABEL: is required"),
        (("evidence-add", ID, "x", "--kind", "selfie"), "--kind: must be one of photo, video"),
        (("evidence-add", ID, "x" * 501), "LABEL: "),
        (("evidence-tick", ID, "9"), "ITEM: no item '9': give a number from 1 to 7"),
        (("evidence-tick", ID, "0"), "ITEM: no item '0'"),
        (("evidence-tick", ID, "Nothing like it"), "ITEM: no item 'Nothing like it'"),
        (("evidence-note", ID, "9", "x"), "ITEM: "),
        (("evidence-remove", ID, "1"), "--yes: is required"),
        (("evidence-remove", ID, "9", "--yes"), "ITEM: "),
        (("detach", ID, "9", "--yes"), "ITEM: "),
        (("message-edit", ID, "1"), "message-edit: nothing to change: give TEXT, --from or --at"),
        (
            ("message-edit", ID, "3", "x"),
            "N: must be a message's number as aliret-tui show lists it, from 1 to 2 (got '3')",
        ),
        (("message-edit", ID, "one", "x"), "N: must be"),
        (("message-edit", ID, "1", "--from", "mum"), "--from: "),
        (("message-edit", ID, "1", "--at", "2026-03-06"), "--at: must be a time"),
        (("message-edit", ID, "1", "  "), "TEXT: is required"),
        (
            ("message-delete", ID, "1"),
            "--yes: is required to delete message 1 (2026-03-05 09:30 Me: It is too small)",
        ),
        (("message-delete", ID, "0", "--yes"), "N: must be"),
        (("message-import", ID, "{bad}"), "FILE: line 2: "),
        (("message-import", ID, "{missing}"), "FILE: "),
        (("message-import", ID, "{binary}"), "FILE: "),
    ],
    ids=lambda value: " ".join(value)[:60] if isinstance(value, tuple) else None,
)
def test_refusals_name_the_argument_and_write_nothing(
    cli, seed, db, dump, one_error_line, tmp_path, arguments, fragment
):
    seed(*DISPUTED)
    (tmp_path / "bad.txt").write_text("[2026-03-07 09:00] Me: fine\n[2026-03-07 oops\n")
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00")
    files = {"{bad}": "bad.txt", "{missing}": "missing.txt", "{binary}": "binary.txt"}
    arguments = tuple(str(tmp_path / files[a]) if a in files else a for a in arguments)
    before = dump(db)
    one_error_line(cli(*arguments), fragment)
    assert dump(db) == before


def test_an_order_without_a_checklist_or_chat_says_so(cli, seed, one_error_line):
    seed(ADD)
    one_error_line(cli("evidence-tick", ID, "1"), f"ITEM: order {ID} has no evidence items yet")
    one_error_line(cli("message-delete", ID, "1", "--yes"), f"N: order {ID} has no chat messages")


EVERY_COMMAND = [
    ("evidence-add", ID, "Receipt"),
    ("evidence-tick", ID, "1"),
    ("evidence-note", ID, "1", "note"),
    ("evidence-remove", ID, "1", "--yes"),
    ("detach", ID, "1", "--yes"),
    ("message-edit", ID, "1", "hello"),
    ("message-delete", ID, "1", "--yes"),
    ("message-import", ID, "{transcript}"),
]


def _filled(command: tuple[str, ...], tmp_path: Path) -> tuple[str, ...]:
    transcript = tmp_path / "chat.txt"
    transcript.write_text("[2026-03-07 09:00] Me: hello\n")
    return tuple(str(transcript) if arg == "{transcript}" else arg for arg in command)


@pytest.mark.parametrize("command", EVERY_COMMAND, ids=" ".join)
def test_an_unknown_order_is_refused_and_nothing_is_written(
    cli, seed, db, dump, tmp_path, one_error_line, command
):
    seed(ADD_OTHER)
    before = dump(db)
    line = one_error_line(cli(*_filled(command, tmp_path)))
    assert line == f"aliret-tui: error: ORDER_ID: no order {ID} (aliret-tui list --all shows them)"
    assert dump(db) == before


@pytest.mark.parametrize("command", EVERY_COMMAND, ids=" ".join)
def test_a_missing_database_is_refused_and_not_created(cli, tmp_path, one_error_line, command):
    typo = tmp_path / "nowhere" / "aliret.db"
    one_error_line(cli(*_filled(command, tmp_path), db=typo), f"{typo}: there is no database there")
    assert not typo.parent.exists()


# -- the chat log ------------------------------------------------------------------------


def test_show_numbers_the_chat_as_message_edit_names_it(cli, seed):
    seed(*DISPUTED)
    out = cli("show", ID).out
    chat = out[out.index("Chat (2 messages):") :].splitlines()
    assert chat[1:4] == [
        "  1. 2026-03-05 09:30  Me: It is too small",
        "  2. 2026-03-06 10:00  Seller (Best Shop): Sorry!",
        "                       We will help",
    ]


def test_message_edit_changes_text_sender_and_time_and_marks_it_edited(cli, seed, db):
    seed(*DISPUTED)
    result = cli("message-edit", ID, "2", "--from", "aliexpress", "--at", "2026-03-04 08:00")
    assert result.code == 0, result.err
    assert result.out == (
        f"Corrected a message of order {ID}, marked as edited:\n"
        "  was: 2026-03-06 10:00 Seller: Sorry!\n"
        "  now: 2026-03-04 08:00 AliExpress: Sorry!\n"
    )
    assert _messages(db)[0] == ("aliexpress", "2026-03-04 08:00", "Sorry!\nWe will help", 1)
    assert cli("message-edit", ID, "2", "-", stdin="It is far too small\n").code == 0
    assert _messages(db)[1] == ("me", "2026-03-05 09:30", "It is far too small", 1)
    assert "  2. 2026-03-05 09:30  Me (edited): It is far too small" in cli("show", ID).out


def test_message_edit_with_the_same_values_writes_nothing(cli, seed, db, dump):
    seed(*DISPUTED)
    before = dump(db)
    result = cli("message-edit", ID, "1", "It is too small", "--from", "me")
    assert result.code == 0
    assert result.out == "Nothing changed: message 1 already reads so.\n"
    assert dump(db) == before


def test_message_delete_needs_yes(cli, seed, db):
    seed(*DISPUTED)
    result = cli("message-delete", ID, "2", "--yes")
    assert result.code == 0, result.err
    assert result.out == (
        f"Deleted message 2 (2026-03-06 10:00 Seller: Sorry!) from order {ID} (the chat now "
        "has 1 message).\n"
    )
    assert _messages(db) == [("me", "2026-03-05 09:30", "It is too small", 0)]


def test_message_import_adds_a_transcript_once(cli, seed, db, tmp_path):
    seed(*DISPUTED)
    transcript = tmp_path / "chat.txt"
    transcript.write_text(
        "[2026-03-07 09:00] Me: Photos sent\n[2026-03-07 10:00] Seller: Received,\n"
        "we will refund\n[2026-03-06 10:00] Seller: Sorry!\nWe will help\n"
    )
    first = cli("message-import", ID, str(transcript))
    assert first.code == 0, first.err
    assert first.out == (
        f"Imported 2 new messages from chat.txt into order {ID}; 1 was already in the chat "
        "(the chat now has 4 messages).\n"
    )
    again = cli("message-import", ID, "-", stdin=transcript.read_text())
    assert again.out.startswith("Imported 0 new messages from standard input into order")
    assert [row[2] for row in _messages(db)][-1] == "Received,\nwe will refund"
    assert len(_messages(db)) == 4


def test_a_transcript_larger_than_the_chat_tab_takes_is_refused(
    cli, seed, db, dump, tmp_path, one_error_line
):
    """As the Chat tab's import: more than 16 MB is not a transcript, from a file or
    from standard input, and nothing is read past that."""
    seed(*DISPUTED)
    before = dump(db)
    line = "[2026-03-07 09:00] Me: " + "x" * 1000 + "\n"
    huge = tmp_path / "huge.txt"
    huge.write_text(line * (16 * 1024 + 1))
    one_error_line(
        cli("message-import", ID, str(huge)),
        f"FILE: {huge} is too large for a chat transcript (more than 16 MB)",
    )
    one_error_line(
        cli("message-import", ID, "-", stdin=huge.read_text()),
        "FILE: standard input is too long (more than 16,777,216 bytes)",
    )
    assert dump(db) == before


def test_standard_input_past_what_a_message_can_hold_is_refused(
    cli, seed, db, dump, one_error_line
):
    seed(*DISPUTED)
    before = dump(db)
    one_error_line(
        cli("message", ID, "--from", "me", "-", stdin="x" * 800_001),
        "TEXT: standard input is too long (more than 800,000 bytes)",
    )
    assert dump(db) == before
