"""One of two writers working on the same database at the same time.

    python concurrent_writer.py DB NAME COUNT START_AT [BIG_IMPORT]

Waits until the wall clock reaches START_AT (so both writers start together),
then adds COUNT orders NAME-0000... and records ``delivered`` on each, with its
own Store. With BIG_IMPORT, it also imports that many orders in one
transaction halfway through, holding the write lock for a while so the other
writer has to queue behind it. Prints START and END times and one line per committed write; any
exception ends it with a traceback on stderr and a non-zero status.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

from aliret_tui.domain.models import EventInput, OrderFacts, parse
from aliret_tui.store.store import Store
from aliret_tui.timesource import TimeSource

TODAY = dt.date(2026, 3, 10)


def main() -> None:
    db, name, count, start_at = sys.argv[1:5]
    big_import = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    delivered = parse(EventInput, {"kind": "delivered", "on": "2026-03-08"}, today=TODAY)
    while time.time() < float(start_at):
        time.sleep(0.001)
    with Store(Path(db), time=TimeSource(today_override=TODAY)) as store:
        print(f"START {time.time()}", flush=True)
        for number in range(int(count)):
            order_id = f"{name}-{number:04d}"
            facts = {"order_id": order_id, "title": f"From {name}", "price": "5.00",
                     "currency": "EUR", "ordered_on": "2026-03-01"}  # fmt: skip
            store.add_order(parse(OrderFacts, facts, today=TODAY))
            print(f"ADD {order_id}", flush=True)
            store.record_event(order_id, delivered)
            print(f"EVENT {order_id}", flush=True)
            if big_import and number == int(count) // 2:
                bulk = {"title": "Bulk", "price": "1", "currency": "USD", "note": "x" * 200}
                rows = [
                    parse(OrderFacts, {"order_id": f"{name}-BIG-{row:05d}", **bulk}, today=TODAY)
                    for row in range(big_import)
                ]
                store.import_facts(rows)
                print(f"IMPORT {name}-BIG {big_import}", flush=True)
    print(f"END {time.time()}", flush=True)


if __name__ == "__main__":
    main()
