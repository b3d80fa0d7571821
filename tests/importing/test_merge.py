"""The merge rules of issue 11, on real SQLite files through the Store.

Property tests (Hypothesis): importing never empties a stored value, never
removes an event, a second import of the same input changes nothing, and a
refused import leaves the database file byte for byte unchanged. Then the rules
one at a time: typed values win over AliExpress sources, an order only moves
forward, never-paid and unknown orders are skipped, our own JSON export merges
by version, and every imported fact keeps its source.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.sqlite_files import dump_database

from aliret_tui.domain.models import ChatMessage, Event, EventInput, OrderFacts, parse
from aliret_tui.domain.states import DELIVERY_UNKNOWN_LABEL, OrderState
from aliret_tui.domain.timeline import timeline_lines
from aliret_tui.domain.vocabulary import EventKind, EvidenceKind, Outcome, Reason
from aliret_tui.domain.workflow import allowed_events
from aliret_tui.importing import batch as batch_module
from aliret_tui.importing.batch import ImportBatch, LoadedSource, load_text
from aliret_tui.importing.formats import Format
from aliret_tui.importing.incoming import (
    ImportRefused,
    IncomingLine,
    IncomingOrder,
    Parsed,
    Status,
)
from aliret_tui.importing.merge import Source
from aliret_tui.importing.report import plan_lines
from aliret_tui.importing.validate import validated
from aliret_tui.store import imports
from aliret_tui.store.store import Store, StoreError
from aliret_tui.timesource import TimeSource
from aliret_tui.transfer.csv_columns import CSV_COLUMNS, REQUIRED_CSV_COLUMNS
from aliret_tui.transfer.documents import export_json

TODAY = dt.date(2026, 3, 10)
CLOCK = TimeSource(frozen_at=dt.datetime(2026, 3, 10, 9, 30))
PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
E = EventKind

API = Format(
    "test-api-json",
    "AliExpress order pages (API JSON)",
    lambda raw: False,
    lambda raw, context: Parsed(),
    origin="the AliExpress order pages",
)
EMAIL = Format(
    "test-email",
    "AliExpress emails",
    lambda raw: False,
    lambda raw, context: Parsed(),
    origin="an AliExpress email",
)

# An order with every field set, as the user typed it, and other valid values for each.
FULL = {
    "order_id": "8175000000000101",
    "title": "Phone charger",
    "price": "9.99",
    "currency": "USD",
    "store": "Charge Co",
    "ordered_on": "2026-01-05",
    "delivered_on": "2026-02-10",
    "window_days": "20",
    "protection_ends": "2026-04-01",
    "country": "US",
    "free_return": "true",
    "local_return": "true",
    "note": "keep the box\nsecond line",
}
OTHER = {
    "title": "Charger, renamed",
    "price": "10.49",
    "currency": "EUR",
    "store": "Other shop",
    "ordered_on": "2026-01-06",
    "delivered_on": "2026-02-11",
    "window_days": "30",
    "protection_ends": "2026-04-02",
    "country": "DE",
    "free_return": "false",
    "local_return": "false",
    "note": "a new note",
}
FACT_NAMES = [name for name in CSV_COLUMNS if name != "order_id"]
OPTIONAL_COLUMNS = [name for name in CSV_COLUMNS if name not in REQUIRED_CSV_COLUMNS]


# -- helpers ----------------------------------------------------------------------------


@contextmanager
def fresh_store() -> Iterator[Store]:
    """A new database file per Hypothesis example (tmp_path is per test)."""
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "a.db", time=CLOCK) as s:
        yield s


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:
    with Store(tmp_path / "data" / "aliret.db", time=CLOCK) as opened:
        yield opened


def facts(order_id: str, **values: Any) -> OrderFacts:
    data = {"order_id": order_id, "title": f"Item {order_id}", "price": "12.50", "currency": "USD"}
    data.update(values)
    return parse(OrderFacts, data, today=TODAY)


def event(kind: str | EventKind, **values: Any) -> EventInput:
    return parse(EventInput, {"kind": str(kind), **values}, today=TODAY)


def own_csv(header: list[str], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return buffer.getvalue()


def import_text(store: Store, name: str, text: str, *, replace: bool = False):
    loaded = load_text(name, text, today=TODAY)
    loaded.replace = replace
    return store.apply_import(loaded), loaded


def outside(*orders: IncomingOrder, name: str = "orders.json", form: Format = API) -> LoadedSource:
    """Orders as an AliExpress source gives them: not the user's own values."""
    source = Source(form.label, name, TODAY, users_own=False, origin=form.origin)
    return LoadedSource(source, form, Parsed(), [validated(order, TODAY) for order in orders])


def aliexpress(order_id: str, where: str = "order 1", **values: Any) -> IncomingOrder:
    return IncomingOrder(order_id, where, **values)


def apply(store: Store, *loaded: LoadedSource, dry_run: bool = False):
    batch = ImportBatch(list(loaded))
    plan = imports.plan_import(store, batch) if dry_run else imports.apply_import(store, batch)
    return plan, "\n".join(plan_lines(batch, plan, applied=not dry_run))


def stored_value(store: Store, order_id: str, name: str) -> Any:
    return getattr(store.get_order(order_id), name)


