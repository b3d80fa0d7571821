"""Every way text leaves the command line, fed hostile text: each command and
output format (standard output and error, the files ``-o`` writes, the desktop
notification), and each refusal that quotes what it was given (order ids, JSON
key names, config keys, migration names, file names, arguments).

The database holds the corpus cleaned (put in through the store), raw (as a
hand-edited or restored file could hold it), and two order ids full of escape
sequences and controls, the one column not cleaned when read back. It lives in a
folder whose name is hostile too, and so does the config folder. Nothing that
comes out may hold a C0 control other than newline and tab (and the CR of a CR LF
in iCalendar, which requires it), DEL, a C1 control, ESC or a bidi override.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.hostile import (
    CORPUS,
    DISPUTE,
    Ran,
    as_required,
    fill_store,
    order_number,
    run_in_process,
    write_uncleaned,
)
from support.tui import FROZEN, add
from support.tui import TODAY as TODAY_DATE

from aliret_tui.cli.commands import ProgressLine
from aliret_tui.cli.parser import build_parser
from aliret_tui.sanitize import shown
from aliret_tui.store.store import Store

TODAY = TODAY_DATE.isoformat()  # every window of the corpus orders is open
OSC_TITLE = "\x1b]0;PWNED\x07"
HOSTILE_NAME = f"name{OSC_TITLE}\x1b[2J\x9b31m\x85\u202e"  # for folders, files and keys
# Two stored ids, written raw: one order with a running window (so in `check` and the
# calendar too), one in dispute with events, chat and evidence.
HOSTILE_ID = f"ID{OSC_TITLE}\x1b[2J\x9b31m\x85\x7f\u202e\t1"
HOSTILE_DISPUTE_ID = f"{DISPUTE}\x1b[31m\x90dcs\x9c\x08\x00"
HOSTILE_IDS = {order_number(1): HOSTILE_ID, DISPUTE: HOSTILE_DISPUTE_ID}
ARGV_TEXT = " | ".join(entry.text for entry in CORPUS if entry.in_argv)
EVIDENCE_FILE = f"photo{HOSTILE_NAME}.jpg"  # attached: its name is printed

# What may never come out (the CR of a CR LF aside, where the format asks for it).
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ESCAPED_CONTROL = re.compile(r"\\u00[01][0-9a-fA-F]|\\u007[fF]")  # JSON's \u001b and kin


def unsafe_in(text: str, *, crlf: bool = False) -> list[str]:
    if crlf:
        text = text.replace("\r\n", "\n")
    return [f"U+{ord(m.group()):04X} at {m.start()}" for m in _UNSAFE.finditer(text)]


def assert_safe(text: str, where: str, *, crlf: bool = False) -> None:
    found = unsafe_in(text, crlf=crlf)
    assert not found, f"{where}: {found[:8]} in {text[:300]!r}"


def assert_safe_file(path: Path, *, crlf: bool = False) -> str:
    """The file is UTF-8 and safe; returns its text."""
    text = path.read_bytes().decode("utf-8")  # strict: no stray bytes either
    assert_safe(text, str(path), crlf=crlf)
    return text


# -- the database --------------------------------------------------------------------


def _rename_order(conn: sqlite3.Connection, old: str, new: str) -> None:
    tables = conn.execute(
        "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c "
        "WHERE m.type = 'table' AND c.name = 'order_id'"
    )
    for (table,) in tables.fetchall():
        conn.execute(f'UPDATE "{table}" SET order_id = ? WHERE order_id = ?', (new, old))


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("every-output") / HOSTILE_NAME
    folder.mkdir()
    return folder


@pytest.fixture(scope="module")
def template(hostile_folder) -> Path:
    db = hostile_folder / "template.db"
    with Store(db, time=FROZEN) as store:
        fill_store(store)
    write_uncleaned(db)
    conn = sqlite3.connect(db)
    try:
        for old, new in HOSTILE_IDS.items():
            _rename_order(conn, old, new)
        conn.commit()
    finally:
        conn.close()
    return db


@pytest.fixture
def db(template, hostile_folder, tmp_path) -> Path:
    """A fresh copy of the database for each test, in a hostile folder of its own."""
    folder = hostile_folder / tmp_path.name
    folder.mkdir()
    copy = folder / "aliret.db"
    shutil.copyfile(template, copy)
    return copy


@pytest.fixture(autouse=True)
def hostile_config_folder(monkeypatch, tmp_path) -> Path:
    """The config folder's name is printed by `config` and `locate`."""
    folder = tmp_path / f"config{HOSTILE_NAME}"
    monkeypatch.setenv("ALIRET_TUI_CONFIG_DIR", str(folder))
    return folder


