"""The order screen never hangs or freezes: special and slow files, long notes, outside changes.

These tests wait with a bounded loop, never on the workers: a worker stuck for
ever must fail the test, not hang it.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from support.tui import FROZEN, add, days, event, screen_text
from textual.widgets import TabbedContent

from aliret_tui import files
from aliret_tui.domain.models import Attachment, OrderFacts, parse
from aliret_tui.domain.states import OrderState
from aliret_tui.store.store import Store
from aliret_tui.tui.screens.detail import DetailScreen, FullTextScreen
from aliret_tui.tui.widgets.text_view import TextView

WIDE = (200, 40)  # evidence lines carry a whole tmp_path


class Hashing:
    """Counts the calls of files.fingerprint, those still running, and the most at once."""

    def __init__(self) -> None:
        self.calls = 0
        self.running = 0
        self.most_at_once = 0
        self.started = threading.Event()


@pytest.fixture
def hashing(monkeypatch) -> Hashing:
    counter = Hashing()
    real = files.fingerprint
    lock = threading.Lock()

    def counted(*args, **kwargs):
        with lock:
            counter.calls += 1
            counter.running += 1
            counter.most_at_once = max(counter.most_at_once, counter.running)
        counter.started.set()
        try:
            return real(*args, **kwargs)
        finally:
            with lock:
                counter.running -= 1

    monkeypatch.setattr(files, "fingerprint", counted)
    return counter


class SlowDisk:
    """``hashlib`` for files.py, as if read from a slow disk: 5 ms a chunk, asleep (so
    the app's own thread runs as usual)."""

    class sha256:  # stands for hashlib.sha256
        def __init__(self) -> None:
            self._real = hashlib.sha256()

        def update(self, data: bytes) -> None:
            time.sleep(0.005)
            self._real.update(data)

        def hexdigest(self) -> str:
            return self._real.hexdigest()


async def until(pilot, condition: Callable[[], bool], seconds: float) -> bool:
    """Whether ``condition()`` came to hold within ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        await pilot.pause(0.05)
    return True


def wait_in_thread(condition: Callable[[], bool], seconds: float) -> bool:
    """The same, once the app is gone (no pilot to pause with)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


async def open_order(pilot, app, tab: str | None = None) -> DetailScreen:
    """Enter on the dashboard's only order, then the tab's key."""
    assert await until(pilot, lambda: getattr(app.screen, "loaded", False), 10)
    await pilot.press("enter")
    assert await until(pilot, lambda: isinstance(app.screen, DetailScreen), 10)
    screen = app.screen
    assert await until(pilot, lambda: screen.record is not None, 10)
    if tab is not None:
        await pilot.press(tab)
        await pilot.pause()
    return screen


def attach(store: Store, path: Path, item: int = 0) -> None:
    """Attach ``path`` as it is now to the order's evidence item ``item``."""
    data = path.read_bytes()
    attachment = Attachment(
        path=str(path),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        attached_at="2026-11-29T10:00:00",
    )
    store.attach_file("A1", store.evidence("A1")[item].id, attachment)


def file_line(app, path: Path) -> str:
    """The evidence list's line for the attached file ``path``."""
    lines = [line for line in screen_text(app).splitlines() if f" {path}  " in line]
    return lines[0] if lines else ""


def dispute(store: Store) -> None:
    add(store, "A1", "Jacket, size L", delivered_on=days(-3))
    event(store, "A1", "open_dispute", reason="wrong_size")


# -- 11. attached files: only regular files are read, never for ever --------------------


async def test_a_fifo_or_a_device_is_not_checkable_and_a_change_beside_it_shows(
    make_app, store, tmp_path, hashing
):
    dispute(store)
    fifo, zero, photo = tmp_path / "box.jpg", tmp_path / "seal.jpg", tmp_path / "label.jpg"
    fifo.write_bytes(b"")  # empty files: a FIFO or /dev/zero has the same size, 0
    zero.write_bytes(b"")
    photo.write_bytes(b"\xff\xd8 size label, L " * 100)
    for path in (fifo, zero, photo):
        attach(store, path)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await open_order(pilot, app, "4")

        def unchanged() -> bool:
            return all("unchanged since attached" in file_line(app, p) for p in (fifo, zero, photo))

        assert await until(pilot, unchanged, 10), screen_text(app)

        # Replaced behind our back: a FIFO nobody writes to, a link to an endless
        # device, and a real change of one byte (same size: only the hash can tell).
        fifo.unlink()
        os.mkfifo(fifo)
        zero.unlink()
        zero.symlink_to("/dev/zero")
        photo.write_bytes(photo.read_bytes()[:-1] + b"!")
        await pilot.press("space")  # tick the item: a reload, so a new check

        def checked() -> bool:
            return (
                "NOT CHECKABLE: not a regular file" in file_line(app, fifo)
                and "NOT CHECKABLE: not a regular file" in file_line(app, zero)
                and "CHANGED since attached" in file_line(app, photo)
            )

        assert await until(pilot, checked, 10), screen_text(app)
        assert hashing.calls == 4  # three files at first, then only the changed one

        await pilot.press("q")
        quit_pressed = time.monotonic()
    assert time.monotonic() - quit_pressed < 2
    assert wait_in_thread(lambda: hashing.running == 0, 2), "a file is still being read"


async def test_one_check_at_a_time_and_quitting_stops_it(
    make_app, store, tmp_path, hashing, monkeypatch
):
    dispute(store)
    video = tmp_path / "unboxing.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42" * 800_000)  # 9.6 MB
    attach(store, video)
    monkeypatch.setattr(files, "hashlib", SlowDisk)  # 2,400 chunks: 12 s to read
    monkeypatch.setattr(files, "CHUNK", 4096)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await open_order(pilot, app, "4")
        assert await until(pilot, hashing.started.is_set, 10)
        assert await until(pilot, lambda: "checking…" in file_line(app, video), 5)
        for _ in range(3):  # reloads while the file is being read: no second reader
            await pilot.press("space")
            await pilot.pause(0.2)
        assert await until(pilot, lambda: store.evidence("A1")[0].done, 5)
        assert hashing.most_at_once == 1 and hashing.running == 1
        await pilot.press("q")
        quit_pressed = time.monotonic()
    assert time.monotonic() - quit_pressed < 2
    assert wait_in_thread(lambda: hashing.running == 0, 2), "the hash went on after quitting"


