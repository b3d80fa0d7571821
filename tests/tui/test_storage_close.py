"""Closing the TUI's store handle as the app quits: a long read is cut short, a
write is waited for, and nothing opens the store again."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from support.tui import FROZEN, add, days

from aliret_tui.domain.policy import DEFAULT_POLICY
from aliret_tui.tui.storage import StoreAccess, StoreClosed

LONG_READ = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"


def run_in_thread(access: StoreAccess, action, reading_only: bool):
    outcome: dict[str, object] = {}
    started = threading.Event()

    def work() -> None:
        try:
            if reading_only:
                with access.reading_only():
                    outcome["result"] = access.call(lambda store: (started.set(), action(store)))
            else:
                outcome["result"] = access.call(lambda store: (started.set(), action(store)))
        except Exception as error:  # the test looks at it
            outcome["error"] = error

    thread = threading.Thread(target=work)
    thread.start()
    assert started.wait(10)
    time.sleep(0.05)
    return thread, outcome


def test_closing_cuts_a_long_read_short(db_path, store):
    add(store, "A1", delivered_on=days(-3))
    access = StoreAccess(db_path, DEFAULT_POLICY, FROZEN)
    thread, outcome = run_in_thread(
        access, lambda opened: opened.db.conn.execute(LONG_READ).fetchone(), reading_only=True
    )
    began = time.monotonic()
    access.close()
    thread.join(10)
    assert time.monotonic() - began < 2
    assert isinstance(outcome.get("error"), sqlite3.OperationalError)
    with pytest.raises(StoreClosed):
        access.call(lambda opened: opened.data_version())


def test_closing_waits_for_a_write_to_finish(db_path, store):
    add(store, "A1", delivered_on=days(-3))
    access = StoreAccess(db_path, DEFAULT_POLICY, FROZEN)

    def slow_archive(opened):
        time.sleep(0.3)
        return opened.set_archived("A1", True)

    thread, outcome = run_in_thread(access, slow_archive, reading_only=False)
    access.close()
    thread.join(10)
    assert "error" not in outcome
    assert store.get_order("A1").archived  # the write was kept, not interrupted
