"""JSON and CSV import/export through a real store: round trips, idempotence, all or nothing.

Files are read the way ``aliret-tui import`` reads them: the format recognised by
content, then planned and applied by the store in one transaction."""

from __future__ import annotations

import json
import sqlite3

import pytest

from aliret_tui.importing.batch import load_text
from aliret_tui.importing.incoming import ImportRefused
from aliret_tui.store.store import ImportReport, Store
from aliret_tui.transfer import documents as transfer

HEADER = (
    "order_id,title,price,currency,store,ordered_on,delivered_on,window_days,"
    "protection_ends,country,free_return,local_return,note"
)


@pytest.fixture
def full_store(store, make_facts, event):
    """Orders in several states, with events and evidence checklists."""
    store.add_order(
        make_facts(
            "8100000000000001",
            title='Shoes "size 42", red',
            price="29.99",
            store="Shoe Shop",
            ordered_on="2026-02-01",
            delivered_on="2026-03-01",
            country="ES",
            free_return="true",
            note="box dented\nsecond line",
        )
    )
    store.record_event(
        "8100000000000001", event("open_dispute", on="2026-03-02", reason="wrong_size")
    )
    store.record_event("8100000000000001", event("return_approved", on="2026-03-03"))
    store.record_event(
        "8100000000000001",
        event("return_shipped", on="2026-03-04", tracking="LP1", carrier="Correos"),
    )
    store.add_order(make_facts("2", title="Cable", price="3.50", delivered_on="2026-03-05"))
    store.record_event("2", event("keep", on="2026-03-06", note="works fine"))
    store.add_order(make_facts("3", title="ケーブル [/2 pack]", price="500", currency="JPY"))
    store.set_archived("3", True)
    return store


def _new_store(tmp_path, clock, name):
    return Store(tmp_path / name, time=clock)


def import_json(store: Store, text: str, name: str = "export.json") -> ImportReport:
    batch = load_text(name, text, today=store.time.today())
    assert [loaded.format.name for loaded in batch.loaded] == ["aliret-tui-json"]
    return ImportReport.of(store.apply_import(batch))


def import_csv(store: Store, text: str, name: str = "orders.csv") -> ImportReport:
    batch = load_text(name, text, today=store.time.today())
    assert [loaded.format.name for loaded in batch.loaded] == ["aliret-tui-csv"]
    return ImportReport.of(store.apply_import(batch))


def test_json_export_import_export_is_identical(full_store, tmp_path, clock):
    first = transfer.export_json(full_store.all_records())
    with _new_store(tmp_path, clock, "copy.db") as copy:
        report = import_json(copy, first)
        assert report == ImportReport(added=3)
        second = transfer.export_json(copy.all_records())
    assert second == first
    document = json.loads(first)
    assert document["format"] == "aliret-tui"
    assert [r["order"]["order_id"] for r in document["orders"]] == [
        "2",
        "3",
        "8100000000000001",
    ]
    shoes = document["orders"][2]
    assert [e["kind"] for e in shoes["events"]] == [
        "open_dispute",
        "return_approved",
        "return_shipped",
    ]
    assert shoes["evidence"]


def test_json_with_attachments_round_trips(full_store, tmp_path, clock):
    document = json.loads(transfer.export_json(full_store.all_records()))
    shoes = document["orders"][2]
    shoes["evidence"][0]["attachments"] = [
        {"path": "/photos/label.jpg", "size": 1234, "sha256": "ab" * 32, "attached_at": "x"}
    ]
    shoes["evidence"][0]["done"] = True
    with _new_store(tmp_path, clock, "b.db") as b:
        import_json(b, json.dumps(document))
        exported = transfer.export_json(b.all_records())
        item = b.evidence("8100000000000001")[0]
        assert item.done and item.attachments[0].sha256 == "ab" * 32
    assert json.loads(exported) == document
    with _new_store(tmp_path, clock, "c.db") as c:
        import_json(c, exported)
        assert transfer.export_json(c.all_records()) == exported