def typed_value(name: str, text: str) -> Any:
    """A CSV cell as the order holds it."""
    if name == "price":
        return Decimal(text)
    if name in ("ordered_on", "delivered_on", "protection_ends"):
        return dt.date.fromisoformat(text)
    if name == "window_days":
        return int(text)
    if name in ("free_return", "local_return"):
        return text == "true"
    return text


def file_bytes(path: Path) -> dict[str, bytes | None]:
    wal = path.with_name(path.name + "-wal")
    return {
        "db": path.read_bytes(),
        "wal": wal.read_bytes() if wal.exists() else None,
    }


def event_keys(events: list[Event]) -> list[tuple]:
    return [
        (e.seq, e.kind, e.on, e.note, e.reason, e.outcome, e.tracking, e.carrier, e.amount)
        for e in events
    ]


def message_keys(messages: list[ChatMessage]) -> list[tuple]:
    return [(m.sender, m.sent_at, m.text) for m in messages]


# -- (a) importing never empties a stored value ------------------------------------------

cell_choice = st.sampled_from(["empty", "same", "other"])


@PROPERTY
@given(
    columns=st.sets(st.sampled_from(OPTIONAL_COLUMNS)),
    order=st.randoms(use_true_random=False),
    cells=st.fixed_dictionaries({name: cell_choice for name in FACT_NAMES}),
    with_other_order=st.booleans(),
)
def test_our_csv_never_empties_a_stored_value(columns, order, cells, with_other_order):
    header = list(REQUIRED_CSV_COLUMNS) + sorted(columns)
    order.shuffle(header)
    row = {"order_id": FULL["order_id"]}
    for name in header:
        if name != "order_id":
            choice = cells[name]
            row[name] = "" if choice == "empty" else FULL[name] if choice == "same" else OTHER[name]
    rows = [row]
    if with_other_order:  # the same values as stored: nothing to change there
        rows.append({"order_id": "8175000000000102", "title": "Other", "currency": "USD"})
    with fresh_store() as store:
        store.add_order(facts(**FULL))
        store.add_order(facts("8175000000000102", title="Other", price="1.00", note="mine"))
        import_text(store, "e.csv", own_csv(header, rows))
        order_now = store.get_order(FULL["order_id"])
        for name in FACT_NAMES:
            given_cell = row.get(name, "")
            expected = typed_value(name, given_cell or FULL[name])
            assert getattr(order_now, name) == expected, (name, row)
        # The deadline is still there: delivered, the window runs.
        assert order_now.state is OrderState.WINDOW_OPEN
        assert order_now.clock(store.policy) is not None
        assert store.get_order("8175000000000102").note == "mine"


@PROPERTY
@given(
    stored_fields=st.sets(st.sampled_from(OPTIONAL_COLUMNS)),
    offered=st.fixed_dictionaries({}, optional={name: cell_choice for name in FACT_NAMES}),
)
def test_an_aliexpress_source_only_fills_what_is_empty(stored_fields, offered):
    """Values the user typed win; a different value is a conflict in the plan."""
    stored = {name: FULL[name] for name in ("order_id", "title", "price", "currency")}
    stored.update({name: FULL[name] for name in stored_fields})
    incoming: dict[str, Any] = {}
    for name, choice in offered.items():
        if choice != "empty":
            text = FULL[name] if choice == "same" else OTHER[name]
            incoming[name] = typed_value(name, text)
    with fresh_store() as store:
        store.add_order(facts(**stored))
        before = store.get_order(FULL["order_id"])
        plan, text = apply(store, outside(aliexpress(FULL["order_id"], **incoming)))
        after = store.get_order(FULL["order_id"])
        conflicts = {conflict.field for conflict in plan.conflicts}
        for name in FACT_NAMES:
            old = getattr(before, name)
            empty = old is None or old == "" or old is False
            if not empty:
                assert getattr(after, name) == old, name  # never overwritten
                if name in incoming and incoming[name] != old:
                    assert name in conflicts, (name, text)
            elif name in incoming:
                assert getattr(after, name) == incoming[name], name  # filled in
            else:
                assert getattr(after, name) == old, name
        assert not (conflicts - set(incoming)), conflicts


# -- (b) importing never removes an event ----------------------------------------------

NOTES = ["", "called the seller", "Größe passt nicht", "tracking says delivered"]
START_FACTS = st.fixed_dictionaries(
    {},
    optional={
        "delivered_on": st.just("2026-01-05"),
        "protection_ends": st.sampled_from(["2026-02-20", "2026-05-01"]),
        "local_return": st.booleans(),
        "store": st.sampled_from(["Shop A", "Shop B"]),
    },
)


def event_values(data: st.DataObject, kind: EventKind, order, on: dt.date) -> dict[str, Any]:
    values: dict[str, Any] = {"on": on.isoformat(), "note": data.draw(st.sampled_from(NOTES))}
    if kind is E.OPEN_DISPUTE:
        arrived = order.delivered_on is not None or order.delivery_unknown
        reasons = list(Reason) if arrived else [Reason.NOT_RECEIVED]
        values["reason"] = data.draw(st.sampled_from(reasons)).value
    if kind is E.MEDIATION_WON:
        values["outcome"] = data.draw(st.sampled_from(list(Outcome))).value
    if kind is E.RETURN_SHIPPED:
        values["tracking"] = data.draw(st.sampled_from(["LP00123456", "RR987654321CN"]))
        values["carrier"] = "Post"
    if kind in (E.SELLER_AGREED, E.REFUNDED) and data.draw(st.booleans()):
        values["amount"] = "1.00"
    return values