def run(db: Path, *args: str, stdin: bytes | None = None, monkeypatch=None) -> Ran:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    return run_in_process("--db", str(db), "--today", TODAY, *args)


# -- every command, every format ---------------------------------------------------------


def _json_document(copies: int = 1) -> str:
    """Our own export format, every corpus string in a title, store, note, chat
    message and evidence label, and a hostile order id."""
    orders = []
    for index, entry in enumerate(CORPUS * copies):
        title, _ = as_required(entry)
        orders.append(
            {
                "order": {
                    "order_id": f"J{index:04d}" if index else HOSTILE_ID,
                    "title": title,
                    "price": "3.50",
                    "currency": "EUR",
                    "store": entry.text,
                    "note": entry.text,
                    "delivered_on": "2026-11-20",
                    "state": "window_open",
                },
                "messages": [{"sender": "seller", "sent_at": "2026-11-21 10:00", "text": title}],
                "evidence": [{"label": title[:500], "kind": "photo", "note": entry.text}],
            }
        )
    return json.dumps({"format": "aliret-tui", "version": 1, "orders": orders})


def _csv_document() -> str:
    lines = ["order_id,title,price,currency,store,note"]
    for index, entry in enumerate(entry for entry in CORPUS if entry.in_argv):
        title, _ = as_required(entry)
        cells = [f"C{index:03d}", title, "1", "USD", entry.text, entry.text]
        lines.append(",".join('"' + cell.replace('"', '""') + '"' for cell in cells))
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    code: int = 0
    writes: str | None = None  # the file the command writes, checked too
    crlf: bool = False  # iCalendar: lines end in CR LF
    stdin: bytes | None = None
    progress: bool = False  # as on a terminal: a progress line, redrawn after a CR


