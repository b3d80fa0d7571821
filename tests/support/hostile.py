"""Hostile text for the robustness tests: the corpus, what each string must become,
and checks for what may reach a terminal.

Every entry states, by hand, what the text must look like once aliret-tui has
stored it (``line`` for single-line fields such as the title, ``multiline`` for
notes and chat messages), so the tests do not borrow the product's own
sanitiser as their oracle.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import subprocess
import traceback
from dataclasses import dataclass
from pathlib import Path

from support.cli import EXE

# -- the corpus -------------------------------------------------------------------------

LONG_TEXT = "0123456789" * 1000  # 10,000 characters


@dataclass(frozen=True)
class Hostile:
    name: str
    text: str  # as the user types, pastes or imports it
    line: str  # as stored in a single-line field (title, store, tracking, carrier)
    multiline: str  # as stored in a multi-line field (notes, chat messages)
    controls: bool = False  # control characters are removed: a note must say so
    literal: bool = False  # markup-like: must be shown exactly as typed

    @property
    def in_argv(self) -> bool:
        """NUL cannot be passed on a command line (execve takes C strings)."""
        return "\x00" not in self.text

    @property
    def short(self) -> bool:
        """Fits the 200-character limit of tracking numbers and carriers."""
        return 0 < len(self.line) <= 200


def _same(name: str, text: str, *, literal: bool = False) -> Hostile:
    return Hostile(name, text, text, text, literal=literal)


def _cleaned(name: str, text: str, line: str, multiline: str | None = None) -> Hostile:
    return Hostile(name, text, line, line if multiline is None else multiline, controls=True)


CORPUS: tuple[Hostile, ...] = (
    # Console markup, Textual content markup and action links: must show literally.
    _same("close-tag", "[/]", literal=True),
    _same("half-tag", "[/", literal=True),
    _same("usb-cable", "USB cable [/2 pack]", literal=True),
    _same("click-quit", "[@click=app.quit]x[/]", literal=True),
    _same("link-file", "[link=file:///etc/passwd]x[/link]", literal=True),
    _same("red", "[red]", literal=True),
    _same("emoji-code", ":warning:", literal=True),
    _same("dollar-var", "$title", literal=True),
    _same("markup-mix", "[b]bold[/b] [on red]x[/] \\[esc] 100% <b>&amp;</b>", literal=True),
    # Escape sequences, bare and inside text: removed whole, with a note.
    _cleaned("csi-clear", "\x1b[2J", ""),
    _cleaned("csi-in-text", "Cable\x1b[2J x2", "Cable x2"),
    _cleaned("osc-title", "\x1b]0;title\x07", ""),
    _cleaned("osc-title-in-text", "Lamp \x1b]0;title\x07warm", "Lamp warm"),
    _cleaned("osc52", "\x1b]52;c;SGVsbG8=\x07", ""),
    _cleaned("osc52-in-text", "copy\x1b]52;c;SGVsbG8=\x07me", "copyme"),
    _cleaned("osc8-link", "\x1b]8;;file:///etc/passwd\x1b\\click\x1b]8;;\x1b\\", "click"),
    _cleaned("sgr", "\x1b[31mred\x1b[0m text", "red text"),
    # C1 controls (8-bit CSI, NEL, DCS ... ST), C0 controls, DEL, NUL, bidi overrides.
    _cleaned("c1-csi", "red\x9b31mtext", "redtext"),
    _cleaned("c1-nel", "next\x85line", "nextline"),
    _cleaned("c1-dcs", "dcs\x90payload\x9cend", "dcsend"),
    _cleaned("c0-bell-del", "bell\x07del\x7f!", "belldel!"),
    _cleaned("nul", "nul\x00byte", "nulbyte"),
    _cleaned("bidi-override", "invoice\u202egpj.exe", "invoicegpj.exe"),
    # Long, right-to-left, emoji with ZWJ sequences, combining marks.
    _same("long", LONG_TEXT),
    _same("hebrew", "שלום עולם — כבל USB"),
    _same("arabic", "مرحبا بالعالم ١٢٣"),
    _same("emoji-zwj", "👍🏽 family 👨‍👩‍👧‍👦 flag 🏳️‍🌈 ❤️‍🔥"),
    _same("combining", "Z̤͔ͧ̑̓ä͖̭̈̇lg͖̭̈̇o e\u0301\u0301"),
    # Spreadsheet formulas (OWASP CSV injection) and a leading quote.
    _same("formula-cmd", "=cmd|' /C calc'!A0"),
    _same("formula-plus", "+1"),
    _same("formula-minus", "-2"),
    _same("formula-at", "@SUM(1)"),
    Hostile("formula-tab", "\t=1+1", "=1+1", "\t=1+1"),
    Hostile("formula-cr", "\r=1+1", "=1+1", "=1+1"),
    _same("leading-quote", "'=not a formula"),
    # Line breaks: spaces in a single-line field, kept in a note.
    Hostile("lines", "one\ntwo\r\nthree", "one two three", "one\ntwo\nthree"),
)

BY_NAME = {entry.name: entry for entry in CORPUS}
LITERALS = tuple(entry for entry in CORPUS if entry.literal)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_required(entry: Hostile) -> tuple[str, str]:
    """(text to type, text stored) for a required single-line field such as the
    title: a string that cleans down to nothing gets a word in front."""
    if entry.line:
        return entry.text, entry.line
    return "Item " + entry.text, "Item"


# -- what may reach a terminal ------------------------------------------------------------

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_UNSAFE_ON_SCREEN = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def unsafe_characters(text: str, *, screen: bool = False) -> list[str]:
    """ESC, C0 controls other than newline and tab, DEL and C1 controls in ``text``
    (on a rendered screen even newline and tab are out of place)."""
    pattern = _UNSAFE_ON_SCREEN if screen else _UNSAFE
    return [f"U+{ord(found.group()):04X} at {found.start()}" for found in pattern.finditer(text)]


def assert_terminal_safe(text: str, where: str, *, screen: bool = False) -> None:
    found = unsafe_characters(text, screen=screen)
    assert not found, f"{where}: control characters would reach the terminal: {found[:10]}"


_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")


def unsafe_terminal_bytes(data: bytes) -> list[str]:
    """What an app must never write to a terminal on behalf of user text: OSC 52
    (clipboard), an OSC 0 window title from the corpus, NUL, and UTF-8 encoded C1
    controls. (Textual's own CSI sequences are expected and fine.)"""
    problems = []
    for needle, what in (
        (b"\x1b]52;", "OSC 52 clipboard write"),
        (b"\x1b]0;title", "OSC 0 window title"),
        (b"SGVsbG8=", "the OSC 52 payload"),
        (b"\x00", "NUL"),
    ):
        at = data.find(needle)
        if at >= 0:
            problems.append(f"{what} at byte {at}: {data[max(at - 20, 0) : at + 30]!r}")
    problems += [
        f"UTF-8 C1 control {m.group()!r} at byte {m.start()}" for m in _C1_UTF8.finditer(data)
    ]
    return problems


# -- running the CLI --------------------------------------------------------------------------


@dataclass(frozen=True)
class Ran:
    argv: tuple[str, ...]
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()

    def assert_clean(self) -> None:
        """No traceback and nothing a terminal would act on, on either stream."""
        assert "Traceback" not in self.err, (self.argv, self.err[-3000:])
        assert_terminal_safe(self.out, f"stdout of {self.argv[:4]}")
        assert_terminal_safe(self.err, f"stderr of {self.argv[:4]}")


def run_subprocess(
    db: Path, today: str, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> Ran:
    argv = (EXE, "--db", str(db), "--today", today, *args)
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    done = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="surrogateescape",
        env=environment,
        cwd=cwd or db.parent,
        timeout=120,
    )
    return Ran(argv, done.returncode, done.stdout, done.stderr)


def run_in_process(*args: str) -> Ran:
    """``aliret_tui.main.main(args)`` with stdout and stderr captured; argparse's
    own refusals (SystemExit) are turned into a return code, and an uncaught exception
    into exit status 1 with its traceback on stderr, as the real process would."""
    from aliret_tui.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as leaving:
            code = leaving.code if isinstance(leaving.code, int) else 1
        except Exception:  # what the real process would print before exiting with 1
            traceback.print_exc()
            code = 1
    return Ran(tuple(args), code, out.getvalue(), err.getvalue())


def file_digest(path: Path) -> str:
    """SHA-256 of the database file, and whether its WAL/SHM companions exist."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    companions = [suffix for suffix in ("-wal", "-shm") if Path(f"{path}{suffix}").exists()]
    return f"{digest} {companions}"


# -- a store full of hostile text ---------------------------------------------------------

DISPUTE = "DISPUTE"


def order_number(index: int) -> str:
    return f"H{index:02d}"


def fill_store(store) -> None:
    """Every corpus string as a title, a store and a note (orders ``H00``...), and one
    order in dispute whose chat log, evidence labels and evidence notes hold the
    whole corpus. Goes through the Store API, so the text is cleaned on the way in."""
    from aliret_tui.domain.models import ChatMessage, EvidenceItem, parse
    from support.tui import add, days, event

    count = len(CORPUS)
    for index, entry in enumerate(CORPUS):
        typed_title, _ = as_required(entry)
        add(
            store,
            order_number(index),
            typed_title,
            store=CORPUS[(index + 1) % count].text,
            note=CORPUS[(index + 2) % count].text,
            delivered_on=days(-(index % 12)),
        )
    add(store, DISPUTE, "[@click=app.quit]x[/]", store="[link=file:///etc/passwd]x[/link]",
        delivered_on=days(-2))  # fmt: skip
    event(store, DISPUTE, "open_dispute", reason="wrong_size", note=BY_NAME["click-quit"].text)
    event(store, DISPUTE, "return_approved", note=BY_NAME["osc52-in-text"].text)
    event(store, DISPUTE, "return_shipped", tracking="[red]", carrier=":warning:",
          note=BY_NAME["osc52"].text)  # fmt: skip
    store.add_messages(
        DISPUTE,
        [
            parse(
                ChatMessage,
                {
                    "sender": ("me", "seller", "aliexpress")[index % 3],
                    "sent_at": f"2026-11-{1 + index % 28:02d} {index % 24:02d}:00",
                    "text": entry.text if entry.multiline else "Item " + entry.text,
                },
            )
            for index, entry in enumerate(CORPUS)
        ],
    )
    for entry in CORPUS:
        typed_title, _ = as_required(entry)
        store.add_evidence_item(
            DISPUTE, parse(EvidenceItem, {"label": typed_title[:500], "kind": "photo"})
        )
    # The checklist made by the dispute comes first, then the items added above.
    items = store.evidence(DISPUTE)
    for item, entry in zip(items, [*CORPUS, *CORPUS], strict=False):
        store.set_evidence_note(DISPUTE, item.id, entry.text)


def write_uncleaned(db_path: Path) -> None:
    """Put the corpus into a filled database without cleaning it (order ``H05`` gets
    entry 5 in its title, 10 as its store, 15 as its note), as a hand-edited
    file, or a foreign one brought in with ``aliret-tui restore``, could hold it."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        count = len(CORPUS)
        for index, entry in enumerate(CORPUS):
            shop, note = CORPUS[(index + 5) % count].text, CORPUS[(index + 10) % count].text
            conn.execute(
                "UPDATE orders SET title = ?, store = ?, note = ? WHERE order_id = ?",
                ("T " + entry.text, shop, note, order_number(index)),
            )
        texts = [entry.text for entry in CORPUS]
        ids = [row[0] for row in conn.execute("SELECT id FROM messages ORDER BY id")]
        for row_id, text in zip(ids, texts, strict=False):
            conn.execute("UPDATE messages SET text = ? WHERE id = ?", (text, row_id))
        ids = [row[0] for row in conn.execute("SELECT id FROM evidence ORDER BY id")]
        for row_id, text in zip(ids, texts, strict=False):
            conn.execute(
                "UPDATE evidence SET label = ?, note = ? WHERE id = ?", (text, text, row_id)
            )
        conn.execute(
            "UPDATE events SET note = ?, tracking = ?, carrier = ? WHERE order_id = ?",
            (BY_NAME["osc52"].text, BY_NAME["osc-title"].text, BY_NAME["c1-nel"].text, DISPUTE),
        )
        conn.commit()
    finally:
        conn.close()


# -- what a Textual app paints ------------------------------------------------------------


def painted(app) -> list:
    return list(app.screen._compositor.render_strips())


def active_segments(app) -> tuple[list, list]:
    """(segments carrying a link, segments carrying an @click action) on screen."""
    links, clicks = [], []
    for y, strip in enumerate(painted(app)):
        for segment in strip:
            style = segment.style
            if style is None:
                continue
            if style.link:
                links.append((y, segment.text, style.link))
            if "@click" in (style.meta or {}):
                clicks.append((y, segment.text, style.meta["@click"]))
    return links, clicks


def painted_controls(app, *, allow_tab: bool = False) -> list[tuple[int, str]]:
    """(row, segment text) of every painted segment holding a control character."""
    pattern = _UNSAFE if allow_tab else _UNSAFE_ON_SCREEN
    return [
        (y, segment.text[:60])
        for y, strip in enumerate(painted(app))
        for segment in strip
        if pattern.search(segment.text.replace("\n", ""))
    ]


def find_on_screen(app, needle: str, within=None) -> tuple[int, int] | None:
    """(x, y) in cells of the first place ``needle`` is painted (inside the widget
    ``within``, if given)."""
    from rich.cells import cell_len

    region = within.region if within is not None else None
    for y, strip in enumerate(painted(app)):
        if region is not None and not region.y <= y < region.bottom:
            continue
        x, line, cells = 0, "", []
        for segment in strip:
            for character in segment.text:
                cells.append(x)
                line += character
                x += cell_len(character)
        start = 0
        while (at := line.find(needle, start)) >= 0:
            if region is None or region.x <= cells[at] < region.right:
                return cells[at], y
            start = at + 1
    return None
