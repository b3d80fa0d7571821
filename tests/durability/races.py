"""Two (or more) processes start on the same database at the same moment, many times over.

    python races.py FOLDER ATTEMPTS PROCESSES new|migrate|daily

- ``new``: each attempt starts from no file at all; every process opens it
  (two shells running their first ``aliret-tui add`` together).
- ``migrate``: each attempt starts from a database at the current schema, and
  this process registers one more migration before the others open it (the
  day after an upgrade, two commands open the old file together).
- ``daily``: each attempt starts from a database changed yesterday; every
  process adds an order today, so each is the first change of the day and wants
  the daily backup.

The modules are imported once and the processes are forked, so an attempt costs
milliseconds, not an interpreter start-up. Prints ``FAIL attempt message`` per
failure and ends with ``RESULT done=N failed=M``; exits 0 whatever happened.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

import aliret_tui.store.base as store_base
import aliret_tui.store.opening as store_opening
from aliret_tui.domain.models import OrderFacts, parse
from aliret_tui.store.schema import migrations
from aliret_tui.store.store import Store
from aliret_tui.timesource import TimeSource

YESTERDAY = TimeSource(today_override=dt.date(2026, 3, 9))
TODAY = TimeSource(today_override=dt.date(2026, 3, 10))


def facts(order_id: str) -> OrderFacts:
    return parse(OrderFacts, {"order_id": order_id, "title": "t", "price": "1", "currency": "USD"})


def add_a_migration() -> None:
    @migrations()
    def m999_race_probe(db) -> None:
        db.execute("CREATE TABLE race_probe (id INTEGER PRIMARY KEY)")

    store_base.SCHEMA_VERSION += 1
    store_opening.SCHEMA_VERSION += 1
    store_opening.KNOWN_MIGRATIONS = (*store_opening.KNOWN_MIGRATIONS, "m999_race_probe")


def prepare(path: Path, mode: str, attempt: int, template: dict[str, bytes]) -> None:
    if mode == "new":
        return  # no file: the racers create it
    path.parent.mkdir(mode=0o700)
    if not template:
        with Store(path, time=YESTERDAY) as store:
            store.add_order(facts("yesterday"))
        template["db"] = path.read_bytes()
        if mode == "migrate":
            add_a_migration()
    else:
        path.write_bytes(template["db"])
        os.chmod(path, 0o600)


def act(path: Path, mode: str, number: int) -> None:
    if mode == "daily":
        with Store(path, time=TODAY) as store:
            store.add_order(facts(f"racer{number}"))
    else:
        Store(path, time=TODAY).close()


def main() -> None:
    folder, mode = Path(sys.argv[1]), sys.argv[4]
    attempts, processes = int(sys.argv[2]), int(sys.argv[3])
    template: dict[str, bytes] = {}
    done = failed = 0
    for attempt in range(attempts):
        path = folder / f"race{attempt}" / "aliret.db"
        prepare(path, mode, attempt, template)
        start_at = time.time() + 0.05
        children = []
        for number in range(processes):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read_end)
                while time.time() < start_at:
                    pass
                try:
                    act(path, mode, number)
                    message = "ok"
                except Exception as error:  # every kind of failure goes to the parent
                    message = f"{type(error).__name__}: {error}"
                os.write(write_end, message.encode())
                os._exit(0)
            os.close(write_end)
            children.append((pid, read_end))
        for pid, read_end in children:
            with os.fdopen(read_end, "rb") as reader:
                message = reader.read().decode()
            os.waitpid(pid, 0)
            if message == "ok":
                done += 1
            else:
                failed += 1
                print(f"FAIL {attempt} {message}", flush=True)
    print(f"RESULT done={done} failed={failed}", flush=True)


if __name__ == "__main__":
    main()