def _cases() -> dict[str, Case]:
    json_file, csv_file = f"{HOSTILE_NAME}.json", f"{HOSTILE_NAME}.csv"
    return {
        "list": Case(("list",)),
        "list --all": Case(("list", "--all")),
        "list --json": Case(("list", "--json")),
        "check": Case(("check", "--days", "30"), code=1),
        "check --json": Case(("check", "--json", "--days", "30"), code=1),
        "check --notify": Case(("check", "-q", "--notify", "--days", "30"), code=1),
        "export json": Case(("export", "--format", "json")),
        "export csv": Case(("export", "--format", "csv")),
        "export json -o": Case(("export", "--format", "json", "-o", "{out}"), writes="{out}"),
        "export csv -o": Case(("export", "--format", "csv", "-o", "{out}"), writes="{out}"),
        "ics": Case(("ics",), crlf=True),
        "ics -o": Case(("ics", "-o", "{out}"), writes="{out}", crlf=True),
        "stats": Case(("stats",)),
        "stats --json": Case(("stats", "--json")),
        "pack --dir": Case(("pack", order_number(2), "--dir", "{out}"), writes="{out}"),
        "notify": Case(("notify",)),
        "notify --test": Case(("notify", "--test")),
        "remind status": Case(("remind", "status"), code=1),
        # The hostile database path holds control characters: install refuses it.
        "remind install --print": Case(("remind", "install", "--print", "--using", "cron"), code=2),
        "config": Case(("config",)),
        "locate": Case(("locate",)),
        "backup": Case(("backup",)),
        "backup to a folder": Case(("backup", "{folder}")),
        "restore": Case(("restore", "{backup}")),
        "import json --dry-run": Case(("import", "--dry-run", f"{{folder}}/{json_file}")),
        "import json": Case(("import", f"{{folder}}/{json_file}")),
        "import csv": Case(("import", f"{{folder}}/{csv_file}")),
        "import with progress": Case(("import", f"{{folder}}/big{json_file}"), progress=True),
        "import -": Case(("import", "-"), stdin=_csv_document().encode()),
        "paste --dry-run": Case(("paste", "--dry-run"), stdin=_csv_document().encode()),
        "paste": Case(("paste",), stdin=_csv_document().encode()),
        "add": Case(("add", f"{HOSTILE_NAME}1", f"--title={ARGV_TEXT}", "--price=1",
                     "--currency=USD", f"--store={ARGV_TEXT}", f"--note={ARGV_TEXT}")),
        "event": Case(("event", order_number(2), "open_dispute", "--reason=other",
                       f"--note={ARGV_TEXT}")),
        "event on a hostile id": Case(("event", HOSTILE_ID, "keep")),
        # The order commands: the dispute's chat and evidence hold the corpus, H05 holds
        # it unclean, and the ids are full of escape sequences.
        "show": Case(("show", HOSTILE_DISPUTE_ID)),
        "show --json": Case(("show", HOSTILE_DISPUTE_ID, "--json")),
        "show an unclean order": Case(("show", order_number(5))),
        "show a hostile id": Case(("show", HOSTILE_ID)),
        "edit": Case(("edit", order_number(2), f"--title={ARGV_TEXT}", f"--store={ARGV_TEXT}",
                      f"--note={ARGV_TEXT}")),
        "edit an unclean order": Case(("edit", order_number(5), "--price=2")),
        "edit a hostile id": Case(("edit", HOSTILE_ID, "--price=2")),
        "archive": Case(("archive", HOSTILE_ID)),
        "unarchive": Case(("unarchive", HOSTILE_ID)),
        "delete": Case(("delete", HOSTILE_DISPUTE_ID, "--yes")),
        "message": Case(("message", HOSTILE_DISPUTE_ID, "--from=seller", "--", ARGV_TEXT)),
        "message -": Case(("message", HOSTILE_ID, "--from=me", "-"),
                          stdin=f"{HOSTILE_NAME}\n{ARGV_TEXT}".encode()),
        "attach": Case(("attach", HOSTILE_DISPUTE_ID, "1", f"{{folder}}/{EVIDENCE_FILE}")),
        # The dispute's timeline was written raw (a carrier on opening the dispute), so
        # it does not replay: refused, saying which event breaks.
        "undo": Case(("undo", HOSTILE_DISPUTE_ID), code=2),
        "event-edit": Case(("event-edit", HOSTILE_DISPUTE_ID, "1", f"--note={ARGV_TEXT}"),
                           code=2),
        "attach by a hostile label": Case(("attach", HOSTILE_DISPUTE_ID, "{label}",
                                           f"{{folder}}/{EVIDENCE_FILE}")),
        # The chat and evidence commands, on the corpus in the dispute's checklist and chat.
        "evidence-add": Case(("evidence-add", HOSTILE_DISPUTE_ID, "--kind=photo", "--",
                              ARGV_TEXT[:400])),  # a label is one line of at most 500
        "evidence-add to a hostile id": Case(("evidence-add", HOSTILE_ID, HOSTILE_NAME)),
        "evidence-tick": Case(("evidence-tick", HOSTILE_DISPUTE_ID, "{label}")),
        "evidence-tick --off": Case(("evidence-tick", HOSTILE_DISPUTE_ID, "2", "--off")),
        "evidence-note": Case(("evidence-note", HOSTILE_DISPUTE_ID, "{label}", "--", ARGV_TEXT)),
        "evidence-note -": Case(("evidence-note", HOSTILE_DISPUTE_ID, "1", "-"),
                                stdin=f"{HOSTILE_NAME}\n{ARGV_TEXT}".encode()),
        "evidence-remove": Case(("evidence-remove", HOSTILE_DISPUTE_ID, "{label}", "--yes")),
        "detach with nothing attached": Case(("detach", HOSTILE_DISPUTE_ID, "{label}", "--yes")),
        "message-edit": Case(("message-edit", HOSTILE_DISPUTE_ID, "1", "--", ARGV_TEXT)),
        "message-edit --from --at": Case(("message-edit", HOSTILE_DISPUTE_ID, "2", "--from=me",
                                          "--at=2026-11-20 10:00")),
        "message-delete": Case(("message-delete", HOSTILE_DISPUTE_ID, "3", "--yes")),
        "message-import": Case(("message-import", HOSTILE_DISPUTE_ID,
                                f"{{folder}}/{HOSTILE_NAME}.txt")),
        "message-import -": Case(("message-import", HOSTILE_ID, "-"),
                                 stdin=f"[2026-11-20 10:00] Seller: {ARGV_TEXT}\n".encode()),
    }  # fmt: skip


