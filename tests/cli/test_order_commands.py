"""``show``, ``edit``, ``archive``, ``unarchive``, ``delete``, ``message`` and ``attach``
(issue 13): every action of the order screen, scriptable, with the refusal rules and
exit codes of ``add`` and ``event``: exit 2, one line naming the argument, nothing
written, and no database created."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from pathlib import Path

import pytest
from support.cli import TODAY

from aliret_tui.domain.models import OrderLine
from aliret_tui.domain.timeline import timeline_text
from aliret_tui.store.store import Store

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


def _listed(cli, *flags: str) -> dict[str, dict]:
    result = cli("list", "--json", *flags)
    assert result.code == 0, result.err
    return {order["order_id"]: order for order in json.loads(result.out)}


# -- show ------------------------------------------------------------------------------


def test_show_prints_the_facts_clock_timeline_evidence_and_chat(cli, seed, db):
    seed(*DISPUTED)
    result = cli("show", "8175 1234-5678 9012Copy")  # read as add stores it
    assert result.code == 0, result.err
    assert result.err == ""
    out = result.out
    assert result.out_lines[0] == f"Order {ID}: Earbuds"
    for label, value in [("State", "dispute: awaiting seller"), ("Price", "20.00 USD"),
                         ("Store", "Best Shop"), ("Ordered", "2026-02-10"),
                         ("Delivered", "2026-03-01"), ("Dispute", "wrong size")]:  # fmt: skip
        assert re.search(rf"^  {label} +{value}", out, re.MULTILINE), (label, out)
    assert "  Next: seller response deadline 2026-03-10 (last day):" in out
    assert "Can record next: seller_agreed, return_approved, seller_refused" in out
    # The timeline is the text the order screen copies, below the facts, with each
    # event's number (as undo and event-edit name them).
    with Store(db) as store:
        copied = timeline_text(
            store.get_order(ID), store.events(ID), store.fact_origins(ID), numbered=True
        )
    entries = copied.split("\n\n", 1)[1].splitlines()
    assert entries and "\n".join(f"  {entry}" for entry in entries) in out
    assert "Evidence (0 of 7 with proof" in out
    assert "  1. [ ] Photos of the problem" in out
    chat = out[out.index("Chat (2 messages):") :].splitlines()
    assert chat[1:4] == [
        "  1. 2026-03-05 09:30  Me: It is too small",
        "  2. 2026-03-06 10:00  Seller (Best Shop): Sorry!",
        "                       We will help",
    ]


def test_show_lists_the_order_lines_and_attached_files(cli, seed, db, tmp_path):
    seed(*DISPUTED)
    with Store(db) as store, store.transaction():
        store.insert_lines(ID, [OrderLine(position=1, title="Left bud", quantity=1),
                                OrderLine(position=2, title="Right bud", quantity=2)])  # fmt: skip
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"jpeg")
    assert cli("attach", ID, "1", str(photo)).code == 0
    out = cli("show", ID).out
    assert "Items (2):\n  1. 1 × Left bud\n  2. 2 × Right bud\n" in out
    digest = hashlib.sha256(b"jpeg").hexdigest()
    assert f"       file: {photo} (4 bytes, SHA-256 {digest[:16]}…, attached {TODAY}T" in out
    assert "Evidence (1 of 7 with proof" in out


def test_show_of_a_bare_order_says_what_is_missing(cli, seed):
    seed(ADD_OTHER)
    out = cli("show", OTHER).out
    assert "Timeline:\n  Nothing recorded yet.\n" in out
    assert "Evidence: nothing to collect yet" in out
    assert "Chat: no messages" in out
    assert "Items (" not in out  # one line or none: the facts say it all


def test_show_json_is_the_export_of_the_order_with_its_status(cli, seed):
    seed(*DISPUTED)
    result = cli("show", ID, "--json")
    assert result.code == 0, result.err
    shown = json.loads(result.out)
    exported = json.loads(cli("export", "--format", "json").out)
    record = next(o for o in exported["orders"] if o["order"]["order_id"] == ID)
    status = shown.pop("status")
    assert shown == record
    assert status == _listed(cli)[ID]
    assert status["clock"] == "seller_response" and status["deadline"] == "2026-03-10"


# -- refusals common to every command ---------------------------------------------------

EVERY_COMMAND = [
    ("show", ID),
    ("show", ID, "--json"),
    ("edit", ID, "--title", "New"),
    ("archive", ID),
    ("unarchive", ID),
    ("delete", ID),
    ("delete", ID, "--yes"),
    ("message", ID, "--from", "me", "hello"),
    ("attach", ID, "1", "{file}"),
]


def _filled(command: tuple[str, ...], tmp_path: Path) -> tuple[str, ...]:
    file = tmp_path / "proof.txt"
    file.write_text("proof")
    return tuple(str(file) if arg == "{file}" else arg for arg in command)


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


# -- edit ------------------------------------------------------------------------------


def test_edit_changes_only_the_fields_given_and_says_what_changed(cli, seed, db):
    seed(ADD, ADD_OTHER)
    before = _listed(cli)
    result = cli("edit", ID, "--price", "25,50", "--store", "", "--country", "fr",
                 "--free-return", "--note", "scratched\nbox torn")  # fmt: skip
    assert result.code == 0, result.err
    assert result.out_lines == [
        f"Edited order {ID}: Earbuds",
        "  price: 20.00 → 25.50",
        "  store: Best Shop → (none)",
        "  country: (none) → FR",
        "  free-return: no → yes",
        "  note: (none) → scratched box torn",
        "  Next: inspection deadline 2026-03-16 (6 days left): Inspect the item, then open a "
        "dispute or mark it kept",
    ]
    [row] = _rows(db, "SELECT title, price, store, ordered_on, delivered_on, country, "
                      "free_return, note FROM orders WHERE order_id = ?", ID)  # fmt: skip
    assert row == ("Earbuds", "25.50", "", "2026-02-10", "2026-03-01", "FR", 1,
                   "scratched\nbox torn")  # fmt: skip
    after = _listed(cli)
    assert after[OTHER] == before[OTHER]


def test_edit_takes_typed_dates_and_moves_the_deadline(cli, seed):
    seed(ADD)
    result = cli("edit", ID, "--delivered", "yesterday", "--no-free-return")
    assert result.code == 0, result.err
    assert "  delivered: 2026-03-01 → 2026-03-09" in result.out_lines
    assert "inspection deadline 2026-03-24" in result.out_lines[-1]
    assert not any("free-return" in line for line in result.out_lines)  # it was already off


def test_edit_with_the_same_values_writes_nothing(cli, seed, db, dump):
    seed(ADD)
    before = dump(db)
    result = cli("edit", ID, "--title", "Earbuds", "--price", "20.00")
    assert result.code == 0, result.err
    assert result.out == f"Nothing changed: order {ID} already has these values.\n"
    assert dump(db) == before


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        ((), "edit: nothing to change: give one or more of --title, --price, --currency"),
        (("--price", "abc"), "--price: "),
        (("--title", ""), "--title: "),
        (("--delivered", "2026-03-20"), "--delivered: 2026-03-20 is in the future"),
        (("--ordered", "2026-03-05", "--delivered", "2026-03-02"), "--delivered: is before"),
        (("--currency", "JPY"), "--price: JPY allows at most 0 decimal places"),
        (("--window-days", "-3"), "--window-days: "),
        (("--country", "Narnia"), "--country: "),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else None,
)
def test_edit_refusals_name_the_option_and_write_nothing(
    cli, seed, db, dump, one_error_line, arguments, fragment
):
    seed(ADD)
    before = dump(db)
    one_error_line(cli("edit", ID, *arguments), fragment)
    assert dump(db) == before


def test_edit_takes_the_options_add_takes():
    from aliret_tui.cli.parser import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    add = {s for a in commands["add"]._actions for s in a.option_strings}
    edit = {s for a in commands["edit"]._actions for s in a.option_strings}
    assert edit - add == {"--no-free-return", "--no-local-return"}
    assert add <= edit


# -- archive, unarchive, delete ---------------------------------------------------------


def test_archive_and_unarchive(cli, seed):
    seed(ADD, ADD_OTHER)
    result = cli("archive", ID)
    assert result.code == 0, result.err
    assert result.out_lines[0] == f"Archived order {ID}: Earbuds"
    assert f"aliret-tui unarchive {ID} brings it back" in result.out_lines[1]
    assert ID not in _listed(cli) and _listed(cli, "--all")[ID]["archived"] is True
    again = cli("archive", ID)
    assert (again.code, again.out) == (0, f"Order {ID} is already archived: nothing changed.\n")
    back = cli("unarchive", ID)
    assert back.code == 0, back.err
    assert back.out_lines[0] == f"Unarchived order {ID}: Earbuds"
    assert "inspection deadline 2026-03-16" in back.out_lines[1]
    assert ID in _listed(cli)
    not_archived = cli("unarchive", ID)
    assert not_archived.out == f"Order {ID} is not archived: nothing changed.\n"


def _counts(db: Path, order_id: str) -> dict[str, int]:
    tables = ("orders", "events", "messages", "evidence", "disputes")
    counts = {t: _rows(db, f"SELECT count(*) FROM {t} WHERE order_id = ?", order_id)[0][0]
              for t in tables}  # fmt: skip
    counts["attachments"] = _rows(db, "SELECT count(*) FROM attachments")[0][0]
    return counts


def test_delete_needs_yes_then_removes_the_order_and_all_it_holds(
    cli, seed, db, dump, tmp_path, one_error_line
):
    seed(*DISPUTED)
    proof = tmp_path / "proof.txt"
    proof.write_text("proof")
    assert cli("attach", ID, "1", str(proof)).code == 0
    before = dump(db)
    one_error_line(
        cli("delete", ID),
        "--yes: is required to delete order 8175123456789012 (Earbuds) for good, with its "
        "1 event, 2 chat messages and 7 evidence items; add --yes",
    )
    assert dump(db) == before
    assert _counts(db, ID) == {"orders": 1, "events": 1, "messages": 2, "evidence": 7,
                               "disputes": 1, "attachments": 1}  # fmt: skip
    result = cli("delete", ID, "--yes")
    assert result.code == 0, result.err
    assert result.out == (
        f"Deleted order {ID} (Earbuds) with its 1 event, 2 chat messages and 7 evidence items.\n"
    )
    assert set(_counts(db, ID).values()) == {0}
    assert list(_listed(cli, "--all")) == [OTHER]
    assert proof.read_text() == "proof"  # the file itself is the user's: never touched


# -- message ---------------------------------------------------------------------------


def _messages(db: Path) -> list[tuple]:
    return _rows(
        db, "SELECT sender, sent_at, text FROM messages WHERE order_id = ? ORDER BY id", ID
    )


def test_message_is_added_at_the_time_given_or_now(cli, seed, db):
    seed(ADD)
    result = cli("message", ID, "--from", "aliexpress", "--at", "2026-03-08 14:05",
                 "Case opened\n  by support")  # fmt: skip
    assert result.code == 0, result.err
    assert result.out == (
        f"Added a message from AliExpress to order {ID}, sent 2026-03-08 14:05 "
        "(the chat now has 1 message).\n"
    )
    assert cli("message", ID, "--from", "me", "Thanks").code == 0
    messages = _messages(db)
    assert messages[0] == ("aliexpress", "2026-03-08 14:05", "Case opened\n  by support")
    sender, sent_at, text = messages[1]
    assert (sender, text) == ("me", "Thanks")
    assert sent_at.startswith(TODAY + " ")  # now, on the day --today names


def test_message_reads_standard_input_for_a_dash(cli, seed, db):
    seed(ADD)
    result = cli("message", ID, "--from", "seller", "-", stdin="Line one\nLine two\n")
    assert result.code == 0, result.err
    assert _messages(db)[0][2] == "Line one\nLine two"


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (("--from", "bob", "hi"), "--from: must be one of me, seller, aliexpress (got 'bob')"),
        (("--from", "me", "   "), "TEXT: is required"),
        (("--from", "me", "--at", "2026-03-08", "hi"), "--at: must be a time as YYYY-MM-DD HH:MM"),
        (("--from", "me", "--at", "1999-03-08 10:00", "hi"), "--at: "),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else None,
)
def test_message_refusals_name_the_argument_and_write_nothing(
    cli, seed, db, dump, one_error_line, arguments, fragment
):
    seed(ADD)
    before = dump(db)
    one_error_line(cli("message", ID, *arguments), fragment)
    assert dump(db) == before


def test_message_control_characters_are_removed_with_a_note(cli, seed, db):
    seed(ADD)
    result = cli("message", ID, "--from", "me", "hi\x1b[31m there")
    assert result.code == 0, result.err
    assert result.err.startswith("aliret-tui: note: TEXT: removed")
    assert _messages(db)[0][2] == "hi there"


# -- attach ----------------------------------------------------------------------------


def _attachments(db: Path) -> list[tuple]:
    return _rows(
        db,
        "SELECT e.label, a.path, a.size, a.sha256, a.attached_at FROM attachments a "
        "JOIN evidence e ON e.id = a.evidence_id ORDER BY a.id",
    )


def test_attach_by_number_records_size_and_hash_and_leaves_the_file(cli, seed, db, tmp_path):
    seed(*DISPUTED)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8 a photo")
    result = cli("attach", ID, "2", str(photo))
    assert result.code == 0, result.err
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert result.out_lines == [
        f"Attached photo.jpg (10 bytes) to order {ID}, evidence item 2: Original packaging kept",
        f"  SHA-256 {digest}. The file stays where it is; keep it there unchanged.",
    ]
    [(label, path, size, sha256, attached_at)] = _attachments(db)
    assert (label, path, size, sha256) == ("Original packaging kept", str(photo), 10, digest)
    assert attached_at.startswith(TODAY + "T")
    assert photo.read_bytes() == b"\xff\xd8 a photo"


def test_attach_by_label_in_any_case_and_with_a_home_path(cli, seed, db, tmp_path):
    seed(*DISPUTED)
    home = tmp_path / "home"
    (home / "Pictures").mkdir(parents=True)
    (home / "Pictures" / "label.png").write_bytes(b"png")
    result = cli("attach", ID, "photo OF THE size label", "~/Pictures/label.png",
                 env={"HOME": str(home)})  # fmt: skip
    assert result.code == 0, result.err
    [(label, path, size, *_)] = _attachments(db)
    assert (label, path, size) == ("Photo of the size label", str(home / "Pictures/label.png"), 3)


@pytest.mark.parametrize(
    ("item", "file", "fragment"),
    [
        ("9", "proof.txt", "ITEM: no item '9': give a number from 1 to 7 or a label "
                           "(1 Photos of the problem; 2 Original packaging kept;"),
        ("Receipt", "proof.txt", "ITEM: no item 'Receipt'"),
        ("0", "proof.txt", "ITEM: no item '0'"),
        ("1", "missing.txt", "missing.txt is not a file"),
        ("1", ".", "FILE: "),
    ],
)  # fmt: skip
def test_attach_refusals_name_the_argument_and_write_nothing(
    cli, seed, db, dump, tmp_path, one_error_line, item, file, fragment
):
    seed(*DISPUTED)
    (tmp_path / "proof.txt").write_text("proof")
    before = dump(db)
    one_error_line(cli("attach", ID, item, str(tmp_path / file)), fragment)
    assert dump(db) == before


def test_attach_to_an_order_without_a_checklist_says_where_one_comes_from(
    cli, seed, tmp_path, one_error_line
):
    seed(ADD)
    (tmp_path / "proof.txt").write_text("proof")
    one_error_line(
        cli("attach", ID, "1", str(tmp_path / "proof.txt")),
        f"ITEM: order {ID} has no evidence items yet (opening a dispute adds a checklist",
    )


def test_attach_refuses_a_fifo_without_opening_it(cli, seed, db, dump, tmp_path, one_error_line):
    import os

    seed(*DISPUTED)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    before = dump(db)
    one_error_line(cli("attach", ID, "1", str(fifo)), f"FILE: {fifo} is not a file")
    assert dump(db) == before


# -- event -h ------------------------------------------------------------------------------


def test_event_help_lists_every_event_with_the_options_it_takes(cli):
    from aliret_tui.cli.parser import EVENT_OPTIONS
    from aliret_tui.domain.vocabulary import EventKind
    from aliret_tui.domain.workflow import EVENT_FIELDS

    result = cli("event", "-h", db=False, today=None)
    assert result.code == 0
    for kind in EventKind:
        line = next(line for line in result.out_lines if line.startswith(f"  {kind.value} "))
        assert kind.label in line
        named = {word[2:] for word in line.split() if word.startswith("--")}
        assert named == set(EVENT_FIELDS.get(kind, ())), kind
    assert set(EVENT_OPTIONS) == set(EventKind)
    assert "R: item_defective, not_as_described" in result.out
    assert "O: refund_only, return_and_refund" in result.out
