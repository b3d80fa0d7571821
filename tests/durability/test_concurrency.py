"""Two writers at the same time: no write lost, no "database is locked" shown to anyone,
and an edit made in two places is caught instead of silently undone."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from durability.helpers import HERE, pragma_check
from support.cli import run_cli
from support.sqlite_files import connect, dump_database
from support.tui import FROZEN, add, screen_text, settle

from aliret_tui.domain.models import EventInput, OrderFacts, parse
from aliret_tui.store.store import EditConflict, Store
from aliret_tui.tui.app import AliretApp
from aliret_tui.tui.screens.order_form import OrderFormScreen

LOCKED_WORDS = ("locked", "busy", "held the database", "try again")


def _timelines(db: Path) -> dict[str, list[str]]:
    conn = connect(db, readonly=True)
    try:
        found: dict[str, list[str]] = {
            row[0]: [] for row in conn.execute("SELECT order_id FROM orders")
        }
        for order_id, kind in conn.execute("SELECT order_id, kind FROM events ORDER BY seq"):
            found[order_id].append(kind)
        return found
    finally:
        conn.close()


def _overlap(windows: list[tuple[float, float]]) -> float:
    """How long all the (start, end) windows ran at the same time."""
    return min(end for _, end in windows) - max(start for start, _ in windows)


# -- two processes --------------------------------------------------------------------


def _with_todays_backup_taken(db: Path) -> None:
    """A database in use since yesterday whose daily backup for today is already taken,
    so these tests see writers at work (the race for that backup has its own test)."""
    added = run_cli(db, "add", "OLD", "--title", "Yesterday", "--price", "1",
                    "--currency", "USD", today="2026-03-09")  # fmt: skip
    recorded = run_cli(db, "event", "OLD", "delivered", "--on", "2026-03-09")  # takes a backup
    assert (added.code, recorded.code) == (0, 0), (added.err, recorded.err)
    backups = [path.name for path in (db.parent / "backups").iterdir()]
    assert backups == [f"daily-2026-03-10-c2-{db.name}"]


def test_two_processes_writing_at_once_lose_nothing_and_never_see_busy(tmp_path):
    """Two Stores in two processes add orders and record events as fast as they can;
    one of them also imports 3,000 orders in one transaction meanwhile, so the other
    has to wait on the busy timeout rather than fail."""
    db = tmp_path / "shared.db"
    _with_todays_backup_taken(db)
    count = 120
    start_at = time.time() + 1.0  # both past their imports, then off together
    writers = {
        name: subprocess.Popen(
            [
                sys.executable,
                str(HERE / "concurrent_writer.py"),
                str(db),
                name,
                str(count),
                str(start_at),
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, extra in (("A", ["3000"]), ("B", []))
    }
    windows = []
    for name, process in writers.items():
        out, err = process.communicate(timeout=120)
        assert (process.returncode, err) == (0, ""), f"writer {name} failed:\n{err}"
        lines = out.splitlines()
        assert sum(line.startswith("EVENT ") for line in lines) == count, name
        windows.append((float(lines[0].split()[1]), float(lines[-1].split()[1])))
    assert _overlap(windows) > 0, "the writers did not run at the same time"

    timelines = _timelines(db)
    for name in writers:
        for number in range(count):
            order_id = f"{name}-{number:04d}"
            assert timelines.get(order_id) == ["delivered"], order_id
    assert sum(order_id.startswith("A-BIG-") for order_id in timelines) == 3000
    assert len(timelines) == 2 * count + 3000 + 1
    assert pragma_check(db) == ["ok"]


def _order_id(shell: str, number: int) -> str:
    """An AliExpress-shaped number (16 digits), which `add` takes without a note."""
    return f"81750000000{'AB'.index(shell) + 1}000{number}"


def test_two_command_lines_adding_at_once_lose_nothing(tmp_path):
    """Two shells each run `aliret-tui add` and `aliret-tui event` in a loop, while a
    third program holds the write lock for 1.5 seconds: they queue, and all succeed."""
    db = tmp_path / "shared.db"
    _with_todays_backup_taken(db)
    per_loop = 5
    results: dict[str, list] = {"A": [], "B": []}

    def loop(name: str) -> None:
        for number in range(per_loop):
            order_id = _order_id(name, number)
            started = time.monotonic()
            added = run_cli(db, "add", order_id, "--title", f"From {name}", "--price", "3",
                            "--currency", "USD", "--ordered", "2026-03-01")  # fmt: skip
            recorded = run_cli(db, "event", order_id, "delivered", "--on", "2026-03-09")
            results[name].append((order_id, added, recorded, started, time.monotonic()))

    threads = [threading.Thread(target=loop, args=(name,)) for name in results]
    for thread in threads:
        thread.start()
    time.sleep(0.6)
    holder = connect(db)
    holder.isolation_level = None
    holder.execute("BEGIN IMMEDIATE")
    time.sleep(1.5)
    holder.execute("ROLLBACK")
    holder.close()
    for thread in threads:
        thread.join(timeout=120)

    windows = []
    for runs in results.values():
        assert len(runs) == per_loop
        for order_id, added, recorded, _, _ in runs:
            for result in (added, recorded):
                assert (result.code, result.err) == (0, ""), (order_id, result)
                assert not any(word in result.out.lower() for word in LOCKED_WORDS)
        windows.append((runs[0][3], runs[-1][4]))
    assert _overlap(windows) > 0
    slowest = max(end - start for runs in results.values() for *_, start, end in runs)
    assert slowest > 1.0, "no command had to wait for the lock: the test proved nothing"
    timelines = _timelines(db)
    expected = {_order_id(name, n): ["delivered"] for name in results for n in range(per_loop)}
    assert timelines == {"OLD": ["delivered"], **expected}


def test_two_first_opens_of_a_new_database_at_once_both_work(tmp_path):
    """Two shells run their first `aliret-tui add` at the same moment."""
    _race(tmp_path, "new", attempts=25)


def test_two_opens_of_a_database_needing_a_migration_at_once_both_work(tmp_path):
    """The day after an upgrade, two commands open the old database together."""
    _race(tmp_path, "migrate", attempts=10)


def test_two_first_changes_of_a_day_at_once_both_work(tmp_path):
    """Yesterday's database; today a TUI save and a CLI add land together."""
    _race(tmp_path, "daily", attempts=10)