def test_json_with_chat_messages_round_trips(full_store, db_path, tmp_path, clock):
    conn = sqlite3.connect(db_path)
    conn.executemany(
        "INSERT INTO messages (order_id, sender, sent_at, text) VALUES (?, ?, ?, ?)",
        [
            ("8100000000000001", "me", "2026-03-02 10:00", "Wrong size"),
            ("8100000000000001", "seller", "2026-03-02 11:30", "Send it back"),
        ],
    )
    conn.commit()
    conn.close()
    first = transfer.export_json(full_store.all_records())
    assert [m["text"] for m in json.loads(first)["orders"][2]["messages"]] == [
        "Wrong size",
        "Send it back",
    ]
    with _new_store(tmp_path, clock, "b.db") as b:
        import_json(b, first)
        assert [m.text for m in b.messages("8100000000000001")] == ["Wrong size", "Send it back"]
        assert transfer.export_json(b.all_records()) == first


def test_importing_the_same_json_twice_reports_unchanged(full_store, tmp_path, clock, dump):
    text = transfer.export_json(full_store.all_records())
    path = tmp_path / "twice.db"
    with Store(path, time=clock) as target:
        assert import_json(target, text) == ImportReport(added=3)
        before = dump(path)
        assert import_json(target, text) == ImportReport(unchanged=3)
        assert dump(path) == before
    # Into the original store too: everything is already there.
    assert import_json(full_store, text) == ImportReport(unchanged=3)


def test_json_import_merges_a_changed_order(full_store, tmp_path, clock):
    """Issue 11: a changed order of the same version is merged into the stored one
    (the file's values are the user's own), not replaced; its timeline stays."""
    document = json.loads(transfer.export_json(full_store.all_records()))
    document["orders"][0]["order"]["title"] = "Cable, renamed"
    report = import_json(full_store, json.dumps(document))
    assert report == ImportReport(updated=1, unchanged=2)
    assert full_store.get_order("2").title == "Cable, renamed"
    assert [e.kind.value for e in full_store.events("2")] == ["keep"]


def test_json_import_skips_an_older_copy_of_an_order(full_store):
    """Issue 11: an order whose version is lower than the stored one is skipped."""
    document = json.loads(transfer.export_json(full_store.all_records()))
    full_store.update_order(full_store.get_order("2").facts.replace(note="mine"))
    document["orders"][0]["order"]["title"] = "Cable, renamed"
    batch = load_text("older.json", json.dumps(document), today=full_store.time.today())
    plan = full_store.apply_import(batch)
    assert ImportReport.of(plan) == ImportReport(unchanged=2)
    assert [(s.order_id, "older than what you have" in s.why) for s in plan.skipped] == [
        ("2", True)
    ]
    assert full_store.get_order("2").title == "Cable"
    assert full_store.get_order("2").note == "mine"


def test_a_bad_json_entry_imports_nothing(store, db_path, dump):
    document = {
        "format": "aliret-tui",
        "version": 1,
        "orders": [
            {"order": {"order_id": "1", "title": "ok", "price": "1.00", "currency": "USD"}},
            {"order": {"order_id": "2", "title": "bad", "price": "-1", "currency": "USD"}},
        ],
    }
    before = dump(db_path)
    with pytest.raises(ImportRefused, match=r"order 2: .*price"):
        import_json(store, json.dumps(document))
    assert dump(db_path) == before


def _csv(*rows: str) -> str:
    return "\n".join((HEADER, *rows)) + "\n"


CSV_ROWS = (
    "1,Phone case,4.99,USD,Case Co,2026-02-01,2026-03-01,,,US,true,false,",
    '2,"Shoes, red",29.99,EUR,,2026-02-02,,,2026-04-01,ES,false,true,"a note, with comma"',
    "3,Cable,3.50,USD,,,,20,,,,,",
)