async def test_reopening_does_not_hash_an_unchanged_file_again(make_app, store, tmp_path, hashing):
    dispute(store)
    photo = tmp_path / "label.jpg"
    photo.write_bytes(b"\xff\xd8 size label, L " * 100)
    attach(store, photo)
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:

        async def reopen() -> None:
            await pilot.press("escape")
            assert await until(pilot, lambda: not isinstance(app.screen, DetailScreen), 10)
            await open_order(pilot, app, "4")
            unchanged = lambda: "unchanged since attached" in file_line(app, photo)  # noqa: E731
            assert await until(pilot, unchanged, 10), screen_text(app)

        await open_order(pilot, app, "4")
        assert await until(pilot, lambda: "unchanged" in file_line(app, photo), 10)
        assert hashing.calls == 1
        await reopen()
        await reopen()
        assert hashing.calls == 1  # the same path, size and times: not read again

        await pilot.press("space")  # a reload on the same screen
        assert await until(pilot, lambda: store.evidence("A1")[0].done, 10)
        await pilot.pause(0.3)
        assert hashing.calls == 1

        os.utime(photo, ns=(0, 0))  # the same bytes, other times: read once more
        await reopen()
        assert hashing.calls == 2


def test_fingerprint_bounds(tmp_path, monkeypatch):
    data = b"0123456789" * 1000
    path = tmp_path / "scan.pdf"
    path.write_bytes(data)
    assert files.fingerprint(path) == (len(data), hashlib.sha256(data).hexdigest())
    with pytest.raises(files.TooLarge):
        files.fingerprint(path, limit=len(data) - 1)
    monkeypatch.setattr(files, "CHUNK", 10)
    with pytest.raises(files.HashingCancelled):
        files.fingerprint(path, should_stop=lambda: True)
    with pytest.raises(files.TooSlowToRead):
        files.fingerprint(path, seconds=0)
    assert files.file_state(str(path), len(data), "0" * 64) is files.FileState.CHANGED

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(files.NotRegularFile):  # at once: a FIFO is never opened
        files.fingerprint(fifo)


