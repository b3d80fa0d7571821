"""The streamed export (``json_chunks``, ``csv_chunks`` over the store's batches of
rows) writes the same bytes as the documents built from models (``export_json``,
``export_csv``), and the same bytes the export wrote before it was streamed
(``fixtures/``), whatever the batch size; it reads one batch at a time."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest
from support.hostile import assert_terminal_safe
from transfer.rich_database import TODAY, build_rich_database

from aliret_tui.cli.commands import order_summary
from aliret_tui.domain.checks import field_names
from aliret_tui.domain.models import (
    Attachment,
    ChatMessage,
    Dispute,
    Event,
    EvidenceItem,
    Order,
    OrderLine,
    OrderRecord,
    Refund,
    ReturnShipment,
)
from aliret_tui.store.store import Store
from aliret_tui.transfer import documents
from aliret_tui.transfer.documents import (
    csv_chunks,
    export_csv,
    export_json,
    facts_to_csv_row,
    json_chunks,
)

FIXTURES = Path(__file__).parent / "fixtures"
BATCH_SIZES = (1, 2, 3, 5, 10, 11, 500)  # the database has 10 orders


@pytest.fixture(scope="module")
def rich_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_rich_database(tmp_path_factory.mktemp("rich") / "rich.db")


def _reference_json(store: Store) -> str:
    return export_json(store.all_records())


def _reference_csv(store: Store) -> str:
    return export_csv(
        {
            **facts_to_csv_row(order),
            "state": order.state.value,
            "next_deadline": order_summary(order, store.policy, TODAY)["deadline"],
        }
        for order in store.list_orders(include_archived=True)
    )


@pytest.mark.parametrize("size", BATCH_SIZES)
def test_json_is_the_document_built_from_models(rich_db: Path, size: int) -> None:
    with Store(rich_db, readonly=True) as store:
        streamed = "".join(json_chunks(store.export_batches(size)))
        assert streamed == _reference_json(store)
    assert streamed.encode("utf-8") == (FIXTURES / "rich-export.json").read_bytes()


@pytest.mark.parametrize("size", BATCH_SIZES)
def test_csv_is_the_document_built_from_models(rich_db: Path, size: int) -> None:
    with Store(rich_db, readonly=True) as store:
        streamed = "".join(csv_chunks(store.csv_batches(size), store.policy, TODAY))
        assert streamed == _reference_csv(store)
    assert streamed.encode("utf-8") == (FIXTURES / "rich-export.csv").read_bytes()


def test_no_orders(tmp_path: Path) -> None:
    with Store(tmp_path / "empty.db") as store:
        assert "".join(json_chunks(store.export_batches())) == export_json([])
        assert json.loads("".join(json_chunks(store.export_batches())))["orders"] == []
        assert "".join(csv_chunks(store.csv_batches(), store.policy, TODAY)) == export_csv([])


def test_many_batches_of_the_default_size(rich_db: Path, tmp_path: Path) -> None:
    """1,210 orders: two full batches of 500 and a short one, every order with events."""
    path = tmp_path / "many.db"
    path.write_bytes(rich_db.read_bytes())
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "WITH RECURSIVE numbers(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM numbers "
            "WHERE value < 1200) "
            "INSERT INTO orders (order_id, title, price, currency, store, ordered_on, "
            "delivered_on, state, version, created_at, updated_at) "
            "SELECT printf('77%014d', value), 'Item ' || value, '1.' || value, 'USD', "
            "'Store ' || (value % 7), '2026-01-01', '2026-01-0' || (1 + value % 9), "
            "CASE WHEN value % 3 THEN 'kept' ELSE 'window_open' END, 1, "
            "'2026-01-01T10:00:00', '2026-01-01T10:00:00' FROM numbers"
        )
        conn.execute(
            "INSERT INTO events (order_id, seq, kind, on_date, recorded_at) "
            "SELECT order_id, 1, 'delivered', delivered_on, created_at FROM orders "
            "WHERE order_id LIKE '77%'"
        )
    conn.close()
    with Store(path, readonly=True) as store:
        chunks = list(json_chunks(store.export_batches()))
        assert len(chunks) == 2 + 3  # start, three batches, end
        assert "".join(chunks) == _reference_json(store)
        csv_text = "".join(csv_chunks(store.csv_batches(), store.policy, TODAY))
        assert csv_text == _reference_csv(store)
    assert len(json.loads("".join(chunks))["orders"]) == 1210


def test_json_reads_one_batch_at_a_time(rich_db: Path) -> None:
    """Each batch is written before the next one is read: the document is never whole."""
    read = []
    with Store(rich_db, readonly=True) as store:

        def batches():
            for batch in store.export_batches(3):
                read.append(len(batch.orders))
                yield batch

        chunks = json_chunks(batches())
        assert next(chunks).endswith('"orders": [')
        assert read == []
        first = next(chunks)
        assert read == [3]
        assert first.count('"order_id"') == 3
        next(chunks)
        assert read == [3, 3]
        rest = list(chunks)
    assert read == [3, 3, 3, 1]
    assert rest[-1].endswith("\n  ]\n}\n")


def test_csv_reads_one_batch_at_a_time(rich_db: Path) -> None:
    read = []
    with Store(rich_db, readonly=True) as store:

        def batches():
            for rows in store.csv_batches(4):
                read.append(len(rows))
                yield rows

        chunks = csv_chunks(batches(), store.policy, TODAY)
        assert next(chunks).startswith("order_id,title,")
        assert read == []
        assert [line[:2] for line in next(chunks).splitlines()].count("81") == 4
        assert read == [4]
        list(chunks)
    assert read == [4, 4, 2]


def test_a_snapshot_while_a_writer_adds_orders(rich_db: Path, tmp_path: Path) -> None:
    """The batches are read in one transaction: an order written meanwhile is not half in."""
    path = tmp_path / "busy.db"
    path.write_bytes(rich_db.read_bytes())
    with Store(path, readonly=True) as reader:
        chunks = json_chunks(reader.export_batches(2))
        first_two = next(chunks) + next(chunks)
        writer = sqlite3.connect(path)
        with writer:
            writer.execute("UPDATE orders SET title = 'changed' WHERE order_id = 'A-10'")
            writer.execute(
                "INSERT INTO orders (order_id, title, price, currency, state, created_at, "
                "updated_at) VALUES ('ZZZ', 'late', '1', 'USD', 'kept', 'x', 'x')"
            )
        writer.close()
        text = first_two + "".join(chunks)
    orders = [record["order"] for record in json.loads(text)["orders"]]
    assert [order["order_id"] for order in orders][-1] == "A-10"
    assert orders[-1]["title"] == "=cmd|' /C calc'!A0 and more"


def test_hostile_text_stays_neutralised(rich_db: Path) -> None:
    with Store(rich_db, readonly=True) as store:
        text = "".join(json_chunks(store.export_batches(4)))
        table = "".join(csv_chunks(store.csv_batches(4), store.policy, TODAY))
    for name, output in (("JSON", text), ("CSV", table)):
        assert_terminal_safe(output, f"the {name} export")
        assert not re.search("[\u202a-\u202e\u2066-\u2069]", output), name
    assert "\\u001b" not in text and "SGVsbG8" not in text
    hostile = next(r for r in json.loads(text)["orders"] if r["order"]["order_id"] == "A-10")
    assert hostile["order"]["title"] == "=cmd|' /C calc'!A0 and more"  # tab and line break
    assert hostile["order"]["note"] == "first\nsecond -2\n@SUM(1);+3,=4\t=5=6"
    assert hostile["messages"][0]["sent_at"] == "2026-03-04 11:22"
    labelled = next(item for item in hostile["evidence"] if item["label"] == "Label =bad")
    assert labelled["note"] == "note\nline"
    assert [file["path"] for file in labelled["attachments"]] == ["=calc.exe"]
    rows = list(csv.reader(io.StringIO(table)))
    for row in rows[1:]:
        for cell in row:
            for part in re.split(r"[,;\t\r\n]", cell):
                assert part.lstrip(' "')[:1] not in ("=", "+", "-", "@"), (cell, part)
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id["A-10"][1] == "'=cmd|' /C calc'!A0 and more"
    assert by_id["8100000000000009"][2] == "'-5"  # a negative price is a formula too
    assert by_id["8100000000000003"][4] == "''=not a formula"


def test_the_keys_are_the_models_fields() -> None:
    """The JSON keys written from rows are the ones ``record_to_json`` writes."""

    def fields(model, *, without_id: bool = False) -> tuple[str, ...]:
        return tuple(name for name in field_names(model) if not (without_id and name == "id"))

    assert fields(OrderRecord) == documents.RECORD_KEYS
    assert fields(Order) == documents.ORDER_KEYS
    assert fields(Dispute) == documents.DISPUTE_KEYS
    assert fields(ReturnShipment) == documents.RETURN_SHIPMENT_KEYS
    assert fields(Refund) == documents.REFUND_KEYS
    assert fields(OrderLine) == documents.LINE_KEYS
    assert fields(Event) == documents.EVENT_KEYS
    assert fields(ChatMessage, without_id=True) == documents.MESSAGE_KEYS
    assert fields(EvidenceItem, without_id=True) == documents.EVIDENCE_KEYS
    assert fields(Attachment, without_id=True) == documents.ATTACHMENT_KEYS