def walk(data: st.DataObject, store: Store, order_id: str, steps: int, start: dt.date) -> dt.date:
    """Record up to ``steps`` random allowed events; returns the last date used."""
    on = start
    for _ in range(steps):
        order = store.get_order(order_id)
        events = store.events(order_id)
        allowed = allowed_events(order, events[-1].kind if events else None)
        # Escalating opens on day 4 of the dispute: only once that day has come.
        opens = store.policy.escalation_opens_on(order.dispute.opened_on) if order.dispute else None
        allowed = [kind for kind in allowed if kind is not E.ESCALATED or opens <= TODAY]
        if not allowed:
            break
        kind = data.draw(st.sampled_from(allowed))
        on = min(on + dt.timedelta(days=data.draw(st.integers(0, 4))), TODAY)
        if kind is E.ESCALATED:
            on = max(on, opens)
        store.record_event(order_id, event(kind, **event_values(data, kind, order, on)))
    return on


@PROPERTY
@given(data=st.data(), count=st.integers(1, 3))
def test_imports_never_remove_an_event(data, count):
    with tempfile.TemporaryDirectory() as folder:
        path, copy_path = Path(folder) / "a.db", Path(folder) / "older.db"
        with Store(path, time=CLOCK) as store:
            ids = [f"81750000000002{number:02d}" for number in range(count)]
            last_day = {}
            for order_id in ids:
                start = data.draw(START_FACTS)
                store.add_order(facts(order_id, ordered_on="2026-01-01", **start))
                last_day[order_id] = walk(
                    data, store, order_id, data.draw(st.integers(0, 4)), dt.date(2026, 1, 6)
                )
            older = export_json(store.all_records())
            store.backup_to(copy_path)  # the database as it was at the older export
            for order_id in ids:
                walk(data, store, order_id, data.draw(st.integers(0, 4)), last_day[order_id])
                if data.draw(st.booleans()):
                    store.add_messages(
                        order_id,
                        [
                            parse(
                                ChatMessage,
                                {
                                    "sender": "seller",
                                    "sent_at": "2026-03-01 10:00",
                                    "text": "Hello",
                                },
                            )
                        ],
                    )
            newer = export_json(store.all_records())
            events_before = {order_id: event_keys(store.events(order_id)) for order_id in ids}
            messages_before = {order_id: message_keys(store.messages(order_id)) for order_id in ids}
            dump_before = dump_database(path)

            # An older export changes nothing at all, and says which orders it skipped.
            plan, _ = import_text(store, "older.json", older)
            assert dump_database(path) == dump_before
            older_versions = export_versions(older)
            edited_since = {i for i in ids if store.get_order(i).version > older_versions[i]}
            assert {skipped.order_id for skipped in plan.skipped} == edited_since
            assert all("older than what you have" in s.why for s in plan.skipped)

            # A CSV of our own (random columns) never touches the timeline.
            columns = data.draw(st.sets(st.sampled_from(OPTIONAL_COLUMNS)))
            header = list(REQUIRED_CSV_COLUMNS) + sorted(columns)
            rows = [
                {"order_id": order_id, "title": f"Renamed {order_id}", "note": "from the csv"}
                for order_id in ids
            ]
            import_text(store, "mine.csv", own_csv(header, rows))
            for order_id in ids:
                assert event_keys(store.events(order_id)) == events_before[order_id]
                assert message_keys(store.messages(order_id)) == messages_before[order_id]

        # The older database takes the newer export: its events are a prefix of the new.
        with Store(copy_path, time=CLOCK) as older_store:
            kept = {order_id: event_keys(older_store.events(order_id)) for order_id in ids}
            had_messages = {i: message_keys(older_store.messages(i)) for i in ids}
            import_text(older_store, "newer.json", newer)
            for order_id in ids:
                now = event_keys(older_store.events(order_id))
                assert now[: len(kept[order_id])] == kept[order_id]
                assert now == events_before[order_id]
                messages = message_keys(older_store.messages(order_id))
                assert set(had_messages[order_id]) <= set(messages)
                assert messages == messages_before[order_id]
                order = older_store.get_order(order_id)
                assert order.state == parse_state(newer, order_id)
            # (c) the same export again changes nothing.
            second_before = dump_database(copy_path)
            import_text(older_store, "newer.json", newer)
            assert dump_database(copy_path) == second_before


def parse_state(export: str, order_id: str) -> OrderState:
    for entry in json.loads(export)["orders"]:
        if entry["order"]["order_id"] == order_id:
            return OrderState(entry["order"]["state"])
    raise AssertionError(order_id)


def export_versions(export: str) -> dict[str, int]:
    return {e["order"]["order_id"]: e["order"]["version"] for e in json.loads(export)["orders"]}


# -- (c) a second import of the same input changes nothing -----------------------------