def test_a_file_too_slow_to_read_says_so(tmp_path, monkeypatch):
    data = b"x" * 10_000
    path = tmp_path / "slow.bin"
    path.write_bytes(data)
    monkeypatch.setattr(files, "CHUNK", 1)
    monkeypatch.setattr(files, "FINGERPRINT_SECONDS", 0)  # over once the first byte is read
    digest = hashlib.sha256(data).hexdigest()
    assert files.file_state(str(path), len(data), digest) is files.FileState.TOO_SLOW


# -- 12. long notes are folded: the screen opens at once ---------------------------------

# 120,000 characters: 3,076 lines of 38, and the start of one more.
LONG_NOTE = "\n".join(f"line {n:05d} of the seller's long reply." for n in range(3_100))[:120_000]


async def test_a_long_note_shows_folded_and_v_shows_it_all(make_app, store):
    note = LONG_NOTE
    store.add_order(
        parse(
            OrderFacts,
            {"order_id": "A1", "title": "Lamp", "price": "20.00", "currency": "USD",
             "delivered_on": days(-3), "note": note},
        )
    )  # fmt: skip
    event(store, "A1", "open_dispute", reason="not_as_described", note=note)
    first, last = note.splitlines()[0], note.splitlines()[-1]
    hidden = len(note.splitlines()) - 4
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        detail = await open_order(pilot, app)
        await pilot.pause()
        text = screen_text(app)
        assert first in text and last not in text
        assert f"… ({hidden:,} more lines, press v to show all)" in text
        assert "Show all" in text  # in the footer

        await pilot.press("v")
        assert await until(pilot, lambda: isinstance(app.screen, FullTextScreen), 5)
        assert app.screen.query_one(TextView).text == note
        await pilot.press("end")
        await pilot.pause()
        assert last in screen_text(app)
        await pilot.press("escape")
        assert await until(pilot, lambda: app.screen is detail, 5)

        await pilot.press("2")
        await pilot.pause()
        assert detail.query_one(TabbedContent).active == "timeline"
        text = screen_text(app)
        assert first in text and last not in text
        assert f"… ({hidden:,} more lines, press v to show all)" in text
        await pilot.press("v")
        assert await until(pilot, lambda: isinstance(app.screen, FullTextScreen), 5)
        shown = app.screen.query_one(TextView).text
        assert "Opened a dispute" in shown  # the whole timeline, its notes in full
        assert f"{first}\n" in shown and shown.rstrip().endswith(last)
        assert shown.count("\n") > 3_000


async def test_a_long_evidence_note_is_folded_in_the_checklist(make_app, store):
    dispute(store)
    store.set_evidence_note("A1", store.evidence("A1")[0].id, LONG_NOTE)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_order(pilot, app, "4")
        await pilot.pause()
        text = screen_text(app)
        assert "note: line 00000" in text and "line 00004" not in text
        assert "more lines, press v to show all" in text
        await pilot.press("v")
        assert await until(pilot, lambda: isinstance(app.screen, FullTextScreen), 5)
        assert app.screen.query_one(TextView).text == LONG_NOTE


# -- 13. outside changes show on the open order ---------------------------------------------


async def test_a_change_from_another_process_shows_on_the_open_order(make_app, store, db_path):
    add(store, "A1", "Jacket, size L", delivered_on=days(-5))
    event(store, "A1", "open_dispute", reason="wrong_size", on=days(-4))
    event(store, "A1", "seller_refused")
    event(store, "A1", "escalated")  # day 4 of the dispute: escalating is possible
    event(store, "A1", "mediation_won", outcome="return_and_refund")
    event(store, "A1", "return_shipped", tracking="LP123CN")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        detail = await open_order(pilot, app)
        assert detail.record.order.state is OrderState.RETURN_SHIPPED
        await pilot.pause(0.5)

        with Store(db_path, time=FROZEN) as elsewhere:  # as `aliret-tui event` would
            event(elsewhere, "A1", "return_delivered")
        refund_pending = lambda: "Wait for the refund" in screen_text(app)  # noqa: E731
        assert await until(pilot, refund_pending, 3), screen_text(app)  # polled each second
        assert detail.record.order.state is OrderState.REFUND_PENDING
        assert "no deadline running" not in screen_text(app)