CASES = _cases()


def _transcript() -> str:
    """A chat transcript whose every message is hostile text (one line each)."""
    return "".join(
        f"[2026-11-20 10:{minute:02}] Seller: {' '.join(entry.text.split())}\n"
        for minute, entry in enumerate(CORPUS[:50])
        if shown(" ".join(entry.text.split())).strip() and not entry.text.lstrip().startswith("[")
    )


def _fill(template_args: tuple[str, ...], db: Path, out: Path, backup: Path) -> tuple[str, ...]:
    values = {"out": str(out), "folder": str(db.parent), "backup": str(backup),
              "label": _hostile_label(db)}  # fmt: skip
    return tuple(arg.format(**values) if "{" in arg else arg for arg in template_args)


def _hostile_label(db: Path) -> str:
    """The label of an evidence item of the dispute that still holds controls (written
    raw), as a user would paste it."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT label FROM evidence WHERE order_id = ? ORDER BY position, id",
            (HOSTILE_DISPUTE_ID,),
        ).fetchall()
    finally:
        conn.close()
    labels = [label for (label,) in rows]
    cleaned = [shown(label).strip().casefold() for label in labels]
    return next(label for label, clean in zip(labels, cleaned, strict=True)
                if unsafe_in(label) and clean and cleaned.count(clean) == 1
                and "\x00" not in label)  # fmt: skip


@pytest.fixture
def notifier(tmp_path, monkeypatch) -> Path:
    """A notify-send on PATH that records the arguments it was given."""
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "notified"
    script = folder / "notify-send"
    script.write_text(f"#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done >> '{log}'\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    return log


@pytest.mark.parametrize("name", list(CASES))
def test_every_command_and_format_is_safe(name, db, tmp_path, monkeypatch, notifier):
    case = CASES[name]
    (db.parent / f"{HOSTILE_NAME}.json").write_text(_json_document(), "utf-8")
    (db.parent / f"{HOSTILE_NAME}.csv").write_text(_csv_document(), "utf-8")
    (db.parent / EVIDENCE_FILE).write_bytes(b"\xff\xd8 a photo")
    (db.parent / f"{HOSTILE_NAME}.txt").write_text(_transcript(), "utf-8")
    if case.progress:  # shown every 500 orders
        (db.parent / f"big{HOSTILE_NAME}.json").write_text(_json_document(copies=14), "utf-8")
    out = db.parent / f"out{HOSTILE_NAME}"
    backup = db.parent / f"clean{HOSTILE_NAME}.bak"
    if name == "restore":
        with Store(backup, time=FROZEN) as clean:  # a valid backup, at a hostile path
            add(clean, "R1", "Lamp")
    args = _fill(case.args, db, out, backup)
    if case.progress:
        monkeypatch.setattr(ProgressLine, "on_terminal", classmethod(lambda cls: cls()))

    ran = run(db, *args, stdin=case.stdin, monkeypatch=monkeypatch)

    assert "Traceback" not in ran.err, ran.err[-2000:]
    assert ran.code == case.code, (ran.code, ran.err[-500:])
    assert_safe(ran.out, f"stdout of {name}", crlf=case.crlf)
    if case.progress:
        assert "Checking bigname.json [###" in ran.err, ran.err[:300]  # drawn, named
        assert_safe(ran.err.replace("\r", ""), f"stderr of {name}")  # the CR is ours
    else:
        assert_safe(ran.err, f"stderr of {name}")
    if "json" in name and "import" not in name:
        assert not _ESCAPED_CONTROL.search(ran.out), "controls escaped in JSON, not removed"
        json.loads(ran.out or "null")
    if case.writes:
        written = Path(case.writes.format(out=out))
        files = (
            sorted(p for p in written.rglob("*") if p.is_file()) if written.is_dir() else [written]
        )
        assert files, f"{name} wrote nothing"
        for file in files:
            text = assert_safe_file(file, crlf=case.crlf)
            assert not _ESCAPED_CONTROL.search(text)
    if name == "check --notify":
        arguments = notifier.read_bytes().decode("utf-8").split("\0")
        assert len(arguments) >= 3, arguments
        for argument in arguments:
            assert_safe(argument, "notification")


def test_the_hostile_ids_were_there_to_be_shown(db, monkeypatch):
    """The ids come out cleaned, not left out: the orders are listed and exported."""
    listed = run(db, "list", "--json")
    ids = [item["order_id"] for item in json.loads(listed.out)]
    assert "ID\t1" in ids and DISPUTE in ids, ids  # JSON escapes the tab as \t
    assert "ID 1 " in run(db, "list").out  # a table cell is one line
    calendar = run(db, "ics").out.replace("\r\n ", "")  # lines unfolded
    assert "DESCRIPTION:Order ID\t1:" in calendar
    assert f"\n{DISPUTE}," in run(db, "export", "--format", "csv").out


def test_the_order_commands_show_the_hostile_orders_cleaned(db, monkeypatch):
    """`show` prints the dispute's corpus (not an empty page), and the other commands
    find the orders by their hostile ids and say what they did."""
    dispute = run(db, "show", HOSTILE_DISPUTE_ID).out
    assert dispute.startswith("Order DISPUTE: [@click=app.quit]x[/]\n"), dispute[:200]
    assert f"Chat ({len(CORPUS)} messages):" in dispute
    assert "  3. [ ] USB cable [/2 pack]" in dispute
    assert run(db, "show", HOSTILE_ID).out.startswith("Order ID 1: ")  # one line
    shown_json = json.loads(run(db, "show", HOSTILE_DISPUTE_ID, "--json").out)
    assert len(shown_json["messages"]) == len(CORPUS)
    assert shown_json["status"]["order_id"] == DISPUTE
    attached = run(db, "attach", HOSTILE_DISPUTE_ID, "3", str(db))
    assert attached.out.startswith("Attached aliret.db (") and "item 3: USB cable" in attached.out
    assert run(db, "archive", HOSTILE_ID).out.startswith("Archived order ID 1: ")


def test_detach_names_hostile_files_and_labels_cleaned(db, monkeypatch):
    """A file with a hostile name, attached to an item with a hostile label: `detach`
    names both, when it refuses without --yes and when it detaches."""
    label = _hostile_label(db)
    (db.parent / EVIDENCE_FILE).write_bytes(b"\xff\xd8 a photo")
    attached = run(db, "attach", HOSTILE_DISPUTE_ID, label, str(db.parent / EVIDENCE_FILE))
    assert attached.code == 0, attached.err
    refused = run(db, "detach", HOSTILE_DISPUTE_ID, label)
    assert refused.code == 2 and len(refused.err_lines) == 1, refused.err
    assert "--yes: is required to detach 1 file (photoname" in refused.err
    detached = run(db, "detach", HOSTILE_DISPUTE_ID, label, "--yes")
    assert detached.code == 0, detached.err
    assert detached.out.startswith("Detached 1 file from evidence item ")
    for ran in (attached, refused, detached):
        assert_safe(ran.out, "stdout of detach")
        assert_safe(ran.err, "stderr of detach")


def test_every_command_is_covered():
    parser = build_parser()
    commands = next(
        action.choices for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
    )  # fmt: skip
    run_here = {case.args[0] for case in CASES.values()}
    assert set(commands) <= run_here, set(commands) - run_here


# -- every refusal that quotes what it was given ------------------------------------------

MIGRATION = f"m999_{OSC_TITLE}evil\x1b[2J"


def _crafted_backup(db: Path) -> Path:
    """A copy of the database naming a schema change with escape sequences in it."""
    evil = db.parent / "evil.bak"
    shutil.copyfile(db, evil)
    conn = sqlite3.connect(evil)
    try:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('aliret_tui', ?, '2026-01-01')",
            (MIGRATION,),
        )
        conn.commit()
    finally:
        conn.close()
    return evil


HOSTILE_KEY_JSON = json.dumps(
    {
        "format": "aliret-tui",
        "version": 1,
        "orders": [
            {
                "order": {"order_id": "K1", "title": "t", "price": "1", "currency": "USD",
                          f"{OSC_TITLE}\x1b[2J": 1},
            }
        ],
    }
)  # fmt: skip


@dataclass(frozen=True)
class Refusal:
    args: tuple[str, ...]
    shows: str = ""  # what the message must still say, with the controls taken out
    config: str | None = None  # config.toml
    one_line: bool = True  # argparse prints its usage first


def _refusals() -> dict[str, Refusal]:
    return {
        "event on an unknown hostile id": Refusal(("event", f"X{HOSTILE_ID}", "keep")),
        "event with a hostile date": Refusal(("event", order_number(2), "keep",
                                              f"--on={HOSTILE_NAME}")),
        "event with a hostile kind": Refusal(("event", order_number(2), HOSTILE_NAME),
                                             one_line=False),
        "add with a hostile price": Refusal(("add", HOSTILE_ID, "--title=t",
                                             f"--price={HOSTILE_NAME}", "--currency=USD")),
        "add with a hostile currency": Refusal(("add", "A1", "--title=t", "--price=1",
                                                f"--currency={HOSTILE_NAME}")),
        "import a JSON with a hostile key": Refusal(("import", "{folder}/keys.json")),
        "import a file that is not there": Refusal(("import", f"{{folder}}/{HOSTILE_NAME}"),
                                                   shows="name"),
        "export into a folder that is not there": Refusal(
            ("export", "-o", f"{{folder}}/{HOSTILE_NAME}/x.json"), shows="name"),
        "restore a backup with a hostile migration": Refusal(("restore", "{evil}"),
                                                              shows="m999_evil"),
        "open a backup with a hostile migration": Refusal(("--db", "{evil}", "list"),
                                                           shows="m999_evil"),
        "config with a hostile key": Refusal(("config",), shows="name",
                                             config=f'"{HOSTILE_NAME}" = 1\n'),
        "list with a hostile config key": Refusal(("list",), shows="name",
                                                  config=f'"{HOSTILE_NAME}" = 1\n'),
        "check with a hostile config key": Refusal(("check",), shows="name",
                                                   config=f'"{HOSTILE_NAME}" = 1\n'),
        "a hostile key in a config table": Refusal(("config",), shows="name",
                                                   config=f'[policy]\n"{HOSTILE_NAME}" = 1\n'),
        "a hostile theme": Refusal(("config",), config=f'theme = "{HOSTILE_NAME}"\n'),
        "a hostile key binding": Refusal(("config",),
                                         config=f'[keys]\nadd = "{HOSTILE_NAME}"\n'),
        "a hostile unknown argument": Refusal(("list", HOSTILE_NAME), one_line=False),
        "a hostile --today": Refusal(("--today", HOSTILE_NAME, "list"), one_line=False),
        "a hostile database that is a folder": Refusal(("--db", "{folder}", "list")),
        "a hostile database that is not SQLite": Refusal(("--db", "{notes}", "list"),
                                                          shows="name"),
        "check on a hostile database that is not SQLite": Refusal(("--db", "{notes}", "check"),
                                                                   shows="name"),
        "show an unknown hostile id": Refusal(("show", f"X{HOSTILE_ID}"), shows="no order XID"),
        "edit with a hostile price": Refusal(("edit", HOSTILE_ID, f"--price={HOSTILE_NAME}"),
                                             shows="--price"),
        "edit with nothing to change": Refusal(("edit", HOSTILE_ID), shows="nothing to change"),
        "delete a hostile id without --yes": Refusal(("delete", HOSTILE_DISPUTE_ID),
                                                     shows="add --yes"),
        "message with a hostile --from": Refusal(("message", HOSTILE_ID, f"--from={HOSTILE_NAME}",
                                                  "hi"), shows="--from"),
        "message with a hostile --at": Refusal(("message", HOSTILE_ID, "--from=me",
                                                f"--at={HOSTILE_NAME}", "hi"), shows="--at"),
        "message with hostile text only": Refusal(("message", HOSTILE_ID, "--from=me",
                                                   f"{OSC_TITLE}\x1b[2J"), shows="TEXT"),
        "attach to an unknown hostile item": Refusal(("attach", HOSTILE_DISPUTE_ID, HOSTILE_NAME,
                                                      "{notes}"), shows="ITEM: no item"),
        "attach a hostile file that is not there": Refusal(
            ("attach", HOSTILE_DISPUTE_ID, "1", f"{{folder}}/{HOSTILE_NAME}"), shows="FILE"),
        "evidence-add with a hostile kind": Refusal(("evidence-add", HOSTILE_ID, "x",
                                                     f"--kind={HOSTILE_NAME}"), shows="--kind"),
        "evidence-add with hostile text only": Refusal(("evidence-add", HOSTILE_ID,
                                                        f"{OSC_TITLE}\x1b[2J"), shows="LABEL"),
        "evidence-tick an unknown hostile item": Refusal(("evidence-tick", HOSTILE_DISPUTE_ID,
                                                          HOSTILE_NAME), shows="ITEM: no item"),
        "evidence-note on an unknown hostile id": Refusal(("evidence-note", f"X{HOSTILE_ID}", "1",
                                                           "x"), shows="no order XID"),
        "evidence-remove without --yes": Refusal(("evidence-remove", HOSTILE_DISPUTE_ID, "1"),
                                                 shows="add --yes"),
        "message-edit a hostile number": Refusal(("message-edit", HOSTILE_DISPUTE_ID,
                                                  HOSTILE_NAME, "x"), shows="N: must be"),
        "message-edit with a hostile --from": Refusal(("message-edit", HOSTILE_DISPUTE_ID, "1",
                                                       f"--from={HOSTILE_NAME}"), shows="--from"),
        "message-delete without --yes": Refusal(("message-delete", HOSTILE_DISPUTE_ID, "1"),
                                                shows="add --yes"),
        "message-import a hostile line": Refusal(("message-import", HOSTILE_ID, "{transcript}"),
                                                 shows="FILE: line 1"),
        "message-import a hostile file that is not there": Refusal(
            ("message-import", HOSTILE_ID, f"{{folder}}/{HOSTILE_NAME}"), shows="FILE"),
    }  # fmt: skip


REFUSALS = _refusals()


def _toml_string(text: str) -> str:
    return json.dumps(text)  # a TOML basic string is written like a JSON one


@pytest.mark.parametrize("name", list(REFUSALS))
def test_every_refusal_is_one_safe_line(name, db, hostile_config_folder):
    refusal = REFUSALS[name]
    (db.parent / "keys.json").write_text(HOSTILE_KEY_JSON, "utf-8")
    notes = db.parent / f"notes{HOSTILE_NAME}.db"
    notes.write_text("my notes, not a database\n")
    transcript = db.parent / f"chat{HOSTILE_NAME}.txt"
    transcript.write_text(f"[{HOSTILE_NAME}] Me: {ARGV_TEXT}\n", "utf-8")
    values = {"folder": str(db.parent), "evil": str(_crafted_backup(db)), "notes": str(notes),
              "transcript": str(transcript)}  # fmt: skip
    args = tuple(arg.format(**values) if "{" in arg else arg for arg in refusal.args)
    if refusal.config is not None:
        hostile_config_folder.mkdir(exist_ok=True)
        text = refusal.config.replace(f'"{HOSTILE_NAME}"', _toml_string(HOSTILE_NAME))
        (hostile_config_folder / "config.toml").write_text(text, "utf-8")

    ran = run_in_process(*(("--db", str(db)) if "--db" not in args else ()), *args)

    assert "Traceback" not in ran.err, ran.err[-2000:]
    assert ran.code == 2, (ran.code, ran.out[-300:], ran.err[-500:])
    assert_safe(ran.out, f"stdout of {name}")
    assert_safe(ran.err, f"stderr of {name}")
    error = ran.err_lines[-1]
    assert error.startswith("aliret-tui: error: "), ran.err
    if refusal.one_line:
        assert len(ran.err_lines) == 1, ran.err_lines
    assert refusal.shows in error, error
