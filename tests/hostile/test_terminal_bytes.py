"""The real app in a real pseudo-terminal: the bytes it writes, read back.

The database is full of hostile text, put in through the store (cleaned on the
way in) and then, for some rows, written raw as a hand-edited or restored file
could hold it. The app is driven to the dashboard, an order's four tabs and the
help screen; whatever it writes must not carry the clipboard (OSC 52) or
window-title (OSC 0) sequences of the corpus, NUL, or C1 controls. Textual's own
escape sequences are expected.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.cli import EXE
from support.hostile import (
    DISPUTE,
    fill_store,
    unsafe_terminal_bytes,
    write_uncleaned,
)
from support.tui import FROZEN, TODAY

from aliret_tui.store.store import Store

COLUMNS, LINES = 120, 36
NOTE_TAB_BUG = (
    "BUG: a TAB kept in an evidence note reaches the terminal as a raw 0x09 byte "
    "(tui/widgets/evidence_list.py:92-93, build_item: note lines are not tab-expanded)"
)
TITLE_TAB_BUG = (
    "BUG: a TAB in a title read from an uncleaned database reaches the terminal as a "
    "raw 0x09 byte (sanitize.py:85, shown() returns single-line text with a TAB "
    "unchanged; the orders table paints it as is)"
)
TAB_NOTE = "\t=1+1 tab in a note"


@dataclass
class Session:
    output: bytes
    code: int | None
    marks: dict[str, int]  # where in the output each step began


def _open_pty() -> tuple[int, int]:
    try:
        return os.openpty()
    except OSError as error:  # pragma: no cover - only where no pty can be had
        pytest.skip(f"cannot open a pseudo-terminal here: {error}")


def _run_in_pty(db: Path, tmp: Path, env_extra: dict[str, str]) -> Session:
    master, slave = _open_pty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    env = {
        **os.environ,
        **env_extra,
        "TERM": "xterm-256color",
        "COLUMNS": str(COLUMNS),
        "LINES": str(LINES),
    }
    env.pop("TEXTUAL", None)  # no devtools
    process = subprocess.Popen(
        [EXE, "--db", str(db), "--today", TODAY.isoformat()],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=tmp,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    output = bytearray()
    marks: dict[str, int] = {}

    def read_for(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the app has gone: the other side of the pty is closed
                return
            if not chunk:
                return
            output.extend(chunk)

    def wait_until(needle: bytes, seconds: float, since: int = 0) -> None:
        end = time.monotonic() + seconds
        while needle not in output[since:] and time.monotonic() < end:
            if process.poll() is not None:
                return
            read_for(0.1)

    try:
        marks["start"] = 0
        wait_until(b"Countdowns", 20)
        read_for(1.0)  # the dashboard, painted and settled
        for step, keys, painted in (
            ("last order", b"\x1b[F", None),  # end: the order in dispute sorts last
            ("open it", b"\r", f"Order {DISPUTE}".encode()),
            ("timeline", b"2", b"oldest first"),
            ("chat", b"3", "▐ ".encode()),
            ("evidence", b"4", b"tab in a note"),
            ("overview", b"1", b"Mediation readiness"),
            ("back", b"\x1b", b"Countdowns"),
            ("help", b"?", b"Keys"),
            ("close help", b"\x1b", None),
        ):
            marks[step] = len(output)
            os.write(master, keys)
            if painted is not None:
                wait_until(painted, 10, since=marks[step])
            read_for(0.4)  # and whatever else the step paints
        marks["quit"] = len(output)
        os.write(master, b"q")
        deadline = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < deadline:
            read_for(0.1)
        read_for(0.2)
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)  # only the process started here
            process.wait(5)
        os.close(master)
    return Session(bytes(output), process.returncode, marks)


@pytest.fixture(scope="module")
def session(tmp_path_factory, private_env) -> Session:
    tmp = tmp_path_factory.mktemp("hostile-pty")
    db = tmp / "aliret.db"
    with Store(db, time=FROZEN) as store:
        fill_store(store)
    write_uncleaned(db)  # and some of it raw, as a hand-edited file could hold it
    with Store(db, time=FROZEN) as store:  # a note keeps its TAB; the first item shows
        first = store.evidence(DISPUTE)[0]
        store.set_evidence_note(DISPUTE, first.id, TAB_NOTE)
    return _run_in_pty(db, tmp, private_env)


def test_the_app_ran_and_quit_cleanly(session):
    assert session.code == 0, session.output[-2000:]
    assert b"Traceback" not in session.output
    assert b"Countdowns" in session.output
    assert f"Order {DISPUTE}".encode() in session.output[session.marks["open it"] :]
    assert b"No messages yet." not in session.output  # the chat log was there
    assert b"Keys" in session.output[session.marks["help"] :]  # the help screen


def test_no_hostile_sequence_or_control_reaches_the_terminal(session):
    problems = unsafe_terminal_bytes(session.output)
    assert problems == [], problems[:10]


def test_markup_reached_the_terminal_as_plain_text(session):
    output = session.output
    assert b"[@click=app.quit]x[/]" in output
    assert b"[link=file:///etc/passwd]x[/link]" in output
    assert b"\x1b]8;" not in output  # no hyperlink was made of anything


def _assert_no_tab(output: bytes) -> None:
    at = output.find(b"\t")
    assert at < 0, output[max(at - 60, 0) : at + 20]


def test_the_tab_note_was_on_screen(session):
    evidence = session.output[session.marks["evidence"] : session.marks["overview"]]
    assert b"=1+1 tab in a note" in evidence


def test_no_tab_byte_from_an_evidence_note(session):
    _assert_no_tab(session.output[session.marks["evidence"] : session.marks["overview"]])


def test_no_tab_byte_from_an_uncleaned_title(session):
    _assert_no_tab(session.output[: session.marks["open it"]])
