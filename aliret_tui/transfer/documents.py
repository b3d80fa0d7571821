"""The export formats: the full JSON document and the orders CSV.

JSON holds everything (orders, disputes, events, chat, evidence) and imports
back exactly. CSV holds the order facts only, one row per order, for
spreadsheets and for bulk entry. Reading them back is ``importing.formats.own``.
Every string is passed through ``sanitize.outgoing`` before it is written, and
CSV cells are kept from being run as spreadsheet formulas.

``export_json`` and ``export_csv`` build a document from models. ``json_chunks``
and ``csv_chunks`` write the same bytes straight from the stored rows, a batch
of orders at a time, so that an export of 100,000 orders neither builds a model
per row nor holds the whole document (``store.records`` reads the batches).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from json.encoder import encode_basestring
from typing import Any

from aliret_tui.domain.clocks import clock_from_columns
from aliret_tui.domain.models import MINUTE_FORMAT, OrderFacts, OrderRecord, Record
from aliret_tui.domain.policy import Policy
from aliret_tui.domain.states import OrderState
from aliret_tui.domain.vocabulary import EventKind, EvidenceKind, Outcome, Reason, Sender
from aliret_tui.sanitize import outgoing, outgoing_json, shown
from aliret_tui.transfer.csv_columns import CSV_COLUMNS, CSV_EXTRA_COLUMNS
from aliret_tui.transfer.export_rows import (
    ATTACHMENT_COLUMNS,
    EVENT_COLUMNS,
    EVIDENCE_COLUMNS,
    LINE_COLUMNS,
    MESSAGE_COLUMNS,
    ORDER_COLUMNS,
    OrderRows,
    Row,
)

FORMAT_NAME = "aliret-tui"
FORMAT_VERSION = 1

# Text a spreadsheet would run as a formula (OWASP "CSV injection"): = + - or @, after
# any apostrophes, spaces and double quotes, at the start of a cell or after anything a
# spreadsheet may split cells or rows on (comma, semicolon, tab, line breaks): a
# semicolon or tab inside a cell starts a new cell for a reader set to split there.
# A cell must not start with a tab or CR either.
_CELL_START = r"(?:^|(?<=[,;\t\r\n]))"
_RUNS_AS_FORMULA = r"""'*(?:[^\S\t\r\n]|")*[=+\-@]"""
_STARTS_WITH_BREAK = r"'*[\t\r]"
_FORMULA = re.compile(rf"^(?={_STARTS_WITH_BREAK})|{_CELL_START}(?={_RUNS_AS_FORMULA})")
_NEUTRALISED = re.compile(rf"^'(?={_STARTS_WITH_BREAK})|{_CELL_START}'(?={_RUNS_AS_FORMULA})")


# -- JSON ----------------------------------------------------------------------


def record_to_json(record: OrderRecord) -> dict[str, Any]:
    data = _json_value(record)
    for message in data["messages"]:
        message.pop("id", None)
    for item in data["evidence"]:
        item.pop("id", None)
        for attachment in item["attachments"]:
            attachment.pop("id", None)
    return data