csv_rows = st.lists(
    st.fixed_dictionaries(
        {
            "order_id": st.sampled_from(
                ["8175000000000101", "8175000000000301", "8175000000000302", "8175000000000303"]
            )
        },
        optional={name: st.sampled_from(["", FULL[name], OTHER[name]]) for name in FACT_NAMES},
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda row: row["order_id"],
)


@PROPERTY
@given(rows=csv_rows, columns=st.sets(st.sampled_from(OPTIONAL_COLUMNS)))
def test_the_same_csv_twice_changes_nothing(rows, columns):
    header = list(REQUIRED_CSV_COLUMNS) + sorted(columns)
    text = own_csv(header, rows)
    with fresh_store() as store:
        store.add_order(facts(**FULL))
        import_text(store, "orders.csv", text)
        before = dump_database(store.path)
        plan, _ = import_text(store, "orders.csv", text)
        assert dump_database(store.path) == before
        assert not plan.writes_anything


statuses = st.sampled_from([None, Status.IN_TRANSIT, Status.DELIVERED, Status.CANCELLED])


@PROPERTY
@given(
    entries=st.lists(
        st.tuples(
            st.sampled_from(["8175000000000101", "8175000000000401", "8175000000000402"]),
            st.fixed_dictionaries(
                {},
                optional={
                    "title": st.sampled_from(["Cable", "Lamp"]),
                    "price": st.sampled_from([Decimal("3.50"), Decimal("7.00")]),
                    "currency": st.just("USD"),
                    "delivered_on": st.sampled_from([dt.date(2026, 2, 20), dt.date(2026, 2, 21)]),
                    "store": st.sampled_from(["Shop A", "Shop B"]),
                },
            ),
            statuses,
        ),
        min_size=1,
        max_size=5,
    ),
    split=st.integers(0, 5),
)
def test_the_same_aliexpress_input_twice_changes_nothing(entries, split):
    """Also across two sources: an order in both merges into one."""
    orders = [aliexpress(i, f"order {n}", status=s, **v) for n, (i, v, s) in enumerate(entries, 1)]
    first, second = orders[:split], orders[split:]
    loaded = [outside(*first, name="list.json")] if first else []
    if second:
        loaded.append(outside(*second, name="mail.eml", form=EMAIL))
    with fresh_store() as store:
        store.add_order(facts(**{**FULL, "delivered_on": None}))
        apply(store, *loaded)
        ids = {entry[0] for entry in entries}
        stored_ids = {order.order_id for order in store.list_orders(include_archived=True)}
        assert stored_ids <= ids | {FULL["order_id"]}
        before = dump_database(store.path)
        plan, _ = apply(store, *loaded)
        assert dump_database(store.path) == before
        assert not plan.writes_anything


# -- (d) a refused import leaves the file byte for byte unchanged --------------------------

BAD_ROWS = [
    ({"price": "-2"}, "price"),
    ({"currency": "XYZ"}, "currency"),
    ({"ordered_on": "2026-02-30"}, "ordered_on"),
    ({"delivered_on": "9999-01-01"}, "delivered_on"),
    ({"protection_ends": "0001-01-01"}, "protection_ends"),
    ({"free_return": "maybe"}, "free_return"),
    ({"window_days": "0"}, "window_days"),
    ({"country": "QQ"}, "country"),
    ({"order_id": "8175000000000501"}, "order_id"),  # the first good row's id again
]


@PROPERTY
@given(
    good=st.integers(1, 6),
    position=st.integers(0, 6),
    bad=st.sampled_from(BAD_ROWS),
    update_existing=st.booleans(),
)
def test_a_refused_csv_leaves_the_file_byte_for_byte_unchanged(
    good, position, bad, update_existing
):
    header = list(CSV_COLUMNS)
    rows = [
        {"order_id": f"81750000000005{n:02d}", "title": f"Item {n}", "price": "1.50",
         "currency": "USD", "note": "new"}
        for n in range(1, good + 1)
    ]  # fmt: skip
    if update_existing:
        rows.append({"order_id": FULL["order_id"], "title": "Renamed", "delivered_on": ""})
    values, field = bad
    bad_row = {"order_id": "8175000000000599", "title": "Bad", "price": "2", "currency": "USD"}
    bad_row.update(values)
    at = min(position, len(rows))
    rows.insert(at, bad_row)
    if field == "order_id" and at == 0:
        rows.insert(0, rows.pop(1))  # the duplicate comes after the first one
        at = 1
    with fresh_store() as store:
        store.add_order(facts(**FULL))
        store.record_event(FULL["order_id"], event("keep", on="2026-03-01"))
        before = file_bytes(store.path)
        with pytest.raises(ImportRefused) as refused:
            import_text(store, "orders.csv", own_csv(header, rows))
        message = str(refused.value)
        assert "orders.csv" in message
        assert f"row {at + 2}" in message
        assert field in message
        assert file_bytes(store.path) == before
        assert store.get_order(FULL["order_id"]).title == FULL["title"]


def test_a_failure_while_applying_writes_nothing(store, monkeypatch):
    """All or nothing also when the database itself fails half way."""
    store.add_order(facts(**{**FULL, "delivered_on": None, "note": ""}))
    before = file_bytes(store.path)
    dump_before = dump_database(store.path)
    calls = []
    real = imports._store_lines

    def fail_on_the_second(target, order_plan):
        calls.append(order_plan.order_id)
        real(target, order_plan)
        if len(calls) == 2:
            raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(imports, "_store_lines", fail_on_the_second)
    incoming = outside(
        aliexpress("8175000000000601", title="New", price=Decimal("1"), currency="USD"),
        aliexpress(
            "8175000000000602", "order 2", title="New 2", price=Decimal("2"), currency="USD"
        ),
        aliexpress(FULL["order_id"], "order 3", delivered_on=dt.date(2026, 2, 21)),
    )
    with pytest.raises(StoreError, match=r"not saved \(disk I/O error\)"):  # the real cause
        apply(store, incoming)
    assert len(calls) == 2
    assert dump_database(store.path) == dump_before
    assert file_bytes(store.path)["db"] == before["db"]


# -- the rules, one at a time ---------------------------------------------------------------


def test_a_typed_value_wins_and_the_plan_says_so(store):
    store.add_order(facts("8175000000000701", delivered_on="2026-02-20", store="My name"))
    incoming = outside(
        aliexpress(
            "8175000000000701",
            delivered_on=dt.date(2026, 2, 21),
            store="Their name",
            country="FR",  # empty here: filled in
            status=Status.DELIVERED,
        )
    )
    _preview, preview_text = apply(store, incoming, dry_run=True)
    assert store.get_order("8175000000000701").country is None  # a dry run writes nothing
    _plan, text = apply(store, incoming)
    order = store.get_order("8175000000000701")
    assert order.delivered_on == dt.date(2026, 2, 20)
    assert order.store == "My name"
    assert order.country == "FR"
    expected = "kept yours: delivered 2026-02-20; orders.json says 2026-02-21"
    assert expected in text and expected in preview_text
    assert "kept yours: store My name; orders.json says Their name" in text
    assert "Conflicts (kept what you have):" in text
    assert "8175000000000701  country" in text  # the field that changes
    assert "2 conflicts kept" in text
    assert store.fact_origins("8175000000000701")["country"][0] == "imported"
    assert "delivered_on" not in store.fact_origins("8175000000000701")


def test_an_imported_value_is_kept_against_another_source_and_named(store):
    store.add_order(facts("8175000000000702"))
    apply(store, outside(aliexpress("8175000000000702", delivered_on=dt.date(2026, 2, 20))))
    _plan, text = apply(
        store,
        outside(
            aliexpress("8175000000000702", delivered_on=dt.date(2026, 2, 22)),
            name="mail.eml",
            form=EMAIL,
        ),
    )
    assert store.get_order("8175000000000702").delivered_on == dt.date(2026, 2, 20)
    assert (
        "kept the value from the AliExpress order pages, orders.json, imported "
        "2026-03-10: delivered 2026-02-20; mail.eml says 2026-02-22"
    ) in text


def test_our_own_csv_changes_a_typed_value(store):
    """The user's own file is the user's own values: it may change, never empty."""
    store.add_order(facts("8175000000000703", delivered_on="2026-02-20", note="mine"))
    import_text(store, "mine.csv", "order_id,title,price,currency,delivered_on,note\n"
                "8175000000000703,,,,2026-02-21,\n")  # fmt: skip
    order = store.get_order("8175000000000703")
    assert order.delivered_on == dt.date(2026, 2, 21)
    assert order.note == "mine" and order.title == "Item 8175000000000703"
    assert store.fact_origins("8175000000000703")["delivered_on"][0] == "typed"


def test_in_transit_moves_to_delivered_with_the_source_date(store):
    store.add_order(facts("8175000000000711", ordered_on="2026-02-01"))
    assert store.get_order("8175000000000711").state is OrderState.IN_TRANSIT
    _plan, text = apply(
        store,
        outside(
            aliexpress(
                "8175000000000711", status=Status.DELIVERED, delivered_on=dt.date(2026, 3, 2)
            )
        ),
    )
    order = store.get_order("8175000000000711")
    assert order.state is OrderState.WINDOW_OPEN
    assert order.delivered_on == dt.date(2026, 3, 2)
    assert not order.delivery_unknown
    assert order.clock(store.policy).deadline == dt.date(2026, 3, 17)
    assert "8175000000000711  delivered" in text
    source = "the AliExpress order pages, orders.json, imported 2026-03-10"
    assert store.fact_origins("8175000000000711")["delivered_on"] == ("imported", source)
    lines = timeline_lines(
        order, store.events("8175000000000711"), store.fact_origins(order.order_id)
    )
    assert ("2026-03-02", "Delivered", f"from {source}") in lines
    assert ("2026-02-01", "Ordered", "") in lines  # typed: no source named


def test_the_timeline_says_a_delivery_came_from_an_email(store):
    store.add_order(facts("8175000000000718", ordered_on="2026-02-01"))
    mail = aliexpress(
        "8175000000000718",
        "mail 'Order 8175000000000718: Delivered'",
        delivered_on=dt.date(2026, 2, 19),
        status=Status.DELIVERED,
    )
    apply(store, outside(mail, name="delivered.eml", form=EMAIL))
    order = store.get_order("8175000000000718")
    lines = timeline_lines(order, store.events(order.order_id), store.fact_origins(order.order_id))
    delivered = [line for line in lines if line[1] == "Delivered"]
    assert delivered == [
        ("2026-02-19", "Delivered", "from an AliExpress email, delivered.eml, imported 2026-03-10")
    ]
    assert lines[0] == ("2026-02-01", "Ordered", "")
    without_origins = timeline_lines(order, store.events(order.order_id))
    assert ("2026-02-19", "Delivered", "") in without_origins


@pytest.mark.parametrize("existing", [True, False])
def test_delivered_with_no_date_is_flagged_and_has_no_clock(store, existing):
    if existing:
        store.add_order(facts("8175000000000712"))
        incoming = aliexpress("8175000000000712", status=Status.DELIVERED)
    else:
        incoming = aliexpress(
            "8175000000000712",
            title="Lamp",
            price=Decimal("5.00"),
            currency="EUR",
            status=Status.DELIVERED,
        )
    _plan, text = apply(store, outside(incoming))
    order = store.get_order("8175000000000712")
    assert order.delivery_unknown
    assert order.delivered_on is None  # never invented
    assert order.state is OrderState.WINDOW_OPEN
    assert order.state_label(store.policy, TODAY) == DELIVERY_UNKNOWN_LABEL
    assert order.clock(store.policy) is None  # never an invented deadline
    row = store.db.execute(
        "SELECT clock, deadline FROM orders WHERE order_id = '8175000000000712'"
    ).fetchone()
    assert row == (None, None)
    if existing:
        assert "delivered (date unknown)" in text
    # The date is filled in later: the flag goes, the clock runs.
    apply(store, outside(aliexpress("8175000000000712", delivered_on=dt.date(2026, 3, 1))))
    order = store.get_order("8175000000000712")
    assert not order.delivery_unknown and order.delivered_on == dt.date(2026, 3, 1)
    assert order.clock(store.policy) is not None


@pytest.mark.parametrize("existing", [True, False])
def test_cancelled_before_delivery_closes_with_no_clock(store, existing):
    if existing:
        store.add_order(facts("8175000000000713", protection_ends="2026-04-01"))
        incoming = aliexpress("8175000000000713", status=Status.CANCELLED)
    else:
        incoming = aliexpress(
            "8175000000000713",
            title="Lamp",
            price=Decimal("5.00"),
            currency="EUR",
            status=Status.CANCELLED,
        )
    _plan, text = apply(store, outside(incoming, name="list-2026.json"))
    order = store.get_order("8175000000000713")
    assert order.state is OrderState.ORDER_CANCELLED
    assert order.clock(store.policy) is None
    events = store.events("8175000000000713")
    assert [e.kind for e in events] == [E.ORDER_CANCELLED]
    assert "list-2026.json" in events[0].source
    assert events[0].on == TODAY
    if existing:
        assert "cancelled before delivery" in text
    lines = timeline_lines(order, events, store.fact_origins(order.order_id))
    assert any("list-2026.json" in note for _, _, note in lines)


def test_a_cancelled_status_never_closes_a_disputed_order(store):
    store.add_order(facts("8175000000000714", ordered_on="2026-02-01"))
    store.record_event(
        "8175000000000714", event("open_dispute", on="2026-03-01", reason="not_received")
    )
    before = event_keys(store.events("8175000000000714"))
    plan, text = apply(store, outside(aliexpress("8175000000000714", status=Status.CANCELLED)))
    order = store.get_order("8175000000000714")
    assert order.state is OrderState.AWAITING_SELLER
    assert event_keys(store.events("8175000000000714")) == before
    assert "not closed: it has a dispute" in text
    assert [c.field for c in plan.conflicts] == ["status"]


def test_a_cancelled_status_never_closes_a_delivered_order(store):
    store.add_order(facts("8175000000000715", delivered_on="2026-03-01"))
    _plan, text = apply(store, outside(aliexpress("8175000000000715", status=Status.CANCELLED)))
    order = store.get_order("8175000000000715")
    assert order.state is OrderState.WINDOW_OPEN
    assert store.events("8175000000000715") == []
    assert "not closed: it was delivered" in text


def test_a_delivered_date_and_a_cancelled_status_does_not_cancel(store):
    """A source that says cancelled but also gives a delivery date: delivered wins."""
    store.add_order(facts("8175000000000716"))
    apply(
        store,
        outside(
            aliexpress(
                "8175000000000716", status=Status.CANCELLED, delivered_on=dt.date(2026, 3, 1)
            )
        ),
    )
    order = store.get_order("8175000000000716")
    assert order.state is OrderState.WINDOW_OPEN
    assert store.events("8175000000000716") == []


def test_nothing_moves_an_order_backwards(store):
    store.add_order(facts("8175000000000717", delivered_on="2026-03-01"))
    store.record_event("8175000000000717", event("keep", on="2026-03-02"))
    before = dump_database(store.path)
    plan, _ = apply(store, outside(aliexpress("8175000000000717", status=Status.IN_TRANSIT)))
    assert dump_database(store.path) == before
    assert plan.unchanged == ["8175000000000717"]


def test_never_paid_orders_are_skipped_and_counted(store, monkeypatch):
    """Skipped before they are even checked: a never-paid row may have no price."""
    never_paid = [
        IncomingOrder("8175000000000721", "row 2", status=Status.NEVER_PAID),
        IncomingOrder("8175000000000722", "row 3", title="x", price="-1", status=Status.NEVER_PAID),
        IncomingOrder(
            "8175000000000723",
            "row 4",
            title="Paid",
            price=Decimal("2.00"),
            currency="USD",
            status=Status.IN_TRANSIT,
        ),
    ]
    form = Format(
        "test-list", "AliExpress test list", lambda raw: True, lambda r, c: Parsed(never_paid)
    )
    monkeypatch.setattr(batch_module, "recognise", lambda raw: form)
    loaded = load_text("list.csv", "anything", today=TODAY)
    plan = store.apply_import(loaded)
    text = "\n".join(plan_lines(loaded, plan, applied=True))
    assert [s.why for s in plan.skipped] == ["never paid", "never paid"]
    assert "1 added · 0 updated · 0 unchanged · 0 conflicts kept · 2 skipped" in text
    assert "row 2  8175000000000721  never paid" in text
    assert [o.order_id for o in store.list_orders()] == ["8175000000000723"]


def test_the_same_order_from_two_sources_merges_into_one(store):
    listing = outside(
        aliexpress(
            "8175000000000731",
            title="Desk lamp",
            price=Decimal("25.00"),
            currency="EUR",
            store="Lamp Shop",
            ordered_on=dt.date(2026, 2, 1),
            status=Status.IN_TRANSIT,
        ),
        name="list.json",
    )
    mail = outside(
        aliexpress(
            "8175000000000731",
            "mail 'Order 8175000000000731: Delivered'",
            delivered_on=dt.date(2026, 3, 3),
            store="Lamp Shop Official",
            status=Status.DELIVERED,
        ),
        name="delivered.eml",
        form=EMAIL,
    )
    _plan, text = apply(store, listing, mail)
    orders = store.list_orders(include_archived=True)
    assert [o.order_id for o in orders] == ["8175000000000731"]
    order = orders[0]
    assert (order.title, order.price, order.store) == ("Desk lamp", Decimal("25.00"), "Lamp Shop")
    assert order.delivered_on == dt.date(2026, 3, 3)
    assert order.state is OrderState.WINDOW_OPEN
    assert "1 added" in text
    assert "store Lamp Shop; delivered.eml" in text  # the later, different value is reported
    origins = store.fact_origins("8175000000000731")
    assert "delivered.eml" in origins["delivered_on"][1]
    assert "list.json" in origins["title"][1]


def test_a_new_order_without_title_or_price_is_skipped_as_unknown(store):
    plan, text = apply(
        store,
        outside(
            aliexpress(
                "8175000000000741", delivered_on=dt.date(2026, 3, 1), status=Status.DELIVERED
            ),
            name="mail.eml",
            form=EMAIL,
        ),
    )
    assert store.list_orders(include_archived=True) == []
    assert len(plan.skipped) == 1
    assert "not in your orders" in plan.skipped[0].why
    assert "title" in plan.skipped[0].why and "price" in plan.skipped[0].why
    assert "Skipped:" in text and "8175000000000741" in text
    assert "Nothing to change" in text


def test_a_multi_item_order_keeps_its_lines(store):
    lines = [
        IncomingLine("USB cable", 2, Decimal("1.50"), "USD", "Color: Black", "https://x/1", "L1"),
        IncomingLine("Plug", 1, Decimal("3.00"), "USD", "Ships From: GERMANY", free_return=True),
    ]
    _plan, _text = apply(store, outside(aliexpress("8175000000000751", lines=lines)))
    order = store.get_order("8175000000000751")
    assert order.title == "USB cable and 1 more"
    assert order.price == Decimal("6.00") and order.currency == "USD"
    assert order.free_return
    stored = store.order_lines("8175000000000751")
    assert [(line.title, line.quantity, line.unit_price, line.attributes) for line in stored] == [
        ("USB cable", 2, Decimal("1.50"), "Color: Black"),
        ("Plug", 1, Decimal("3.00"), "Ships From: GERMANY"),
    ]
    before = dump_database(store.path)
    apply(store, outside(aliexpress("8175000000000751", lines=lines)))
    assert dump_database(store.path) == before  # lines are not added twice


# -- our own JSON export --------------------------------------------------------------------


@pytest.fixture
def disputed(store) -> Store:
    store.add_order(facts("8175000000000801", delivered_on="2026-03-01", price="29.99"))
    store.record_event(
        "8175000000000801", event("open_dispute", on="2026-03-02", reason="wrong_size")
    )
    store.add_messages(
        "8175000000000801",
        [parse(ChatMessage, {"sender": "me", "sent_at": "2026-03-02 10:00", "text": "Wrong size"})],
    )
    return store


def test_an_older_export_is_skipped_and_deletes_nothing(disputed, tmp_path):
    store = disputed
    older = export_json(store.all_records())
    store.record_event("8175000000000801", event("seller_agreed", on="2026-03-03"))
    store.add_messages(
        "8175000000000801",
        [parse(ChatMessage, {"sender": "seller", "sent_at": "2026-03-03 09:00", "text": "OK"})],
    )
    item = store.evidence("8175000000000801")[0]
    store.set_evidence_done("8175000000000801", item.id, True)
    before = dump_database(store.path)
    plan, loaded = import_text(store, "older.json", older)
    assert dump_database(store.path) == before
    assert [s.order_id for s in plan.skipped] == ["8175000000000801"]
    assert "older than what you have" in plan.skipped[0].why
    assert "older than what you have" in "\n".join(plan_lines(loaded, plan, applied=True))
    assert [e.kind for e in store.events("8175000000000801")] == [E.OPEN_DISPUTE, E.SELLER_AGREED]
    assert not list(store.backups.glob("pre-import-*"))

    # --replace takes the file's copy, after a backup.
    plan, _ = import_text(store, "older.json", older, replace=True)
    backups = list(store.backups.glob("pre-import-*.db"))
    assert len(backups) == 1
    assert [e.kind for e in store.events("8175000000000801")] == [E.OPEN_DISPUTE]
    assert [m.text for m in store.messages("8175000000000801")] == ["Wrong size"]
    assert store.get_order("8175000000000801").state is OrderState.AWAITING_SELLER
    with Store(backups[0], time=CLOCK) as saved:  # the backup holds what was replaced
        assert [e.kind for e in saved.events("8175000000000801")] == [
            E.OPEN_DISPUTE,
            E.SELLER_AGREED,
        ]


def test_a_newer_export_appends_events_and_messages_and_deletes_nothing(disputed, tmp_path):
    store = disputed
    copy_path = tmp_path / "copy.db"
    store.backup_to(copy_path)
    store.record_event("8175000000000801", event("seller_agreed", on="2026-03-03"))
    store.add_messages(
        "8175000000000801",
        [parse(ChatMessage, {"sender": "seller", "sent_at": "2026-03-03 09:00", "text": "OK"})],
    )
    store.add_evidence_item("8175000000000801", parse_evidence("Photo of the receipt"))
    newer = export_json(store.all_records())
    with Store(copy_path, time=CLOCK) as older:
        older.add_messages(  # only in this database: must survive
            "8175000000000801",
            [
                parse(
                    ChatMessage,
                    {"sender": "me", "sent_at": "2026-03-02 12:00", "text": "Local only"},
                )
            ],
        )
        checklist = len(older.evidence("8175000000000801"))
        plan, _ = import_text(older, "newer.json", newer)
        assert [r.order_id for r in plan.records] == ["8175000000000801"]
        changed = plan.records[0].changed_fields()
        assert "1 event" in changed and "1 message" in changed and "1 evidence item" in changed
        assert [e.kind for e in older.events("8175000000000801")] == [
            E.OPEN_DISPUTE,
            E.SELLER_AGREED,
        ]
        assert [m.text for m in older.messages("8175000000000801")] == [
            "Wrong size",
            "Local only",
            "OK",
        ]
        assert len(older.evidence("8175000000000801")) == checklist + 1
        order = older.get_order("8175000000000801")
        assert order.state is OrderState.REFUND_PENDING
        assert order.clock(older.policy) is not None
        assert not list(older.backups.glob("pre-import-*"))


def test_the_same_newer_export_twice_is_unchanged_the_second_time(disputed, tmp_path):
    """A file that only adds messages and evidence: imported again, it is "unchanged",
    never "older than what you have" (adding them gives the order no new version)."""
    store = disputed
    copy_path = tmp_path / "copy.db"
    store.backup_to(copy_path)
    store.add_messages(
        "8175000000000801",
        [parse(ChatMessage, {"sender": "seller", "sent_at": "2026-03-03 09:00", "text": "OK"})],
    )
    store.add_evidence_item("8175000000000801", parse_evidence("Photo of the receipt"))
    newer = export_json(store.all_records())
    with Store(copy_path, time=CLOCK) as older:
        version = older.get_order("8175000000000801").version
        first, _ = import_text(older, "newer.json", newer)
        assert [r.changed_fields() for r in first.records] == [["1 message", "1 evidence item"]]
        assert older.get_order("8175000000000801").version == version
        before = dump_database(copy_path)
        second, _ = import_text(older, "newer.json", newer)
        assert dump_database(copy_path) == before
        assert second.unchanged == ["8175000000000801"]
        assert second.skipped == []


def parse_evidence(label: str):
    from aliret_tui.domain.models import EvidenceItem

    return EvidenceItem(label=label, kind=EvidenceKind.PHOTO)


def test_an_export_whose_timeline_differs_is_a_conflict_not_a_rewrite(disputed):
    store = disputed
    document = json.loads(export_json(store.all_records()))
    entry = document["orders"][0]
    entry["events"][0]["on"] = "2026-03-03"  # the dispute was opened a day later there
    entry["order"]["dispute"]["opened_on"] = "2026-03-03"
    entry["order"]["clock_since"] = "2026-03-03"
    entry["order"]["version"] += 1
    before = event_keys(store.events("8175000000000801"))
    plan, _ = import_text(store, "other.json", json.dumps(document))
    assert event_keys(store.events("8175000000000801")) == before
    assert [c.field for c in plan.conflicts] == ["timeline"]


def test_an_export_into_an_empty_database_keeps_every_fact_typed(disputed, tmp_path):
    text = export_json(disputed.all_records())
    with Store(tmp_path / "new.db", time=CLOCK) as target:
        _plan, _ = import_text(target, "export.json", text)
        assert export_json(target.all_records()) == text
        assert target.fact_origins("8175000000000801") == {}
