"""A small database with everything an export writes: orders in every kind of state,
disputes with a return and a refund, order lines, timelines, a chat, a checklist with
attached files, and, written straight into the file as a hand-edited or restored
database may hold them, hostile texts (escape sequences, C1 controls, bidi overrides,
line breaks in one-line fields, spreadsheet formulas) and values stored in odd but
readable forms (``1e2`` as a price, a basic-format date, a time with seconds).

The export tests pin the bytes that the export wrote for it before it was streamed
(``fixtures/rich-export.json`` and ``.csv``). To make them again with a given tree:

    python tests/transfer/rich_database.py /tmp/rich.db
    PYTHONPATH=TREE python -m aliret_tui --db /tmp/rich.db --today 2026-03-10 \\
        export -o tests/transfer/fixtures/rich-export.json
    (the same with --format csv -o tests/transfer/fixtures/rich-export.csv)
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from pathlib import Path

from aliret_tui.domain.models import EventInput, OrderFacts, parse
from aliret_tui.store.store import Store
from aliret_tui.timesource import TimeSource

TODAY = dt.date(2026, 3, 10)
TODAY_TEXT = TODAY.isoformat()
CLOCK = TimeSource(frozen_at=dt.datetime(2026, 3, 10, 9, 30))
SHA = "ab" * 32

# Orders made through the store, as a user makes them: (facts, events).
_ORDERS: list[tuple[dict[str, str], list[dict[str, str]]]] = [
    (
        {"order_id": "8100000000000001", "title": "Shoes, size 42", "price": "29.99",
         "currency": "EUR", "store": "Shoe Shop", "ordered_on": "2026-01-20",
         "delivered_on": "2026-02-01", "country": "ES", "free_return": "true",
         "note": "box dented\nsecond line"},
        [
            {"kind": "open_dispute", "on": "2026-02-02", "reason": "wrong_size",
             "note": "too small"},
            {"kind": "return_approved", "on": "2026-02-03"},
            {"kind": "return_shipped", "on": "2026-02-04", "tracking": "LP00123",
             "carrier": "Correos"},
            {"kind": "return_delivered", "on": "2026-02-10"},
        ],
    ),
    (
        {"order_id": "8100000000000002", "title": "Lamp", "price": "12.00",
         "currency": "USD", "delivered_on": "2026-02-20"},
        [
            {"kind": "open_dispute", "on": "2026-02-21", "reason": "item_defective"},
            {"kind": "seller_refused", "on": "2026-02-23"},
            {"kind": "escalated", "on": "2026-02-25"},
        ],
    ),
    (
        {"order_id": "8100000000000003", "title": "Cable", "price": "3.50",
         "currency": "USD", "delivered_on": "2026-03-01"},
        [{"kind": "open_dispute", "on": "2026-03-02", "reason": "not_as_described"}],
    ),
    (
        {"order_id": "8100000000000004", "title": "Watch strap", "price": "8.10",
         "currency": "GBP", "ordered_on": "2026-02-25", "protection_ends": "2026-04-20"},
        [],
    ),
    (
        {"order_id": "8100000000000005", "title": "Kettle", "price": "45",
         "currency": "PLN", "delivered_on": "2026-03-05", "local_return": "true",
         "window_days": "20"},
        [],
    ),
    (
        {"order_id": "8100000000000006", "title": "Kept thing", "price": "500",
         "currency": "JPY", "delivered_on": "2026-01-01"},
        [{"kind": "keep", "on": "2026-01-05", "note": "works fine"}],
    ),
    (
        {"order_id": "8100000000000007", "title": "Never came", "price": "9.99",
         "currency": "USD", "ordered_on": "2026-01-02"},
        [{"kind": "order_cancelled", "on": "2026-01-03"}],
    ),
    (
        {"order_id": "8100000000000008", "title": "Refunded phone case", "price": "4.99",
         "currency": "USD", "delivered_on": "2026-02-01"},
        [
            {"kind": "open_dispute", "on": "2026-02-02", "reason": "damaged_in_transit"},
            {"kind": "seller_agreed", "on": "2026-02-03"},
            {"kind": "refunded", "on": "2026-02-09", "amount": "4.99"},
        ],
    ),
    (
        {"order_id": "8100000000000009", "title": "Window expired", "price": "19.90",
         "currency": "EUR", "delivered_on": "2025-12-01"},
        [],
    ),
    (
        {"order_id": "A-10", "title": "Hostile order", "price": "1.00", "currency": "USD",
         "delivered_on": "2026-03-03"},
        [{"kind": "open_dispute", "on": "2026-03-04", "reason": "other"}],
    ),
]  # fmt: skip

# Written into the file directly: what input cleaning would not have let through.
_HOSTILE_SQL = [
    ("UPDATE orders SET title = ?, store = ?, note = ?, country = ? WHERE order_id = 'A-10'",
     ["\x1b[2J=cmd|' /C calc'!A0\tand\nmore", "Shop\u202egpj.exe \x9b31m",
      "first\r\nsecond\x07 -2\n@SUM(1);+3,=4\t=5\r=6", "U\x1bS"]),
    ("UPDATE orders SET title = ? WHERE order_id = '8100000000000002'",
     ["Lamp\u00a0warm \u2028 light \x85 next"]),
    ("UPDATE orders SET store = ?, note = ? WHERE order_id = '8100000000000003'",
     ["'=not a formula", "\x1b]52;c;SGVsbG8=\x07copy me"]),
    ("UPDATE orders SET price = '1e2', ordered_on = '20260110' "
     "WHERE order_id = '8100000000000004'", []),
    ("UPDATE orders SET price = '-5', window_days = -3, note = '+1' "
     "WHERE order_id = '8100000000000009'", []),
    ("UPDATE orders SET delivered_on = NULL, delivery_unknown = 1 "
     "WHERE order_id = '8100000000000005'", []),
    ("UPDATE orders SET archived = 1 WHERE order_id = '8100000000000006'", []),
    ("UPDATE events SET note = ?, tracking = ?, carrier = ?, source = ?, lines = '1,2,x,3' "
     "WHERE order_id = 'A-10'",
     ["note \x1b[31mred\x1b[0m\x9b1m\ttab\r\nnext", "LP\n1", "Car\x07rier",
      "mails\x1b]0;t\x07.mbox"]),
    ("UPDATE disputes SET return_carrier = ?, return_tracking = ? "
     "WHERE order_id = '8100000000000001'", ["Correos\x1b[2J", "=LP 2\t"]),
]  # fmt: skip

_LINES = [
    ("8100000000000001", 1, "L1", "Shoes, size 42", 1, "19.99", "Color: Red",
     "https://x.invalid/1", 1, 1),
    ("8100000000000001", 2, "", "Laces\x1b[2J\nspare", 2, "5.00", "=HYPERLINK()", "", 0, 0),
    ("A-10", 1, "", "@line", 3, None, "", "", 0, 0),
]  # fmt: skip

_MESSAGES = [
    ("8100000000000001", "seller", "2026-02-02 10:00", "Hello,\nplease send a photo", ""),
    ("8100000000000001", "me", "2026-02-02 09:15", "Photo attached\x1b]52;c;SGVsbG8=\x07",
     "2026-02-03T08:00:00"),
    ("8100000000000001", "me", "2026-02-02 10:00", "same minute, \u202elater id", ""),
    ("A-10", "seller", "2026-03-04 11:22:33", "=1+1\r\n\x85end", "edited\x1b[1m"),
]  # fmt: skip

_EVIDENCE = [
    # order, position, label, kind, done, note, custom, attachments
    ("8100000000000001", 0, "Photo of the label", "photo", 1, "front and back", 0,
     [("photos/label.jpg", 120_000), ("photos/\x1b[2Jback.jpg", 3)]),
    ("8100000000000001", 1, "Video unboxing", "video", 0, "", 0, []),
    ("A-10", 0, "Label\x85 =bad", "other", 0, "note\x1b[2J\nline", 1,
     [("=calc.exe", 0)]),
]  # fmt: skip


def build_rich_database(path: Path, *, hand_edits: bool = True) -> Path:
    """The database at ``path``; ``hand_edits=False`` leaves out the orders' hand-edited
    values (some of which an import would refuse: a price of ``1e2``)."""
    with Store(path, time=CLOCK) as store:
        for facts, events in _ORDERS:
            store.add_order(parse(OrderFacts, facts, today=TODAY))
            for event in events:
                store.record_event(facts["order_id"], parse(EventInput, event, today=TODAY))
    conn = sqlite3.connect(path)
    try:
        with conn:
            for statement, values in _HOSTILE_SQL if hand_edits else ():
                conn.execute(statement, values)
            conn.executemany(
                "INSERT INTO order_lines (order_id, position, line_id, title, quantity, "
                "unit_price, attributes, product_url, free_return, disputed) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                _LINES,
            )
            conn.executemany(
                "INSERT INTO messages (order_id, sender, sent_at, text, edited_at) "
                "VALUES (?, ?, ?, ?, ?)",
                _MESSAGES,
            )
            for order_id, position, label, kind, done, note, custom, files in _EVIDENCE:
                item_id = conn.execute(
                    "INSERT INTO evidence (order_id, position, label, kind, done, note, custom) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (order_id, position, label, kind, done, note, custom),
                ).lastrowid
                conn.executemany(
                    "INSERT INTO attachments (evidence_id, path, size, sha256, attached_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [(item_id, name, size, SHA, "2026-02-05T10:00:00") for name, size in files],
                )
    finally:
        conn.close()
    return path


if __name__ == "__main__":
    build_rich_database(Path(sys.argv[1]))
