"""The database an import writes, row for row, against what the code before the
fast import pipeline (issue 17) wrote for the same files.

fixtures/golden/ holds three imports into one database: our CSV as export writes
it (150 orders from the make_data database, then rows that are hard to read:
spaced and zero-width ids, decimal commas and digit groups, spreadsheet formula
quotes, control characters, line breaks, blank rows), the same file again (the
no-op), a second CSV of ours that changes some of those orders and adds others, and
a Shopper Inventory CSV about some of the same orders (conflicts with what was
typed, deliveries without a date, cancellations, order lines, never paid).

expected.json holds each step's printed plan and notes and a hash of every table
after it, and the tables themselves after the first and the last step, as written
by the code before the change::

    git archive 86cbc9f | tar -x -C /tmp/before
    cd /tmp && PYTHONPATH=/tmp/before python /path/to/tests/importing/test_import_golden.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

from aliret_tui.importing.batch import load_files
from aliret_tui.importing.report import plan_lines
from aliret_tui.store.store import Store
from aliret_tui.timesource import TimeSource

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "golden"
EXPECTED = GOLDEN / "expected.json"
NOW = dt.datetime(2026, 11, 29, 10, 30)
STEPS = ("own-a.csv", "own-a.csv", "own-b.csv", "shopper.csv")
SKIPPED_TABLES = {"_sqlite_migrations"}  # when each migration ran, and which exist
EMPTY = hashlib.sha256(b"[]").hexdigest()


def run_steps(folder: Path) -> list[dict[str, Any]]:
    """Each step's printed plan and notes, and every table after it."""
    database = folder / "aliret.db"
    results = []
    for name in STEPS:
        batch = load_files([str(GOLDEN / name)], today=NOW.date())
        with Store(database, time=TimeSource(frozen_at=NOW)) as store:
            plan = store.apply_import(batch)
        results.append(
            {
                "file": name,
                "plan": plan_lines(batch, plan, applied=True),
                "notes": batch.notes.messages(),
                "tables": dump(database),
            }
        )
    return results


def dump(database: Path) -> dict[str, list[list[Any]]]:
    conn = sqlite3.connect(database)
    try:
        names = [
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if row[0] not in SKIPPED_TABLES and not row[0].startswith("sqlite_")
        ]
        return {
            name: sorted(
                (list(row) for row in conn.execute(f'SELECT * FROM "{name}"')),
                key=lambda row: json.dumps(row),
            )
            for name in sorted(names)
        }
    finally:
        conn.close()


def recorded(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What expected.json keeps of the steps: hashes, and the first and last tables."""
    kept = []
    for number, step in enumerate(steps):
        entry = {
            **step,
            "hashes": {
                table: hashlib.sha256(json.dumps(rows).encode()).hexdigest()
                for table, rows in step["tables"].items()
            },
        }
        if number not in (0, len(steps) - 1):
            del entry["tables"]
        kept.append(entry)
    return kept


def test_every_table_is_written_as_before(tmp_path):
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    results = recorded(run_steps(tmp_path))
    assert [step["file"] for step in results] == [step["file"] for step in expected]
    for got, want in zip(results, expected, strict=True):
        assert got["plan"] == want["plan"], got["file"]
        assert got["notes"] == want["notes"], got["file"]
        for table, rows in want.get("tables", {}).items():  # the rows that differ, first
            assert got["tables"][table] == rows, f"{got['file']}: table {table}"
        for table, digest in want["hashes"].items():
            assert got["hashes"][table] == digest, f"{got['file']}: table {table}"
        for table in got["hashes"].keys() - want["hashes"].keys():  # added by a migration since
            assert got["hashes"][table] == EMPTY, f"{got['file']}: table {table} is not empty"


def test_the_steps_do_what_they_say(tmp_path):
    """The scenario still covers what it is meant to: adds, a no-op, updates,
    conflicts, a delivery without a date, a cancellation, lines, skipped rows."""
    results = run_steps(tmp_path)
    summaries = [step["plan"][1] for step in results]
    assert summaries[0].startswith("160 added · 0 updated · 0 unchanged")
    assert summaries[1].startswith("0 added · 0 updated · 160 unchanged")
    assert "10 added" in summaries[2] and "0 updated" not in summaries[2]
    shopper = "\n".join(results[3]["plan"])
    assert "conflict" in shopper and "kept yours" in shopper
    assert "delivered (date unknown)" in shopper and "cancelled before delivery" in shopper
    assert "never paid" in shopper
    tables = results[3]["tables"]
    assert tables["order_lines"] and tables["events"] and tables["fact_sources"]
    assert results[0]["notes"]  # control characters were removed and said so


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as temp:
        steps = run_steps(Path(temp))
    EXPECTED.write_text(json.dumps(recorded(steps), ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {EXPECTED} with {sys.modules['aliret_tui'].__file__}")
