"""A writer for the crash test: it loops forever on one database until it is killed.

    python crash_writer.py DB RUN SEED TODAY

Each loop adds an order and records events on it; every few loops it imports a
whole batch of 100-300 orders in one store call, either as CSV facts
(``Store.import_facts``) or as whole records cloned from an order of this run
(``Store.import_records``). Before each store call it prints ``? <action>``
(the action in flight), and the action itself only after the call returned,
that is after the commit:

    READY
    ? ADD <order_id>
    ADD <order_id>
    EVENT <order_id> <kind>
    IMPORT <batch> <rows> <previous batch or ->
    RECORDS <batch> <rows> <template order_id>

Everything the checker needs is derivable from the database alone: each order's
facts follow from its id, and each batch row's note names its batch, its size
and the batch it updates. See ``test_crash.py``.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

from aliret_tui.domain.models import EventInput, OrderFacts, parse
from aliret_tui.store.store import Store
from aliret_tui.timesource import TimeSource

BATCH_EVERY = 4


def single_facts(order_id: str, today: dt.date) -> dict[str, str]:
    """The facts of an order added one by one; the checker recomputes them from the id."""
    number = int(order_id.rsplit("W", 1)[1])
    return {
        "order_id": order_id,
        "title": f"Widget {order_id}",
        "price": f"{number % 97 + 1}.{number % 100:02d}",
        "currency": "EUR",
        "store": "Crash shop",
        "ordered_on": (today - dt.timedelta(days=30)).isoformat(),
        "note": f"note for {order_id}",
    }


def batch_facts(batch: str, size: int, previous: str | None) -> list[dict[str, str]]:
    note = f"batch {batch} size {size} prev {previous or '-'}"
    return [
        {
            "order_id": f"{batch}-{row:03d}",
            "title": f"Batch row {row} of {batch}",
            "price": f"{row % 50 + 1}.25",
            "currency": "USD",
            "store": f"batch {batch}",
            "note": note,
        }
        for row in range(size)
    ]


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def doing(line: str, action, *args) -> None:
    """Announce ``line``, run the store call, then report it committed."""
    say(f"? {line}")
    action(*args)
    say(line)


def main() -> None:
    db, run, seed, today_text = sys.argv[1:5]
    today = dt.date.fromisoformat(today_text)
    rng = random.Random(int(seed))
    prefix = f"R{int(run):03d}"
    delivered_on = (today - dt.timedelta(days=5)).isoformat()
    disputed_on = (today - dt.timedelta(days=2)).isoformat()

    store = Store(Path(db), time=TimeSource(today_override=today))
    say("READY")
    previous_batch: tuple[str, list[dict[str, str]]] | None = None
    finished: list[str] = []  # orders of this run whose events are all recorded
    batches = 0
    loop = 0
    while True:
        order_id = f"{prefix}-W{loop:04d}"
        facts = parse(OrderFacts, single_facts(order_id, today), today=today)
        doing(f"ADD {order_id}", store.add_order, facts)
        if rng.random() < 0.8:
            delivered = parse(EventInput, {"kind": "delivered", "on": delivered_on})
            doing(f"EVENT {order_id} delivered", store.record_event, order_id, delivered)
            if rng.random() < 0.5:
                request = {"kind": "open_dispute", "on": disputed_on, "reason": "wrong_size"}
                dispute = parse(EventInput, request)
                doing(f"EVENT {order_id} open_dispute", store.record_event, order_id, dispute)
        finished.append(order_id)

        if loop % BATCH_EVERY == BATCH_EVERY - 1:
            batch_id = f"{prefix}-B{batches:03d}"
            size = rng.randint(100, 300)
            if batches % 3 == 2:
                template = store.record(rng.choice(finished))
                source = template.order.order_id
                note = f"records {batch_id} size {size} from {source}"
                clones = [
                    template.replace(
                        **{
                            "order": template.order.replace(
                                **{"order_id": f"{batch_id}-{row:03d}", "note": note}
                            )
                        }
                    )
                    for row in range(size)
                ]
                doing(f"RECORDS {batch_id} {size} {source}", store.import_records, clones)
            else:
                previous = previous_batch[0] if previous_batch else None
                rows = batch_facts(batch_id, size, previous)
                if previous_batch:
                    rows += [
                        {**row, "store": f"updated by {batch_id}"} for row in previous_batch[1]
                    ]
                facts_rows = [parse(OrderFacts, row, today=today) for row in rows]
                line = f"IMPORT {batch_id} {size} {previous or '-'}"
                doing(line, store.import_facts, facts_rows)
                previous_batch = (batch_id, rows[:size])
            batches += 1
        loop += 1


if __name__ == "__main__":
    main()