def _json_value(value: Any) -> Any:
    """A record as JSON values: dates as YYYY-MM-DD, chat times to the minute,
    amounts as text (exact), choices by their value."""
    if isinstance(value, Record):
        return {name: _json_value(item) for name, item in value.values().items()}
    if isinstance(value, tuple | list):
        return [_json_value(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.strftime(MINUTE_FORMAT)
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return value


def export_json(records: Iterable[OrderRecord]) -> str:
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "orders": [record_to_json(record) for record in records],
    }
    return outgoing_json(document, indent=2) + "\n"


# -- CSV -----------------------------------------------------------------------


def export_csv(rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS + CSV_EXTRA_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {key: _neutralise_formula(outgoing(_csv_cell(value))) for key, value in row.items()}
        )
    return buffer.getvalue()


def facts_to_csv_row(facts: OrderFacts) -> dict[str, Any]:
    return {name: getattr(facts, name) for name in CSV_COLUMNS}


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _neutralise_formula(cell: str) -> str:
    """Put a quote before each part of the cell a spreadsheet could run as a formula,
    so that it shows as text. A part that is already quoted that way gets one more,
    so that ``restore_formula`` can take exactly one off again."""
    return _FORMULA.sub("'", cell)


def restore_formula(cell: str) -> str:
    """Undo ``_neutralise_formula`` so an exported CSV imports back unchanged."""
    return _NEUTRALISED.sub("", cell)


# -- streamed from the stored rows ----------------------------------------------
#
# The same documents as ``export_json`` and ``export_csv``, byte for byte, written
# straight from the rows: each value is turned into its JSON or CSV text the way
# the models and ``outgoing_json`` turn it (texts cleaned by ``shown`` where the
# store cleans them, then by ``outgoing``), and laid out as ``json.dumps(indent=2)``
# lays it out.

_HAS_DISPUTE = len(ORDER_COLUMNS)


# -- JSON from rows --


def _text(value: str) -> str:
    """A text as it is stored, as a JSON string (``outgoing`` on what needs it)."""
    return encode_basestring(value if value.isprintable() else outgoing(value))


def _line(value: str) -> str:
    """A single-line text the store shows cleaned (``shown``), as a JSON string."""
    return encode_basestring(value if value.isprintable() else outgoing(shown(value)))


def _multiline(value: str) -> str:
    return encode_basestring(
        value if value.isprintable() else outgoing(shown(value, multiline=True))
    )


def _maybe_text(value: str | None) -> str:
    return "null" if value is None else _text(value)


def _flag(value: int) -> str:
    return "true" if value else "false"


def _number(value: int | None) -> str:
    return "null" if value is None else str(value)


def _amount(value: str | None) -> str:
    return "null" if value is None else f'"{Decimal(value)}"'


def _day(value: str | None) -> str:
    return _iso_day(value) if value else "null"


@lru_cache(maxsize=8192)
def _iso_day(text: str) -> str:
    return f'"{dt.date.fromisoformat(text).isoformat()}"'


class _Choices(dict[str, str]):
    """An enum's values as JSON strings; a value that is none of them raises as the
    enum does (the models would not have been made)."""

    def __init__(self, kind: type[Any]) -> None:
        super().__init__((member.value, encode_basestring(member.value)) for member in kind)
        self.kind = kind

    def __missing__(self, value: str) -> str:
        return encode_basestring(self.kind(value).value)


_STATES, _REASONS, _OUTCOMES = _Choices(OrderState), _Choices(Reason), _Choices(Outcome)
_EVENT_KINDS, _SENDERS, _EVIDENCE_KINDS = (
    _Choices(EventKind),
    _Choices(Sender),
    _Choices(EvidenceKind),
)


def _shown_line(value: str) -> str:
    return outgoing(shown(value))


def _shown_multiline(value: str) -> str:
    return outgoing(shown(value, multiline=True))


def _object(keys: Iterable[str], level: int) -> str:
    """A %-template of a JSON object with ``keys`` at nesting ``level``, laid out as
    ``json.dumps(indent=2)`` does; each value goes in as JSON text."""
    inside = "\n" + "  " * (level + 1)
    members = ("," + inside).join(encode_basestring(key) + ": %s" for key in keys)
    return "{" + inside + members + "\n" + "  " * level + "}"


def _array(items: list[str], level: int) -> str:
    """JSON texts as an array at nesting ``level``, laid out as ``json.dumps(indent=2)``."""
    if not items:
        return "[]"
    inside = _INSIDE[level]
    return "[" + inside + ("," + inside).join(items) + _CLOSING[level] + "]"


_INSIDE = tuple("\n" + "  " * (level + 1) for level in range(8))
_CLOSING = tuple("\n" + "  " * level for level in range(8))

# The record's keys, as ``record_to_json`` makes them (the models' fields, without
# the ids of messages, evidence and attachments). Levels: the document is 0, the
# orders list 1, each record 2.
RECORD_KEYS = ("order", "lines", "events", "messages", "evidence")
ORDER_KEYS = (*ORDER_COLUMNS, "dispute")
DISPUTE_KEYS = ("reason", "outcome", "opened_on", "escalated_on", "return_shipment", "refund")
RETURN_SHIPMENT_KEYS = ("approved_on", "carrier", "tracking", "shipped_on", "delivered_on")
REFUND_KEYS = ("due_since", "expected_amount", "amount", "refunded_on")
LINE_KEYS = LINE_COLUMNS
EVENT_KEYS = tuple("on" if name == "on_date" else name for name in EVENT_COLUMNS)
MESSAGE_KEYS = MESSAGE_COLUMNS
EVIDENCE_KEYS = (*EVIDENCE_COLUMNS, "attachments")
ATTACHMENT_KEYS = ATTACHMENT_COLUMNS

_RECORD = _object(RECORD_KEYS, 2)
_ORDER = _object(ORDER_KEYS, 3)
_DISPUTE = _object(DISPUTE_KEYS, 4)
_RETURN_SHIPMENT = _object(RETURN_SHIPMENT_KEYS, 5)
_REFUND = _object(REFUND_KEYS, 5)
_LINE = _object(LINE_KEYS, 4)
_EVENT = _object(EVENT_KEYS, 4)
_MESSAGE = _object(MESSAGE_KEYS, 4)
_EVIDENCE = _object(EVIDENCE_KEYS, 4)
_ATTACHMENT = _object(ATTACHMENT_KEYS, 6)

_EMPTY_DOCUMENT = json.dumps(
    {"format": FORMAT_NAME, "version": FORMAT_VERSION, "orders": []}, indent=2
)
_DOCUMENT_START, _DOCUMENT_END = _EMPTY_DOCUMENT.split("[]")
_BETWEEN_ORDERS = _INSIDE[1]


def json_chunks(batches: Iterable[OrderRows]) -> Iterator[str]:
    """The JSON document ``export_json`` writes for the same orders, byte for byte,
    one batch of orders at a time."""
    yield _DOCUMENT_START + "["
    written = False
    for batch in batches:
        records = [_record_json(row, batch) for row in batch.orders]
        if records:
            yield ("," if written else "") + _BETWEEN_ORDERS + ("," + _BETWEEN_ORDERS).join(records)
            written = True
    yield (_CLOSING[1] if written else "") + "]" + _DOCUMENT_END + "\n"


def _record_json(row: Row, batch: OrderRows) -> str:
    order_id = row[0]
    lines = batch.lines.get(order_id)
    events = batch.events.get(order_id)
    messages = batch.messages.get(order_id)
    evidence = batch.evidence.get(order_id)
    return _RECORD % (
        _order_json(row),
        _array([_line_json(line) for line in lines], 3) if lines else "[]",
        _array([_event_json(event) for event in events], 3) if events else "[]",
        _array([_message_json(message) for message in messages], 3) if messages else "[]",
        _array([_evidence_json(item, batch.attachments) for item in evidence], 3)
        if evidence
        else "[]",
    )


def _order_json(row: Row) -> str:
    (order_id, title, price, currency, store, ordered_on, delivered_on, window_days,
     protection_ends, country, free_return, local_return, note, state, clock_since,
     archived, delivery_unknown, version, created_at, updated_at) = row[:_HAS_DISPUTE]  # fmt: skip
    # One look at all the texts: almost always there is nothing to clean.
    if not (order_id + title + currency + store + note + created_at + updated_at).isprintable():
        order_id, currency = outgoing(order_id), outgoing(currency)
        created_at, updated_at = outgoing(created_at), outgoing(updated_at)
        title, store, note = _shown_line(title), _shown_line(store), _shown_multiline(note)
    return _ORDER % (
        encode_basestring(order_id),
        encode_basestring(title),
        f'"{Decimal(price)}"',
        encode_basestring(currency),
        encode_basestring(store),
        _day(ordered_on),
        _day(delivered_on),
        "null" if window_days is None else str(window_days),
        _day(protection_ends),
        "null" if country is None else _text(country),
        "true" if free_return else "false",
        "true" if local_return else "false",
        encode_basestring(note),
        _STATES[state],
        _day(clock_since),
        "true" if archived else "false",
        "true" if delivery_unknown else "false",
        str(version),
        encode_basestring(created_at),
        encode_basestring(updated_at),
        _dispute_json(row[_HAS_DISPUTE + 1 :]) if row[_HAS_DISPUTE] else "null",
    )


def _dispute_json(row: Row) -> str:
    (reason, outcome, opened_on, escalated_on, approved_on, carrier, tracking, shipped_on,
     returned_on, due_since, expected, amount, refunded_on) = row  # fmt: skip
    shipment = "null"
    if approved_on:
        shipment = _RETURN_SHIPMENT % (
            _day(approved_on), _line(carrier), _line(tracking), _day(shipped_on),
            _day(returned_on),
        )  # fmt: skip
    refund = "null"
    if due_since or amount is not None:
        refund = _REFUND % (_day(due_since), _amount(expected), _amount(amount), _day(refunded_on))
    return _DISPUTE % (
        _REASONS[reason],
        _OUTCOMES[outcome],
        _day(opened_on),
        _day(escalated_on),
        shipment,
        refund,
    )


def _line_json(row: Row) -> str:
    (_, position, title, quantity, unit_price, attributes, product_url, line_id, free_return,
     disputed) = row  # fmt: skip
    return _LINE % (
        _number(position),
        _line(title),
        _number(quantity),
        _amount(unit_price),
        _line(attributes),
        _line(product_url),
        _line(line_id),
        _flag(free_return),
        _flag(disputed),
    )


def _event_json(row: Row) -> str:
    (_, seq, kind, on_date, note, reason, outcome, tracking, carrier, amount, lines,
     recorded_at, source) = row  # fmt: skip
    if not (note + tracking + carrier + recorded_at + source).isprintable():
        note, recorded_at = _shown_multiline(note), outgoing(recorded_at)
        tracking, carrier, source = _shown_line(tracking), _shown_line(carrier), _shown_line(source)
    return _EVENT % (
        str(seq),
        _EVENT_KINDS[kind],
        _day(on_date),
        encode_basestring(note),
        _REASONS[reason] if reason else "null",
        _OUTCOMES[outcome] if outcome else "null",
        encode_basestring(tracking),
        encode_basestring(carrier),
        "null" if amount is None else f'"{Decimal(amount)}"',
        _array([str(int(part)) for part in lines.split(",") if part.isdigit()], 5)
        if lines
        else "[]",
        encode_basestring(recorded_at),
        encode_basestring(source),
    )


def _message_json(row: Row) -> str:
    _, sender, sent_at, text, edited_at = row
    return _MESSAGE % (
        _SENDERS[sender],
        encode_basestring(dt.datetime.fromisoformat(sent_at).strftime(MINUTE_FORMAT)),
        _multiline(text),
        _text(edited_at),
    )


def _evidence_json(row: Row, attachments: dict[int, list[Row]]) -> str:
    _, evidence_id, label, kind, done, note, custom, position = row
    return _EVIDENCE % (
        _line(label),
        _EVIDENCE_KINDS[kind],
        _flag(done),
        _multiline(note),
        _flag(custom),
        _number(position),
        _array([_attachment_json(file) for file in attachments.get(evidence_id, ())], 5),
    )


def _attachment_json(row: Row) -> str:
    _, path, size, sha256, attached_at = row
    return _ATTACHMENT % (_line(path), _number(size), _text(sha256), _text(attached_at))


# -- CSV from rows --


def csv_chunks(batches: Iterable[list[Row]], policy: Policy, today: dt.date) -> Iterator[str]:
    """The CSV the export writes (``export_csv`` of each order's facts, state and next
    deadline), byte for byte, from batches of rows: ``CSV_ORDER_COLUMNS`` and the day
    the order's dispute was opened."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS + CSV_EXTRA_COLUMNS)
    yield buffer.getvalue()
    for rows in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([_csv_cells(row, policy, today) for row in rows])
        yield buffer.getvalue()


def _csv_cells(row: Row, policy: Policy, today: dt.date) -> list[str]:
    (order_id, title, price, currency, store, ordered_on, delivered_on, window_days,
     protection_ends, country, free_return, local_return, note, state, clock_since,
     dispute_opened_on) = row  # fmt: skip
    state_value, closed = _state(state)
    deadline = ""
    if not closed:  # a closed order has no clock running
        clock = clock_from_columns(
            state,
            delivered_on=delivered_on,
            protection_ends=protection_ends,
            window_days=window_days,
            local_return=local_return,
            ordered_on=ordered_on,
            dispute_opened_on=dispute_opened_on,
            clock_since=clock_since,
            policy=policy,
        )
        if clock is not None and not clock.is_expired(today):
            deadline = clock.deadline.isoformat()
    texts = order_id + title + currency + store + note
    if not texts.isprintable() or _MAY_RUN.search(texts):
        order_id, currency = _cell(order_id), _cell(currency)
        title, store = _cell(shown(title)), _cell(shown(store))
        note = _cell(shown(note, multiline=True))
    price = str(Decimal(price))
    return [
        order_id,
        title,
        _neutralise_formula(price) if price[0] == "-" else price,  # the only start it may run
        currency,
        store,
        _iso_day(ordered_on)[1:-1] if ordered_on else "",
        _iso_day(delivered_on)[1:-1] if delivered_on else "",
        "" if window_days is None else _neutralise_formula(str(window_days)),
        _iso_day(protection_ends)[1:-1] if protection_ends else "",
        "" if country is None else _cell(country),
        "true" if free_return else "false",
        "true" if local_return else "false",
        note,
        state_value,
        deadline,
    ]


# A cell may run as a formula only if it holds one of these (see ``_FORMULA``).
_MAY_RUN = re.compile(r"[=+\-@\t\r]")


def _cell(text: str) -> str:
    """A text cell as ``export_csv`` writes it: ``outgoing``, then neutralised."""
    if not text.isprintable():
        text = outgoing(text)
    return _FORMULA.sub("'", text) if _MAY_RUN.search(text) else text


@lru_cache(maxsize=64)
def _state(value: str) -> tuple[str, bool]:
    state = OrderState(value)
    return state.value, state.is_closed
