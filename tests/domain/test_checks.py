"""Checking input into records (``domain.checks.parse``) and whole documents
(``domain.documents.parse_document``): every record names a check per field, unknown
and missing fields are refused by name, nested refusals say where they are, text is
cleaned, and the two ways of checking agree."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import re
import sys
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aliret_tui.domain.checks import Record, parse
from aliret_tui.domain.documents import parse_document
from aliret_tui.domain.fields import FieldErrors, TextNotes
from aliret_tui.domain.models import (
    Attachment,
    ChatMessage,
    Dispute,
    Event,
    EventInput,
    EvidenceItem,
    Order,
    OrderFacts,
    OrderLine,
    OrderRecord,
    Refund,
    ReturnShipment,
)
from aliret_tui.domain.states import OrderState
from aliret_tui.domain.vocabulary import EventKind, EvidenceKind, Outcome, Reason, Sender

TODAY = dt.date(2026, 5, 10)
SHA = "0123456789abcdef" * 4
FACTS = {
    "order_id": "8175100000000017",
    "title": "USB-C cable",
    "price": "12.50",
    "currency": "USD",
}

# The least each record takes (its required fields), as a user would give them.
MINIMAL: dict[type[Record], dict[str, Any]] = {
    OrderFacts: FACTS,
    Order: FACTS,
    ReturnShipment: {"approved_on": "2026-04-01"},
    Refund: {},
    Dispute: {"reason": "item_defective", "outcome": "refund_only", "opened_on": "2026-04-01"},
    Event: {"seq": 1, "kind": "delivered", "on": "2026-04-01"},
    EventInput: {"kind": "delivered"},
    ChatMessage: {"sender": "me", "sent_at": "2026-04-01 10:00", "text": "hello"},
    Attachment: {"path": "photo.jpg", "size": 10, "sha256": SHA, "attached_at": "2026-04-01"},
    EvidenceItem: {"label": "Photos of the problem"},
    OrderLine: {"position": 1, "title": "Cable"},
    OrderRecord: {"order": FACTS},
}

# A whole order as our JSON export writes it, with one of every record in it.
RICH: dict[str, Any] = {
    "order": {
        **FACTS,
        "store": "KeyCraft",
        "ordered_on": "2026-03-01",
        "delivered_on": "2026-03-20",
        "window_days": 15,
        "protection_ends": "2026-05-30",
        "country": "US",
        "free_return": True,
        "local_return": False,
        "note": "Kept the box\nand the tags",
        "state": "refund_pending",
        "clock_since": "2026-04-12",
        "archived": False,
        "delivery_unknown": False,
        "version": 7,
        "created_at": "2026-03-01T10:30:00",
        "updated_at": "2026-04-12T09:00:00",
        "dispute": {
            "reason": "item_defective",
            "outcome": "return_and_refund",
            "opened_on": "2026-03-22",
            "escalated_on": "2026-03-30",
            "return_shipment": {
                "approved_on": "2026-04-01",
                "carrier": "Correos",
                "tracking": "RR987654321ES",
                "shipped_on": "2026-04-03",
                "delivered_on": "2026-04-10",
            },
            "refund": {
                "due_since": "2026-04-12",
                "expected_amount": "10.00",
                "amount": None,
                "refunded_on": None,
            },
        },
    },
    "lines": [
        {
            "position": 1,
            "title": "USB-C cable, 2 m",
            "quantity": 2,
            "unit_price": "6.25",
            "attributes": "Color: Black",
            "product_url": "https://example.com/item/1",
            "line_id": "L1",
            "free_return": True,
            "disputed": True,
        }
    ],
    "events": [
        {
            "seq": 1,
            "kind": "open_dispute",
            "on": "2026-03-22",
            "note": "Does not charge",
            "reason": "item_defective",
            "outcome": "return_and_refund",
            "tracking": "",
            "carrier": "",
            "amount": "10.00",
            "lines": [1],
            "recorded_at": "2026-03-22T08:00:00",
            "source": "",
        },
        {
            "seq": 2,
            "kind": "return_shipped",
            "on": "2026-04-03",
            "note": "",
            "reason": None,
            "outcome": None,
            "tracking": "RR987654321ES",
            "carrier": "Correos",
            "amount": None,
            "lines": [],
            "recorded_at": "2026-04-03T08:00:00",
            "source": "pasted text",
        },
    ],
    "messages": [
        {
            "sender": "me",
            "sent_at": "2026-03-22 09:12",
            "text": "It does not charge.\nVideo attached.",
            "edited_at": "",
        },
        {"sender": "seller", "sent_at": "2026-03-23 16:40", "text": "Sorry!", "edited_at": ""},
    ],
    "evidence": [
        {
            "label": "Photos of the problem",
            "kind": "photo",
            "done": True,
            "note": "",
            "custom": False,
            "position": 0,
            "attachments": [
                {"path": "photo.jpg", "size": 2048, "sha256": SHA, "attached_at": "2026-03-22"},
                {"path": "video.mp4", "size": 0, "sha256": SHA, "attached_at": "2026-03-22"},
            ],
        },
        {
            "label": "Tags kept",
            "kind": "kept",
            "done": False,
            "note": "",
            "custom": True,
            "position": 1,
            "attachments": [],
        },
    ],
}


def all_records(base: type = Record) -> list[type[Record]]:
    """Every subclass of ``base``, as its module names it: ``dataclass(slots=True)``
    makes a new class, and the class it was made from stays among the subclasses."""
    found = []
    for sub in base.__subclasses__():
        if getattr(sys.modules[sub.__module__], sub.__qualname__, None) is sub:
            found.append(sub)
        found.extend(all_records(sub))
    return found


RECORDS = sorted(set(all_records()), key=lambda model: model.__name__)


def refusals(call, model: type[Record], data: Any, **kwargs: Any) -> list[tuple[str, str]]:
    with pytest.raises(FieldErrors) as refused:
        call(model, data, **kwargs)
    return [(error.field, error.message) for error in refused.value.errors]


def refused_fields(call, model: type[Record], data: Any, **kwargs: Any) -> set[str]:
    return {field for field, _ in refusals(call, model, data, **kwargs)}


def without(data: dict[str, Any], *names: str) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in names}


def changed(document: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """A deep copy of ``document`` with the value at ``path`` replaced."""
    result = copy.deepcopy(document)
    holder = result
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = value
    return result


# -- every record --------------------------------------------------------------------


def test_every_record_is_found_and_has_sample_input():
    assert set(RECORDS) == set(MINIMAL), "a new record needs its MINIMAL input here"


@pytest.mark.parametrize("model", RECORDS, ids=lambda model: model.__name__)
def test_checks_name_every_field_in_field_order(model):
    assert list(model.CHECKS) == [field.name for field in dataclasses.fields(model)]
    assert all(callable(check) for check in model.CHECKS.values())


@pytest.mark.parametrize("model", RECORDS, ids=lambda model: model.__name__)
def test_every_record_is_frozen(model):
    record = parse(model, MINIMAL[model])
    assert isinstance(record, model)
    first = dataclasses.fields(model)[0].name
    before = getattr(record, first)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(record, first, before)
    with pytest.raises((dataclasses.FrozenInstanceError, AttributeError, TypeError)):
        record.something_else = 1  # type: ignore[attr-defined]
    assert getattr(record, first) == before


@pytest.mark.parametrize("model", RECORDS, ids=lambda model: model.__name__)
def test_minimal_input_is_accepted_by_both_ways_alike(model):
    assert parse(model, MINIMAL[model]) == parse_document(model, MINIMAL[model])


# -- what parse refuses and fills in ------------------------------------------------


def test_unknown_keys_are_refused_by_name():
    data = {**FACTS, "colour": "red", "size": "L"}
    assert refusals(parse, OrderFacts, data) == [
        ("colour", "is not a field of order facts"),
        ("size", "is not a field of order facts"),
    ]


def test_unknown_keys_are_refused_with_the_other_refusals():
    data = {**FACTS, "price": "free", "colour": "red"}
    assert refused_fields(parse, OrderFacts, data) == {"colour", "price"}


def test_a_field_of_the_full_order_is_unknown_to_the_facts():
    assert refusals(parse, OrderFacts, {**FACTS, "state": "kept"}) == [
        ("state", "is not a field of order facts")
    ]
    assert parse(Order, {**FACTS, "state": "kept"}).state is OrderState.KEPT


@pytest.mark.parametrize(
    ("model", "left_out"),
    [
        (Dispute, "opened_on"),
        (Event, "on"),
        (ReturnShipment, "approved_on"),
        (OrderRecord, "order"),
    ],
)
def test_a_left_out_required_field_is_required(model, left_out):
    data = without(MINIMAL[model], left_out)
    assert refusals(parse, model, data) == [(left_out, "is required")]


@pytest.mark.parametrize(
    ("model", "left_out"),
    [
        (OrderFacts, "title"),
        (OrderFacts, "price"),
        (OrderFacts, "currency"),
        (OrderFacts, "order_id"),
        (Dispute, "reason"),
        (Event, "seq"),
        (ChatMessage, "text"),
        (ChatMessage, "sent_at"),
        (Attachment, "sha256"),
        (EvidenceItem, "label"),
        (OrderLine, "position"),
    ],
)
def test_a_left_out_required_field_is_checked_as_nothing(model, left_out):
    """Its own check refuses nothing, saying what it wants."""
    assert refused_fields(parse, model, without(MINIMAL[model], left_out)) == {left_out}


def test_every_required_field_left_out_is_named_at_once():
    assert refused_fields(parse, Dispute, {}) == {"reason", "outcome", "opened_on"}
    assert refused_fields(parse, OrderFacts, {}) == {"order_id", "title", "price", "currency"}


def test_left_out_fields_take_their_defaults():
    facts = parse(OrderFacts, FACTS)
    assert facts == OrderFacts(
        order_id="8175100000000017", title="USB-C cable", price=Decimal("12.50"), currency="USD"
    )
    assert (facts.store, facts.ordered_on, facts.window_days, facts.country) == (
        "",
        None,
        None,
        None,
    )
    assert (facts.free_return, facts.local_return, facts.note) == (False, False, "")
    order = parse(Order, FACTS)
    assert (order.state, order.version, order.archived, order.dispute) == (
        OrderState.IN_TRANSIT,
        1,
        False,
        None,
    )
    record = parse(OrderRecord, {"order": FACTS})
    assert (record.lines, record.events, record.messages, record.evidence) == ((), (), (), ())


def test_a_left_out_field_is_not_checked_but_a_given_nothing_is():
    """The evidence kind defaults to "other"; given as nothing, its check refuses it."""
    item = parse(EvidenceItem, {"label": "Receipt"})
    assert (item.kind, item.done, item.position, item.attachments) == (
        EvidenceKind.OTHER,
        False,
        0,
        (),
    )
    assert refused_fields(parse, EvidenceItem, {"label": "Receipt", "kind": None}) == {"kind"}


@pytest.mark.parametrize("data", [["order_id"], "8175100000000017", 12, None, ("a", 1)])
def test_a_non_mapping_is_refused(data):
    message = "is required" if data is None else "must be a set of named fields"
    assert refusals(parse, OrderFacts, data) == [("value", message)]
    assert refusals(parse_document, OrderFacts, data) == [("value", message)]


def test_values_are_converted_by_their_checks():
    record = parse(OrderRecord, RICH)
    order = record.order
    assert order.price == Decimal("12.50")
    assert order.ordered_on == dt.date(2026, 3, 1)
    assert order.state is OrderState.REFUND_PENDING
    assert order.dispute is not None
    assert order.dispute.reason is Reason.ITEM_DEFECTIVE
    assert order.dispute.outcome is Outcome.RETURN_AND_REFUND
    assert order.dispute.refund == Refund(
        due_since=dt.date(2026, 4, 12), expected_amount=Decimal("10.00")
    )
    assert record.events[0].kind is EventKind.OPEN_DISPUTE
    assert record.events[0].lines == (1,)
    assert record.messages[0].sender is Sender.ME
    assert record.messages[0].sent_at == dt.datetime(2026, 3, 22, 9, 12)
    assert record.evidence[0].attachments[1] == Attachment(
        path="video.mp4", size=0, sha256=SHA, attached_at="2026-03-22"
    )
    assert isinstance(record.lines, tuple) and isinstance(record.evidence[0].attachments, tuple)


def test_today_and_currency_come_from_the_caller():
    typed = {"kind": " Open_Dispute ", "on": "-3", "amount": "1,234", "lines": "3,1 3"}
    event = parse(EventInput, typed, today=TODAY, currency="JPY")
    assert event == EventInput(
        kind=EventKind.OPEN_DISPUTE, on=dt.date(2026, 5, 7), amount=Decimal("1234"), lines=(1, 3)
    )
    assert refused_fields(parse, EventInput, typed, currency="JPY") == {"on"}  # no today
    assert refused_fields(parse, EventInput, typed, today=TODAY, currency="USD") == {"amount"}
    future = {"kind": "delivered", "on": "2026-06-01"}
    assert refused_fields(parse, EventInput, future, today=TODAY) == {"on"}


def test_the_order_currency_sets_the_price_decimals():
    assert parse(OrderFacts, {**FACTS, "price": "1,234", "currency": "JPY"}).price == 1234
    assert refused_fields(parse, OrderFacts, {**FACTS, "price": "1,234"}) == {"price"}
    assert refused_fields(parse, OrderFacts, {**FACTS, "price": "1.255"}) == {"price"}


def test_dates_out_of_order_are_refused_across_fields():
    data = {**FACTS, "ordered_on": "2026-03-10", "delivered_on": "2026-03-01"}
    assert refusals(parse, OrderFacts, data) == [("delivered_on", "is before the order date")]
    assert refused_fields(parse_document, OrderFacts, data) == {"delivered_on"}


# -- where a nested value is wrong ---------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        (("order", "price"), "free", "order.price"),
        (("order", "dispute", "reason"), "bored", "order.dispute.reason"),
        (("order", "dispute", "opened_on"), "2026-13-01", "order.dispute.opened_on"),
        (
            ("order", "dispute", "return_shipment", "shipped_on"),
            5,
            "order.dispute.return_shipment.shipped_on",
        ),
        (("order", "dispute", "refund", "amount"), "lots", "order.dispute.refund.amount"),
        (("order", "dispute"), [], "order.dispute"),
        (("lines", 0, "quantity"), 0, "lines.0.quantity"),
        (("events", 1, "seq"), 0, "events.1.seq"),
        (("events", 0, "lines"), "x", "events.0.lines"),
        (("events", 1), "not an event", "events.1"),
        (("messages", 1, "sent_at"), "yesterday", "messages.1.sent_at"),
        (("evidence", 1, "kind"), "selfie", "evidence.1.kind"),
        (("evidence", 0, "attachments", 1, "sha256"), "ABC", "evidence.0.attachments.1.sha256"),
        (("evidence", 0, "attachments", 1, "size"), -1, "evidence.0.attachments.1.size"),
        (("evidence", 0, "attachments"), "photo.jpg", "evidence.0.attachments"),
        (("evidence", 0, "attachments", 0), None, "evidence.0.attachments.0"),
    ],
)
def test_nested_refusals_say_where(path, value, where):
    document = changed(RICH, path, value)
    assert refused_fields(parse, OrderRecord, document) == {where}
    assert refused_fields(parse_document, OrderRecord, document) == {where}


def test_unknown_and_missing_nested_fields_say_where():
    document = changed(RICH, ("evidence", 0, "attachments", 1, "colour"), "red")
    del document["events"][1]["on"]
    expected = {
        ("events.1.on", "is required"),
        ("evidence.0.attachments.1.colour", "is not a field of attachment"),
    }
    assert set(refusals(parse, OrderRecord, document)) == expected
    assert set(refusals(parse_document, OrderRecord, document)) == expected


def test_every_refusal_in_a_record_is_named_at_once():
    document = changed(RICH, ("order", "price"), "free")
    document = changed(document, ("order", "dispute", "reason"), "bored")
    document = changed(document, ("events", 0, "seq"), "one")
    document = changed(document, ("evidence", 0, "attachments", 0, "size"), 1.5)
    expected = {
        "order.price",
        "order.dispute.reason",
        "events.0.seq",
        "evidence.0.attachments.0.size",
    }
    assert refused_fields(parse, OrderRecord, document) == expected
    assert refused_fields(parse_document, OrderRecord, document) == expected


def test_records_given_as_records_are_kept():
    dispute = parse(Dispute, MINIMAL[Dispute])
    event = parse(Event, MINIMAL[Event])
    data = {"order": {**FACTS, "dispute": dispute}, "events": [event]}
    for call in (parse, parse_document):
        record = call(OrderRecord, data)
        assert record.order.dispute is dispute
        assert record.events == (event,)


# -- parse and parse_document agree ---------------------------------------------------


@pytest.fixture(scope="module")
def demo_records(tmp_path_factory) -> list[OrderRecord]:
    from aliret_tui.demo import fill_demo
    from aliret_tui.store.store import Store
    from aliret_tui.timesource import TimeSource

    time = TimeSource(frozen_at=dt.datetime(2026, 11, 29, 10, 30))
    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as env:  # module scope: keep off the user's folders
        env.setenv("ALIRET_TUI_DATA_DIR", str(folder / "data"))
        env.setenv("ALIRET_TUI_CONFIG_DIR", str(folder / "config"))
        env.delenv("ALIRET_TUI_DB", raising=False)
        fill_demo(folder / "demo.db", time)
        with Store(folder / "demo.db", time=time) as store:
            return store.all_records()


def _without_ids(record: OrderRecord) -> OrderRecord:
    """The record as its JSON holds it (row ids are not exported)."""
    return record.replace(
        messages=tuple(message.replace(id=None) for message in record.messages),
        evidence=tuple(
            item.replace(id=None, attachments=tuple(a.replace(id=None) for a in item.attachments))
            for item in record.evidence
        ),
    )


def test_demo_records_read_back_the_same_both_ways(demo_records):
    from aliret_tui.transfer.documents import record_to_json

    assert len(demo_records) > 20
    assert any(record.order.dispute for record in demo_records)
    assert any(record.messages for record in demo_records)
    assert any(record.evidence for record in demo_records)
    for record in demo_records:
        document = record_to_json(record)
        by_parse = parse(OrderRecord, document)
        by_document = parse_document(OrderRecord, document)
        assert by_parse == by_document, record.order.order_id
        assert by_parse == _without_ids(record), record.order.order_id


def test_the_rich_document_reads_back_the_same_both_ways():
    from aliret_tui.transfer.documents import record_to_json

    record = parse(OrderRecord, RICH)
    assert parse_document(OrderRecord, RICH) == record
    assert record_to_json(record) == RICH


BROKEN = {
    "unknown key at the top": {**RICH, "refunds": []},
    "order missing": without(RICH, "order"),
    "order null": {**RICH, "order": None},
    "order not a mapping": {**RICH, "order": "8175100000000017"},
    "bad currency": changed(RICH, ("order", "currency"), "XXX"),
    "bad order and bad event": changed(
        changed(RICH, ("order", "version"), 0), ("events", 0, "kind"), "exploded"
    ),
    "bad dispute and bad refund": changed(
        changed(RICH, ("order", "dispute", "opened_on"), "soon"),
        ("order", "dispute", "refund", "amount"),
        "NaN",
    ),
    "event not a mapping": changed(RICH, ("events", 0), ["seq", 1]),
    "events not a list": {**RICH, "events": "none"},
    "message with an unknown key": changed(RICH, ("messages", 0, "read"), True),
    "empty chat text": changed(RICH, ("messages", 1, "text"), " \x1b[2J "),
    "bad line price": changed(RICH, ("lines", 0, "unit_price"), "0"),
    "attachment size as text": changed(RICH, ("evidence", 0, "attachments", 0, "size"), "2048"),
    "created_at with a control": changed(RICH, ("order", "created_at"), "2026\x1b[2J"),
}


@pytest.mark.parametrize("document", BROKEN.values(), ids=BROKEN.keys())
def test_broken_documents_are_refused_alike(document):
    by_parse = refused_fields(parse, OrderRecord, document)
    assert by_parse
    assert refused_fields(parse_document, OrderRecord, document) == by_parse


@pytest.mark.parametrize("document", BROKEN.values(), ids=BROKEN.keys())
def test_broken_documents_are_refused_with_the_same_words(document):
    assert refusals(parse_document, OrderRecord, document) == refusals(parse, OrderRecord, document)


# -- any one value changed: refused by name, or accepted, the same both ways -----------


def _scalar_paths(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _scalar_paths(item, (*path, key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _scalar_paths(item, (*path, index))]
    return [path]


SCALAR_PATHS = _scalar_paths(RICH)
TRICKY_TEXT = [
    "",
    " ",
    "ok\x1b[2J",
    "\x1b]0;title\x07",
    "\u202eevil",
    "a\nb",
    "\x00",
    "2026-02-30",
    "2026-04-01",
    "today",
    "-3",
    "1,234",
    "1e5",
    "NaN",
    "Infinity",
    "USD",
    "us",
    "true",
    "0",
    "item_defective",
    "2026-03-22 09:12",
    "8175 1234-5678 9012Copy",
    "x" * 300,
    SHA,
]
JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-3, max_value=3)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.sampled_from(TRICKY_TEXT)
)
JSON_VALUES = (
    JSON_SCALARS
    | st.lists(JSON_SCALARS, max_size=3)
    | st.dictionaries(st.text(max_size=5), JSON_SCALARS, max_size=2)
)
UNCLEAN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _outcome(call, document: dict[str, Any]) -> Any:
    try:
        return call(OrderRecord, document)
    except FieldErrors as refused:
        assert refused.errors
        return sorted((error.field, error.message) for error in refused.errors)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Record):
        return [s for item in value.values().values() for s in _strings(item)]
    if isinstance(value, tuple):
        return [s for item in value for s in _strings(item)]
    return []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(SCALAR_PATHS), value=JSON_VALUES)
def test_any_one_value_is_accepted_or_refused_alike(path, value):
    document = changed(RICH, path, value)
    by_parse = _outcome(parse, document)
    by_document = _outcome(parse_document, document)
    assert by_parse == by_document
    if isinstance(by_parse, list):  # refused: at the changed value, or a field beside it
        where = ".".join(str(step) for step in path[:-1])
        assert all(field.startswith(where) for field, _ in by_parse), (path, by_parse)
    else:
        assert not any(UNCLEAN.search(text) for text in _strings(by_parse))


# -- text is cleaned --------------------------------------------------------------------


def test_chat_text_loses_escape_sequences_and_notes_say_so():
    notes = TextNotes()
    data = {"sender": "me", "sent_at": "2026-04-01 10:00", "text": "ok\x1b[2J"}
    assert parse(ChatMessage, data, notes=notes).text == "ok"
    assert notes.removed == [("text", 4)]
    assert notes.messages() == [
        "text: removed 4 control characters"
        " (terminal escape sequences and invisible controls are never stored)"
    ]


def test_a_document_is_cleaned_and_noted_the_same_way():
    document = changed(RICH, ("messages", 1, "text"), "ok\x1b[2J")
    document = changed(document, ("order", "title"), "\x1b]0;pwned\x07USB-C\tcable\u202e")
    document = changed(document, ("events", 0, "note"), "line one\x07\nline two")
    for call in (parse, parse_document):
        notes = TextNotes()
        record = call(OrderRecord, document, notes=notes)
        assert record.messages[1].text == "ok"
        assert record.order.title == "USB-C cable"
        assert record.events[0].note == "line one\nline two"
        assert sorted(notes.removed) == [("note", 1), ("text", 4), ("title", 11)]


def test_clean_text_leaves_no_notes():
    for call in (parse, parse_document):
        notes = TextNotes()
        call(OrderRecord, RICH, notes=notes)
        assert notes.removed == [] and notes.warnings == []


def test_single_lines_lose_their_breaks_and_multiline_text_keeps_them():
    notes = TextNotes()
    facts = parse(
        OrderFacts, {**FACTS, "title": " USB\ncable ", "note": "one\r\ntwo  \n"}, notes=notes
    )
    assert (facts.title, facts.note) == ("USB cable", "one\ntwo")
    assert notes.removed == []


def test_hidden_characters_in_an_order_number_are_removed_and_noted():
    notes = TextNotes()
    facts = parse(OrderFacts, {**FACTS, "order_id": "8175\u200b1000\x1b[1m00000017"}, notes=notes)
    assert facts.order_id == "8175100000000017"
    assert notes.removed == [("order_id", 5)]


def test_text_that_is_nothing_once_cleaned_is_refused():
    data = {"sender": "me", "sent_at": "2026-04-01 10:00", "text": "\x1b[2J\x07"}
    assert refused_fields(parse, ChatMessage, data) == {"text"}


def test_stored_times_with_controls_are_refused_not_cleaned():
    assert refused_fields(parse, Order, {**FACTS, "updated_at": "2026\x1b[2J"}) == {"updated_at"}


# -- records: replace and values --------------------------------------------------------


def test_replace_returns_a_new_record_and_leaves_the_old_alone():
    order = parse(Order, {**FACTS, "store": "KeyCraft"})
    archived = order.replace(archived=True, version=2)
    assert (archived.archived, archived.version, archived.store) == (True, 2, "KeyCraft")
    assert (order.archived, order.version) == (False, 1)
    assert archived is not order and type(archived) is Order
    assert archived != order
    assert archived.replace(archived=False, version=1) == order


def test_replace_refuses_a_field_the_record_does_not_have():
    order = parse(Order, FACTS)
    with pytest.raises(TypeError):
        order.replace(colour="red")


def test_values_are_the_fields_in_order():
    record = parse(OrderRecord, RICH)
    values = record.values()
    assert list(values) == ["order", "lines", "events", "messages", "evidence"]
    assert values["order"] is record.order  # nested records stay records
    assert values["events"] == record.events
    item = record.evidence[1]
    assert item.values() == {
        "id": None,
        "label": "Tags kept",
        "kind": EvidenceKind.KEPT,
        "done": False,
        "note": "",
        "custom": True,
        "position": 1,
        "attachments": (),
    }
    assert EvidenceItem(**item.values()) == item


def test_facts_of_an_order_are_its_own_facts():
    order = parse(Order, {**FACTS, "store": "KeyCraft", "state": "kept"})
    assert order.facts == parse(OrderFacts, {**FACTS, "store": "KeyCraft"})


# -- known disagreements (bugs: each test says what should happen) ----------------------


@pytest.mark.parametrize("lines", ["²", ["1", "³"], "1" * 5000], ids=["2", "3", "5000"])
def test_line_numbers_in_other_digits_are_refused_not_crashed(lines):
    """str.isdigit() is true for '²' and for 5000 digits, and int() refuses both with a
    ValueError: they are refused as line numbers, not a crash."""
    assert refused_fields(parse, EventInput, {"kind": "open_dispute", "lines": lines}) == {"lines"}


@pytest.mark.parametrize(
    "path", [("events",), ("messages",), ("evidence", 0, "attachments")], ids=str
)
def test_a_null_list_is_read_alike(path):
    document = changed(RICH, path, None)
    assert _outcome(parse, document) == _outcome(parse_document, document)


def test_every_refused_item_of_a_list_is_named():
    """Both refused events are named (parse used to stop at the first one)."""
    document = changed(RICH, ("events", 0, "seq"), 0)
    document = changed(document, ("events", 1, "kind"), "exploded")
    expected = {"events.0.seq", "events.1.kind"}
    assert refused_fields(parse_document, OrderRecord, document) == expected
    assert refused_fields(parse, OrderRecord, document) == expected


@pytest.mark.parametrize(
    ("amount", "kept"),
    [("12.50", Decimal("12.50")), (100, Decimal(100)), (5.25, Decimal("5.25")), (None, None)],
)
def test_a_stored_amount_is_a_plain_number(amount, kept):
    assert parse(Refund, {"amount": amount}).amount == kept
    assert parse_document(Refund, {"amount": amount}).amount == kept


@pytest.mark.parametrize(
    "amount", ["1e999999999", "1E5", "NaN", "Infinity", "0.0000000000001", "1000000000", "x", True]
)
def test_a_stored_amount_in_another_form_is_refused(amount):
    """An import or a restore cannot bring in an amount a person could not type: no
    exponent, no NaN, nothing past the largest price (1e999999999 overflowed abs())."""
    for parsing in (parse, parse_document):
        assert refused_fields(parsing, Refund, {"amount": amount}) == {"amount"}