def test_csv_import_is_idempotent(store, db_path, dump, today):
    text = _csv(*CSV_ROWS)
    first = import_csv(store, text)
    assert first == ImportReport(added=3)
    assert str(first) == "3 added, 0 updated, 0 unchanged"
    before = dump(db_path)
    second = import_csv(store, text)
    assert second == ImportReport(unchanged=3)
    assert str(second) == "0 added, 0 updated, 3 unchanged"
    assert dump(db_path) == before
    order = store.get_order("2")
    assert order.title == "Shoes, red" and order.local_return and order.note == "a note, with comma"
    assert store.get_order("3").window_days == 20


def test_csv_import_counts_a_changed_field_as_updated(store, today):
    import_csv(store, _csv(*CSV_ROWS))
    changed = CSV_ROWS[2].replace("Cable", "Better cable")
    report = import_csv(store, _csv(CSV_ROWS[0], CSV_ROWS[1], changed))
    assert report == ImportReport(updated=1, unchanged=2)
    assert store.get_order("3").title == "Better cable"
    assert store.get_order("3").version == 2


def test_csv_with_only_the_required_columns(store, today):
    text = "order_id,title,price,currency\n9,Thing,1.00,GBP\n"
    assert import_csv(store, text) == ImportReport(added=1)
    assert store.get_order("9").currency == "GBP"


@pytest.mark.parametrize(
    ("bad_row", "field"),
    [
        ("4,Bad price,-2,USD,,,,,,,,,", "price"),
        ("4,Bad currency,2,XYZ,,,,,,,,,", "currency"),
        ("4,Bad date,2,USD,,2026-02-30,,,,,,,", "ordered_on"),
        ("4,Bad flag,2,USD,,,,,,,maybe,,", "free_return"),
        ("4,Bad window,2,USD,,,,0,,,,,", "window_days"),
        ("4,Bad country,2,USD,,,,,,QQ,,,", "country"),
        ("1,Duplicate,2,USD,,,,,,,,,", "order_id"),
    ],
)
def test_a_bad_csv_row_imports_nothing(store, db_path, dump, today, bad_row, field):
    before = dump(db_path)
    with pytest.raises(ImportRefused) as caught:
        import_csv(store, _csv(*CSV_ROWS, bad_row))
    message = str(caught.value)
    assert "row 5" in message
    assert field in message
    assert dump(db_path) == before


def test_csv_export_imports_back_unchanged(full_store, today):
    orders = full_store.list_orders(include_archived=True)
    text = transfer.export_csv(transfer.facts_to_csv_row(order) for order in orders)
    assert text.splitlines()[0].startswith(HEADER)
    report = import_csv(full_store, text)
    assert report == ImportReport(unchanged=3)


def test_csv_formula_cells_round_trip(store, today):
    text = _csv("=1+1,=HYPERLINK(x),1.00,USD,,,,,,,,,")
    import_csv(store, text)
    exported = transfer.export_csv(
        transfer.facts_to_csv_row(o) for o in store.list_orders(include_archived=True)
    )
    assert "'=HYPERLINK(x)" in exported  # neutralised for spreadsheets
    again = import_csv(store, exported)
    assert again == ImportReport(unchanged=1)
    assert store.get_order("=1+1").title == "=HYPERLINK(x)"


def test_csv_round_trip_keeps_a_leading_apostrophe(store, make_facts, today):
    store.add_order(make_facts("1", title="'=not a formula"))
    exported = transfer.export_csv(transfer.facts_to_csv_row(o) for o in store.list_orders())
    report = import_csv(store, exported)
    assert store.get_order("1").title == "'=not a formula"
    assert report == ImportReport(unchanged=1)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"state": "refunded"}, "dispute"),
        ({"state": "awaiting_seller"}, "dispute"),
        ({"state": "window_open", "delivered_on": None}, "delivered_on"),
    ],
)
def test_json_import_refuses_an_order_the_workflow_cannot_produce(full_store, changes, field):
    document = json.loads(transfer.export_json(full_store.all_records()))
    plain = next(entry for entry in document["orders"] if entry["order"]["dispute"] is None)
    plain["order"].update(changes)
    with pytest.raises(ImportRefused, match=f"{field}: "):
        load_text("export.json", json.dumps(document), today=full_store.time.today())