def _race(tmp_path: Path, mode: str, attempts: int) -> None:
    done = subprocess.run(
        [sys.executable, str(HERE / "races.py"), str(tmp_path), str(attempts), "2", mode],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0 and done.stderr == "", done.stderr
    failures = [line for line in done.stdout.splitlines() if line.startswith("FAIL")]
    assert done.stdout.splitlines()[-1] == f"RESULT done={2 * attempts} failed=0", failures[:3]


# -- the same order edited in two places ----------------------------------------------------


def _facts(**values) -> OrderFacts:
    data = {"order_id": "E1", "title": "Original", "price": "10.00", "currency": "EUR",
            "ordered_on": "2026-03-01", **values}  # fmt: skip
    return parse(OrderFacts, data)


def _change_title(store: Store) -> None:
    store.update_order(_facts(title="Changed in B"))


def _record_delivery(store: Store) -> None:
    store.record_event("E1", parse(EventInput, {"kind": "delivered", "on": "2026-03-05"}))


def _archive(store: Store) -> None:
    store.set_archived("E1", True)


@pytest.mark.parametrize(
    "change_in_b", [_change_title, _record_delivery, _archive], ids=["edit", "event", "archive"]
)
def test_a_stale_edit_is_refused_and_the_other_change_stays(tmp_path, change_in_b):
    db = tmp_path / "two.db"
    with Store(db, time=FROZEN) as a, Store(db, time=FROZEN) as b:
        a.add_order(_facts())
        loaded = a.get_order("E1")  # what A's form shows
        change_in_b(b)
        after_b = b.get_order("E1")
        assert after_b.version == loaded.version + 1
        before = dump_database(db)
        with pytest.raises(EditConflict) as refused:
            a.update_order(_facts(note="typed in A"), expected_version=loaded.version)
        message = str(refused.value)
        assert "'E1'" in message and "changed elsewhere" in message and "reload" in message
        assert dump_database(db) == before, "the refused save wrote something"
        assert b.get_order("E1") == after_b
        assert a.get_order("E1") == after_b
        # Reloaded, A's edit goes through and keeps B's change.
        fresh = a.get_order("E1")
        saved = a.update_order(
            _facts(title=fresh.title, note="typed in A", delivered_on=fresh.delivered_on),
            expected_version=fresh.version,
        )
        assert saved.note == "typed in A"
        assert (saved.title, saved.state, saved.archived) == (
            after_b.title, after_b.state, after_b.archived,
        )  # fmt: skip


async def test_the_edit_form_reports_a_change_made_elsewhere_and_keeps_it(tmp_path):
    db = tmp_path / "tui.db"
    with Store(db, time=FROZEN) as setup:
        add(setup, "E1", "Original title")
    app = AliretApp(db_path=db, time=FROZEN)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("e")
        await settle(pilot, app)
        assert isinstance(app.screen, OrderFormScreen)
        with Store(db, time=FROZEN) as elsewhere:  # another shell, while the form is open
            current = elsewhere.get_order("E1")
            elsewhere.update_order(current.facts.replace(title="Changed elsewhere"))
        await pilot.press("ctrl+a", "ctrl+k", *"Mine")  # retype the title in the form
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, OrderFormScreen), "the form closed as if it had saved"
        text = screen_text(app)
        assert "was changed elsewhere while you edited it" in text, text
        assert "title: Original title →" in text
        assert "ctrl+s saves it over that change" in text
    with Store(db, time=FROZEN) as reopened:
        order = reopened.get_order("E1")
    assert order.title == "Changed elsewhere"
    assert order.version == 2
