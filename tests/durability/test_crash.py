"""SIGKILL a writing process at random moments, again and again, on one database.

The writer (``crash_writer.py``) adds orders, records events and imports
batches of 100-300 orders in one store call, printing each action only after
it returned. After every kill the database must pass ``integrity_check``, hold
every action printed as committed, and show no half action: an order with all
its facts, an order state that matches its timeline, and every batch either
complete or absent, the one in flight included.

``ALIRET_TUI_CRASH_RUNS`` sets the number of kills (default 50) and
``ALIRET_TUI_CRASH_SEED`` replays a printed seed.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from durability.crash_writer import single_facts
from durability.helpers import HERE
from support.sqlite_files import connect

from aliret_tui.domain.evidence import checklist_for
from aliret_tui.domain.vocabulary import Reason
from aliret_tui.store.backup import quick_check

RUNS = int(os.environ.get("ALIRET_TUI_CRASH_RUNS", "50"))
FIRST_DAY = dt.date(2026, 1, 5)
WRITER = HERE / "crash_writer.py"
EVIDENCE_FOR_A_DISPUTE = len(checklist_for(Reason.WRONG_SIZE, 0))

SINGLE = re.compile(r"^R(\d{3})-W\d{4}$")
BATCH_ROW = re.compile(r"^(R\d{3}-B\d{3})-(\d{3})$")
BATCH_NOTE = re.compile(r"^batch (\S+) size (\d+) prev (\S+)$")
RECORDS_NOTE = re.compile(r"^records (\S+) size (\d+) from (\S+)$")


def run_day(run: int) -> dt.date:
    """Each run is a new day, so daily backups are taken (and pruned) as the kills go on."""
    return FIRST_DAY + dt.timedelta(days=run)


@dataclass
class Figures:
    kills: int = 0
    kills_before_ready: int = 0
    committed: set[str] = field(default_factory=set)
    attempted_ids: set[str] = field(default_factory=set)
    in_flight: Counter = field(default_factory=Counter)
    orders_checked: int = 0
    events_checked: int = 0
    batch_rows: int = 0
    backups_checked: int = 0
    leftover_partials: int = 0

    def committed_writes(self) -> int:
        """Rows written by the committed actions: orders added or updated, events."""
        total = 0
        for action in self.committed:
            words = action.split()
            if words[0] in ("ADD", "EVENT"):
                total += 1
            else:
                total += int(words[2])
        return total


def test_sigkill_at_random_moments_loses_nothing_and_leaves_nothing_half_done(tmp_path):
    seed = int(os.environ.get("ALIRET_TUI_CRASH_SEED") or random.randrange(2**32))
    print(f"\ncrash test: {RUNS} kills, ALIRET_TUI_CRASH_SEED={seed}")
    rng = random.Random(seed)
    db = tmp_path / "data" / "crash.db"
    db.parent.mkdir(mode=0o700)
    figures = Figures()
    started = time.monotonic()

    for run in range(RUNS):
        run_seed = rng.randrange(2**31)
        out, err = tmp_path / f"run{run}.out", tmp_path / f"run{run}.err"
        context = f"run {run} (writer seed {run_seed}, ALIRET_TUI_CRASH_SEED={seed})"
        lines = _run_and_kill(db, run, run_seed, rng, out, err, figures, context)
        assert err.read_text() == "", f"{context}: the writer failed:\n{err.read_text()}"
        done = [line for line in lines if not line.startswith(("?", "READY"))]
        tried = [line[2:] for line in lines if line.startswith("? ")]
        figures.committed.update(done)
        figures.attempted_ids.update(_ids_written_by(tried))
        in_flight = tried[-1] if tried and (not done or done[-1] != tried[-1]) else None
        try:
            _check(db, figures, in_flight)
        except AssertionError as error:
            raise AssertionError(f"{context}, in flight: {in_flight}: {error}") from None
        figures.kills += 1

    elapsed = time.monotonic() - started
    outcomes = ", ".join(f"{name}: {count}" for name, count in sorted(figures.in_flight.items()))
    print(
        f"crash test: {figures.kills} kills survived ({figures.kills_before_ready} while "
        f"starting) in {elapsed:.1f}s; {len(figures.committed)} committed actions "
        f"({figures.committed_writes()} rows) checked after every kill, nothing lost, nothing "
        f"half done; final database: {figures.orders_checked} orders "
        f"({figures.batch_rows} from batches), {figures.events_checked} events; "
        f"{figures.backups_checked} daily backups passed quick_check "
        f"({figures.leftover_partials} .partial files left by killed backups); "
        f"action in flight at the kill -> {outcomes}"
    )
    assert figures.kills == RUNS
    # The kills did land inside imports, and some of those were cut before the commit.
    if RUNS >= 50:
        assert figures.in_flight["import absent"] + figures.in_flight["records absent"] > 0


def _run_and_kill(db, run, run_seed, rng, out, err, figures, context) -> list[str]:
    command = [sys.executable, str(WRITER), str(db), str(run), str(run_seed)]
    command.append(run_day(run).isoformat())
    style = rng.random()
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr)
    try:
        if style < 0.15:
            # Anywhere in start-up: imports, opening, creating or migrating the file.
            time.sleep(rng.uniform(0.0, 0.35))
            figures.kills_before_ready += "READY" not in out.read_text()
        elif style < 0.45:
            # Inside an import, before or after its commit: a few hundred rows at once.
            _wait_for(out, ("? IMPORT", "? RECORDS"), process, context)
            time.sleep(rng.uniform(0.0, 0.15))
        elif style < 0.75:
            # Inside a single add or event (a few milliseconds each).
            _wait_for(out, rng.choice([("? ADD",), ("? EVENT",)]), process, context)
            time.sleep(rng.uniform(0.0, 0.006))
        else:
            _wait_for(out, ("READY",), process, context)
            time.sleep(rng.uniform(0.0, 0.3))
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL, (
        f"{context}: the writer ended by itself ({process.returncode}):\n{err.read_text()}"
    )
    text = out.read_text()
    # A line cut by the kill has no newline yet: it was not reported.
    return text.split("\n")[:-1]


def _ids_written_by(actions: list[str]) -> set[str]:
    ids = set()
    for action in actions:
        words = action.split()
        if words[0] == "ADD":
            ids.add(words[1])
        elif words[0] in ("IMPORT", "RECORDS"):
            ids.update(f"{words[1]}-{row:03d}" for row in range(int(words[2])))
    return ids


def _wait_for(out: Path, starts: tuple[str, ...], process, context) -> None:
    """Return as soon as the writer prints a line starting with one of ``starts``."""
    deadline = time.monotonic() + 30
    with out.open() as reader:
        pending = ""
        while time.monotonic() < deadline:
            pending += reader.read()
            *complete, pending = pending.split("\n")
            if any(line.startswith(starts) for line in complete):
                return
            assert process.poll() is None, f"{context}: the writer stopped early"
            time.sleep(0.0005)
    raise AssertionError(f"{context}: the writer never printed {starts}")


# -- the checks after each kill ---------------------------------------------------------


def _check(db: Path, figures: Figures, in_flight: str | None) -> None:
    if not db.exists():
        assert not figures.committed, "the database vanished"
        return
    # Read-only: the next writer, not this check, must recover the WAL it finds.
    conn = connect(db, readonly=True)
    conn.row_factory = sqlite3.Row
    try:
        assert [row[0] for row in conn.execute("PRAGMA integrity_check")] == ["ok"]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if "orders" not in tables or "meta" not in tables:
            assert not figures.committed, "committed data but no tables"
            return
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        orders = {row["order_id"]: row for row in conn.execute("SELECT * FROM orders")}
        events: dict[str, list[sqlite3.Row]] = defaultdict(list)
        for row in conn.execute("SELECT * FROM events ORDER BY order_id, seq"):
            events[row["order_id"]].append(row)
        disputes = {row["order_id"]: row for row in conn.execute("SELECT * FROM disputes")}
        evidence = Counter(row[0] for row in conn.execute("SELECT order_id FROM evidence"))
        assert conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 0
    finally:
        conn.close()

    batches: dict[str, list[sqlite3.Row]] = defaultdict(list)
    for order_id, row in orders.items():
        assert order_id in figures.attempted_ids, f"{order_id}: in the database, never written"
        if SINGLE.match(order_id):
            _check_single(row, events[order_id], disputes.get(order_id), evidence[order_id])
        else:
            match = BATCH_ROW.match(order_id)
            assert match, f"unexpected order {order_id!r}"
            batches[match[1]].append(row)
    notes = {batch: rows[0]["note"] for batch, rows in batches.items()}
    updated_by = {}
    for batch, note in notes.items():
        found = BATCH_NOTE.match(note)
        if found and found[3] != "-":
            updated_by[found[3]] = batch
    for batch, rows in batches.items():
        _check_batch(batch, rows, orders, events, disputes, evidence, updated_by)

    for action in figures.committed:
        _check_committed(action, orders, events, batches)
    if in_flight:
        kind = in_flight.split()[0].lower()
        present = _is_present(in_flight, orders, events, batches)
        figures.in_flight[f"{kind} {'present' if present else 'absent'}"] += 1

    backups = sorted((db.parent / "backups").glob("daily-*.db"))
    for backup in backups:
        assert quick_check(backup) == "ok", backup
    figures.backups_checked = len(backups)
    figures.leftover_partials = len(list((db.parent / "backups").glob(".*.partial")))
    figures.orders_checked = len(orders)
    figures.events_checked = sum(len(rows) for rows in events.values())
    figures.batch_rows = sum(len(rows) for rows in batches.values())


def _check_single(order, timeline, dispute, evidence_count) -> None:
    order_id = order["order_id"]
    today = run_day(int(SINGLE.match(order_id)[1]))
    expected = single_facts(order_id, today)
    for name in ("title", "price", "currency", "store", "ordered_on", "note"):
        assert order[name] == expected[name], (order_id, name, order[name], expected[name])
    kinds = [event["kind"] for event in timeline]
    assert kinds in ([], ["delivered"], ["delivered", "open_dispute"]), (order_id, kinds)
    assert [event["seq"] for event in timeline] == list(range(1, len(kinds) + 1)), order_id
    assert order["version"] == 1 + len(kinds), (order_id, order["version"], kinds)
    if not kinds:
        assert (order["state"], order["delivered_on"]) == ("in_transit", None), order_id
    else:
        assert order["delivered_on"] == timeline[0]["on_date"], order_id
    if kinds == ["delivered"]:
        assert order["state"] == "window_open", (order_id, order["state"])
    if kinds[-1:] == ["open_dispute"]:
        assert order["state"] == "awaiting_seller", (order_id, order["state"])
        assert dispute is not None, f"{order_id}: dispute event without its dispute"
        assert dispute["opened_on"] == timeline[1]["on_date"]
        assert dispute["reason"] == "wrong_size"
        assert evidence_count == EVIDENCE_FOR_A_DISPUTE, (order_id, evidence_count)
    else:
        assert dispute is None, f"{order_id}: a dispute without its event"
        assert evidence_count == 0, order_id


def _check_batch(batch, rows, orders, events, disputes, evidence, updated_by) -> None:
    note = rows[0]["note"]
    assert {row["note"] for row in rows} == {note}, f"{batch}: rows of two imports mixed"
    numbers = sorted(int(BATCH_ROW.match(row["order_id"])[2]) for row in rows)
    facts = BATCH_NOTE.match(note)
    records = RECORDS_NOTE.match(note)
    assert facts or records, (batch, note)
    size = int((facts or records)[2])
    assert numbers == list(range(size)), f"{batch}: {len(rows)} of {size} rows: half an import"
    if facts:
        stores = {row["store"] for row in rows}
        versions = {row["version"] for row in rows}
        assert len(stores) == 1 and len(versions) == 1, f"{batch}: half an update: {stores}"
        later = updated_by.get(batch)
        if later is None:
            assert (stores, versions) == ({f"batch {batch}"}, {1}), (batch, stores)
        else:
            assert (stores, versions) == ({f"updated by {later}"}, {2}), (batch, later, stores)
        for row in rows:
            number = int(BATCH_ROW.match(row["order_id"])[2])
            assert row["title"] == f"Batch row {number} of {batch}", row["order_id"]
            assert row["price"] == f"{number % 50 + 1}.25"
            assert (row["currency"], row["state"]) == ("USD", "in_transit")
            assert not events.get(row["order_id"]) and row["order_id"] not in disputes
    else:
        template = records[3]
        assert template in orders, f"{batch}: cloned from {template}, which is not there"
        expected = (
            [event["kind"] for event in events.get(template, [])],
            orders[template]["state"],
            orders[template]["version"],
            template in disputes,
            evidence[template],
        )
        for row in rows:
            order_id = row["order_id"]
            found = (
                [event["kind"] for event in events.get(order_id, [])],
                row["state"],
                row["version"],
                order_id in disputes,
                evidence[order_id],
            )
            assert found == expected, f"{order_id}: half a record: {found} != {expected}"


def _check_committed(action, orders, events, batches) -> None:
    assert _is_present(action, orders, events, batches), f"committed, then lost: {action}"


def _is_present(action, orders, events, batches) -> bool:
    words = action.split()
    if words[0] == "ADD":
        return words[1] in orders
    if words[0] == "EVENT":
        return words[2] in [event["kind"] for event in events.get(words[1], [])]
    if words[0] in ("IMPORT", "RECORDS"):
        return len(batches.get(words[1], [])) == int(words[2])
    raise AssertionError(f"unknown action {action!r}")
